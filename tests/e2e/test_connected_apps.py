#!/usr/bin/env python3
"""Socket-level tests of grant management in the example server (issue 14).

The owner's "Connected apps" page lists what is connected and disconnects it; a password
change disconnects everything. After either, Seam's next refresh gets invalid_grant and its
next API call 401, and a code issued before never yields a token. Runs once on the memory
store and once on SQLite.

Usage: test_connected_apps.py PATH/TO/intercom_server
Prints 'N passed, N failed' and exits non-zero on any failure.
"""
import copy
import html.parser
import os
import re
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import requests  # noqa: E402
import test_example_server as ex  # noqa: E402  (reads the server path from sys.argv[1])

APPS = "/account/connected-apps"
OTHER_EMAIL = "neighbour@example.com"
OTHER_PASSWORD = "another long passphrase"

CONFIG = copy.deepcopy(ex.CONFIG)
CONFIG["users"].append({"email": OTHER_EMAIL, "password": OTHER_PASSWORD, "user_id": "usr_neighbour",
                        "name": "Neighbour"})
CONFIG["sign_in_page"] = {"languages": {"en": {"scope_descriptions": {
    "intercoms.read": "See your intercoms and their access codes",
    "intercoms.write": "Unlock doors and create or delete access codes"}}}}


class Forms(html.parser.HTMLParser):
    """Every form of a page: action and its inputs (hidden ones with their values)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "fields": {}})
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")


def forms_of(page, action):
    p = Forms()
    p.feed(page)
    return [f["fields"] for f in p.forms if f["action"] == action]


def connect(srv, browser, email=ex.EMAIL, password=ex.PASSWORD):
    """Signs in on `browser` (which keeps the session cookie) and exchanges the code as Seam."""
    code, _ = ex.code_from(ex.sign_in(browser, srv.base, ex.authorize_url(srv.base, state="s"),
                                      email=email, password=password))
    r = ex.token_form(srv.base, code)
    assert r.status_code == 200, r.text
    return r.json()


def refresh(srv, token):
    return requests.post(srv.base + "/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"],
        "client_id": "seam", "client_secret": "seamsecret"})


def api(srv, token):
    return requests.get(srv.base + "/intercoms", headers={"Authorization": "Bearer " + token["access_token"]})


def check_page_rules(r):
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp, csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- tests

def test_page_needs_the_sign_in_session(srv):
    r = requests.get(srv.base + APPS)
    assert r.status_code == 401, r.status_code
    check_page_rules(r)
    r = requests.post(srv.base + APPS + "/disconnect", data={"grant": "x", "csrf": "x"})
    assert r.status_code == 401
    assert requests.delete(srv.base + APPS).status_code == 405


def test_lists_the_connection_then_disconnect_ends_refresh_and_api(srv):
    browser = requests.Session()
    token = connect(srv, browser)
    assert api(srv, token).status_code == 200
    page = browser.get(srv.base + APPS)
    assert page.status_code == 200, page.text
    check_page_rules(page)
    assert "SameSite=Strict" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    assert "Seam" in page.text
    assert "Unlock doors and create or delete access codes" in page.text  # scopes in words
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>", page.text)
    forms = forms_of(page.text, APPS + "/disconnect")
    assert len(forms) >= 1
    # The newest connection is the last row.
    r = browser.post(srv.base + APPS + "/disconnect", data=forms[-1], allow_redirects=False)
    assert r.status_code == 303, (r.status_code, r.text)
    assert r.headers["Location"] == APPS + "?done=disconnected"
    # What Seam sees: the refresh is refused, the API answers 401.
    r = refresh(srv, token)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    r = api(srv, token)
    assert r.status_code == 401 and "invalid_token" in r.headers["WWW-Authenticate"]
    page = browser.get(srv.base + APPS + "?done=disconnected")
    assert "was disconnected" in page.text
    assert forms[-1]["grant"] not in page.text
    out = srv.output()
    assert re.search(r'"audit":"grant_revoked".*"actor":"owner"', out) or \
        re.search(r'"actor":"owner".*"audit":"grant_revoked"', out), out[-2000:]


def test_disconnect_refuses_forged_or_foreign_forms(srv):
    owner = requests.Session()
    token = connect(srv, owner)
    form = forms_of(owner.get(srv.base + APPS).text, APPS + "/disconnect")[-1]
    # No CSRF token, a wrong one, or the right one without the browser's cookie: refused.
    for data, cookies in [({"grant": form["grant"]}, None), (dict(form, csrf="A" * 43), None)]:
        r = owner.post(srv.base + APPS + "/disconnect", data=data, allow_redirects=False)
        assert r.status_code == 403, r.status_code
    session_only = requests.Session()
    for c in owner.cookies:
        if "session" in c.name:
            session_only.cookies.set(c.name, c.value)
    r = session_only.post(srv.base + APPS + "/disconnect", data=form, allow_redirects=False)
    assert r.status_code == 403
    # Another owner, with a valid form of their own, cannot end this owner's grant.
    neighbour = requests.Session()
    connect(srv, neighbour, OTHER_EMAIL, OTHER_PASSWORD)
    theirs = forms_of(neighbour.get(srv.base + APPS).text, APPS + "/disconnect")[-1]
    r = neighbour.post(srv.base + APPS + "/disconnect", data=dict(theirs, grant=form["grant"]),
                       allow_redirects=False)
    assert r.status_code == 404
    assert api(srv, token).status_code == 200
    assert refresh(srv, token).status_code == 200


def test_password_change_disconnects_every_app_and_codes_in_flight(srv):
    browser = requests.Session()
    first = connect(srv, browser)
    second = connect(srv, browser)
    # A code issued now, exchanged only after the password change.
    pending, _ = ex.code_from(ex.sign_in(browser, srv.base, ex.authorize_url(srv.base, state="p")))
    neighbour = connect(srv, requests.Session(), OTHER_EMAIL, OTHER_PASSWORD)
    form = forms_of(browser.get(srv.base + APPS).text, "/account/password")[0]
    wrong = dict(form, current_password="not it", new_password="a brand new passphrase")
    assert browser.post(srv.base + "/account/password", data=wrong).status_code == 403
    assert api(srv, first).status_code == 200
    r = browser.post(srv.base + "/account/password",
                     data=dict(form, current_password=ex.PASSWORD, new_password="a brand new passphrase"))
    assert r.status_code == 200, r.text
    assert re.search(r"[2-9]\d* connected applications were disconnected", r.text), r.text
    for token in (first, second):
        r = refresh(srv, token)
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
        assert api(srv, token).status_code == 401
    r = ex.token_form(srv.base, pending)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    # Nobody else's.
    assert api(srv, neighbour).status_code == 200
    assert refresh(srv, neighbour).status_code == 200
    # The old password no longer signs in; the new one does (Seam's reconnect).
    page = ex.sign_in(requests.Session(), srv.base, ex.authorize_url(srv.base, state="x"))
    assert page.status_code != 303
    code, _ = ex.code_from(ex.sign_in(requests.Session(), srv.base, ex.authorize_url(srv.base, state="y"),
                                      password="a brand new passphrase"))
    again = ex.token_form(srv.base, code)
    assert again.status_code == 200
    assert api(srv, again.json()).status_code == 200


def run(store_args, label):
    passed = failed = 0
    srv = ex.Server(extra_args=store_args, config=CONFIG)
    try:
        # Each test starts with the demo owner's password as shipped (the last test changes it).
        for name, fn in [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]:
            try:
                fn(srv)
                passed += 1
                print(f"PASS {label} {name}")
            except Exception:
                failed += 1
                print(f"FAIL {label} {name}")
                traceback.print_exc()
    finally:
        if srv.stop() != 0:
            failed += 1
            print(f"FAIL {label} server exit code")
    return passed, failed


def main():
    if not os.path.exists(ex.SERVER):
        print(f"server binary not found: {ex.SERVER}")
        return 2
    passed = failed = 0
    db = os.path.join(tempfile.mkdtemp(prefix="beast-oauth-apps-db-"), "intercom.db")
    for args, label in [(["--store", "memory"], "memory"), (["--store", "sqlite:" + db], "sqlite")]:
        p, f = run(args, label)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
