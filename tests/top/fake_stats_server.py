#!/usr/bin/env python3
"""A fake scx_stats server for testing `schedkit top` without sched_ext.

It serves a made-up scheduler ("fakesched") whose counters grow every
request, with a per-CPU dict, a gauge with a unit and a string. With
--garbage it answers every request with a line that is not JSON; sending
it SIGUSR1 toggles garbage mode while it runs.

usage: fake_stats_server.py SOCKET [--garbage]
"""
import json
import os
import signal
import socket
import sys
import threading

path = sys.argv[1]
garbage = ["--garbage" in sys.argv[2:]]

META = {
    "FakeCpu": {
        "name": "FakeCpu", "user": {"_om_label": "cpu"},
        "fields": {
            "dispatched": {"datum": "u64", "user": {"_kind": "counter", "_unit": "count"}},
            "queued": {"datum": "u64", "user": {"_kind": "gauge"}},
        },
    },
    "FakeTop": {
        "name": "FakeTop", "desc": "fakesched: a made-up scheduler", "top": "true",
        "fields": {
            "fake_dispatched": {"datum": "u64", "desc": "dispatches",
                                "user": {"_kind": "counter", "_unit": "count"}},
            "fake_slice": {"datum": "u64", "user": {"_kind": "gauge", "_unit": "us"}},
            "fake_mode": {"datum": "string"},
            "cpus": {"dict": {"key": "u64", "datum": {"struct": "FakeCpu"}}},
        },
    },
}
count = [0]


def stats():
    count[0] += 1
    n = count[0]
    return {
        "fake_dispatched": n * 1000,
        "fake_slice": 5000,
        "fake_mode": "fake-mode-ok",
        "cpus": {str(c): {"dispatched": n * (100 + c), "queued": c + 1} for c in range(2)},
    }


def serve(conn):
    f = conn.makefile("rb")
    for line in f:
        if garbage[0]:
            out = b"this is not json {{{\n"
        else:
            try:
                req = json.loads(line)
            except ValueError:
                req = {}
            if req.get("req") == "stats_meta":
                out = json.dumps({"errno": 0, "args": {"resp": META}}).encode() + b"\n"
            elif req.get("req") == "stats":
                out = json.dumps({"errno": 0, "args": {"resp": stats()}}).encode() + b"\n"
            else:
                out = json.dumps({"errno": 22, "args": {"resp": "bad request"}}).encode() + b"\n"
        try:
            conn.sendall(out)
        except OSError:
            break
    conn.close()


def toggle(*_):
    garbage[0] = not garbage[0]


signal.signal(signal.SIGUSR1, toggle)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
