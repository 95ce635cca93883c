#!/usr/bin/env python3
"""Socket-level tests of issue 11's findings against the example intercom server.

Each test is written from the attack: cross-owner access to the device API, forwarded
addresses from untrusted peers, HEAD answers with a body, request smuggling, audit log
forging, file-descriptor exhaustion and connection floods, weak client secrets, and
lockout of the real client or owner by a guesser at another address.

Usage: test_example_security.py PATH/TO/intercom_server
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import copy
import json
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_example_server as base  # noqa: E402  (Server, sign_in, code_from, CONFIG...)

import requests  # noqa: E402
import requests.adapters  # noqa: E402

SERVER = base.SERVER
OWNER = base.USER_ID
EVE = {"email": "eve@example.com", "password": "eve's own long passphrase", "user_id": "usr_eve", "name": "Eve"}


def config(**overrides):
    c = copy.deepcopy(base.CONFIG)
    c.update(overrides)
    return c


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connections from a chosen loopback address (127.0.0.0/8 is all local on Linux)."""

    def __init__(self, source):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(source, headers=None):
    s = requests.Session()
    s.mount("http://", SourceAdapter(source))
    if headers:
        s.headers.update(headers)
    return s


def token_for(srv, email, password, http=None, **authorize_params):
    """The real flow: sign in on /authorize, redeem the code as Seam. Returns the token response."""
    http = http or requests.Session()
    code, _ = base.code_from(base.sign_in(http, srv.base, base.authorize_url(srv.base, **authorize_params),
                                          email=email, password=password))
    r = http.post(srv.base + "/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": base.SEAM_CB, "client_id": "seam",
                                                   "client_secret": "seamsecret"})
    assert r.status_code == 200, r.text
    return r.json()


def raw(port, payload, source="127.0.0.1", timeout=5):
    """Sends bytes, reads until the server closes. Returns (data, closed_by_server)."""
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    s.sendall(payload)
    data, closed = b"", False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            data += b
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return data, closed


def split_responses(data, methods):
    """Parses len(methods) responses framed by Content-Length (none after HEAD); nothing may remain."""
    out, rest = [], data
    for m in methods:
        head, sep, rest = rest.partition(b"\r\n\r\n")
        assert sep, ("incomplete response", data)
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 "), ("not a status line", lines[0], data)
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = 0 if m == "HEAD" else int(headers.get("content-length", "0"))
        out.append((int(lines[0].split()[1]), headers, rest[:n]))
        rest = rest[n:]
    assert rest == b"", ("bytes after the last response", rest[:200])
    return out


def audit_records(srv):
    """Every line of the server's output that is a JSON object (must all parse), as dicts."""
    records = []
    for line in srv.output().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def running(cfg=None, extra_args=()):
    return base.Server(extra_args=extra_args, config=cfg or config())


# ---------------------------------------------------------------- 1. per-owner data and scopes

def test_second_owner_sees_and_changes_nothing_of_the_first():
    srv = running(config(users=base.CONFIG["users"] + [EVE]))
    try:
        eve = {"Authorization": "Bearer " + token_for(srv, EVE["email"], EVE["password"])["access_token"]}
        assert requests.get(srv.base + "/intercoms", headers=eve).json() == {"intercoms": []}
        assert requests.get(srv.base + "/access_codes", headers=eve).json() == {"access_codes": []}
        assert requests.get(srv.base + "/access_codes?intercom_id=ic_lobby_01", headers=eve).json() == {"access_codes": []}
        # Another owner's id answers exactly like an id that does not exist.
        for method, path, missing, body in [
                ("POST", "/intercoms/ic_lobby_01/unlock", "/intercoms/ic_nope_99/unlock", {"unlock_time": 5000}),
                ("GET", "/intercoms/ic_lobby_01", "/intercoms/ic_nope_99", None),
                ("DELETE", "/access_codes/ac_1001", "/access_codes/ac_9999", None),
                ("GET", "/access_codes/ac_1001", "/access_codes/ac_9999", None)]:
            r = requests.request(method, srv.base + path, headers=eve, json=body)
            m = requests.request(method, srv.base + missing, headers=eve, json=body)
            assert r.status_code == 404, (method, path, r.status_code, r.text)
            assert (r.status_code, r.text) == (m.status_code, m.text), (method, path)
            assert "4821" not in r.text
        # The owner's code is still there, and the owner's token still works.
        owner = {"Authorization": "Bearer " + token_for(srv, base.EMAIL, base.PASSWORD)["access_token"]}
        r = requests.get(srv.base + "/access_codes/ac_1001", headers=owner)
        assert r.status_code == 200 and r.json()["access_code"]["code"] == "4821"
        assert len(requests.get(srv.base + "/intercoms", headers=owner).json()["intercoms"]) == 3
    finally:
        assert srv.stop() == 0


