#!/usr/bin/env python3
"""Socket-level tests against the example intercom server.

Starts examples/intercom_server on loopback ports (plain HTTP and HTTPS), then drives it
as Seam and as a standard OAuth 2.0 client library (requests-oauthlib) would, and runs an
adversarial black-box suite written from RFC 6749, 6750, 7636, 9700 and Seam's guides.

Usage: test_example_server.py PATH/TO/intercom_server
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import base64
import concurrent.futures
import hashlib
import html.parser
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # the plain-HTTP server on loopback

import requests  # noqa: E402
import urllib3  # noqa: E402
from requests_oauthlib import OAuth2Session  # noqa: E402

urllib3.disable_warnings()

SERVER = sys.argv[1] if len(sys.argv) > 1 else "build/examples/intercom_server"
PASSWORD = "correct horse battery staple"
EMAIL = "owner@example.com"
USER_ID = "usr_7d3f9a2c41b8"
SEAM_CB = "https://connect.getseam.com/oauth/callback"
WILD_CB = "https://acme.integrations.getseam.com/callback?session=abc"

CONFIG = {
    "demo": True,
    "profile": "seam",
    "access_token_ttl": 3600,
    "code_ttl": 60,
    "threads": 2,
    "password_hash_iterations": 1000,  # fast for tests; the shipped config uses 600000
    "clients": [
        {
            "client_id": "seam",
            "client_secret": "seamsecret",
            "name": "Seam",
            "default_scope": "intercoms.read intercoms.write",  # as in the shipped config.json
            "redirect_uris": [
                "https://*.integrations.getseam.com/*",
                "https://connect.getseam.com/oauth/callback",
                "https://staging.connect.getseam.com/oauth/callback",
                "http://localhost:3020/oauth/callback",
            ],
        }
    ],
    "users": [{"email": EMAIL, "password": PASSWORD, "user_id": USER_ID, "name": "Demo Owner"}],
}


class Server:
    def __init__(self, extra_args=(), config=None):
        self.dir = tempfile.mkdtemp(prefix="beast-oauth-e2e-")
        path = os.path.join(self.dir, "config.json")
        with open(path, "w") as f:
            json.dump(config or CONFIG, f)
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([SERVER, "--config", path, "--listen", "127.0.0.1:0", *extra_args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        self.base = None
        while time.time() < deadline and self.base is None:
            time.sleep(0.05)
            with open(self.log_path) as f:
                m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.base = f"{m.group(1)}://127.0.0.1:{m.group(2)}"
                self.port = int(m.group(2))
            if self.proc.poll() is not None:
                break
        if self.base is None:
            raise RuntimeError("server did not start: " + open(self.log_path).read())

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return None
        return self.proc.returncode


class Hidden(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")


def hidden_fields(page):
    p = Hidden()
    p.feed(page)
    return p.fields


def sign_in(http, base, authorize_url, email=EMAIL, password=PASSWORD, verify=True):
    page = http.get(authorize_url if authorize_url.startswith("http") else base + authorize_url,
                    allow_redirects=False, verify=verify)
    assert page.status_code == 200, (page.status_code, page.text[:300])
    form = hidden_fields(page.text)
    form.update({"username": email, "password": password, "action": "sign_in"})
    return http.post(base + "/authorize", data=form, allow_redirects=False, verify=verify)


def code_from(resp):
    assert resp.status_code == 303, (resp.status_code, resp.text[:300])
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["Location"]).query)
    return q["code"][0], q


def authorize_url(base, redirect_uri=SEAM_CB, **extra):
    params = {"response_type": "code", "client_id": "seam", "redirect_uri": redirect_uri}
    params.update(extra)
    return base + "/authorize?" + urllib.parse.urlencode(params)


def token_form(base, code, redirect_uri=SEAM_CB, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": "seam", "client_secret": "seamsecret"}
    data.update(extra)
    return requests.post(base + "/oauth/token", data=data)


def raw_http(port, payload, timeout=5):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except socket.timeout:
            pass
        return b"".join(chunks)


# ---------------------------------------------------------------- tests

def test_health_is_public(srv):
    r = requests.get(srv.base + "/health")
    assert r.status_code == 200 and r.json() == {"ok": True}


def test_standard_client_library_flow_with_pkce(srv):
    """requests-oauthlib drives the strict RFC 6749 flow with state and PKCE S256."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    oauth = OAuth2Session("seam", redirect_uri=SEAM_CB, scope=["locks.read", "locks.write"])
    url, state = oauth.authorization_url(srv.base + "/authorize", code_challenge=challenge,
                                         code_challenge_method="S256", prompt="login")
    browser = requests.Session()
    resp = sign_in(browser, srv.base, url)
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert location.startswith(SEAM_CB + "?")
    token = oauth.fetch_token(srv.base + "/oauth/token", authorization_response=location,
                              client_secret="seamsecret", include_client_id=True, code_verifier=verifier)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["user_id"] == USER_ID
    r = oauth.get(srv.base + "/intercoms")
    assert r.status_code == 200, r.text
    assert r.json()["intercoms"][0]["intercom_id"] == "ic_lobby_01"


