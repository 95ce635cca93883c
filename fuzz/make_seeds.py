#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/<target>/ (run from anywhere; needs
Debian's python3-cryptography for the signed JWT seeds). The seeds are small, meaningful
inputs: valid requests of every endpoint and the attacks the targets must refuse.
Re-running it rewrites the same files (ES256 signatures differ, they are randomized)."""
import base64
import hashlib
import hmac
import json
import os
import shutil

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

# The fuzz-only keys of fuzz/common.hpp.
ED25519_PEM = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDHNX6nuWYpvfN9dZw9UqrgEmGjJIXM1yLYJa9XIUn7H
-----END PRIVATE KEY-----
"""
P256_PEM = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYM2Hez910fGm8TOc
h3vtZeW4Tc03kGa8dxG7mFOcusuhRANCAAQDOZt4pq0z1ZyIFKPsDMY6otflcnIW
pT0dMEwgv4EW6bPM00CLS1bk8tYc2irDnlREQrrES872sdipskaiNHSM
-----END PRIVATE KEY-----
"""
HS256_SECRET = b"fuzz-only-hs256-secret-0123456789abcdef"


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def params():
    seeds = {
        "token_form": b"\0grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&client_id=seam&client_secret=seamsecret",
        "escapes": b"\0a=1%202&b=x+y&c=%2B%26%3D&d=%e2%82%ac",
        "empty_values": b"\0state=&state=x&scope&=v&&",
        "repeated": b"\0code=a&client_id=seam&code=b",
        "limits_small": b"\x01a=1&b=2&c=3&d=4&e=123456789",
        "limits_one": b"\x02a=1&b=2",
        "bad_escape": b"\0a=%zz&b=%4",
        "nul": b"\0a=x%00y",
        "query_chars": b"\0redirect_uri=https://a.integrations.getseam.com/x?y=1&state=a/b?c:d@e!$'()*,;",
        "raw_bad_chars": b"\0a=b c&d=\"<>#[]",
        "json_token": b'\0{"code":"abc","client_id":"seam","client_secret":"s\\u00e9"}',
        "json_repeated": b'\0{"code":"a","code":"b"}',
        "json_nested": b'\0{"a":{"b":"c"},"d":["e"],"f":1,"g":true,"h":null}',
        "json_empty": b'\x02{"a":"","":"b","c":"d"}',
        "json_long": b"\x01" + b'{"a":"' + b"x" * 20 + b'"}',
        "json_trailing": b'\0{"code":"a"} x',
        "json_escapes": b'\0{"k\\u0000":"v","x":"\\ud83d\\ude00\\n"}',
    }
    for k, v in seeds.items():
        write("fuzz_params", k, v)


REDIRECT_SEEDS = [
    "https://connect.getseam.com/oauth/callback",
    "https://staging.connect.getseam.com/oauth/callback",
    "https://acme.integrations.getseam.com/callback?session=abc",
    "https://a.b.integrations.getseam.com/",
    "http://localhost:3020/oauth/callback",
    "http://localhost:49152/oauth/callback",
    "http://127.0.0.1/demo/callback",
    "http://[::1]:8080/demo/callback",
    "https://app.example.test/cb?tenant=7",
    "https://app.example.test:8443/x/y?z",
    "https://*.integrations.getseam.com/*",
    "https://CONNECT.GetSeam.com:443/oauth/callback",
    "https://connect.getseam.com:0443/oauth/callback",
    "https://evil.com@connect.getseam.com/oauth/callback",
    "https://connect.getseam.com\\@evil.com/oauth/callback",
    "https://connect.getseam.com./oauth/callback",
    "https://evilintegrations.getseam.com/x",
    "https://integrations.getseam.com.evil.test/x",
    "https://0x7f.1/oauth/callback",
    "http://127.1:3020/oauth/callback",
    "http://2130706433/oauth/callback",
    "https://a.integrations.getseam.com/%2e%2e/x",
    "https://a.integrations.getseam.com/a/../b",
    "https://a.integrations.getseam.com/a%2fb",
    "https://connect.getseam.com/oauth/callback#frag",
    "https://xn--nxasmq6b.integrations.getseam.com/",
    "https://a.integrations.getseam.com\t/x",
    "http://connect.getseam.com/oauth/callback",
    "https:connect.getseam.com/oauth/callback",
    "https:///connect.getseam.com/oauth/callback",
    "https://[v1.x]/",
    "https://[::ffff:127.0.0.1]/",
]


def redirect():
    for i, s in enumerate(REDIRECT_SEEDS):
        write("fuzz_redirect_uri", "seed_%02d" % i, s)


def auth_header():
    seeds = {
        "bearer": "Bearer {AT}",
        "bearer_case_spaces": "bEaReR   {AT}",
        "bearer_padded": "Bearer {AT}==",
        "bearer_tail": "Bearer {AT} x",
        "bearer_empty": "Bearer",
        "bearer_space": "Bearer ",
        "bearer_jwt_none": "Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ1c3IifQ.",
        "bearer_dots": "Bearer a.b.c",
        "basic": "Basic {BASIC}",
        "basic_case": "bAsIc   {BASIC}",
        "basic_literal": "Basic " + base64.b64encode(b"seam:seamsecret").decode(),
        "basic_form_encoded": "Basic " + base64.b64encode(b"se%61m:seam%73ecret").decode(),
        "basic_plus": "Basic " + base64.b64encode(b"seam:seam+secret").decode(),
        "basic_public": "Basic " + base64.b64encode(b"native:").decode(),
        "basic_no_colon": "Basic " + base64.b64encode(b"seamseamsecret").decode(),
        "basic_unpadded": "Basic " + base64.b64encode(b"seam:seamsecre").decode().rstrip("="),
        "basic_nul": "Basic " + base64.b64encode(b"seam%00:seamsecret").decode(),
        "digest": "Digest username=\"seam\"",
        "empty": "",
    }
    for k, v in seeds.items():
        write("fuzz_auth_header", k, v)


def jws(header, claims, kid):
    h = b64u(json.dumps(header, separators=(",", ":")).encode())
    c = b64u(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = (h + "." + c).encode()
    if kid == "hs":
        sig = hmac.new(HS256_SECRET, signing_input, hashlib.sha256).digest()
    elif kid == "ed":
        key = serialization.load_pem_private_key(ED25519_PEM, None)
        sig = key.sign(signing_input)
    else:
        key = serialization.load_pem_private_key(P256_PEM, None)
        r, s = utils.decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return h + "." + c + "." + b64u(sig)


def jwt():
    claims = {"iss": "https://intercom.example.test", "sub": "usr_1", "aud": "https://intercom.example.test",
              "exp": 1800003600, "iat": 1800000000, "jti": "j1", "client_id": "seam", "scope": ""}
    algs = {"ed": "EdDSA", "ec": "ES256", "hs": "HS256"}
    for kid, alg in algs.items():
        # raw mode (byte 0 even): valid tokens of each key, and attacks
        write("fuzz_jwt", "raw_valid_" + kid, b"\0" + jws({"alg": alg, "kid": kid, "typ": "at+jwt"}, claims, kid).encode())
    write("fuzz_jwt", "raw_wrong_typ", b"\0" + jws({"alg": "EdDSA", "kid": "ed", "typ": "JWT"}, claims, "ed").encode())
    write("fuzz_jwt", "raw_confusion", b"\0" + jws({"alg": "HS256", "kid": "ed", "typ": "at+jwt"}, claims, "hs").encode())
    write("fuzz_jwt", "raw_none", b"\0" + (b64u(b'{"alg":"none","kid":"ed","typ":"at+jwt"}') + "." + b64u(b"{}") + ".").encode())
    write("fuzz_jwt", "raw_crit", b"\0" + jws({"alg": "HS256", "kid": "hs", "typ": "at+jwt", "crit": ["x"]}, claims, "hs").encode())
    write("fuzz_jwt", "raw_four_parts", b"\0a.b.c.d")
    # signed mode (byte 0 odd, byte 1 picks the key): header JSON \n claims JSON
    for i, (kid, alg) in enumerate(algs.items()):
        header = json.dumps({"alg": alg, "kid": kid, "typ": "at+jwt"})
        write("fuzz_jwt", "signed_valid_" + kid, bytes([1, i]) + (header + "\n" + json.dumps(claims)).encode())
    attacks = {
        "signed_dup_alg": '{"alg":"none","alg":"EdDSA","kid":"ed","typ":"at+jwt"}\n{}',
        "signed_kid_number": '{"alg":"EdDSA","kid":1,"typ":"at+jwt"}\n{}',
        "signed_claims_array": '{"alg":"EdDSA","kid":"ed","typ":"at+jwt"}\n[1,2]',
        "signed_header_array": '["alg"]\n{}',
        "signed_crit": '{"alg":"EdDSA","kid":"ed","typ":"at+jwt","crit":[]}\n{"a":1}',
        "signed_typ_code": '{"alg":"EdDSA","kid":"ed","typ":"boa-code+jwt"}\n{"a":1}',
        "signed_bad_utf8": b'{"alg":"EdDSA","kid":"ed","typ":"at+jwt"}\n{"a":"\xff"}',
    }
    for k, v in attacks.items():
        write("fuzz_jwt", k, bytes([1, 0]) + (v if isinstance(v, bytes) else v.encode()))


CANON = "response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&state=xyz"
CB = "https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback"


def req(method, target, headers=(), body=None, version="1.1"):
    lines = ["%s %s HTTP/%s" % (method, target, version), "Host: intercom.example.test"]
    lines += list(headers)
    if body is not None:
        lines.append("Content-Length: %d" % len(body.encode()))
    return "\r\n".join(lines) + "\r\n\r\n" + (body or "")


def chunked(parts):
    return "".join("%x\r\n%s\r\n" % (len(p), p) for p in parts) + "0\r\n\r\n"


FORM = "Content-Type: application/x-www-form-urlencoded"


def http():
    seeds = {
        "authorize_get": [req("GET", "/authorize?" + CANON + "&scope=intercoms.read")],
        "authorize_head": [req("HEAD", "/authorize?" + CANON)],
        "authorize_seam_only_redirect": [req("GET", "/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb")],
        "authorize_evil_redirect": [req("GET", "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevil.test%2F&state=x")],
        "authorize_reflect": [req("GET", "/authorize?response_type=code&client_id=seam&redirect_uri=" + CB +
                                  "&state=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&scope=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")],
        "authorize_error_redirect": [req("GET", "/authorize?response_type=token&client_id=seam&redirect_uri=" + CB + "&state=a%0d%0aSet-Cookie:x=1")],
        "authorize_pkce_native": [req("GET", "/authorize?response_type=code&client_id=native&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")],
        "sign_in": [req("POST", "/authorize", [FORM, "Cookie: __Host-boa_csrf={NONCE}"],
                        CANON + "&csrf={CSRF}&username=owner%40example.com&password=correct+horse+battery+staple&action=sign_in")],
        "sign_in_wrong_password": [req("POST", "/authorize", [FORM, "Cookie: __Host-boa_csrf={NONCE}"],
                                       CANON + "&csrf={CSRF}&username=owner%40example.com&password=wrong&action=sign_in")],
        "sign_in_bad_csrf": [req("POST", "/authorize", [FORM, "Cookie: __Host-boa_csrf={NONCE}"],
                                 CANON + "&csrf=forged&username=owner%40example.com&password=x&action=sign_in")],
        "deny": [req("POST", "/authorize", [FORM, "Cookie: __Host-boa_csrf={NONCE}"], CANON + "&csrf={CSRF}&action=deny")],
        "allow_with_session": [req("POST", "/authorize", [FORM, "Cookie: __Host-boa_csrf={NONCE}; __Host-boa_session={SESSION}"],
                                   CANON + "&csrf={CSRF}&action=allow")],
        "get_with_session": [req("GET", "/authorize?" + CANON, ["Cookie: __Host-boa_session={SESSION}"])],
        "token_post": [req("POST", "/oauth/token", [FORM],
                           "grant_type=authorization_code&code={CODE}&redirect_uri=" + CB + "&client_id=seam&client_secret=seamsecret")],
        "token_basic_pkce": [req("POST", "/oauth/token", [FORM, "Authorization: Basic {BASIC}"],
                                 "grant_type=authorization_code&code={PCODE}&redirect_uri=" + CB + "&code_verifier={VERIFIER}")],
        "token_json_seam": [req("POST", "/oauth/token", ["Content-Type: application/json"],
                                '{"code":"{CODE}","client_id":"seam","client_secret":"seamsecret"}')],
        "token_replay": [req("POST", "/oauth/token", [FORM],
                             "grant_type=authorization_code&code={CODE}&redirect_uri=" + CB + "&client_id=seam&client_secret=seamsecret")] * 2,
        "refresh": [req("POST", "/oauth/token", [FORM, "Authorization: Basic {BASIC}"], "grant_type=refresh_token&refresh_token={RT}")],
        "revoke": [req("POST", "/oauth/revoke", [FORM, "Authorization: Basic {BASIC}"], "token={AT}&token_type_hint=access_token")],
        "introspect": [req("POST", "/oauth/introspect", [FORM, "Authorization: Basic {BASIC}"], "token={AT}")],
        "metadata": [req("GET", "/.well-known/oauth-authorization-server")],
        "chunked": ["POST /oauth/token HTTP/1.1\r\nHost: x\r\n" + FORM + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    chunked(["grant", "_type=refresh_token&refres", "h_token={RT}&client", "_id=seam&client_secret=seamsecret"])],
        "token_get": [req("GET", "/oauth/token?code=x")],
        "other_path": [req("GET", "/intercoms", ["Authorization: Bearer {AT}"])],
        "http10_keepalive": [req("GET", "/authorize?" + CANON, ["Connection: keep-alive"], version="1.0")],
    }
    for k, reqs in seeds.items():
        write("fuzz_http", k, b"\0" + "".join(reqs).encode())
    # JWT access tokens and codes, strict profile
    write("fuzz_http", "jwt_token_post", b"\x03" + "".join(seeds["token_post"] + seeds["introspect"]).encode())
    write("fuzz_http", "jwt_jwks", b"\x01" + req("GET", "/.well-known/jwks.json").encode())
    write("fuzz_http", "jwt_refresh", b"\x03" + "".join(seeds["refresh"]).encode())
    write("fuzz_http", "strict_json_token", b"\x04" + "".join(seeds["token_json_seam"]).encode())


if __name__ == "__main__":
    for t in ["fuzz_params", "fuzz_redirect_uri", "fuzz_auth_header", "fuzz_jwt", "fuzz_http"]:
        shutil.rmtree(os.path.join(CORPUS, t), ignore_errors=True)
    params()
    redirect()
    auth_header()
    jwt()
    http()
