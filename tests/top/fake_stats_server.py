#!/usr/bin/env python3
"""A fake scx_stats server for testing `schedkit top` without sched_ext.

It serves a made-up scheduler ("fakesched") whose counters grow every
request, with a per-CPU dict, a gauge with a unit and a string. Signals
switch what it answers while it runs:

  SIGUSR1  toggles garbage: every answer is a line that is not JSON
  SIGUSR2  toggles hostile stats: the metadata stays valid, but the stats
           have every member of the wrong type (strings for counters, an
           array for the per-CPU dict, deep nesting, huge and negative
           numbers, rows that are not objects)
  SIGHUP   toggles slow stats: each stats answer takes 0.4 s

usage: fake_stats_server.py SOCKET [--garbage] [--name NAME]
  --name NAME  serve as scheduler NAME: top struct "<Name>Top", mode
               string "NAME-mode-ok" (default: fake)
"""
import json
import os
import signal
import socket
import sys
import threading
import time

path = sys.argv[1]
garbage = ["--garbage" in sys.argv[2:]]
hostile = [False]
slow = [False]
name = "fake"
if "--name" in sys.argv[2:]:
    name = sys.argv[sys.argv.index("--name") + 1]
top = name.capitalize() + "Top"

META = {
    "FakeCpu": {
        "name": "FakeCpu", "user": {"_om_label": "cpu"},
        "fields": {
            "dispatched": {"datum": "u64", "user": {"_kind": "counter", "_unit": "count"}},
            "queued": {"datum": "u64", "user": {"_kind": "gauge"}},
        },
    },
    top: {
        "name": top, "desc": name + "sched: a made-up scheduler", "top": "true",
        "fields": {
            name + "_dispatched": {"datum": "u64", "desc": "dispatches",
                                   "user": {"_kind": "counter", "_unit": "count"}},
            name + "_slice": {"datum": "u64", "user": {"_kind": "gauge", "_unit": "us"}},
            name + "_mode": {"datum": "string"},
            "cpus": {"dict": {"key": "u64", "datum": {"struct": "FakeCpu"}}},
        },
    },
}
count = [0]


def stats():
    count[0] += 1
    n = count[0]
    if hostile[0]:
        deep = "x"
        for _ in range(20):
            deep = [deep]
        return {
            name + "_dispatched": "not a number" if n % 2 else -1e308,
            name + "_slice": {"nested": deep},
            name + "_mode": 12345678901234567890,
            "cpus": ["not", "a", "dict"] if n % 2 else
                    {"0": "row is a string", "x" * 300: {"dispatched": [1], "queued": None}},
            "unknown_member": "z" * 5000,
        }
    return {
        name + "_dispatched": n * 1000,
        name + "_slice": 5000,
        name + "_mode": name + "-mode-ok",
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
                if slow[0]:
                    time.sleep(0.4)
                out = json.dumps({"errno": 0, "args": {"resp": stats()}}).encode() + b"\n"
            else:
                out = json.dumps({"errno": 22, "args": {"resp": "bad request"}}).encode() + b"\n"
        try:
            conn.sendall(out)
        except OSError:
            break
    conn.close()


def toggle(flag):
    def handler(*_):
        flag[0] = not flag[0]
    return handler


signal.signal(signal.SIGUSR1, toggle(garbage))
signal.signal(signal.SIGUSR2, toggle(hostile))
signal.signal(signal.SIGHUP, toggle(slow))
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