def test_client_secret_basic(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base, state="s")))
    r = requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"),
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": SEAM_CB})
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Pragma"] == "no-cache"


def test_seam_intercom_guide_shapes(srv):
    """The 2023 guide: /authorize with only redirect_uri, token body without grant_type, as JSON."""
    resp = sign_in(requests.Session(), srv.base, srv.base + "/authorize?redirect_uri=" + urllib.parse.quote(WILD_CB, safe=""))
    code, q = code_from(resp)
    assert resp.headers["Location"].startswith(WILD_CB + "&code=")
    assert q["session"] == ["abc"]
    r = requests.post(srv.base + "/oauth/token", json={"code": code, "client_id": "seam", "client_secret": "seamsecret"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["access_token"].startswith("boa_at_") and body["user_id"] == USER_ID
    assert None not in body.values()
    api = requests.get(srv.base + "/intercoms/ic_lobby_01", headers={"Authorization": "Bearer " + body["access_token"]})
    assert api.status_code == 200 and api.json()["intercom"]["name"] == "Lobby entrance"
    code2, _ = code_from(sign_in(requests.Session(), srv.base, srv.base + "/authorize?redirect_uri=" + urllib.parse.quote(WILD_CB, safe="")))
    r2 = requests.post(srv.base + "/oauth/token", data={"code": code2, "client_id": "seam", "client_secret": "seamsecret"})
    assert r2.status_code == 200, r2.text


def test_intercom_api_routes(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    token = token_form(srv.base, code).json()["access_token"]
    h = {"Authorization": "Bearer " + token}
    assert requests.post(srv.base + "/intercoms/ic_lobby_01/unlock", json={"unlock_time": 5000}, headers=h).json() == {"ok": True}
    r = requests.post(srv.base + "/intercoms/ic_roof_03/unlock", json={"unlock_time": 5000}, headers=h)
    assert r.status_code == 500 and r.json()["error_id"] == "INTERCOM_DISCONNECTED"
    codes = requests.get(srv.base + "/access_codes?intercom_id=ic_lobby_01", headers=h).json()["access_codes"]
    assert {c["access_code_id"] for c in codes} == {"ac_1001", "ac_1002"}
    assert requests.get(srv.base + "/access_codes/ac_2001", headers=h).json()["access_code"]["code"] == "1357"
    r = requests.delete(srv.base + "/access_codes/ac_1002", headers=h)
    assert r.status_code == 500 and r.json()["error_id"] == "ACCESS_CODE_REMOVAL_FAILED"
    assert requests.delete(srv.base + "/access_codes/ac_2001", headers=h).json() == {"ok": True}
    assert requests.get(srv.base + "/access_codes/ac_2001", headers=h).status_code == 404
    for method, path in [("GET", "/intercoms"), ("GET", "/intercoms/ic_lobby_01"), ("POST", "/intercoms/ic_lobby_01/unlock"),
                         ("GET", "/access_codes"), ("GET", "/access_codes/ac_1001"), ("DELETE", "/access_codes/ac_1001")]:
        r = requests.request(method, srv.base + path)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer"), (method, path)


def test_demo_client_completes_the_flow(srv):
    browser = requests.Session()
    page = browser.get(srv.base + "/demo")
    assert page.status_code == 200
    link = re.search(r'href="(/authorize\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
    resp = sign_in(browser, srv.base, srv.base + link)
    assert resp.status_code == 303
    done = browser.get(resp.headers["Location"])
    assert done.status_code == 200, done.text
    assert "Connected" in done.text and "ic_lobby_01" in done.text and "answered 200" in done.text


def test_state_is_echoed_exactly_and_headers_cannot_be_split(srv):
    state = "a b+c&d=e%f/é?#\r\nSet-Cookie: evil=1"
    resp = sign_in(requests.Session(), srv.base, authorize_url(srv.base, state=state))
    assert resp.status_code == 303
    assert "evil" not in resp.cookies and "\n" not in resp.headers["Location"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(resp.headers["Location"]).query)
    assert q["state"] == [state]


def test_reflected_values_are_escaped(srv):
    r = requests.get(authorize_url(srv.base, state='"><script>alert(1)</script>', scope="<img/src=x>"))
    assert r.status_code in (200, 302)
    assert "<script>alert(1)" not in r.text and "<img/src=x>" not in r.text
    r = requests.get(srv.base + "/authorize?client_id=%3Cscript%3E&redirect_uri=x")
    assert r.status_code == 400 and "<script>" not in r.text


def test_redirect_uri_attacks_get_an_error_page_and_no_location(srv):
    attacks = [
        "https://evilintegrations.getseam.com/cb",
        "https://integrations.getseam.com.evil.test/cb",
        "https://acme.integrations.getseam.com.evil.test/cb",
        "https://evil.test@connect.getseam.com/oauth/callback",
        "https://connect.getseam.com@evil.test/oauth/callback",
        "https://evil.test\\@connect.getseam.com/oauth/callback",
        "https://acme.integrations.getseam.com\\.evil.test/cb",
        "https://connect.getseam.com/oauth/callback#@evil.test",
        "http://connect.getseam.com/oauth/callback",
        "https://connect.getseam.com/oauth/callback/../../evil",
        "https://acme.integrations.getseam.com/%2e%2e/evil",
        "https://connect%2egetseam.com/oauth/callback",
        "https://acme.integrations.getseam.com./cb",
        "javascript:alert(1)",
        "https://connect.getseam.com:8443/oauth/callback",
        "https://connect.getseam.com/oauth/callback\t",
        "http://0x7f.1:3020/oauth/callback",
        "//evil.test/cb",
    ]
    for uri in attacks:
        for url in (authorize_url(srv.base, redirect_uri=uri, state="s"), srv.base + "/authorize?redirect_uri=" + urllib.parse.quote(uri, safe="")):
            r = requests.get(url, allow_redirects=False)
            assert r.status_code == 400, (uri, r.status_code)
            assert "Location" not in r.headers, uri
            assert r.headers["Content-Type"].startswith("text/html")


def test_errors_after_trusted_redirect_go_back_with_state(srv):
    r = requests.get(authorize_url(srv.base, state="st", response_type="token"), allow_redirects=False)
    assert r.status_code == 302
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)
    assert q["error"] == ["unsupported_response_type"] and q["state"] == ["st"]
    browser = requests.Session()
    page = browser.get(authorize_url(srv.base, state="s2"))
    form = hidden_fields(page.text)
    form["action"] = "deny"
    r = browser.post(srv.base + "/authorize", data=form, allow_redirects=False)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)
    assert r.status_code == 303 and q["error"] == ["access_denied"] and q["state"] == ["s2"]


def test_wrong_password_rerenders_without_redirect(srv):
    r = sign_in(requests.Session(), srv.base, authorize_url(srv.base), password="nope")
    assert r.status_code == 200 and "Location" not in r.headers
    assert "The email or password is incorrect." in r.text


def test_csrf_without_cookie_is_refused(srv):
    page = requests.get(authorize_url(srv.base, state="x"))
    form = hidden_fields(page.text)
    form.update({"username": EMAIL, "password": PASSWORD})
    r = requests.post(srv.base + "/authorize", data=form, allow_redirects=False)  # no cookie jar
    assert r.status_code == 403 and "Location" not in r.headers


def test_code_replay_fails_and_revokes(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    first = token_form(srv.base, code)
    assert first.status_code == 200
    token = first.json()["access_token"]
    h = {"Authorization": "Bearer " + token}
    assert requests.get(srv.base + "/intercoms", headers=h).status_code == 200
    second = token_form(srv.base, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    r = requests.get(srv.base + "/intercoms", headers=h)
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_same_code_redeemed_by_16_connections(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: token_form(srv.base, code), range(16)))
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(200) == 1 and statuses.count(400) == 15, statuses
    assert all(r.json()["error"] == "invalid_grant" for r in results if r.status_code == 400)


def test_token_endpoint_errors(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    r = token_form(srv.base, code, client_secret="wrong")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = requests.post(srv.base + "/oauth/token", auth=("seam", "wrong"), data={"grant_type": "authorization_code", "code": code})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    r = requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"), data={"grant_type": "authorization_code", "code": code, "client_secret": "seamsecret"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = requests.post(srv.base + "/oauth/token", data="grant_type=authorization_code&code=a&code=b&client_id=seam&client_secret=seamsecret",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = token_form(srv.base, code, grant_type="password")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = token_form(srv.base, code, redirect_uri="https://staging.connect.getseam.com/oauth/callback")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = token_form(srv.base, "boa_ac_" + "A" * 43 + "." + "B" * 43)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = requests.get(srv.base + "/oauth/token")
    assert r.status_code == 405 and r.json()["error"] == "invalid_request"
    r = requests.post(srv.base + "/oauth/token", data="x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_pkce_is_enforced(srv):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base, code_challenge=challenge, code_challenge_method="S256")))
    assert token_form(srv.base, code).json()["error"] == "invalid_grant"
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base, code_challenge=challenge, code_challenge_method="S256")))
    assert token_form(srv.base, code, code_verifier=secrets.token_urlsafe(48)).json()["error"] == "invalid_grant"
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    assert token_form(srv.base, code, code_verifier=verifier).json()["error"] == "invalid_grant"  # downgrade
    r = requests.get(authorize_url(srv.base, code_challenge=challenge, code_challenge_method="plain"), allow_redirects=False)
    assert "error=invalid_request" in r.headers["Location"]


def test_bearer_errors(srv):
    r = requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    r = requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer a b"})
    assert r.status_code == 400 and 'error="invalid_request"' in r.headers["WWW-Authenticate"]
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    token = token_form(srv.base, code).json()["access_token"]
    assert requests.get(srv.base + "/intercoms", headers={"Authorization": "bearer " + token}).status_code == 200
    assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + code}).status_code == 401
    assert requests.get(srv.base + "/intercoms?access_token=" + token).status_code == 401


