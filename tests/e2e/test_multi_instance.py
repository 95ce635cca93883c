#!/usr/bin/env python3
"""Two example-server instances on one PostgreSQL database.

Starts a throwaway PostgreSQL (pg_server.py), runs two intercom_server processes with
"store": "postgres:..." and one secret_key, and proves that they act as one server: a code
issued by A is redeemed on B, refreshed on A, the token used on B; a code replayed across
instances still fails and revokes; and while the database is down the endpoints answer
503 temporarily_unavailable without writing anything, then recover.

Usage: test_multi_instance.py PATH/TO/intercom_server
With BEAST_OAUTH_E2E_POSTGRES_ASYNC=1, instance A runs its OAuth endpoints on
postgres_async_store ("postgres_async": true) and B on postgres_store: the same flows,
outage included, across the two stores on one database.
"""
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402
import test_example_server as ex  # noqa: E402  (reads the server path from sys.argv[1])
from pg_server import PostgresServer  # noqa: E402

SECRET = "multi-instance-shared-secret-key-0123456789"


def bearer(token):
    return {"Authorization": "Bearer " + token}


def api(srv, token):
    return requests.get(srv.base + "/intercoms", headers=bearer(token))


def code_on(srv):
    code, _ = ex.code_from(ex.sign_in(requests.Session(), srv.base, ex.authorize_url(srv.base, state="s1")))
    return code


def refresh_on(srv, refresh_token):
    return requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"),
                         data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def test_sign_in_on_a_redeem_on_b_refresh_on_a_api_on_b(a, b, pg):
    code = code_on(a)
    t = ex.token_form(b.base, code)
    assert t.status_code == 200, t.text
    first = t.json()
    assert first["user_id"] == ex.USER_ID
    r = refresh_on(a, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["access_token"] != first["access_token"]
    assert api(b, second["access_token"]).status_code == 200
    assert api(b, first["access_token"]).status_code == 200  # rotation "none": both stay valid
    assert api(a, second["access_token"]).status_code == 200
    # The API's own answers on A (asynchronous bearer check in the async run): HEAD has no body,
    # no token is a 401 challenge (RFC 6750 3.1), and /health needs no token.
    head = requests.head(a.base + "/intercoms", headers=bearer(second["access_token"]))
    assert head.status_code == 200 and head.content == b"", (head.status_code, head.content)
    none = requests.get(a.base + "/intercoms")
    assert none.status_code == 401 and none.headers["WWW-Authenticate"].startswith("Bearer"), none.headers
    assert requests.get(a.base + "/health").status_code == 200
    # Revocation on B is seen by A at once.
    rv = requests.post(b.base + "/oauth/revoke", auth=("seam", "seamsecret"),
                       data={"token": second["access_token"]})
    assert rv.status_code == 200
    assert api(a, second["access_token"]).status_code == 401


def test_code_replayed_across_instances_fails_and_revokes(a, b, pg):
    code = code_on(a)
    t = ex.token_form(b.base, code)
    assert t.status_code == 200, t.text
    tokens = t.json()
    assert api(a, tokens["access_token"]).status_code == 200
    replay = ex.token_form(a.base, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text
    for srv in (a, b):
        assert api(srv, tokens["access_token"]).status_code == 401
        r = refresh_on(srv, tokens["refresh_token"])
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    # Replaying on the instance that redeemed it is no different.
    assert ex.token_form(b.base, code).status_code == 400


def test_same_code_redeemed_on_both_at_once_yields_one_token(a, b, pg):
    import concurrent.futures
    code = code_on(b)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: ex.token_form((a, b)[i % 2].base, code), range(8)))
    ok = [r for r in results if r.status_code == 200]
    assert len(ok) == 1, [r.text for r in results]
    # Whatever won, the replays revoked it: no working token remains.
    for r in ok:
        assert api(a, r.json()["access_token"]).status_code == 401


def test_database_outage_answers_503_and_writes_nothing(a, b, pg):
    code = code_on(a)  # issued before the outage, redeemed after it
    t = ex.token_form(b.base, code_on(b))
    assert t.status_code == 200
    live_token = t.json()["access_token"]
    pg.stop(remove=False)
    try:
        r = ex.token_form(b.base, code)
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.json()["error"] == "temporarily_unavailable"
        assert int(r.headers["Retry-After"]) > 0
        # Sign-in: while the client is cached the page still renders, but issuing the code cannot.
        browser = requests.Session()
        resp = browser.get(ex.authorize_url(a.base, state="s2"), allow_redirects=False)
        if resp.status_code == 200:
            form = ex.hidden_fields(resp.text)
            form.update({"username": ex.EMAIL, "password": ex.PASSWORD, "action": "sign_in"})
            resp = browser.post(a.base + "/authorize", data=form, allow_redirects=False)
        assert resp.status_code == 503, resp.status_code
        assert "Location" not in resp.headers
        assert int(resp.headers["Retry-After"]) > 0
        assert api(a, live_token).status_code == 503
        assert "store_unavailable" in b.output()
    finally:
        pg.start()
    # Back: nothing was consumed during the outage, so the code still works, once.
    deadline = time.time() + 20
    while True:
        r = ex.token_form(b.base, code)
        if r.status_code != 503 or time.time() > deadline:
            break
        time.sleep(0.5)
    assert r.status_code == 200, r.text
    assert api(a, r.json()["access_token"]).status_code == 200
    assert api(b, live_token).status_code == 200


def main():
    if not os.path.exists(ex.SERVER):
        print(f"server binary not found: {ex.SERVER}")
        return 2
    pg = PostgresServer()
    servers = []
    passed = failed = 0
    try:
        config = dict(ex.CONFIG, store="postgres:" + pg.conninfo, secret_key=SECRET)
        mixed = os.environ.get("BEAST_OAUTH_E2E_POSTGRES_ASYNC") == "1"
        a = ex.Server(config=dict(config, postgres_async=True) if mixed else config)
        servers.append(a)
        b = ex.Server(config=config)
        servers.append(b)
        for name, fn in [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]:
            try:
                fn(a, b, pg)
                passed += 1
                print(f"PASS {name}")
            except Exception:
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc()
    except Exception:
        failed += 1
        print("FAIL setup")
        traceback.print_exc()
    finally:
        for srv in servers:
            if srv.stop() != 0:
                failed += 1
                print("FAIL server exit code; output:\n" + srv.output()[-3000:])
        pg.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
