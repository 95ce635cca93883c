#!/usr/bin/env python3
"""Request metrics of the example intercom server (server_options::metrics, metrics_collector).

A flow against the public listener, then a scrape of GET /metrics on the metrics listener
(--metrics-listen): the counters match what was done, and the text is Prometheus exposition
format 0.0.4. /metrics is not on the public listener by default; the token-protected public
variant refuses a missing or wrong token, and the server refuses to start without a real token.

Usage: test_example_metrics.py PATH/TO/intercom_server
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_example_server as base  # noqa: E402  (Server, sign_in, code_from, CONFIG...)

import requests  # noqa: E402

SERVER = base.SERVER
TOKEN = "scrape-token-0123456789abcdef"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)')


def config(**overrides):
    c = copy.deepcopy(base.CONFIG)
    c.update(overrides)
    return c


def metrics_base(srv):
    deadline = time.time() + 10
    while time.time() < deadline:
        m = re.search(r"metrics on (http://127\.0\.0\.1:\d+)/metrics", srv.output())
        if m:
            return m.group(1)
        time.sleep(0.05)
    raise AssertionError("no metrics listener announced: " + srv.output())


def parse(text):
    """Prometheus text format 0.0.4 -> {(name, frozenset(labels)): value}; asserts the syntax."""
    assert text.endswith("\n"), "the exposition ends with a newline"
    types, samples = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "histogram"), line
            assert name not in types, ("TYPE twice", line)
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        assert m, ("not a sample line", line)
        name, labels_text, value = m.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in types else name
        assert family in types, ("sample before its TYPE", line)
        labels, rest = {}, labels_text or ""
        while rest:
            lm = LABEL.match(rest)
            assert lm, ("bad labels", line)
            labels[lm.group(1)] = lm.group(2)
            rest = rest[lm.end():]
        float(value)
        samples[(name, frozenset(labels.items()))] = float(value)
    return samples


def counter(samples, endpoint, outcome, error=None):
    labels = {"endpoint": endpoint, "outcome": outcome}
    if error:
        labels["error"] = error
    return samples.get(("beast_oauth_requests_total", frozenset(labels.items())), 0)


def flow(srv):
    """Wrong password, sign-in, exchange, refresh, code replay, an API call, revocation."""
    http = requests.Session()
    wrong = base.sign_in(http, srv.base, base.authorize_url(srv.base), password="not the password")
    assert wrong.status_code == 200
    code, _ = base.code_from(base.sign_in(http, srv.base, base.authorize_url(srv.base)))
    tokens = base.token_form(srv.base, code).json()
    r = requests.post(srv.base + "/oauth/token", auth=("seam", "seamsecret"),
                      data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    assert requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + tokens["access_token"]}).status_code == 200
    assert base.token_form(srv.base, code).status_code == 400  # replayed code: invalid_grant
    assert requests.post(srv.base + "/oauth/revoke", auth=("seam", "seamsecret"),
                         data={"token": tokens["refresh_token"]}).status_code == 200


def test_metrics_listener_counts_the_flow_and_public_listener_has_no_metrics():
    srv = base.Server(extra_args=["--metrics-listen", "127.0.0.1:0"], config=config())
    try:
        mbase = metrics_base(srv)
        flow(srv)
        r = requests.get(mbase + "/metrics")
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
        s = parse(r.text)
        assert counter(s, "token", "issued") == 1, r.text
        assert counter(s, "token", "refreshed") == 1, r.text
        assert counter(s, "token", "failure", "invalid_grant") == 1, r.text
        assert counter(s, "sign_in", "issued") == 1, r.text
        assert counter(s, "sign_in", "page_shown") == 1, r.text  # the wrong password: not a failure
        assert counter(s, "authorize", "page_shown") == 2, r.text
        assert counter(s, "revocation", "revoked") == 1, r.text
        assert counter(s, "bearer", "accepted") == 1, r.text
        token_count = s[("beast_oauth_request_duration_seconds_count", frozenset({("endpoint", "token")}))]
        assert token_count == 3, r.text
        inf = s[("beast_oauth_request_duration_seconds_bucket", frozenset({("endpoint", "token"), ("le", "+Inf")}))]
        assert inf == token_count

        # Off the public listener by default, and the metrics listener serves nothing else.
        pub = requests.get(srv.base + "/metrics")
        assert pub.status_code == 404 and "beast_oauth_requests_total" not in pub.text
        assert requests.get(pub.url, headers={"Authorization": "Bearer " + TOKEN}).status_code == 404
        assert requests.get(mbase + "/authorize").status_code == 404
        assert requests.get(mbase + "/.well-known/oauth-authorization-server").status_code == 404
        assert requests.post(mbase + "/metrics").status_code == 405
        assert requests.head(mbase + "/metrics").status_code == 200
    finally:
        assert srv.stop() == 0


def test_no_metrics_anywhere_by_default():
    srv = base.Server(config=config())
    try:
        assert "metrics on" not in srv.output()
        assert requests.get(srv.base + "/metrics").status_code == 404
    finally:
        assert srv.stop() == 0


def test_public_metrics_need_the_scrape_token():
    srv = base.Server(config=config(metrics_on_public_listener=True, metrics_token=TOKEN))
    try:
        flow(srv)
        for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789abcdef"},
                        {"Authorization": "Bearer " + TOKEN[:-1]}, {"Authorization": "Basic " + TOKEN},
                        {"Authorization": "Bearer " + TOKEN + "x"}):
            r = requests.get(srv.base + "/metrics", headers=headers)
            assert r.status_code == 401, (headers, r.status_code)
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
            assert "beast_oauth" not in r.text
        r = requests.get(srv.base + "/metrics", headers={"Authorization": "Bearer " + TOKEN})
        assert r.status_code == 200
        assert counter(parse(r.text), "token", "issued") == 1, r.text
    finally:
        assert srv.stop() == 0


def refuses(cfg, *args):
    d = tempfile.mkdtemp(prefix="beast-oauth-e2e-")
    path = os.path.join(d, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    p = subprocess.run([SERVER, "--config", path, "--listen", "127.0.0.1:0", *args],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode != 0, p.stdout
    return p.stderr


def test_public_metrics_without_a_real_token_refuse_to_start():
    assert "metrics_token" in refuses(config(metrics_on_public_listener=True))
    assert "metrics_token" in refuses(config(metrics_on_public_listener=True, metrics_token="short"))
    assert "metrics_token" in refuses(config(metrics_token=TOKEN))  # a token nobody checks: a mistake
    assert "metrics_listen" in refuses(config(), "--metrics-listen", "no-port")


def main():
    if not os.path.exists(SERVER):
        print(f"server binary not found: {SERVER}")
        return 2
    passed = failed = 0
    for name, fn in [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]:
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
