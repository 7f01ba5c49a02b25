#!/usr/bin/env python3
"""Speaks the scx_stats wire protocol by hand, independent of our client:
one JSON request line, one JSON response line. Prints the response's resp
value as JSON; exits 1 when errno is not 0.

usage: scx_stats_query.py SOCKET stats [TARGET] | stats_meta | raw LINE

Imported, query() and request() return the whole parsed reply instead.
"""
import json
import socket
import sys


def request(path, line, timeout=5):
    """Sends one request @line to the socket at @path; returns the parsed
    reply ({"errno": ..., "args": {"resp": ...}}). Raises OSError when the
    socket fails and ValueError when the reply is not JSON."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    return json.loads(buf)


def query(path, req, args=None, timeout=5):
    """request() of @req with @args (none by default)."""
    return request(path, json.dumps({"req": req, "args": args or {}}), timeout)


def main(argv):
    path, req = argv[1], argv[2]
    if req == "raw":
        resp = request(path, argv[3])
    elif req == "stats":
        resp = query(path, "stats", {"target": argv[3]} if len(argv) > 3 else {})
    else:
        resp = query(path, req)
    print(json.dumps(resp["args"]["resp"]))
    return 0 if resp["errno"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
