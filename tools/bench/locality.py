#!/usr/bin/env python3
# schedkit bench's `locality` workload: how well a scheduler keeps
# communicating tasks near each other and their caches, measured from the
# kernel so that EEVDF is measured the same way as any sched_ext scheduler.
#
# Two phases of --seconds each: "few" (fewer tasks than CPUs) and "many"
# (twice as many tasks as CPUs). Each runs pipe ping-pong pairs beside
# independent CPU hogs while the sched:sched_waking, sched_wakeup and
# sched_migrate_task tracepoints record where the kernel put them. Prints
# one JSON object of metrics, prefixed by phase:
#   *_local_wake_pct    wake-ups placed in the waker's or the previous LLC
#   *_cross_llc_per_1k  migrations to another LLC of the same node, per
#                       1000 wake-ups of the workload's tasks
#   *_cross_node_per_1k migrations to another node, per 1000 wake-ups
#   *_cross_llc_wake_per_1k the cross-LLC migrations made while placing a
#                       waking task (between its sched_waking and
#                       sched_wakeup); the others moved a queued or running
#                       task (stealing, balancing)
#   *_trips_per_s       ping-pong round trips per second (all pairs)
#   *_hog_loops_per_s   hog work units per second (all hogs)
#   *_imbalance         max/min busy time of the LLCs (/proc/stat)
#   *_idle_pct          share of all CPUs' time left idle (/proc/stat):
#                       throughput lost to idle CPUs rather than to work
#   *_migr_per_1k       all migrations of the workload's tasks per 1000
#                       wake-ups, from the tracepoint
#   *_nr_migr_per_1k    the same from the kernel's per-task counter
#                       (se.nr_migrations in /proc/PID/sched), a cross-check
#                       that the trace lost nothing
#   *_hog_cpu_pct       share of all CPUs' time the hogs ran, and
#   *_pair_cpu_pct      the pairs' (se.sum_exec_runtime)
#   *_hog_loops_per_cpu_s hog work units per second of the hogs' CPU
#   *_trips_per_cpu_s   and round trips per second of the pairs' CPU time:
#                       with the shares, they tell work lost to overhead
#                       (less work per CPU-second) from CPU time one kind
#                       of task got at the other's expense
#   *_trace_lost        trace events the ring buffer dropped (should be 0)
# Needs root (tracefs). Written in Python because it only drives and
# parses; every task does the same interpreter work under every scheduler.
import argparse
import json
import os
import re
import signal
import sys
import time

TR = "/sys/kernel/tracing"
EVENTS = ("sched_waking", "sched_wakeup", "sched_migrate_task")


def die(msg):
    print("schedkit-bench-locality: " + msg, file=sys.stderr)
    sys.exit(1)


def read_list(text):
    cpus = set()
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def topology():
    """cpu -> llc id (its lowest CPU) and cpu -> node, online CPUs only."""
    llc, node = {}, {}
    base = "/sys/devices/system/cpu"
    online = read_list(open(base + "/online").read())
    for c in online:
        try:
            shared = open("%s/cpu%d/cache/index3/shared_cpu_list" % (base, c)).read()
            llc[c] = min(read_list(shared))
        except OSError:
            llc[c] = 0
        node[c] = 0
    ndir = "/sys/devices/system/node"
    if os.path.isdir(ndir):
        for d in os.listdir(ndir):
            if re.fullmatch(r"node\d+", d):
                for c in read_list(open("%s/%s/cpulist" % (ndir, d)).read()):
                    node[c] = int(d[4:])
    return llc, node


def busy_per_cpu():
    """cpu -> (busy, all) time in ticks so far"""
    busy = {}
    for line in open("/proc/stat"):
        m = re.match(r"cpu(\d+) (.*)", line)
        if m:
            v = list(map(int, m.group(2).split()))
            # all but idle (3) and iowait (4); guest time is in user
            busy[int(m.group(1))] = (sum(v[:3]) + sum(v[5:8]), sum(v[:8]))
    return busy


