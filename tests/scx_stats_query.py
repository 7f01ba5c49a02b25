#!/usr/bin/env python3
"""Speaks the scx_stats wire protocol by hand, independent of our client:
one JSON request line, one JSON response line. Prints the response's resp
value as JSON; exits 1 when errno is not 0.

usage: scx_stats_query.py SOCKET stats [TARGET] | stats_meta | raw LINE
"""
import json
import socket
import sys

path, req = sys.argv[1], sys.argv[2]
if req == "raw":
    line = sys.argv[3]
elif req == "stats":
    args = {"target": sys.argv[3]} if len(sys.argv) > 3 else {}
    line = json.dumps({"req": "stats", "args": args})
else:
    line = json.dumps({"req": req, "args": {}})

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(path)
s.sendall(line.encode() + b"\n")
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
resp = json.loads(buf)
print(json.dumps(resp["args"]["resp"]))
sys.exit(0 if resp["errno"] == 0 else 1)