def test_bad_http_gets_specific_errors_and_server_keeps_serving(srv):
    big_body = b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200000\r\n\r\n" + b"a" * 200000
    assert raw_http(srv.port, big_body).startswith(b"HTTP/1.1 413")
    big_header = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    assert raw_http(srv.port, big_header).startswith(b"HTTP/1.1 431")
    assert raw_http(srv.port, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw_http(srv.port, b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n").startswith(b"HTTP/1.1 400")
    pipelined = raw_http(srv.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert pipelined.count(b"HTTP/1.1 200") == 2
    r = requests.post(srv.base + "/oauth/token", data="%zz=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert requests.get(srv.base + "/health").status_code == 200


def test_no_secret_in_the_log(srv):
    browser = requests.Session()
    code, _ = code_from(sign_in(browser, srv.base, authorize_url(srv.base, state="sekret-state")))
    token = token_form(srv.base, code).json()["access_token"]
    requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + token})
    token_form(srv.base, code)  # a replay: logged as an event
    out = srv.output()
    for secret in (code, token, PASSWORD, "seamsecret\n", "sekret-state", browser.cookies.get("boa_csrf")):
        assert secret not in out, secret
    assert "POST /oauth/token 200" in out and "code_replay" in out


def test_refresh_with_standard_client(srv):
    """requests-oauthlib refreshes; Seam's rules: same refresh token, old access token keeps working."""
    oauth = OAuth2Session("seam", redirect_uri=SEAM_CB)
    url, _ = oauth.authorization_url(srv.base + "/authorize")
    resp = sign_in(requests.Session(), srv.base, url)
    first = oauth.fetch_token(srv.base + "/oauth/token", authorization_response=resp.headers["Location"],
                              client_secret="seamsecret", include_client_id=True)
    assert first["refresh_token"].startswith("boa_rt_")
    second = oauth.refresh_token(srv.base + "/oauth/token", refresh_token=first["refresh_token"],
                                 auth=("seam", "seamsecret"))
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] == first["refresh_token"]
    assert second["user_id"] == USER_ID
    for t in (first["access_token"], second["access_token"]):
        assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + t}).status_code == 200
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"), data={
            "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}), range(8)))
    assert [r.status_code for r in results] == [200] * 8


