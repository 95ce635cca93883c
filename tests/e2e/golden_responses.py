#!/usr/bin/env python3
"""Byte-for-byte transcript of what the example server answers, compared with a golden file.

Drives one fixed script of requests (metadata, JWKS, every error shape of /authorize, the
token, revocation and introspection endpoints and the API, a full sign-in, exchange, refresh,
revocation and introspection) over raw sockets and writes each exchange as the exact status
line, headers and body. Only what is random or time-dependent is masked (Date, tokens, codes,
cookies, CSRF fields, iat/exp); everything else must match the golden file byte for byte.

The golden file was recorded from the build before the handler redesign (commit 179a9d2), so
this test proves the redesign changed no response (issue 12), and keeps it so.

Usage: golden_responses.py PATH/TO/intercom_server GOLDEN_FILE [--write]
"""
import base64
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

SERVER, GOLDEN = sys.argv[1], sys.argv[2]
WRITE = "--write" in sys.argv[3:]
SEAM_CB = "https://connect.getseam.com/oauth/callback"
PASSWORD = "correct horse battery staple"
VERIFIER = "golden-verifier-" + "x" * 40
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()

CONFIG = {
    "demo": True, "profile": "seam", "access_token_ttl": 3600, "code_ttl": 60, "threads": 1,
    "password_hash_iterations": 1000, "access_log": False,
    "clients": [
        {"client_id": "seam", "client_secret": "seamsecret", "name": "Seam",
         "default_scope": "intercoms.read intercoms.write",
         "redirect_uris": [SEAM_CB, "https://*.integrations.getseam.com/*"]},
        {"client_id": "app", "name": "Phone app", "redirect_uris": ["https://app.example/cb"]},
    ],
    "users": [{"email": "owner@example.com", "password": PASSWORD, "user_id": "usr_golden", "name": "Owner"}],
}

MASKS = [
    (re.compile(rb"^Date: .*$", re.M), rb"Date: <date>"),
    (re.compile(rb'"(access_token|refresh_token|id_token|jti)":"[^"]*"'), rb'"\1":"<masked>"'),
    (re.compile(rb'"(iat|exp|nbf|auth_time)":\d+'), rb'"\1":<time>'),
    (re.compile(rb"([?&]code=)[^&\s#]+"), rb"\1<code>"),
    (re.compile(rb"^(Set-Cookie: [^=]+=)[^;\r\n]*", re.M), rb"\1<cookie>"),
    (re.compile(rb'(name="(?:csrf|session|request|req|state_token)" value=")[^"]*"'), rb'\1<masked>"'),
    (re.compile(rb"'sha256-[A-Za-z0-9+/=]+'"), rb"'sha256-<hash>'"),
    (re.compile(rb"(localhost|127\.0\.0\.1)(:|%3A)\d+"), rb"\1\2<port>"),
    (re.compile(rb"access_token=[^&\s]+"), rb"access_token=<masked>"),
]


