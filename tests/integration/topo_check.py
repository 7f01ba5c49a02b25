#!/usr/bin/env python3
"""Checks for the test_topo_*.sh tests, one interpreter per step because
starting one costs about a second in a 16-vCPU TCG guest.

  topo_check.py layout llc|node...
      the machine as sysfs shows it: one "KIND cpulist node" line per LLC
      (or per node), online CPUs only, sorted
  topo_check.py stats llc|node SOCKET
      scx_topo's stats against sysfs and against themselves: one domain per
      LLC (node) with exactly its CPUs and node, every per-domain counter
      summing to its total; prints "doms=" and each domain's "cpus:nr_cpus"
      sorted, then a summary of the totals
  topo_check.py restarted SEQ PID llc|node SOCKET
      waits up to 120 s for scx_topo (loader PID) to be back after a
      hotplug: enable_seq above SEQ, state enabled, root/ops topo, stats
      served that show it ran; then the stats check above. Polls in one
      interpreter: a shell loop starting python per poll would spend
      seconds per start in a loaded guest.
  topo_check.py pairs LABEL [--seconds S] [--pairs N] [--max-cross-per-1k X]
                    [--hogs COMM] [--start-on CPULIST] [--apart]
      N pipe ping-pong pairs; after a 1 s warm-up, S seconds of the
      kernel's sched:sched_migrate_task tracepoint. Prints "LABEL cross=
      same= trips= nr_migrations= sleeps_per_trip= ends=": the pairs'
      traced migrations across and within LLCs, their round trips, the
      kernel's per-task se.nr_migrations, the times the pair's tasks
      blocked (nr_voluntary_switches) per round trip, and the CPU/LLC
      each task ended on. With
      --max-cross-per-1k, fails above that many cross-LLC migrations per
      1000 round trips or when a pair ends split across LLCs. With
      --hogs COMM, also "hogs_cpu_pct=" and "pairs_cpu_pct=": the share of
      the machine's CPU time that tasks whose name starts with COMM, and
      the pairs, got in the S seconds; "hogs=": how many of those tasks ran
      1 ms or more; "pair_per_hog=": a pair's CPU time (both tasks)
      against such a hog's, on average. With --start-on CPULIST, the pair
      tasks start confined to those CPUs and may use every online CPU
      from 0.5 s on, before the warm-up; with --apart, fails unless the
      pairs end in as many LLCs as there are pairs.

  topo_check.py trace-event on|off
      switches sched:sched_migrate_task; only with no workload running
      (trace_event() says why)
  topo_check.py migrations PID...
      those tasks' migrations in the trace buffer: "cross=N same=M",
      across LLCs and within one

Exits 1 with a one-line reason when a check fails.
"""
import os
import re
import sys
import time

# tests/scx_stats_query.py, the wire-protocol client the other tests use
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import scx_stats_query

SYS = "/sys/devices/system"
TR = "/sys/kernel/tracing"


def die(msg):
    print("FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


def cpus_of(text):
    cpus = set()
    for part in text.strip().split(","):
        if part:
            lo, _, hi = part.partition("-")
            cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def cpulist(cpus):
    """The kernel's compact form: 0-3,8,10-11."""
    out, run = [], []
    for c in sorted(cpus):
        if run and c == run[-1] + 1:
            run.append(c)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else "%d-%d" % (run[0], run[-1]))
        run = [c]
    if run:
        out.append(str(run[0]) if len(run) == 1 else "%d-%d" % (run[0], run[-1]))
    return ",".join(out)


def read(path):
    with open(path) as f:
        return f.read()


def online_cpus():
    return cpus_of(read(SYS + "/cpu/online"))


def node_of():
    node = {}
    for d in os.listdir(SYS + "/node"):
        if re.fullmatch(r"node\d+", d):
            for c in cpus_of(read("%s/node/%s/cpulist" % (SYS, d))):
                node[c] = int(d[4:])
    return node


def llc_of():
    """cpu -> the lowest CPU of its L3, online CPUs only."""
    llc = {}
    for c in online_cpus():
        shared = cpus_of(read("%s/cpu/cpu%d/cache/index3/shared_cpu_list" % (SYS, c)))
        llc[c] = min(shared & online_cpus() or shared)
    return llc


def layout(kind):
    """Sorted (cpulist, node) of each LLC or node, online CPUs only."""
    online, node, llc = online_cpus(), node_of(), llc_of()
    groups = {}
    for c in online:
        key = llc[c] if kind == "llc" else node[c]
        groups.setdefault(key, set()).add(c)
    return sorted((cpulist(g), node[min(g)]) for g in groups.values())