def pinger(r, w, first, counter):
    trips = 0
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if first:
        os.write(w, b"x")
    while os.read(r, 1):
        os.write(w, b"x")
        trips += 1
        if trips % 64 == 0:
            os.pwrite(counter, trips.to_bytes(8, "little"), 0)


def hog(counter):
    n = 0
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        x = 0
        for i in range(2000):
            x += i
        n += 1
        if n % 16 == 0:
            os.pwrite(counter, n.to_bytes(8, "little"), 0)


def start(fn, *args):
    pid = os.fork()
    if pid == 0:
        try:
            fn(*args)
        finally:
            os._exit(0)
    return pid


def counter_file(path):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, bytes(8))
    return fd


def read_counter(fd):
    return int.from_bytes(os.pread(fd, 8, 0), "little")


def timed(fn, *args):
    """fn(*args) and the middle of the time it took"""
    t = time.monotonic()
    v = fn(*args)
    return v, (t + time.monotonic()) / 2


def sched_fields(pids):
    """Per pid: se.nr_migrations (the kernel's own count),
    se.sum_exec_runtime (ms) and the involuntary context switches
    (preemptions), from /proc/PID/sched."""
    out = {}
    for p in pids:
        migr = run = preempt = 0.0
        try:
            for line in open("/proc/%d/sched" % p):
                if line.startswith("se.nr_migrations"):
                    migr = int(line.split(":")[1])
                elif line.startswith("se.sum_exec_runtime"):
                    run = float(line.split(":")[1])
                elif line.startswith("nr_involuntary_switches"):
                    preempt = int(line.split(":")[1])
        except OSError:
            pass
        out[p] = (migr, run, preempt)
    return out


def ipis():
    """Rescheduling and function-call interrupts so far, all CPUs: the
    kicks and remote wake-ups a scheduler sends."""
    n = 0
    for line in open("/proc/interrupts"):
        f = line.split()
        if f and f[0] in ("RES:", "CAL:"):
            n += sum(int(x) for x in f[1:] if x.isdigit())
    return n


def trace_lost():
    """Events written but no longer in the buffer (overwritten)."""
    with open(TR + "/trace") as f:
        for line in f:
            m = re.match(r"# entries-in-buffer/entries-written: (\d+)/(\d+)", line)
            if m:
                return int(m.group(2)) - int(m.group(1))
            if not line.startswith("#"):
                break
    return 0


def trace_ctl(on):
    """Start or stop recording; the events stay enabled (events_ctl)."""
    with open(TR + "/tracing_on", "w") as f:
        f.write("1" if on else "0")


def events_set(names, on):
    for e in names:
        with open("%s/events/sched/%s/enable" % (TR, e), "w") as f:
            f.write("1" if on else "0")


def events_ctl(on):
    """
    Enables or disables the events; returns those it changed. Switching
    an event patches the kernel's text at its call sites, and guests under
    QEMU TCG were seen to panic on an int3 left behind in try_to_wake_up()
    ("Oops: int3", twice in one day, 8 and 16 vCPUs) after such patching.
    So the events are switched only when this run finds them otherwise
    (schedkit bench enables them once around all its runs in a guest),
    with no workload running, and recording is switched with tracing_on,
    which patches nothing.
    """
    want = "1" if on else "0"
    changed = []
    for e in EVENTS:
        with open("%s/events/sched/%s/enable" % (TR, e)) as f:
            if f.read().strip() != want:
                changed.append(e)
    events_set(changed, on)
    return changed