def test_metadata_accepted_by_a_strict_client(srv):
    from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
    r = requests.get(srv.base + "/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    meta = AuthorizationServerMetadata(r.json())
    meta.validate()  # raises on any RFC 8414 violation
    assert meta["issuer"] == f"http://localhost:{srv.port}"
    assert meta["token_endpoint"] == meta["issuer"] + "/oauth/token"


def test_revocation_and_introspection(srv):
    code, _ = code_from(sign_in(requests.Session(), srv.base, authorize_url(srv.base)))
    tokens = token_form(srv.base, code).json()
    at, rt = tokens["access_token"], tokens["refresh_token"]
    i = requests.post(srv.base + "/oauth/introspect", auth=("seam", "seamsecret"), data={"token": at}).json()
    assert i["active"] is True and i["sub"] == USER_ID and i["client_id"] == "seam"
    assert requests.post(srv.base + "/oauth/introspect", data={"token": at}).status_code == 401
    assert requests.post(srv.base + "/oauth/revoke", auth=("seam", "seamsecret"), data={"token": "nonsense"}).status_code == 200
    assert requests.post(srv.base + "/oauth/revoke", auth=("seam", "seamsecret"), data={"token": rt}).status_code == 200
    assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + at}).status_code == 401
    i = requests.post(srv.base + "/oauth/introspect", auth=("seam", "seamsecret"), data={"token": at}).json()
    assert i == {"active": False}


