#!/usr/bin/env python3
"""load.py - mail under load through the private Postfix, and what became of it.

  load.py send PORT XML OUT.json --count N --sessions S [--prefix P] [--flagged-every K]
                                  [--invoice-every K] [--ready FILE]
      N messages over S parallel SMTP sessions (one message per connection, as clients
      do): plain mail to bob@customer.example, clean invoices (a unique number each) to
      john@buyercompany.no, and flagged ones (the amount altered by 0.01: BR-CO-16).
      Records for each message its kind, Message-ID, invoice number, the server's reply
      and the end-of-data wait: the time from the DATA command to the reply after the
      final dot, as the client sees it (an independent clock: not the filter's log).
  load.py merge OUT.json IN.json...
      One send report of several (their messages, their seconds added).
  load.py check OUT.json MAILDIR HELD_IDS_FILE
      The figures: sent, delivered, held, lost, duplicated, corrupted; the waits per kind.
      A delivered plain message is corrupted when its body differs from what was sent; a
      delivered invoice when it lacks its X-Postsale-Invoice tag or its body changed.
      Prints JSON; exits 1 when anything was lost, duplicated or corrupted.
"""
import argparse
import email
import email.policy
import glob
import json
import os
import smtplib
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_invoice_mail import build  # noqa: E402

PLAIN = """From: Alice <alice@example.com>
To: Bob <bob@customer.example>
Subject: report %(i)d
Message-ID: <%(mid)s>
Date: Sun, 22 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello Bob,

the quarterly report, part %(i)d, follows.
%(filler)s
-- 
Alice
"""


def make(args, xml, i):
    """(kind, message-id, number, envelope recipient, bytes) of message i."""
    mid = "%s-%d@load.example.com" % (args.prefix, i)
    if args.invoice_every and i % args.invoice_every == 0:
        number = "%s-%d" % (args.prefix, i)
        flagged = args.flagged_every and (i // args.invoice_every) % args.flagged_every == 0
        data = build(xml, number=number, payable="801.79" if flagged else None, message_id=mid)
        return ("flagged" if flagged else "invoice", mid, number, "john@buyercompany.no", data)
    filler = "\n".join("line %d of the report: figures and notes." % k for k in range(60))
    data = (PLAIN % {"i": i, "mid": mid, "filler": filler}).replace("\n", "\r\n").encode()
    return ("plain", mid, None, "bob@customer.example", data)


def send(args):
    xml = open(args.xml, "rb").read().decode("utf-8")
    results = [None] * args.count
    next_i = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= args.count:
                return
            kind, mid, number, rcpt, data = make(args, xml, i)
            rec = {"kind": kind, "message_id": mid, "number": number, "code": None, "wait": None}
            try:
                s = smtplib.SMTP("127.0.0.1", args.port, timeout=120)
                s.ehlo("load.example.com")
                s.mail("alice@example.com")
                s.rcpt(rcpt)
                t0 = time.monotonic()
                code, reply = s.data(data)
                rec["wait"] = time.monotonic() - t0
                rec["code"] = code
                rec["reply"] = reply.decode(errors="replace")
                s.quit()
            except (smtplib.SMTPException, OSError) as e:
                code = getattr(e, "smtp_code", None)
                rec["code"] = code
                rec["reply"] = str(e)
            results[i] = rec

    t0 = time.monotonic()
    if args.ready:
        open(args.ready, "w").close()
    threads = [threading.Thread(target=worker) for _ in range(args.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    json.dump({"seconds": took, "sessions": args.sessions, "messages": results},
              open(args.out, "w"))
    waits = {}
    for r in results:
        if r["wait"] is not None:
            waits.setdefault(r["kind"], []).append(r["wait"])
    summary = {k: {"n": len(v), "median": round(statistics.median(v), 3), "max": round(max(v), 3)}
               for k, v in sorted(waits.items())}
    print(json.dumps({"sent": len(results), "seconds": round(took, 2),
                      "accepted": sum(1 for r in results if r["code"] == 250),
                      "waits": summary}))


def body_of(raw):
    """The body bytes after the header block, line ends unified."""
    raw = raw.replace(b"\r\n", b"\n")
    return raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""


def check(args):
    run = json.load(open(args.sent))
    sent = {r["message_id"]: r for r in run["messages"] if r["code"] == 250}
    held_ids = [line.strip() for line in open(args.held) if line.strip()]
    xml_cache = {}
    seen = {}
    corrupted = []
    for path in glob.glob(os.path.join(args.maildir, "*", "new", "*")):
        raw = open(path, "rb").read()
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        mid = (msg["Message-ID"] or "").strip().strip("<>")
        if mid not in sent:
            continue
        seen[mid] = seen.get(mid, 0) + 1
        r = sent[mid]
        if r["kind"] == "plain":
            i = int(mid.split("-")[-1].split("@")[0])
            filler = "\n".join("line %d of the report: figures and notes." % k for k in range(60))
            want = (PLAIN % {"i": i, "mid": mid, "filler": filler}).encode()
            if body_of(raw) != body_of(want):
                corrupted.append(mid)
        else:
            tag = msg.get("X-Postsale-Invoice", "")
            if not tag.startswith("%s; number=%s" % ("ok" if r["kind"] == "invoice" else "flagged",
                                                      r["number"])):
                corrupted.append(mid)
    delivered = sum(seen.values())
    duplicated = sum(n - 1 for n in seen.values())
    flagged = [m for m, r in sent.items() if r["kind"] == "flagged"]
    delivered_flagged = [m for m in flagged if m in seen]
    lost = len(sent) - len(seen) - len(held_ids)
    waits = {}
    for r in run["messages"]:
        if r["wait"] is not None:
            waits.setdefault(r["kind"], []).append(r["wait"])
    out = {
        "sent": len(run["messages"]), "accepted": len(sent), "delivered": delivered,
        "held": len(held_ids), "flagged_sent": len(flagged),
        "flagged_delivered_unheld": len(delivered_flagged),
        "lost": max(lost, 0), "duplicated": duplicated, "corrupted": len(corrupted),
        "msg_per_s": round(len(run["messages"]) / run["seconds"], 1),
        "waits": {k: {"n": len(v), "median": round(statistics.median(v), 3),
                      "max": round(max(v), 3)} for k, v in sorted(waits.items())},
    }
    print(json.dumps(out))
    bad = lost != 0 or duplicated or corrupted or delivered_flagged
    return 1 if bad else 0


def merge(args):
    runs = [json.load(open(p)) for p in args.inputs]
    json.dump({"seconds": sum(r["seconds"] for r in runs),
               "messages": [m for r in runs for m in r["messages"]]}, open(args.out, "w"))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("port", type=int)
    s.add_argument("xml")
    s.add_argument("out")
    s.add_argument("--count", type=int, default=100)
    s.add_argument("--sessions", type=int, default=8)
    s.add_argument("--prefix", default="LOAD")
    s.add_argument("--invoice-every", type=int, default=2)
    s.add_argument("--flagged-every", type=int, default=3)
    s.add_argument("--ready")
    m = sub.add_parser("merge")
    m.add_argument("out")
    m.add_argument("inputs", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("sent")
    c.add_argument("maildir")
    c.add_argument("held")
    a = ap.parse_args()
    if a.cmd == "send":
        send(a)
        return 0
    if a.cmd == "merge":
        merge(a)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