def test_changes_need_the_write_scope():
    srv = running()
    try:
        read_only = token_for(srv, base.EMAIL, base.PASSWORD, scope="intercoms.read")
        assert read_only.get("scope", "intercoms.read") == "intercoms.read"
        h = {"Authorization": "Bearer " + read_only["access_token"]}
        assert requests.get(srv.base + "/intercoms", headers=h).status_code == 200  # reading needs no scope
        for method, path in [("POST", "/intercoms/ic_lobby_01/unlock"), ("DELETE", "/access_codes/ac_1001")]:
            r = requests.request(method, srv.base + path, headers=h, json={"unlock_time": 5000})
            assert r.status_code == 403, (path, r.status_code, r.text)
            challenge = r.headers["WWW-Authenticate"]
            assert challenge.startswith("Bearer") and 'error="insufficient_scope"' in challenge, challenge
            assert "intercoms.write" in challenge
        # The client's default scope (config.json: "intercoms.read intercoms.write") may unlock.
        full = {"Authorization": "Bearer " + token_for(srv, base.EMAIL, base.PASSWORD)["access_token"]}
        r = requests.post(srv.base + "/intercoms/ic_lobby_01/unlock", headers=full, json={"unlock_time": 5000})
        assert r.status_code == 200 and r.json() == {"ok": True}
    finally:
        assert srv.stop() == 0


def test_devices_from_the_config_belong_to_their_owners():
    cfg = config(users=base.CONFIG["users"] + [EVE],
                 intercoms=[{"intercom_id": "ic_eve_1", "owner_id": "usr_eve", "name": "Eve's door", "model": "BX-1",
                             "address": "2 Elm St"},
                            {"intercom_id": "ic_own_1", "owner_id": OWNER, "name": "Owner's door"}],
                 access_codes=[{"access_code_id": "ac_eve_1", "intercom_id": "ic_eve_1", "owner_id": "usr_eve",
                                "code": "9999", "name": "Eve's guest"}])
    srv = running(cfg)
    try:
        eve = {"Authorization": "Bearer " + token_for(srv, EVE["email"], EVE["password"])["access_token"]}
        owner = {"Authorization": "Bearer " + token_for(srv, base.EMAIL, base.PASSWORD)["access_token"]}
        assert [d["intercom_id"] for d in requests.get(srv.base + "/intercoms", headers=eve).json()["intercoms"]] == ["ic_eve_1"]
        assert [d["intercom_id"] for d in requests.get(srv.base + "/intercoms", headers=owner).json()["intercoms"]] == ["ic_own_1"]
        assert requests.get(srv.base + "/access_codes", headers=owner).json() == {"access_codes": []}
        assert requests.get(srv.base + "/access_codes/ac_eve_1", headers=owner).status_code == 404
        assert requests.delete(srv.base + "/access_codes/ac_eve_1", headers=eve).json() == {"ok": True}
    finally:
        assert srv.stop() == 0
    # A code on another owner's intercom is a config error, not a silent cross-owner grant.
    bad = config(intercoms=[{"intercom_id": "ic_a", "owner_id": "usr_a"}],
                 access_codes=[{"access_code_id": "ac_b", "intercom_id": "ic_a", "owner_id": "usr_b", "code": "1"}])
    try:
        running(bad)
        assert False, "a code on another owner's intercom was accepted"
    except RuntimeError as e:
        assert "same owner_id" in str(e)