def test_jwt_tokens_verify_with_a_standard_jose_library():
    from authlib.jose import JsonWebKey, jwt
    config = dict(CONFIG, token_format="jwt", code_format="jwt", refresh_rotation="rotate")
    srv = Server(config=config)
    try:
        browser = requests.Session()
        resp = sign_in(browser, srv.base, authorize_url(srv.base, state="s"))
        code, _ = code_from(resp)
        assert code.startswith("eyJ")
        tokens = token_form(srv.base, code).json()
        at = tokens["access_token"]
        jwks = requests.get(srv.base + "/.well-known/jwks.json").json()
        assert jwks["keys"][0]["kty"] == "OKP" and "d" not in jwks["keys"][0]
        claims = jwt.decode(at, JsonWebKey.import_key_set(jwks))
        claims.validate()
        assert claims["sub"] == USER_ID and claims["client_id"] == "seam" and claims["iss"] == f"http://localhost:{srv.port}"
        assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + at}).status_code == 200
        assert token_form(srv.base, code).json()["error"] == "invalid_grant"  # JWT code replay
        assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + at}).status_code == 401

        code, _ = code_from(sign_in(browser, srv.base, authorize_url(srv.base)))
        rt = token_form(srv.base, code).json()["refresh_token"]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"), data={
                "grant_type": "refresh_token", "refresh_token": rt}), range(8)))
        assert all(r.status_code == 200 for r in results), [r.text for r in results]
        assert len({r.json()["refresh_token"] for r in results}) == 1 and results[0].json()["refresh_token"] != rt
        for r in results:
            h = {"Authorization": "Bearer " + r.json()["access_token"]}
            assert requests.get(srv.base + "/intercoms", headers=h).status_code == 200
        assert "WARNING: no signing_key_file" in srv.output()
    finally:
        assert srv.stop() == 0


def test_https_with_host_cookies():
    d = tempfile.mkdtemp(prefix="beast-oauth-tls-")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    srv = Server(["--tls-cert", cert, "--tls-key", key])
    try:
        assert srv.base.startswith("https://")
        browser = requests.Session()
        page = browser.get(authorize_url(srv.base), verify=False)
        assert page.status_code == 200
        assert "__Host-boa_csrf=" in page.headers["Set-Cookie"] and "Secure" in page.headers["Set-Cookie"]
        form = hidden_fields(page.text)
        form.update({"username": EMAIL, "password": PASSWORD})
        # requests will not send a Secure cookie back to an IP over our self-signed TLS by itself: add it.
        cookie = page.headers["Set-Cookie"].split(";")[0]
        r = requests.post(srv.base + "/authorize", data=form, headers={"Cookie": cookie}, allow_redirects=False, verify=False)
        code, _ = code_from(r)
        t = requests.post(srv.base + "/oauth/token", verify=False, data={"code": code, "client_id": "seam", "client_secret": "seamsecret", "redirect_uri": SEAM_CB, "grant_type": "authorization_code"})
        assert t.status_code == 200, t.text
    finally:
        assert srv.stop() == 0


def test_graceful_shutdown_on_sigterm():
    srv = Server()
    assert requests.get(srv.base + "/health").status_code == 200
    assert srv.stop() == 0
    assert "shutting down" in srv.output()


def main():
    if not os.path.exists(SERVER):
        print(f"server binary not found: {SERVER}")
        return 2
    srv = Server()
    passed = failed = 0
    try:
        tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
        for name, fn in tests:
            try:
                if fn.__code__.co_argcount == 1:
                    fn(srv)
                else:
                    fn()
                passed += 1
                print(f"PASS {name}")
            except Exception:
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc()
    finally:
        code = srv.stop()
        if code != 0:
            failed += 1
            print(f"FAIL server exit code {code}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