def phase(name, pairs, hogs, seconds, tmp, llc, node):
    pids, counters, hog_pids = [], [], []
    for i in range(pairs):
        a_r, b_w = os.pipe()
        b_r, a_w = os.pipe()
        for (r, w, first) in ((a_r, a_w, True), (b_r, b_w, False)):
            c = counter_file("%s/%s.p%d%d" % (tmp, name, i, first))
            counters.append(("trip", c))
            pids.append(start(pinger, r, w, first, c))
        for fd in (a_r, b_w, b_r, a_w):
            os.close(fd)
    for i in range(hogs):
        c = counter_file("%s/%s.h%d" % (tmp, name, i))
        counters.append(("hog", c))
        pids.append(start(hog, c))
        hog_pids.append(pids[-1])
    time.sleep(min(1.0, seconds / 4))           # let placement settle
    with open(TR + "/trace", "w") as f:
        f.write("")
    # Each reading gets its own time: with every CPU busy this process
    # waits its turn, and reading a dozen files can take tenths of a
    # second, so the counters' and the runtimes' windows differ from the
    # traced one and from each other, by a different amount under each
    # scheduler.
    c0, tc0 = timed(lambda: {fd: read_counter(fd) for _, fd in counters})
    s0, ts0 = timed(sched_fields, pids)
    b0 = busy_per_cpu()
    i0 = ipis()
    trace_ctl(True)
    time.sleep(seconds)
    trace_ctl(False)
    i1 = ipis()
    b1 = busy_per_cpu()
    s1, ts1 = timed(sched_fields, pids)
    c1, tc1 = timed(lambda: {fd: read_counter(fd) for _, fd in counters})
    el = tc1 - tc0
    # SIGKILL: a pinger was seen blocked in pipe_read with a SIGTERM
    # handler installed and never exiting, and the run hung in waitpid()
    # until the bench's timeout (4 of 10 runs in one 8-vCPU guest). The
    # children keep nothing that needs cleaning up.
    for p in pids:
        os.kill(p, signal.SIGKILL)
    for p in pids:
        os.waitpid(p, 0)
    for _, fd in counters:
        os.close(fd)

    mine = set(pids)
    last_cpu, pending = {}, {}
    wakeups = local = cross_llc = cross_node = migrations = 0
    cross_llc_wake = 0
    line_re = re.compile(r"\[(\d+)\].*?(sched_waking|sched_wakeup|sched_migrate_task): (.*)")
    for line in open(TR + "/trace"):
        m = line_re.search(line)
        if not m:
            continue
        cpu, ev, rest = int(m.group(1)), m.group(2), m.group(3)
        pm = re.search(r"\bpid=(\d+)", rest)
        if not pm or int(pm.group(1)) not in mine:
            continue
        pid = int(pm.group(1))
        if ev == "sched_waking":
            pending[pid] = (cpu, last_cpu.get(pid))
        elif ev == "sched_migrate_task":
            mm = re.search(r"orig_cpu=(\d+) dest_cpu=(\d+)", rest)
            o, d = int(mm.group(1)), int(mm.group(2))
            migrations += 1
            if o in llc and d in llc:
                if node[o] != node[d]:
                    cross_node += 1
                elif llc[o] != llc[d]:
                    cross_llc += 1
                    cross_llc_wake += pid in pending
            last_cpu[pid] = d
        else:
            tm = re.search(r"target_cpu=(\d+)", rest)
            target = int(tm.group(1))
            waker, prev = pending.pop(pid, (None, None))
            last_cpu[pid] = target
            if waker is None or target not in llc:
                continue
            wakeups += 1
            near = {llc.get(waker)}
            if prev is not None:
                near.add(llc.get(prev))
            if llc[target] in near:
                local += 1
    dom_busy = {}
    busy = total = 0
    for c, (v, a) in b1.items():
        if c in llc:
            v0, a0 = b0.get(c, (v, a))
            dom_busy[llc[c]] = dom_busy.get(llc[c], 0) + v - v0
            busy += v - v0
            total += a - a0
    lo = min(dom_busy.values()) if dom_busy else 0
    hi = max(dom_busy.values()) if dom_busy else 0
    trips = sum(c1[fd] - c0[fd] for k, fd in counters if k == "trip") / 2
    loops = sum(c1[fd] - c0[fd] for k, fd in counters if k == "hog")
    per_k = 1000.0 / wakeups if wakeups else 0.0
    nr_migr = sum(s1[p][0] - s0[p][0] for p in pids)
    # CPU time (s) the kernel gave each kind of task: tells work lost to
    # overhead (less work per CPU-second) from CPU time given to the
    # other kind (a smaller share, same work per CPU-second)
    hog_run = sum(s1[p][1] - s0[p][1] for p in hog_pids) / 1000.0
    pair_run = sum(s1[p][1] - s0[p][1] for p in pids if p not in hog_pids) / 1000.0
    hog_preempt = sum(s1[p][2] - s0[p][2] for p in hog_pids)
    cpu_s = (ts1 - ts0) * len(llc)
    return {
        name + "_tasks": 2 * pairs + hogs,
        name + "_wakeups": wakeups,
        name + "_local_wake_pct": round(100.0 * local / wakeups, 2) if wakeups else 0.0,
        name + "_cross_llc_per_1k": round(cross_llc * per_k, 3),
        name + "_cross_node_per_1k": round(cross_node * per_k, 3),
        name + "_cross_llc_wake_per_1k": round(cross_llc_wake * per_k, 3),
        name + "_trips_per_s": round(trips / el, 1),
        name + "_hog_loops_per_s": round(loops / el, 1),
        name + "_imbalance": round(hi / lo, 3) if lo else 0.0,
        name + "_idle_pct": round(100.0 * (total - busy) / total, 2) if total else 0.0,
        name + "_migr_per_1k": round(migrations * per_k, 3),
        name + "_nr_migr_per_1k": round(nr_migr * per_k, 3),
        name + "_hog_cpu_pct": round(100.0 * hog_run / cpu_s, 2) if cpu_s else 0.0,
        name + "_pair_cpu_pct": round(100.0 * pair_run / cpu_s, 2) if cpu_s else 0.0,
        name + "_hog_loops_per_cpu_s": round(loops / hog_run, 1) if hog_run else 0.0,
        name + "_trips_per_cpu_s": round(trips / pair_run, 1) if pair_run else 0.0,
        # a hog is only ever switched out involuntarily: its slices
        name + "_hog_preempt_per_cpu_s": round(hog_preempt / hog_run, 1) if hog_run else 0.0,
        name + "_ipi_per_s": round((i1 - i0) / seconds, 1),
        name + "_trace_lost": trace_lost(),
    }