# ---------------------------------------------------------------- 2. trusted_proxies

def failed_sign_in_address(srv, source, headers):
    http = client_from(source, headers)
    r = base.sign_in(http, srv.base, base.authorize_url(srv.base), password="wrong " + secrets.token_hex(4))
    assert r.status_code == 200 and "Location" not in r.headers
    time.sleep(0.05)
    return [rec.get("remote_address") for rec in audit_records(srv) if rec.get("audit") == "sign_in_failed"][-1]


def test_forwarded_addresses_are_believed_only_from_trusted_proxies():
    srv = running(config(trusted_proxies=["127.0.0.1", "10.0.0.0/8"]))
    try:
        assert failed_sign_in_address(srv, "127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}) == "198.51.100.7"
        # A client-written first hop is not reached: the proxy's own entry is the rightmost.
        assert failed_sign_in_address(srv, "127.0.0.1", {"X-Forwarded-For": "203.0.113.9, 198.51.100.8"}) == "198.51.100.8"
        assert failed_sign_in_address(srv, "127.0.0.1", {"Forwarded": 'for="[2001:db8::7]:4711";proto=https'}) == "2001:db8::7"
        # A chain through a trusted internal hop.
        assert failed_sign_in_address(srv, "127.0.0.1", {"X-Forwarded-For": "198.51.100.9, 10.1.2.3"}) == "198.51.100.9"
        # Garbage: the proxy's own address, never the garbage.
        assert failed_sign_in_address(srv, "127.0.0.1", {"X-Forwarded-For": "evil\u00e9"}) == "127.0.0.1"
        # From an untrusted peer the headers are ignored.
        assert failed_sign_in_address(srv, "127.0.0.2", {"X-Forwarded-For": "198.51.100.7",
                                                          "Forwarded": "for=198.51.100.7"}) == "127.0.0.2"
    finally:
        assert srv.stop() == 0
    srv = running()  # default: no proxy trusted, not even loopback
    try:
        assert failed_sign_in_address(srv, "127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}) == "127.0.0.1"
    finally:
        assert srv.stop() == 0
    try:
        running(config(trusted_proxies=["10.0.0.0/33"]))
        assert False, "an invalid trusted_proxies entry was accepted"
    except RuntimeError as e:
        assert "trusted_proxies" in str(e)


# ---------------------------------------------------------------- 3. HEAD

def test_head_answers_have_no_body_and_keep_the_connection_in_sync():
    srv = running()
    try:
        token = token_for(srv, base.EMAIL, base.PASSWORD)["access_token"]
        auth = f"Authorization: Bearer {token}\r\n"
        for target, extra in [("/intercoms", auth), ("/intercoms/ic_lobby_01", auth), ("/access_codes", auth),
                              ("/intercoms", ""), ("/no/such/route", ""), ("/health", ""), ("/demo", ""),
                              ("/", ""), ("/oauth/token", ""), ("/authorize?redirect_uri=x", "")]:
            req = lambda m, close="": (f"{m} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}{close}\r\n").encode()
            # HEAD, then GET on the same keep-alive connection, then a GET of /health that closes.
            payload = req("HEAD") + req("GET") + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            data, closed = raw(srv.port, payload)
            assert closed, target
            (hs, hh, hb), (gs, gh, gb), (ls, _, lb) = split_responses(data, ["HEAD", "GET", "GET"])
            assert hs == gs, (target, hs, gs)
            assert int(hh["content-length"]) == len(gb), (target, hh, len(gb))
            assert ls == 200 and json.loads(lb) == {"ok": True}, target
    finally:
        assert srv.stop() == 0


# ---------------------------------------------------------------- 4. request smuggling

SMUGGLED = b"GET /intercoms HTTP/1.1\r\nHost: x\r\n\r\n"


def test_ambiguous_framing_gets_400_and_close_and_the_hidden_request_is_never_answered():
    srv = running()
    try:
        shapes = {
            "TE gzip": b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            "TE chunked, identity": b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
            "TE xchunked": b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "TE + CL": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "CL + TE": b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n",
            "two CL": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
            "two CL differing": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 37\r\n\r\n",
            "two Host": b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "no Host": b"GET /health HTTP/1.1\r\n\r\n",
            "two Authorization": b"GET /intercoms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n",
            "bad CL (Beast)": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
            "bad chunk (Beast)": b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        }
        for name, head in shapes.items():
            data, closed = raw(srv.port, head + SMUGGLED)
            assert data.startswith(b"HTTP/1.1 400"), (name, data[:200])
            assert len(re.findall(rb"HTTP/1\.\d \d{3} ", data)) == 1, (name, data)  # the smuggled GET: no answer
            assert closed, (name, "connection left open")
            assert b"connection: close" in data.lower(), name
        assert requests.get(srv.base + "/health").status_code == 200
        # A well-framed request with a body is still served, and pipelining still works.
        data, closed = raw(srv.port, b"POST /intercoms/x/unlock HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                                     b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert [s for s, _, _ in split_responses(data, ["POST", "GET"])] == [401, 200]
    finally:
        assert srv.stop() == 0


# ---------------------------------------------------------------- 5. audit log forging

def new_lines_after(srv, action):
    before = len(srv.output().splitlines())
    action()
    time.sleep(0.1)
    return srv.output().splitlines()[before:]


def test_newlines_in_username_or_client_id_cannot_forge_audit_records():
    srv = running()
    try:
        mark1, mark2 = "FORGED" + secrets.token_hex(6), "FORGED" + secrets.token_hex(6)
        forged_user = (f'\n{mark1} {{"audit":"token_issued","client_id":"seam","subject":"{OWNER}"}}'
                       f"\naudit token_issued client=seam sub={OWNER}\r\n")
        forged_client = f'seam\n{{"audit":"token_issued","detail":"{mark2}"}}\r\n'

        def sign_in():
            r = base.sign_in(requests.Session(), srv.base, base.authorize_url(srv.base),
                             email=base.EMAIL + forged_user, password="wrong")
            assert r.status_code == 200 and "Location" not in r.headers

        def token():
            r = requests.post(srv.base + "/oauth/token", data={"grant_type": "authorization_code", "code": "x",
                                                               "redirect_uri": base.SEAM_CB, "client_id": forged_client,
                                                               "client_secret": "seamsecret"})
            assert r.status_code in (400, 401), r.text

        for action, event, mark in [(sign_in, "sign_in_failed", mark1), (token, "client_authentication_failed", mark2)]:
            lines = new_lines_after(srv, action)
            records = [line for line in lines if line.startswith("{")]
            others = [line for line in lines if not line.startswith("{")]
            assert len(records) == 1, lines  # exactly one record per event
            record = json.loads(records[0])  # well-formed: the whole line is one JSON object
            assert record["audit"] == event, record
            assert all(re.fullmatch(r"(GET|POST) /\S* \d{3} \d+us", line) for line in others), others
            assert not any(mark in line for line in others), others  # the marker never starts a line of its own
        out = srv.output().splitlines()
        assert not any(line.startswith("audit ") for line in out), "a plain-text (forgeable) record"
        assert not [line for line in out if line.startswith("{") and json.loads(line).get("audit") == "token_issued"]
    finally:
        assert srv.stop() == 0


# ---------------------------------------------------------------- 6. accept back-off, connection cap

def test_connections_per_address_are_capped():
    srv = running(config(max_connections_per_address=3))
    try:
        held = []
        for _ in range(3):  # three keep-alive connections from 127.0.0.2, each served
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", srv.port))
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(65536).startswith(b"HTTP/1.1 200")
            held.append(s)
        data, closed = raw(srv.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.2")
        assert data == b"" and closed, data  # the fourth is closed at accept, unanswered
        assert requests.get(srv.base + "/health").status_code == 200  # 127.0.0.1 is not affected
        held.pop().close()  # a slot is freed when its session ends
        deadline = time.time() + 5
        while True:
            data, _ = raw(srv.port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", source="127.0.0.2")
            if data.startswith(b"HTTP/1.1 200"):
                break
            assert time.time() < deadline, "the freed slot was never given back"
            time.sleep(0.1)
        for s in held:
            s.close()
    finally:
        assert srv.stop() == 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_accept_backs_off_when_file_descriptors_run_out():
    srv = running(config(max_connections_per_address=100000, access_log=False))
    pid = srv.proc.pid
    clients = []
    try:
        used = len(os.listdir(f"/proc/{pid}/fd"))
        soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (used + 4, hard))
        for _ in range(24):  # the kernel completes these; the server can accept only 4
            s = socket.socket()
            s.settimeout(2)
            s.connect(("127.0.0.1", srv.port))
            clients.append(s)
        time.sleep(0.5)
        before = cpu_seconds(pid)
        time.sleep(2)
        spent = cpu_seconds(pid) - before
        assert spent < 0.4, f"acceptor spun: {spent:.2f} s of CPU in 2 s"
        assert "accept failed" in srv.output()
        # Descriptors come back: the server accepts again by itself.
        for s in clients:
            s.close()
        clients = []
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
        deadline = time.time() + 5
        while True:
            try:
                if requests.get(srv.base + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.time() < deadline, "the server never accepted again"
    finally:
        for s in clients:
            s.close()
        assert srv.stop() == 0


# ---------------------------------------------------------------- 7. client secrets

def test_weak_client_secret_warns_outside_demo_mode():
    srv = running(config(demo=False))
    try:
        out = srv.output()
        assert "WEAK CLIENT SECRET for client 'seam'" in out, out
        assert "--generate-client-secret" in out
        assert "seamsecret" not in out  # the warning never prints the secret
    finally:
        assert srv.stop() == 0
    srv = running(config(demo=True))
    try:
        assert "WEAK CLIENT SECRET" not in srv.output()
    finally:
        assert srv.stop() == 0


def test_generate_client_secret_gives_a_strong_secret_and_its_config_line():
    outs = [subprocess.run([SERVER, "--generate-client-secret"], capture_output=True, text=True, timeout=30)
            for _ in range(2)]
    assert all(o.returncode == 0 for o in outs), outs
    secrets_ = [re.search(r"^([A-Za-z0-9_-]{43})$", o.stdout, re.M).group(1) for o in outs]
    assert secrets_[0] != secrets_[1]
    line = re.search(r'^"client_secret_hash": (".*")$', outs[0].stdout, re.M).group(1)
    secret, secret_hash = secrets_[0], json.loads(line)
    assert secret not in secret_hash
    clients = copy.deepcopy(base.CONFIG["clients"])
    del clients[0]["client_secret"]
    clients[0]["client_secret_hash"] = secret_hash
    srv = running(config(demo=False, clients=clients))
    try:
        assert "WEAK CLIENT SECRET" not in srv.output()
        code, _ = base.code_from(base.sign_in(requests.Session(), srv.base, base.authorize_url(srv.base)))
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": base.SEAM_CB, "client_id": "seam"}
        assert requests.post(srv.base + "/oauth/token", data=dict(form, client_secret="seamsecret")).status_code == 401
        r = requests.post(srv.base + "/oauth/token", data=dict(form, client_secret=secret))
        assert r.status_code == 200, r.text
    finally:
        assert srv.stop() == 0


# ---------------------------------------------------------------- 8. no lockout from another address

def wrong_secret(http, srv):
    return http.post(srv.base + "/oauth/token", data={"grant_type": "authorization_code", "code": "x" * 20,
                                                      "redirect_uri": base.SEAM_CB, "client_id": "seam",
                                                      "client_secret": "guess-" + secrets.token_hex(4)})


def redeem_and_refresh(srv, http):
    """Seam's real work from `http`'s address: redeem a fresh code, then refresh. Both must be 200."""
    code, _ = base.code_from(base.sign_in(http, srv.base, base.authorize_url(srv.base)))
    r = http.post(srv.base + "/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": base.SEAM_CB, "client_id": "seam",
                                                   "client_secret": "seamsecret"})
    assert r.status_code == 200, (r.status_code, r.text)
    r = http.post(srv.base + "/oauth/token", data={"grant_type": "refresh_token", "client_id": "seam",
                                                   "refresh_token": r.json()["refresh_token"],
                                                   "client_secret": "seamsecret"})
    assert r.status_code == 200, (r.status_code, r.text)


def assert_throttled(responses):
    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    assert responses[-1].status_code == 429, [r.status_code for r in responses]
    assert int(limited[-1].headers["Retry-After"]) > 0


def test_guessing_seams_secret_elsewhere_never_locks_seam_out():
    srv = running()
    try:
        attacker = client_from("127.0.0.2")
        for _ in range(30):
            assert wrong_secret(attacker, srv).status_code in (401, 429)
        redeem_and_refresh(srv, client_from("127.0.0.1"))
        assert_throttled([wrong_secret(client_from("127.0.0.3"), srv) for _ in range(60)])
        redeem_and_refresh(srv, client_from("127.0.0.1"))
    finally:
        assert srv.stop() == 0


def wrong_password(http, srv):
    return base.sign_in(http, srv.base, base.authorize_url(srv.base), password="guess " + secrets.token_hex(4))


def test_guessing_the_owners_password_elsewhere_never_locks_the_owner_out():
    srv = running()
    try:
        attacker = client_from("127.0.0.2")
        for _ in range(30):
            r = wrong_password(attacker, srv)
            assert r.status_code in (200, 429) and "Location" not in r.headers
        code, _ = base.code_from(base.sign_in(client_from("127.0.0.1"), srv.base, base.authorize_url(srv.base)))
        assert code
        guesser = client_from("127.0.0.3")
        responses = [wrong_password(guesser, srv) for _ in range(60)]
        assert not [r for r in responses if "Location" in r.headers], "a wrong password got a redirect"
        assert_throttled(responses)
        assert "Too many failed sign-in attempts" in responses[-1].text
        base.code_from(base.sign_in(client_from("127.0.0.1"), srv.base, base.authorize_url(srv.base)))
    finally:
        assert srv.stop() == 0


def test_behind_a_trusted_proxy_the_attackers_failures_do_not_block_the_victim():
    srv = running(config(trusted_proxies=["127.0.0.1"]))
    try:
        via_proxy = lambda client: client_from("127.0.0.1", {"X-Forwarded-For": client})  # noqa: E731
        attacker = via_proxy("198.51.100.66")
        assert_throttled([wrong_secret(attacker, srv) for _ in range(40)])
        r = [wrong_password(attacker, srv) for _ in range(40)]
        assert_throttled(r)
        # A peer that is not a proxy cannot spend the victim's budget by claiming the victim's address.
        spoofer = client_from("127.0.0.2", {"X-Forwarded-For": "198.51.100.7"})
        for _ in range(25):
            wrong_secret(spoofer, srv)
            wrong_password(spoofer, srv)
        redeem_and_refresh(srv, via_proxy("198.51.100.7"))
    finally:
        assert srv.stop() == 0


def main():
    if not os.path.exists(SERVER):
        print(f"server binary not found: {SERVER}")
        return 2
    passed = failed = 0
    only = sys.argv[2:]  # optional test names
    for name, fn in [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]:
        if only and name not in only:
            continue
        try:
            fn()
            passed += 1
            print(f"PASS {name}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
