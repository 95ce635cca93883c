#!/usr/bin/env python3
"""Smoke test for the small mount examples (minimal_server, async_server, coro_server).

Starts the example on an ephemeral loopback port and completes one authorization code flow
over HTTP as a browser and Seam would: sign-in page, sign-in, code, token, bearer call.
Python standard library only.

Usage: smoke_example_mount.py PATH/TO/example_server
"""
import html
import http.client
import json
import re
import subprocess
import sys
import urllib.parse

CALLBACK = "https://connect.getseam.com/oauth/callback"


def request(port, method, target, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {})
    res = conn.getresponse()
    data = res.read().decode()
    conn.close()
    return res, data


def main():
    server = subprocess.Popen([sys.argv[1], "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        assert m, "no 'listening on' line: %r" % line
        port = int(m.group(1))

        query = urllib.parse.urlencode({"response_type": "code", "client_id": "seam",
                                        "redirect_uri": CALLBACK, "state": "xyz"})
        res, page = request(port, "GET", "/authorize?" + query)
        assert res.status == 200, res.status
        fields = {html.unescape(k): html.unescape(v) for k, v in
                  re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)}
        assert "csrf" in fields, fields
        cookie = "; ".join(c.split(";")[0] for c in res.headers.get_all("Set-Cookie"))

        form = dict(fields, username="owner@example.com", password="change me", action="sign_in")
        res, _ = request(port, "POST", "/authorize", urllib.parse.urlencode(form),
                         {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        assert res.status == 303, res.status
        location = res.getheader("Location")
        assert location.startswith(CALLBACK + "?"), location
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        assert params["state"] == ["xyz"], params

        token_form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": params["code"][0],
                                             "redirect_uri": CALLBACK, "client_id": "seam",
                                             "client_secret": "seamsecret"})
        res, body = request(port, "POST", "/oauth/token", token_form,
                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert res.status == 200, (res.status, body)
        token = json.loads(body)
        assert token["token_type"] == "Bearer" and token["user_id"] == "usr_1", token

        res, body = request(port, "GET", "/devices", headers={"Authorization": "Bearer " + token["access_token"]})
        assert res.status == 200 and json.loads(body)["owner"] == "usr_1", (res.status, body)
        res, _ = request(port, "GET", "/devices")
        assert res.status == 401 and res.getheader("WWW-Authenticate").startswith("Bearer"), res.status
        print("%s: flow ok on port %d" % (sys.argv[1], port))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
