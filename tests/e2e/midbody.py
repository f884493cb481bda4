#!/usr/bin/env python3
"""midbody.py - SMTP sessions caught in the middle of a message, for the stop scenario.

usage: midbody.py PORT XML OUT.json RUNDIR [--sessions N]

Opens N sessions, each sending an invoice (every third one flagged: its amount altered
by 0.01) up to the middle of its body, plus one idle session (EHLO only). When all are
in place it creates RUNDIR/ready and waits for RUNDIR/go; then the N sessions send the
rest of their message and record the server's reply, and the idle one begins a new
message (MAIL FROM) and records that reply. It keeps the idle session open until
RUNDIR/done appears. Writes the replies to OUT.json.
"""
import argparse
import json
import os
import smtplib
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_invoice_mail import build  # noqa: E402


def wait_for(path, seconds=120):
    end = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("xml")
    ap.add_argument("out")
    ap.add_argument("rundir")
    ap.add_argument("--sessions", type=int, default=6)
    a = ap.parse_args()
    xml = open(a.xml, "rb").read().decode("utf-8")
    results = []
    in_place = threading.Semaphore(0)
    go = os.path.join(a.rundir, "go")

    def session(i):
        flagged = i % 3 == 0
        mid = "stop-%d@example.com" % i
        number = "STOP-%d" % i
        data = smtplib.quotedata(build(xml, number=number, payable="801.79" if flagged else None,
                                       message_id=mid).decode()).encode()
        rec = {"message_id": mid, "number": number, "flagged": flagged}
        try:
            s = smtplib.SMTP("127.0.0.1", a.port, timeout=120)
            s.ehlo("stop.example.com")
            s.mail("alice@example.com")
            s.rcpt("john@buyercompany.no")
            s.putcmd("data")
            code, _ = s.getreply()
            assert code == 354, code
            half = len(data) // 2
            s.send(data[:half])
            in_place.release()
            wait_for(go)
            s.send(data[half:] + b"\r\n.\r\n")
            code, reply = s.getreply()
            rec.update(code=code, reply=reply.decode(errors="replace"))
            s.quit()
        except (smtplib.SMTPException, OSError, AssertionError) as e:
            in_place.release()
            rec.update(code=None, reply=repr(e))
        results.append(rec)

    def idle():
        rec = {"idle": True}
        try:
            s = smtplib.SMTP("127.0.0.1", a.port, timeout=120)
            s.ehlo("idle.example.com")
            in_place.release()
            wait_for(go)
            time.sleep(0.5)
            code, reply = s.mail("alice@example.com")
            rec.update(code=code, reply=reply.decode(errors="replace"))
            wait_for(os.path.join(a.rundir, "done"))
            s.close()
        except (smtplib.SMTPException, OSError) as e:
            in_place.release()
            rec.update(code=None, reply=repr(e))
        results.append(rec)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(a.sessions)]
    threads.append(threading.Thread(target=idle))
    for t in threads:
        t.start()
    for _ in threads:
        in_place.acquire()
    open(os.path.join(a.rundir, "ready"), "w").close()
    for t in threads:
        t.join()
    json.dump(results, open(a.out, "w"))


if __name__ == "__main__":
    main()