def main():
    ap = argparse.ArgumentParser(description="locality workload of schedkit bench")
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()
    if a.seconds <= 0:
        die("--seconds must be positive")
    if not os.path.isdir(TR + "/events/sched/sched_migrate_task"):
        die("no tracefs at %s (mount -t tracefs nodev %s; needs root)" % (TR, TR))
    llc, node = topology()
    n = len(llc)
    tmp = "/dev/shm/schedkit-locality.%d" % os.getpid()
    os.makedirs(tmp)
    # room for a few seconds of wake-ups of every task on every CPU
    size_kb = open(TR + "/buffer_size_kb").read().split()[0]
    with open(TR + "/buffer_size_kb", "w") as f:
        f.write("8192")
    trace_ctl(False)
    enabled = events_ctl(True)
    try:
        out = {"cpus": n, "llcs": len(set(llc.values())),
               "nodes": len(set(node[c] for c in llc))}
        # few: a quarter of the CPUs in pairs, a quarter in hogs
        out.update(phase("few", max(1, n // 8), max(1, n // 4), a.seconds, tmp, llc, node))
        # many: as many pair tasks as CPUs, plus a hog per CPU
        out.update(phase("many", max(1, n // 2), n, a.seconds, tmp, llc, node))
    finally:
        events_set(enabled, False)
        with open(TR + "/buffer_size_kb", "w") as f:
            f.write(size_kb)
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