def query(sock, req, soft=False):
    resp = scx_stats_query.query(sock, req, timeout=30)
    if resp["errno"]:
        if soft:
            raise OSError("errno %d" % resp["errno"])
        die("stats request %s: errno %d" % (req, resp["errno"]))
    return resp["args"]["resp"]


def check_stats(kind, sock):
    s, meta = query(sock, "stats"), query(sock, "stats_meta")
    want = layout(kind)
    doms = s["doms"]
    # dense node ids follow the kernel's order, as do sysfs node numbers
    got = sorted((d["cpus"], d["node"]) for d in doms.values())
    print("domains:", got)
    if meta["TopoDom"]["user"]["_om_label"] != "dom":
        die("TopoDom has no _om_label 'dom'")
    if s["domain"] != kind:
        die("stats say domain %s, not %s" % (s["domain"], kind))
    if got != want or s["nr_doms"] != len(want):
        die("domains %s (nr_doms %d), sysfs says %s" % (got, s["nr_doms"], want))
    if sum(d["nr_cpus"] for d in doms.values()) != len(online_cpus()):
        die("domains hold %d CPUs, %d are online" %
            (sum(d["nr_cpus"] for d in doms.values()), len(online_cpus())))
    for f in meta["TopoCpu"]["fields"]:
        total = sum(d[f] for d in doms.values())
        if total != s[f]:
            die("%s: the domains sum to %d, the total is %d" % (f, total, s[f]))
    for f, key in (("steals_out", "steals_out"), ("moved_out", "moved"),
                   ("moved_in", "moved")):
        if sum(d[f] for d in doms.values()) != s[key]:
            die("%s of the domains does not sum to %s" % (f, key))
    # the domains' busy time per CPU, highest over lowest, from the same
    # reply (until session 20 the loader divided their preempts counts)
    per_cpu = [d["busy_ns"] / d["nr_cpus"] for d in doms.values() if d["nr_cpus"]]
    imb = max(per_cpu) / min(per_cpu) if per_cpu and min(per_cpu) > 0 else 0
    if abs(s["busy_imbalance"] - imb) > 1e-6 * max(1.0, imb):
        die("busy_imbalance %.6f, the domains' busy time per CPU gives %.6f" %
            (s["busy_imbalance"], imb))
    # both sides of a steal are counted in one code path but read at two
    # moments, a few apart at most
    if abs(s["steals_in"] - s["steals_out"]) > max(5, s["steals_in"] // 50):
        die("steals_in %d, steals_out %d" % (s["steals_in"], s["steals_out"]))
    if s["numa_steals"] > s["steals_in"]:
        die("more NUMA steals than steals")
    if not (s["runs"] > 0 and s["busy_ns"] > 0 and s["enqueued"] > 0):
        die("nothing ran: runs %d busy_ns %d enqueued %d" %
            (s["runs"], s["busy_ns"], s["enqueued"]))
    if len(set(n for _, n in want)) == 1:
        for f in ("mig_cross_node", "numa_steals", "wake_any"):
            if s[f]:
                die("%s is %d on a single node" % (f, s[f]))
    if len(layout("llc")) == 1:
        for f in ("mig_cross_llc", "wake_waker_llc"):
            if s[f]:
                die("%s is %d with a single LLC" % (f, s[f]))
    if len(want) == 1:
        for f in ("steals_in", "remote_dispatches", "moved"):
            if s[f]:
                die("%s is %d with a single domain" % (f, s[f]))
    print("doms=" + " ".join(sorted("%s:%d" % (d["cpus"], d["nr_cpus"])
                                    for d in doms.values())))
    print({k: s[k] for k in ("runs", "wake_local_pct", "wake_queued",
                             "steals_in", "numa_steals", "moved",
                             "mig_same_core", "mig_same_llc", "mig_cross_llc",
                             "mig_cross_node", "busy_imbalance")})


def sched_ext(name):
    try:
        return read("/sys/kernel/sched_ext/" + name).strip()
    except OSError:
        return ""


def restarted(seq, pid, kind, sock):
    """Back after a hotplug, then the stats check; see the top."""
    start = time.time()
    why = "not yet"
    while time.time() - start < 120:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            die("scx_topo (pid %d) exited after a hotplug" % pid)
        if int(sched_ext("enable_seq") or 0) <= seq:
            why = "enable_seq still %d" % seq
        elif sched_ext("state") != "enabled" or sched_ext("root/ops") != "topo":
            why = "state %s, ops %s" % (sched_ext("state"), sched_ext("root/ops"))
        else:
            try:
                # a new run that has scheduled nothing yet would fail the
                # "nothing ran" check below for no fault of its own
                if query(sock, "stats", soft=True)["runs"] > 0:
                    break
                why = "the new run's stats show no runs"
            except (OSError, ValueError) as e:
                why = "stats: %s" % e
        time.sleep(0.2)
    else:
        die("scx_topo not back after a hotplug within 120 s: " + why)
    print("restarted: enable_seq %d -> %s after %.1f s" %
          (seq, sched_ext("enable_seq"), time.time() - start))
    check_stats(kind, sock)


def trace(on):
    with open(TR + "/tracing_on", "w") as f:
        f.write("1" if on else "0")


def trace_event(on):
    """
    Only with no pair running: switching an event patches kernel text, and
    guests under TCG were seen to panic on an int3 left in the patched
    code (tools/bench/locality.py, events_ctl()).
    """
    with open(TR + "/events/sched/sched_migrate_task/enable", "w") as f:
        f.write("1" if on else "0")


def traced_migrations(pids, llc):
    """(across LLCs, within one) of @pids in the trace buffer"""
    mine = set(map(str, pids))
    cross = same = 0
    for line in open(TR + "/trace"):
        m = re.search(r"sched_migrate_task: .*pid=(\d+) .*orig_cpu=(\d+) dest_cpu=(\d+)", line)
        if not m or m.group(1) not in mine:
            continue
        o, d = int(m.group(2)), int(m.group(3))
        if llc.get(o) != llc.get(d):
            cross += 1
        else:
            same += 1
    return cross, same


def pair_task(r, w, first, end, out):
    trips = 0
    try:
        if first:
            os.write(w, b"x")
        # the peer's exit closes the pipe: read() then sees EOF
        while time.time() < end and os.read(r, 1):
            os.write(w, b"x")
            trips += 1
    except BrokenPipeError:
        pass
    migs = sleeps = 0
    for line in open("/proc/self/sched"):
        if line.startswith("se.nr_migrations"):
            migs = int(line.split(":")[1])
        elif line.startswith("nr_voluntary_switches"):
            sleeps = int(line.split(":")[1])
    # field 39 of stat: the CPU it last ran on
    cpu = int(read("/proc/self/stat").rsplit(")", 1)[1].split()[36])
    os.write(out, b"%d %d %d %d %d\n" % (os.getpid(), trips, migs, cpu, sleeps))


def sum_exec_ns(base):
    """se.sum_exec_runtime (ms, 6 decimals) of the task at BASE, in ns."""
    for line in open(base + "sched"):
        if line.startswith("se.sum_exec_runtime"):
            return int(float(line.split(":")[1]) * 1e6)
    return 0


def runtimes_ns(prefix):
    """{tid: run time in ns} of the tasks named PREFIX*."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for tid in os.listdir("/proc/%s/task" % pid):
                base = "/proc/%s/task/%s/" % (pid, tid)
                if read(base + "comm").startswith(prefix):
                    out[tid] = sum_exec_ns(base)
        except OSError:
            pass        # gone meanwhile
    return out


def pairs(label, seconds, npairs, max_cross, hogs=None, start_on=None, apart=False):
    if not os.path.isdir(TR + "/events/sched/sched_migrate_task"):
        die("no sched:sched_migrate_task tracepoint under " + TR)
    llc = llc_of()
    trace(False)
    trace_event(True)
    rd, wr = os.pipe()
    end = time.time() + 1 + seconds + 1
    pids = []
    for _ in range(npairs):
        a_r, b_w = os.pipe()
        b_r, a_w = os.pipe()
        fds = (a_r, b_w, b_r, a_w)
        for (r, w, first) in ((a_r, a_w, True), (b_r, b_w, False)):
            pid = os.fork()
            if pid == 0:
                os.close(rd)
                for fd in fds:
                    if fd not in (r, w):
                        os.close(fd)
                pair_task(r, w, first, end, wr)
                os._exit(0)
            # confined by the parent, so the freeing below cannot come
            # before a slow child has confined itself
            if start_on:
                os.sched_setaffinity(pid, start_on)
            pids.append(pid)
        for fd in fds:
            os.close(fd)
    os.close(wr)
    if start_on:
        time.sleep(0.5)
        for p in pids:
            os.sched_setaffinity(p, online_cpus())
    time.sleep(1)
    with open(TR + "/trace", "w"):
        pass
    h0, t0 = runtimes_ns(hogs) if hogs else {}, time.monotonic()
    p0 = sum(sum_exec_ns("/proc/%d/" % p) for p in pids)
    trace(True)
    time.sleep(seconds)
    trace(False)
    h1, t1 = runtimes_ns(hogs) if hogs else {}, time.monotonic()
    p1 = sum(sum_exec_ns("/proc/%d/" % p) for p in pids)
    results = {}
    with os.fdopen(rd) as f:
        for line in f:
            pid, trips, migs, cpu, sleeps = map(int, line.split())
            results[pid] = (trips, migs, cpu, sleeps)
    for p in pids:
        os.waitpid(p, 0)
    trace_event(False)
    if len(results) != len(pids):
        die("%s: %d of %d pair tasks reported" % (label, len(results), len(pids)))

    cross, same = traced_migrations(pids, llc)
    trips = sum(results[p][0] for p in pids) // 2
    migs = sum(results[p][1] for p in pids)
    sleeps = sum(results[p][3] for p in pids)
    ends = ["cpu%d/llc%d" % (results[p][2], llc.get(results[p][2], -1)) for p in pids]
    pair_ends = ["+".join(ends[i:i + 2]) for i in range(0, len(ends), 2)]
    text = "%s cross=%d same=%d trips=%d nr_migrations=%d sleeps_per_trip=%.2f ends=%s" % (
        label, cross, same, trips, migs, sleeps / max(1, trips), ",".join(pair_ends))
    if hogs:
        machine = (t1 - t0) * 1e9 * len(online_cpus())
        ran = [h1[t] - h0[t] for t in h1 if t in h0]
        # hogs are what ran 1 ms or more (not stress-ng's sleeping parent)
        hog_ns = [r for r in ran if r >= 1e6]
        pair_ns = (p1 - p0) / npairs
        text += " hogs_cpu_pct=%d pairs_cpu_pct=%d hogs=%d pair_per_hog=%.2f" % (
            100 * sum(ran) / machine, 100 * (p1 - p0) / machine, len(hog_ns),
            pair_ns / max(1, sum(hog_ns) / max(1, len(hog_ns))))
    print(text)
    if trips < 200:
        die("the pairs barely ran: " + text)
    # se.nr_migrations covers each task's whole life, a superset of the
    # traced window
    if cross + same > migs:
        die("the tracepoint saw more migrations than se.nr_migrations counts: " + text)
    if apart and len(set(llc.get(results[p][2]) for p in pids)) < npairs:
        die("the pairs ended crowded into fewer LLCs than pairs: " + text)
    if max_cross is None:
        return
    if cross * 1000 > max_cross * trips:
        die("more than %g cross-LLC migrations per 1000 round trips: %s" % (max_cross, text))
    # few migrations alone would also pass a pair that stays split
    for i in range(0, len(pids), 2):
        a, b = results[pids[i]][2], results[pids[i + 1]][2]
        if llc.get(a) != llc.get(b):
            die("a pair ended split across LLCs: " + text)


def main():
    args = sys.argv[1:]
    if args[:1] == ["layout"] and len(args) >= 2:
        if set(args[1:]) - {"llc", "node"}:
            die("layout: llc or node, not " + " ".join(args[1:]))
        for kind in args[1:]:
            for cpus, node in layout(kind):
                print(kind, cpus, node)
    elif args[:1] == ["stats"] and len(args) == 3:
        check_stats(args[1], args[2])
    elif args[:1] == ["restarted"] and len(args) == 5:
        restarted(int(args[1]), int(args[2]), args[3], args[4])
    elif args[:1] == ["trace-event"] and args[1:] in (["on"], ["off"]):
        trace_event(args[1] == "on")
    elif args[:1] == ["migrations"] and len(args) >= 2:
        cross, same = traced_migrations([int(p) for p in args[1:]], llc_of())
        print("cross=%d same=%d" % (cross, same))
    elif args[:1] == ["pairs"] and len(args) >= 2:
        opts = {"--seconds": 4.0, "--pairs": 2, "--max-cross-per-1k": None,
                "--hogs": None, "--start-on": None, "--apart": False}
        rest = args[2:]
        while rest:
            if rest[0] == "--apart":
                opts["--apart"] = True
                rest = rest[1:]
                continue
            if rest[0] not in opts or len(rest) < 2:
                die("pairs: bad option " + rest[0])
            if rest[0] == "--hogs":
                opts[rest[0]] = rest[1]
            elif rest[0] == "--start-on":
                opts[rest[0]] = cpus_of(rest[1])
            else:
                opts[rest[0]] = float(rest[1])
            rest = rest[2:]
        pairs(args[1], opts["--seconds"], int(opts["--pairs"]),
              opts["--max-cross-per-1k"], opts["--hogs"], opts["--start-on"],
              opts["--apart"])
    else:
        die("usage: see the top of " + sys.argv[0])


if __name__ == "__main__":
    main()