def mask(b):
    for rx, rep in MASKS:
        b = rx.sub(rep, b)
    return b


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="beast-oauth-golden-")
        path = os.path.join(self.dir, "config.json")
        with open(path, "w") as f:
            json.dump(CONFIG, f)
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([SERVER, "--config", path, "--listen", "127.0.0.1:0"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        self.port = None
        while time.time() < deadline and self.port is None:
            time.sleep(0.05)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(self.log_path).read())
            if m:
                self.port = int(m.group(1))
            if self.proc.poll() is not None:
                break
        if self.port is None:
            raise RuntimeError("server did not start: " + open(self.log_path).read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Transcript:
    def __init__(self, port):
        self.port = port
        self.out = []
        self.cookies = {}

    def send(self, title, method, target, headers=(), body=b""):
        """One request on its own connection (Connection: close): returns (status, headers, body)."""
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
        lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += list(headers)
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(raw)
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        resp = b"".join(chunks)
        head, _, payload = resp.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        hdrs = {}
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.decode("latin-1").partition(":")
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
        for c in hdrs.get("set-cookie", []):
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.out.append(b"=== " + title.encode() + b"\n" + mask(f">>> {method} {target}\n".encode() + resp) + b"\n")
        return status, hdrs, payload.decode("utf-8", "replace")


def authorize_target(**params):
    return "/authorize?" + urllib.parse.urlencode(params)


def hidden_fields(page):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def basic(cid, secret):
    return "Authorization: Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()


def script(t):
    good = dict(response_type="code", client_id="seam", redirect_uri=SEAM_CB, state="st",
                code_challenge=CHALLENGE, code_challenge_method="S256", scope="intercoms.read")
    t.send("metadata", "GET", "/.well-known/oauth-authorization-server")
    t.send("metadata HEAD", "HEAD", "/.well-known/oauth-authorization-server")
    t.send("openid configuration path", "GET", "/.well-known/openid-configuration")
    t.send("jwks (opaque tokens)", "GET", "/.well-known/jwks.json")
    t.send("health", "GET", "/health")
    t.send("unknown path", "GET", "/nope")
    # /authorize errors that must not redirect (RFC 6749 4.1.2.1), then ones that do.
    t.send("authorize: no client_id", "GET", authorize_target(response_type="code"))
    t.send("authorize: unknown client", "GET", authorize_target(response_type="code", client_id="nobody", redirect_uri=SEAM_CB))
    t.send("authorize: unregistered redirect", "GET", authorize_target(response_type="code", client_id="seam", redirect_uri="https://evil.example/cb"))
    t.send("authorize: redirect with fragment", "GET", authorize_target(response_type="code", client_id="seam", redirect_uri=SEAM_CB + "#f"))
    t.send("authorize: repeated parameter", "GET", authorize_target(**good) + "&state=again")
    t.send("authorize: unsupported response_type", "GET", authorize_target(**dict(good, response_type="token")))
    t.send("authorize: missing response_type", "GET", authorize_target(**{k: v for k, v in good.items() if k != "response_type"}))
    t.send("authorize: invalid scope", "GET", authorize_target(**dict(good, scope="root")))
    t.send("authorize: plain PKCE", "GET", authorize_target(**dict(good, code_challenge_method="plain")))
    t.send("authorize: public client without PKCE", "GET", authorize_target(response_type="code", client_id="app", redirect_uri="https://app.example/cb"))
    t.send("authorize: POST without form", "POST", "/authorize")
    t.send("authorize: DELETE", "DELETE", "/authorize")
    # The sign-in page, a wrong password, then the right one.
    _, _, page = t.send("authorize: sign-in page", "GET", authorize_target(**good))
    form = hidden_fields(page)
    t.send("sign-in: wrong password", "POST", "/authorize", ["Content-Type: application/x-www-form-urlencoded"],
           dict(form, username="owner@example.com", password="wrong", action="sign_in"))
    _, _, page = t.send("authorize: sign-in page again", "GET", authorize_target(**good))
    form = hidden_fields(page)
    t.send("sign-in: no CSRF field", "POST", "/authorize", ["Content-Type: application/x-www-form-urlencoded"],
           {"username": "owner@example.com", "password": PASSWORD, "action": "sign_in"})
    status, hdrs, _ = t.send("sign-in: right password", "POST", "/authorize", ["Content-Type: application/x-www-form-urlencoded"],
                             dict(form, username="owner@example.com", password=PASSWORD, action="sign_in"))
    location = hdrs.get("location", [""])[0]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [""])[0]
    t.cookies.clear()
    form_ct = "Content-Type: application/x-www-form-urlencoded"
    # Token endpoint errors (RFC 6749 5.2).
    t.send("token: GET", "GET", "/oauth/token")
    t.send("token: no grant_type", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")], {"code": "x"})
    t.send("token: unsupported grant_type", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")], {"grant_type": "password"})
    t.send("token: wrong secret (basic)", "POST", "/oauth/token", [form_ct, basic("seam", "wrong")], {"grant_type": "authorization_code", "code": "x"})
    t.send("token: no client authentication", "POST", "/oauth/token", [form_ct], {"grant_type": "authorization_code", "code": "x"})
    t.send("token: two client authentications", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "authorization_code", "code": "x", "client_id": "seam", "client_secret": "seamsecret"})
    t.send("token: JSON body", "POST", "/oauth/token", ["Content-Type: application/json", basic("seam", "seamsecret")], b'{"grant_type":"authorization_code"}')
    t.send("token: unknown code", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "authorization_code", "code": "not-a-code", "redirect_uri": SEAM_CB, "code_verifier": VERIFIER})
    t.send("token: wrong verifier", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "authorization_code", "code": code, "redirect_uri": SEAM_CB, "code_verifier": "y" * 50})
    status, _, body = t.send("token: exchange", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
                             {"grant_type": "authorization_code", "code": code, "redirect_uri": SEAM_CB, "code_verifier": VERIFIER})
    tokens = json.loads(body) if status == 200 else {}
    access, refresh = tokens.get("access_token", "x"), tokens.get("refresh_token", "x")
    t.send("token: code replay", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "authorization_code", "code": code, "redirect_uri": SEAM_CB, "code_verifier": VERIFIER})
    # The replay revoked the grant (RFC 6749 4.1.2): a second flow for the rest.
    _, _, page = t.send("authorize: second sign-in page", "GET", authorize_target(**good))
    form = hidden_fields(page)
    _, hdrs, _ = t.send("sign-in: second", "POST", "/authorize", [form_ct],
                        dict(form, username="owner@example.com", password=PASSWORD, action="sign_in"))
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(hdrs.get("location", [""])[0]).query).get("code", [""])[0]
    t.cookies.clear()
    status, _, body = t.send("token: second exchange (post body auth)", "POST", "/oauth/token", [form_ct],
                             {"grant_type": "authorization_code", "code": code, "redirect_uri": SEAM_CB,
                              "code_verifier": VERIFIER, "client_id": "seam", "client_secret": "seamsecret"})
    tokens = json.loads(body) if status == 200 else {}
    access, refresh = tokens.get("access_token", "x"), tokens.get("refresh_token", "x")
    t.send("token: refresh", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "refresh_token", "refresh_token": refresh})
    t.send("token: refresh with wider scope", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "refresh_token", "refresh_token": refresh, "scope": "intercoms.read root"})
    t.send("token: unknown refresh token", "POST", "/oauth/token", [form_ct, basic("seam", "seamsecret")],
           {"grant_type": "refresh_token", "refresh_token": "nope"})
    # The API (RFC 6750).
    t.send("api: no token", "GET", "/intercoms")
    t.send("api: malformed header", "GET", "/intercoms", ["Authorization: Bearer a b"])
    t.send("api: unknown token", "GET", "/intercoms", ["Authorization: Bearer abcdefghijklmnop"])
    t.send("api: valid token", "GET", "/intercoms", [f"Authorization: Bearer {access}"])
    t.send("api: token twice", "GET", "/intercoms?access_token=" + access, [f"Authorization: Bearer {access}"])
    # Introspection (RFC 7662) and revocation (RFC 7009).
    t.send("introspect: active", "POST", "/oauth/introspect", [form_ct, basic("seam", "seamsecret")], {"token": access})
    t.send("introspect: unknown", "POST", "/oauth/introspect", [form_ct, basic("seam", "seamsecret")], {"token": "nope"})
    t.send("introspect: no client", "POST", "/oauth/introspect", [form_ct], {"token": access})
    t.send("revoke: no token parameter", "POST", "/oauth/revoke", [form_ct, basic("seam", "seamsecret")], {})
    t.send("revoke: unknown token", "POST", "/oauth/revoke", [form_ct, basic("seam", "seamsecret")], {"token": "nope"})
    t.send("revoke: refresh token", "POST", "/oauth/revoke", [form_ct, basic("seam", "seamsecret")], {"token": refresh})
    t.send("api: token after revocation", "GET", "/intercoms", [f"Authorization: Bearer {access}"])
    t.send("introspect: after revocation", "POST", "/oauth/introspect", [form_ct, basic("seam", "seamsecret")], {"token": access})


def main():
    srv = Server()
    try:
        t = Transcript(srv.port)
        script(t)
    finally:
        srv.stop()
    got = b"".join(t.out)
    if WRITE:
        with open(GOLDEN, "wb") as f:
            f.write(got)
        print(f"wrote {GOLDEN}: {len(t.out)} exchanges")
        return 0
    want = open(GOLDEN, "rb").read()
    if got == want:
        print(f"{len(t.out)} exchanges identical to {os.path.basename(GOLDEN)}")
        return 0
    import difflib
    diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(), got.decode("utf-8", "replace").splitlines(),
                                "golden", "now", lineterm="", n=2)
    print("\n".join(list(diff)[:200]))
    print("responses differ from the golden file: if the change is intended, rerun with --write and say why in the commit")
    return 1


if __name__ == "__main__":
    sys.exit(main())
