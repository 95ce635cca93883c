#!/usr/bin/env python3
"""Durability of the SQLite store: SIGKILL under load loses no token that was answered.

Runs the example server on "store": "sqlite:<tmp>/intercom.db" with no secret_key (so the
server generates one and keeps it next to the database), drives full flows (sign-in, code,
token exchange) from several threads, kills the server with SIGKILL mid-load, restarts it on
the same files and checks that every token whose response had been received still works.

Usage: test_durability.py PATH/TO/intercom_server
"""
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402
import test_example_server as ex  # noqa: E402  (reads the server path from sys.argv[1])

LOAD_SECONDS = 4
THREADS = 6


def drive(base, killed, issued, errors):
    """Full flows until the server is killed; records every complete token response."""
    http = requests.Session()
    while not killed.is_set():
        try:
            code, _ = ex.code_from(ex.sign_in(http, base, ex.authorize_url(base, state="d")))
            r = requests.post(base + "/oauth/token", timeout=10,
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": ex.SEAM_CB, "client_id": "seam", "client_secret": "seamsecret"})
            body = r.json()  # a truncated response raises: only whole answers count
            if r.status_code == 200:
                issued.append((body["access_token"], body["refresh_token"]))
            elif not killed.is_set():
                errors.append(r.text)
        except Exception as e:  # noqa: BLE001
            if not killed.is_set():
                errors.append(repr(e))  # before the kill, any failure is a bug
            return


def main():
    if not os.path.exists(ex.SERVER):
        print(f"server binary not found: {ex.SERVER}")
        return 2
    data = tempfile.mkdtemp(prefix="beast-oauth-durability-")
    db = os.path.join(data, "db", "intercom.db")
    config = dict(ex.CONFIG, store="sqlite:" + db, threads=2)
    passed = failed = 0

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

    srv = ex.Server(config=config)
    issued, errors = [], []
    killed = threading.Event()
    workers = [threading.Thread(target=drive, args=(srv.base, killed, issued, errors)) for _ in range(THREADS)]
    for w in workers:
        w.start()
    time.sleep(LOAD_SECONDS)
    in_flight = len(issued)
    killed.set()
    srv.proc.send_signal(signal.SIGKILL)  # mid-load: requests are in flight right now
    srv.proc.wait(timeout=10)
    for w in workers:
        w.join(timeout=30)
    print(f"{len(issued)} token responses received before SIGKILL ({in_flight} when it was sent)")

    def generated_key_kept():
        assert "secret_key: generated and saved to " + db + ".key" in srv.output(), srv.output()
        mode = stat.S_IMODE(os.stat(db + ".key").st_mode)
        assert mode == 0o600, oct(mode)

    def load_ran():
        assert not errors, errors[:5]
        assert len(issued) >= 20, len(issued)

    check("generated_key_kept_with_mode_0600", generated_key_kept)
    check("load_ran_without_errors", load_ran)

    again = ex.Server(config=config)
    try:
        def restart_reads_the_same_key():
            assert "secret_key: read from " + db + ".key" in again.output(), again.output()

        def every_answered_token_still_valid():
            bad = []
            for access, _ in issued:
                r = requests.get(again.base + "/intercoms", headers={"Authorization": "Bearer " + access})
                if r.status_code != 200:
                    bad.append((access[:12], r.status_code))
            assert not bad, f"{len(bad)} of {len(issued)} tokens lost: {bad[:5]}"

        def refresh_tokens_still_work():
            for _, refresh in issued[:: max(1, len(issued) // 10)]:
                r = requests.post(again.base + "/oauth/token", auth=("seam", "seamsecret"),
                                  data={"grant_type": "refresh_token", "refresh_token": refresh})
                assert r.status_code == 200, r.text

        def a_forged_token_is_still_refused():
            access = issued[0][0]
            forged = access[:-2] + ("AA" if not access.endswith("AA") else "BB")
            r = requests.get(again.base + "/intercoms", headers={"Authorization": "Bearer " + forged})
            assert r.status_code == 401

        check("restart_reads_the_same_key", restart_reads_the_same_key)
        check("every_answered_token_still_valid", every_answered_token_still_valid)
        check("refresh_tokens_still_work", refresh_tokens_still_work)
        check("a_forged_token_is_still_refused", a_forged_token_is_still_refused)
    finally:
        if again.stop() != 0:
            failed += 1
            print("FAIL server exit code")
        shutil.rmtree(data, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
