#!/usr/bin/env python3
"""The example server's admin command, through its command line, on a SQLite store.

`intercom_server admin add-client` registers a client and prints its generated secret once;
that secret completes a code exchange against the server running on the same file; the
database holds only a hash; `admin list-clients` shows the client without any secret or hash;
`admin rotate-secret` prints a new secret, after which the old one gets 401 and the new one works.

Usage: test_admin_clients.py PATH/TO/intercom_server
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402
import test_example_server as ex  # noqa: E402  (reads the server path from sys.argv[1])

CALLBACK = "http://localhost:3020/acme/callback"


def admin(*args):
    return subprocess.run([ex.SERVER, "admin", *args], capture_output=True, text=True, timeout=60)


def secret_of(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    m = re.search(r"^client_secret: (\S+)$", result.stdout, re.M)
    assert m, result.stdout
    return m.group(1)


def exchange(base, secret):
    """A whole authorization code flow for client acme; the token request's response."""
    http = requests.Session()
    url = base + "/authorize?" + urllib.parse.urlencode(
        {"response_type": "code", "client_id": "acme", "redirect_uri": CALLBACK, "state": "s"})
    code, _ = ex.code_from(ex.sign_in(http, base, url))
    return requests.post(base + "/oauth/token", timeout=10,
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                               "client_id": "acme", "client_secret": secret})


def main():
    if not os.path.exists(ex.SERVER):
        print(f"server binary not found: {ex.SERVER}")
        return 2
    db = os.path.join(tempfile.mkdtemp(prefix="beast-oauth-admin-"), "intercom.db")
    store = "sqlite:" + db
    config = dict(ex.CONFIG, store=store)
    passed = failed = 0
    state = {}

    def check(name, fn):
        nonlocal passed, failed
        try:
            fn()
            passed += 1
            print(f"PASS {name}")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()

    def add_client_prints_a_strong_secret_once():
        r = admin("add-client", "--store", store, "--client-id", "acme", "--name", "Acme Home",
                  "--redirect-uri", CALLBACK, "https://acme.example/cb")
        state["first"] = secret_of(r)
        assert len(state["first"]) >= 43, state["first"]  # 256 bits, base64url
        assert r.stdout.count(state["first"]) == 1

    def the_store_keeps_only_a_hash():
        with sqlite3.connect(db) as c:
            rows = c.execute("SELECT * FROM oauth_clients WHERE client_id = 'acme'").fetchall()
        assert len(rows) == 1, rows
        assert all(state["first"] not in str(col) for col in rows[0]), rows
        with sqlite3.connect(db) as c:
            state["hash"] = c.execute("SELECT secret_hash FROM oauth_clients WHERE client_id='acme'").fetchone()[0]
        assert state["hash"], "no hash stored"

    def adding_the_same_id_again_is_refused():
        r = admin("add-client", "--store", store, "--client-id", "acme", "--name", "x", "--redirect-uri", CALLBACK)
        assert r.returncode != 0 and "rotate-secret" in r.stderr, (r.returncode, r.stderr)
        assert "client_secret:" not in r.stdout

    def list_shows_the_client_without_secret_or_hash():
        r = admin("list-clients", "--store", store)
        assert r.returncode == 0, r.stderr
        line = next(l for l in r.stdout.splitlines() if l.startswith("acme\t"))
        assert "name=Acme Home" in line and CALLBACK in line and "https://acme.example/cb" in line, line
        assert state["first"] not in r.stdout and state["hash"] not in r.stdout, r.stdout
        assert "secret" not in r.stdout.lower(), r.stdout

    check("add_client_prints_a_strong_secret_once", add_client_prints_a_strong_secret_once)
    check("the_store_keeps_only_a_hash", the_store_keeps_only_a_hash)
    check("adding_the_same_id_again_is_refused", adding_the_same_id_again_is_refused)
    check("list_shows_the_client_without_secret_or_hash", list_shows_the_client_without_secret_or_hash)

    srv = ex.Server(config=config)
    try:
        def the_printed_secret_exchanges_a_code():
            r = exchange(srv.base, state["first"])
            assert r.status_code == 200, r.text
            api = requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + r.json()["access_token"]})
            assert api.status_code == 200, api.text

        check("the_printed_secret_exchanges_a_code", the_printed_secret_exchanges_a_code)
    finally:
        srv.stop()

    def rotate_prints_a_new_secret():
        r = admin("rotate-secret", "--store", store, "--client-id", "acme")
        state["second"] = secret_of(r)
        assert state["second"] != state["first"]

    check("rotate_prints_a_new_secret", rotate_prints_a_new_secret)

    # A new server process on the file (a running one follows within its 60 s client cache).
    again = ex.Server(config=config)
    try:
        def the_old_secret_gets_401():
            r = exchange(again.base, state["first"])
            assert r.status_code == 401, (r.status_code, r.text)
            assert r.json()["error"] == "invalid_client"

        def the_new_secret_works():
            r = exchange(again.base, state["second"])
            assert r.status_code == 200, r.text

        check("the_old_secret_gets_401", the_old_secret_gets_401)
        check("the_new_secret_works", the_new_secret_works)
    finally:
        again.stop()

    def unknown_client_and_bad_store_fail_cleanly():
        r = admin("rotate-secret", "--store", store, "--client-id", "nobody")
        assert r.returncode == 1 and "no client" in r.stderr, (r.returncode, r.stderr)
        r = admin("list-clients", "--store", "memory")
        assert r.returncode == 2 and "sqlite:PATH" in r.stderr, (r.returncode, r.stderr)

    check("unknown_client_and_bad_store_fail_cleanly", unknown_client_and_bad_store_fail_cleanly)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
