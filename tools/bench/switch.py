#!/usr/bin/env python3
# schedkit bench's `switch` workload: how long the machine runs without a
# sched_ext scheduler when `schedkit switch` replaces one with another,
# under load (CPU hogs, two per CPU, and hackbench in a loop).
#
# It first switches to --partner, then --switches times to --target and
# back to --partner, with `schedkit switch --direct --json`. The switches
# to the target are measured; the way back only has to work. Each gap is
# what `schedkit switch` reports (gap_ms: from /sys/kernel/sched_ext/state
# leaving "enabled" for the old scheduler to reading "enabled" for the new
# one, sampled every millisecond by a SCHED_FIFO poller). Prints one JSON
# object of metrics:
#   gap_p50_ms, gap_p99_ms, gap_max_ms, gap_mean_ms   over the measured
#       switches (nearest-rank percentiles: values really seen)
#   attach_p50_ms   "attach" sent -> enabled (prepared switches)
#   stop_p50_ms     old scheduler asked to stop -> state disabled
#   load_p50_ms     new loader started -> loaded and verified, before the
#                   old one stopped: the time a prepared switch keeps out
#                   of the gap
#   switches, prepared_switches, failed_switches (both directions)
#   hackbench_rounds, hackbench_failures
# Leaves sched_ext disabled. Exits 1 when no switch to the target could be
# measured. Written in Python because it only drives other programs.
import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time

PROG = "schedkit-bench-switch"


def die(msg):
    print(PROG + ": " + msg, file=sys.stderr)
    sys.exit(1)


def percentile(sorted_vals, p):
    """Nearest rank: the smallest value with at least p% at or below it."""
    if not sorted_vals:
        return None
    rank = max(1, -(-len(sorted_vals) * p // 100))
    return sorted_vals[int(rank) - 1]


class Load:
    """CPU hogs and a hackbench loop, until stop()."""

    def __init__(self, hogs, groups, loops):
        self.hogs = []
        self.groups, self.loops = groups, loops
        self.rounds = self.failures = 0
        self.done = threading.Event()
        self.proc = None
        self.lock = threading.Lock()
        for _ in range(hogs):
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                while True:
                    pass
            self.hogs.append(pid)
        self.thread = threading.Thread(target=self._hackbench, daemon=True)
        self.thread.start()

    def _hackbench(self):
        while not self.done.is_set():
            with self.lock:
                if self.done.is_set():
                    return
                try:
                    self.proc = subprocess.Popen(
                        ["hackbench", "-g", str(self.groups), "-l", str(self.loops)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except OSError:
                    self.failures += 1
                    return
            rc = self.proc.wait()
            if self.done.is_set():
                return
            if rc == 0:
                self.rounds += 1
            else:
                self.failures += 1
                time.sleep(0.5)

    def stop(self):
        self.done.set()
        with self.lock:
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
        self.thread.join(timeout=30)
        for pid in self.hogs:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in self.hogs:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.hogs = []


def switch(args, name):
    """One `schedkit switch`; its JSON result, or None and the reason."""
    cmd = [args.schedkit, "switch", "--direct", "--json", "--timeout", "120",
           "--settle-ms", str(args.settle_ms), name]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, "schedkit switch %s did not finish within 300 s" % name
    if r.returncode != 0:
        return None, (r.stderr.strip().splitlines() or ["status %d" % r.returncode])[-1]
    try:
        return json.loads(r.stdout), None
    except ValueError:
        return None, "schedkit switch %s printed no JSON: %r" % (name, r.stdout[:200])


def stop_sched(args):
    subprocess.run([args.schedkit, "stop", "--direct"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__)
    ap.add_argument("--schedkit", default="schedkit", help="the schedkit command")
    ap.add_argument("--target", required=True, help="scheduler whose switches are measured")
    ap.add_argument("--partner", required=True, help="scheduler to switch away to")
    ap.add_argument("--switches", type=int, default=5, help="switches to the target (5)")
    ap.add_argument("--settle-ms", type=int, default=300,
                    help="how long each new scheduler must stay up (300)")
    ap.add_argument("--hogs", type=int, default=2 * (os.cpu_count() or 1),
                    help="CPU hogs (two per CPU)")
    ap.add_argument("--hackbench-groups", type=int, default=1)
    ap.add_argument("--hackbench-loops", type=int, default=200)
    args = ap.parse_args()
    for opt in ("switches", "hackbench_groups", "hackbench_loops"):
        if getattr(args, opt) < 1:
            die("--%s must be at least 1" % opt.replace("_", "-"))
    if args.hogs < 0 or args.settle_ms < 0:
        die("--hogs and --settle-ms cannot be negative")
    if not os.path.isdir("/sys/kernel/sched_ext"):
        die("this kernel has no sched_ext")

    def on_signal(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    gaps, attach, stop, load = [], [], [], []
    prepared = failed = 0
    load_procs = None
    try:
        load_procs = Load(args.hogs, args.hackbench_groups, args.hackbench_loops)
        res, err = switch(args, args.partner)
        if res is None:
            failed += 1
            print("%s: to %s: %s" % (PROG, args.partner, err), file=sys.stderr)
        for i in range(args.switches):
            res, err = switch(args, args.target)
            if res is None:
                failed += 1
                print("%s: switch %d to %s: %s" % (PROG, i + 1, args.target, err),
                      file=sys.stderr)
            elif "gap_ms" in res:
                gaps.append(res["gap_ms"])
                prepared += bool(res.get("prepared"))
                if res.get("attach_ms", -1) >= 0:
                    attach.append(res["attach_ms"])
                if res.get("load_ms", -1) >= 0:
                    load.append(res["load_ms"])
                if res.get("stop_ms", -1) >= 0:
                    stop.append(res["stop_ms"])
            res, err = switch(args, args.partner)
            if res is None:
                failed += 1
                print("%s: switch %d back to %s: %s" % (PROG, i + 1, args.partner, err),
                      file=sys.stderr)
    except KeyboardInterrupt:
        print(PROG + ": interrupted", file=sys.stderr)
        if load_procs:
            load_procs.stop()
        stop_sched(args)
        sys.exit(130)
    load_procs.stop()
    stop_sched(args)

    if not gaps:
        die("none of %d switches to %s could be measured" % (args.switches, args.target))
    gaps.sort()
    out = {
        "switches": len(gaps),
        "prepared_switches": prepared,
        "failed_switches": failed,
        "gap_p50_ms": percentile(gaps, 50),
        "gap_p99_ms": percentile(gaps, 99),
        "gap_max_ms": gaps[-1],
        "gap_mean_ms": sum(gaps) / len(gaps),
        "hackbench_rounds": load_procs.rounds,
        "hackbench_failures": load_procs.failures,
    }
    for key, vals in (("attach_p50_ms", attach), ("stop_p50_ms", stop), ("load_p50_ms", load)):
        if vals:
            out[key] = percentile(sorted(vals), 50)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
