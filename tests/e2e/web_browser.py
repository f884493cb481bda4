#!/usr/bin/python3
"""web_browser.py - the finance console in headless Chromium (JavaScript off), driven by
python3-selenium, plus raw HTTP requests for what a browser does not send (no CSRF
token, oversized and malformed bodies, a garbage request line). Run by tests/e2e/web.sh
against a running postsale-web; prints one "ok - " or "FAIL - " line per check and
exits 1 when any failed. Independent parsers: Chromium's DOM, Python's html.parser.
"""
import argparse
import html.parser
import http.client
import os
import shutil
import socket
import sqlite3
import sys
import tempfile
import time
import urllib.parse

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ap = argparse.ArgumentParser()
for a in ("base", "db", "dir", "shots", "release", "discard", "xss"):
    ap.add_argument("--" + a, required=True)
args = ap.parse_args()
URL = urllib.parse.urlparse(args.base)
failed = 0


def after_submit(drv, ident):
    """the element of id ident on the page a submitted form leads to: a click on a submit
    button returns before the browser has the next page (a release runs postsuper first)"""
    return WebDriverWait(drv, 20).until(EC.presence_of_element_located((By.ID, ident)))


def lands_on(drv, suffix):
    """whether the browser reaches a URL ending in suffix (within 20 s) after a click"""
    try:
        WebDriverWait(drv, 20).until(lambda d: d.current_url.endswith(suffix))
        return True
    except TimeoutException:
        return False


def check(what, cond, detail=""):
    global failed
    if cond:
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - " + what + (": " + str(detail)[:400] if detail else ""))


def pw(user):
    return "pw-%s-0123456789" % user


def request(method, path, body=None, cookie=None, ctype="application/x-www-form-urlencoded",
            headers=None, raw_cookie=None):
    """one request on a fresh connection: (status, headers dict, body text)"""
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = "postsale_session=" + cookie
    if raw_cookie:
        h["Cookie"] = raw_cookie
    if body is not None:
        h["Content-Type"] = ctype
        if isinstance(body, str):
            body = body.encode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, data


def login_token():
    """GET /login: the login cookie and the form's token"""
    st, h, page = request("GET", "/login")
    return h.get("set-cookie", "").split(";", 1)[0], parse(page).csrf


def post_login(user, password):
    """POST /login as a browser does after GET /login: (status, headers, page)"""
    cookie, token = login_token()
    return request("POST", "/login", urllib.parse.urlencode({"csrf": token, "user": user, "password": password}),
                   raw_cookie=cookie)


def login(user, password):
    """log in over HTTP; the session token, or None"""
    st, h, _ = post_login(user, password)
    c = h.get("set-cookie", "")
    if st != 303 or not c.startswith("postsale_session="):
        return None
    return c.split("=", 1)[1].split(";", 1)[0]


class Forms(html.parser.HTMLParser):
    """the csrf field's value, and every start tag (to find scripts)"""
    def __init__(self):
        super().__init__()
        self.csrf = None
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf":
            self.csrf = a.get("value")


def parse(page):
    p = Forms()
    p.feed(page)
    return p


# --- the browser: JavaScript off, a fresh profile ---
profile = tempfile.mkdtemp(prefix="chromium-", dir=args.dir)
opts = Options()
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile):
    opts.add_argument(a)
opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
drv.set_page_load_timeout(30)
try:
    b = args.base
    drv.get(b + "/")
    check("an anonymous visit lands on the login page", drv.current_url.endswith("/login"), drv.current_url)
    drv.find_element(By.ID, "user").send_keys("clerk")
    drv.find_element(By.ID, "password").send_keys(pw("clerk"))
    drv.find_element(By.ID, "login").click()
    check("finance lands on the invoice list", lands_on(drv, "/invoices"), drv.current_url)
    rows = drv.find_elements(By.CSS_SELECTOR, "#invoices tbody tr")
    numbers = [r.find_element(By.TAG_NAME, "a").text for r in rows]
    check("the held invoices are listed first", len(rows) >= 3 and
          all(r.get_attribute("class") == "held" for r in rows[:3]) and
          {"WEB-REL", "WEB-DIS", "WEB-XSS"} == set(numbers[:3]), numbers)
    cookie = drv.get_cookie("postsale_session")
    check("the session cookie is HttpOnly and SameSite=Strict",
          cookie and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", cookie)
    drv.get(b + "/invoices?state=held&number=WEB-REL")
    check("the filters find the invoice by state and number",
          [r.text for r in drv.find_elements(By.CSS_SELECTOR, "#invoices tbody tr a")] == ["WEB-REL"])
    drv.get(b + "/invoices")
    check("the clean invoice comes after the held ones", numbers[3:] == ["TOSL108"], numbers)
    drv.save_screenshot(os.path.join(args.shots, "console-invoices.png"))

    drv.find_element(By.LINK_TEXT, "WEB-REL").click()
    check("the invoice page opens", lands_on(drv, "/invoice/" + args.release), drv.current_url)
    findings = drv.find_element(By.ID, "findings").text
    check("its finding BR-CO-16 is there with a plain explanation",
          "BR-CO-16" in findings and "amount due" in findings, findings)
    totals = drv.find_elements(By.CSS_SELECTOR, "#totals tr.differs")
    check("the recomputed BT-115 differs from the stated one and is marked",
          any("BT-115" in t.text and "801.79" in t.text and "801.78" in t.text for t in totals),
          [t.text for t in totals])
    check("the invoice lines are shown", len(drv.find_elements(By.CSS_SELECTOR, "#lines tbody tr")) >= 1)
    drv.set_window_size(1400, 2300)
    drv.save_screenshot(os.path.join(args.shots, "console-invoice.png"))
    drv.set_window_size(1400, 1000)
    drv.find_element(By.ID, "release").click()
    check("release: the page says it is released",
          "Released" in after_submit(drv, "notice").text)
    audit = drv.find_element(By.ID, "audit").text
    check("release: the audit log says who", "clerk" in audit and "release" in audit and "done" in audit, audit)

    drv.get(b + "/invoice/" + args.discard)
    drv.find_element(By.ID, "discard").click()
    after_submit(drv, "confirm-discard")
    check("discard asks for a confirmation first", drv.current_url.endswith("/discard") and
          drv.find_elements(By.ID, "confirm-discard"), drv.current_url)
    drv.find_element(By.ID, "confirm-discard").click()
    check("discard: the page says it is discarded", "Discarded" in after_submit(drv, "notice").text)
    check("discard: in the audit log", "discard" in drv.find_element(By.ID, "audit").text)

    drv.get(b + "/invoice/" + args.xss)
    facts = drv.find_element(By.ID, "facts").text
    check("a seller name holding <script> shows as text",
          '<script>alert("xss")</script> Evil ltd.' in facts, facts)
    check("... and makes no script element", drv.find_elements(By.TAG_NAME, "script") == [])
    token = cookie["value"]
    st, h, page = request("GET", "/invoice/" + args.xss, cookie=token)
    p = parse(page)
    check("... nor in the raw page (Python's html.parser)", "script" not in p.tags and
          "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page)
    check("pages forbid scripts (Content-Security-Policy)",
          "default-src 'none'" in h.get("content-security-policy", ""), h)
    csrf = p.csrf

    # --- CSRF, bad input, unknown paths: a clear status, nothing changed ---
    st, _, _ = request("POST", "/invoice/%s/review" % args.xss, "note=x", cookie=token)
    check("a POST without the CSRF token gets 403", st == 403, st)
    st, _, _ = request("POST", "/invoice/%s/release" % args.xss, "csrf=" + "0" * 64, cookie=token)
    check("a POST with a wrong CSRF token gets 403", st == 403, st)
    st, _, _ = request("POST", "/invoice/%s/review" % args.xss, "csrf=%s&note=" % csrf + "x" * 20000, cookie=token)
    check("an oversized body gets 413", st == 413, st)
    st, _, _ = request("POST", "/invoice/%s/review" % args.xss, "{}", cookie=token, ctype="application/json")
    check("a body that is not a form gets 415", st == 415, st)
    st, _, _ = request("POST", "/invoice/%s/review" % args.xss, "csrf=%s&note=%%zz" % csrf, cookie=token)
    check("a malformed form gets 400", st == 400, st)
    for path, want in (("/nothing", 404), ("/invoice/abc", 404), ("/invoice/0", 404),
                       ("/invoice/99999999", 404), ("/invoice/%s/explode" % args.xss, 404),
                       ("/invoices?from=2026-13-45", 400), ("/invoices?state=%3Cscript%3E", 400),
                       ("/invoices?page=-1", 400), ("/customer/1", 403)):
        st, _, _ = request("GET", path, cookie=token)
        check("GET %s gets %d" % (path, want), st == want, st)
    st, _, _ = request("DELETE", "/invoices", cookie=token)
    check("DELETE gets 405", st == 405, st)
    st, h, _ = request("GET", "/invoices", cookie="f" * 64)
    check("an unknown session token is sent to the login page", st == 303 and h.get("location") == "/login", st)
    st, h, _ = request("GET", "/invoices", cookie="<script>")
    check("a malformed session cookie is sent to the login page", st == 303, st)
    s = socket.create_connection((URL.hostname, URL.port), timeout=10)
    s.sendall(b"GARBAGE\x00\xff /\r\n\r\n")
    reply = s.recv(200)
    s.close()
    check("a garbage request line gets 400", reply.startswith(b"HTTP/1.1 400"), reply[:40])
    st, _, _ = request("GET", "/invoices", cookie=token)
    check("the server still answers after all that", st == 200, st)
    st, _, _ = request("POST", "/invoice/%s/review" % args.xss,
                       urllib.parse.urlencode({"csrf": csrf, "note": "checked <b>by</b> phone"}), cookie=token)
    check("mark reviewed with a note (a POST with the token)", st == 303, st)
    drv.get(b + "/invoice/" + args.xss)
    check("the note shows as text", "checked <b>by</b> phone" in drv.find_element(By.ID, "audit").text)

    # --- roles ---
    mgr = login("mgr", pw("mgr"))
    check("the manager logs in", mgr is not None)
    for path, want in (("/invoices", 403), ("/invoice/" + args.release, 403), ("/customers", 200),
                       ("/customer/1", 200), ("/users", 403)):
        st, _, _ = request("GET", path, cookie=mgr)
        check("the manager gets %d on %s" % (want, path), st == want, st)
    boss = login("boss", pw("boss"))
    for path in ("/invoices", "/customers", "/users"):
        st, _, page = request("GET", path, cookie=boss)
        check("the admin sees %s" % path, st == 200, st)
    check("the admin's user list names the users", all(u in page for u in ("clerk", "mgr", "victim")))

    # --- six wrong passwords ---
    st, _, _ = request("POST", "/login", urllib.parse.urlencode({"user": "clerk", "password": pw("clerk")}))
    check("a login POST without the login form's token gets 403", st == 403, st)
    cookie, token = login_token()
    st, _, _ = request("POST", "/login", urllib.parse.urlencode({"csrf": "0" * 64, "user": "clerk",
                       "password": pw("clerk")}), raw_cookie=cookie)
    check("a login POST with another token gets 403", st == 403, st)
    codes = [post_login("victim", "wrong-%d" % i)[0] for i in range(6)]
    check("five wrong passwords get 401, the sixth 429", codes == [401] * 5 + [429], codes)
    st, h, page = post_login("victim", pw("victim"))
    check("then even the right one waits (429, Retry-After)", st == 429 and "retry-after" in h, st)
    drv.delete_all_cookies()
    drv.get(b + "/login")
    drv.find_element(By.ID, "user").send_keys("victim")
    drv.find_element(By.ID, "password").send_keys("wrong")
    drv.find_element(By.ID, "login").click()
    check("the browser shows the throttle clearly", "Too many failed logins" in after_submit(drv, "notice").text)

    # --- a stale session ---
    stale = login("boss", pw("boss"))
    db = sqlite3.connect(args.db, timeout=10)
    db.execute("UPDATE web_sessions SET last_seen = 0")
    db.commit()
    db.close()
    st, h, _ = request("GET", "/invoices", cookie=stale)
    check("a stale session is sent to log in again", st == 303 and "expired" in h.get("location", ""), (st, h))
    stale = login("boss", pw("boss"))
    db = sqlite3.connect(args.db, timeout=10)
    db.execute("UPDATE web_sessions SET last_seen = 0")
    db.commit()
    db.close()
    st, _, _ = request("POST", "/invoice/%s/release" % args.xss, "csrf=x", cookie=stale)
    check("a POST with a stale session gets 401 and changes nothing", st == 401, st)

    # --- a locked database: 503, nothing released ---
    fresh = login("clerk", pw("clerk"))
    st, _, page = request("GET", "/invoice/" + args.xss, cookie=fresh)
    csrf = parse(page).csrf
    db = sqlite3.connect(args.db, timeout=10, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    time.sleep(1.2)     # the next request refreshes the session: a write
    st, h, _ = request("GET", "/invoices", cookie=fresh)
    check("a locked database gets 503 with Retry-After", st == 503 and "retry-after" in h, st)
    st, _, _ = request("POST", "/invoice/%s/release" % args.xss, "csrf=" + csrf, cookie=fresh)
    check("a release under a locked database gets 503", st == 503, st)
    db.execute("ROLLBACK")
    db.close()
    st, _, page = request("GET", "/invoice/" + args.xss, cookie=fresh)
    check("after the lock the invoice is still held", st == 200 and "id=\"release\"" in page, st)

    # --- log out ---
    st, h, _ = request("POST", "/logout", "csrf=" + csrf, cookie=fresh)
    check("log out ends the session", st == 303 and "Max-Age=0" in h.get("set-cookie", ""), h)
    st, _, _ = request("GET", "/invoices", cookie=fresh)
    check("the old token opens nothing", st == 303, st)
finally:
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)
sys.exit(1 if failed else 0)
