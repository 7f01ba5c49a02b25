# schedkit bench end to end, kept short: one run of each workload under eevdf
# and scx_fifo in one VM, with every field of the JSON present and numbers
# that make sense; schedulers that fail to load (a binary that exits 1, one
# that does not exist) or that die during the run are reported as failed,
# not dropped; --bpf-stats adds the scheduler's BPF costs from the kernel's
# accounting; and an interrupted benchmark leaves sched_ext disabled and the
# kernel's BPF statistics as they were.
. "$(dirname "$0")/../lib.sh"

# The guest's /tmp is its own tmpfs: the fake schedulers must live where the
# guest sees the host's files.
fakes=$(mktemp -d "$SK_BUILD/bench-smoke.XXXXXX") || fail "cannot make a directory in $SK_BUILD"
trap 'rm -rf "$fakes"; sk_teardown' EXIT
cat >"$fakes/scx_broken" <<'EOF'
#!/bin/sh
echo "scx_broken: refusing to load (test double)" >&2
exit 1
EOF
# Loads scx_fifo, then kills it halfway through the workload: the kernel
# falls back to eevdf and the run must count as failed.
cat >"$fakes/scx_dies" <<'EOF'
#!/bin/bash
scx_fifo &
pid=$!
for i in $(seq 100); do
	[ "$(cat /sys/kernel/sched_ext/state)" = enabled ] && break
	sleep 0.1
done
sleep 0.5
kill -KILL "$pid"
echo "scx_dies: killed the scheduler (test double)" >&2
exit 1
EOF
chmod +x "$fakes/scx_broken" "$fakes/scx_dies"

json=$SK_TMP/bench.json
out=$(PATH=$fakes:$PATH "$SCHEDKIT_BIN" bench --runs 1 --seconds 1 --bpf-stats \
	--hackbench-groups 1 --hackbench-loops 20 --json "$json" \
	--scheds eevdf,fifo,broken,doesnotexist,dies wakeup hackbench reqresp \
	2>"$SK_TMP/err")
rc=$?
echo "$out"
tail -n 5 "$SK_TMP/err"
assert_eq 3 "$rc" "exit status when some runs failed"
[ -s "$json" ] || fail "no JSON written to $json"

# The table: a column per scheduler, ratios to eevdf, failures called out.
assert_contains "$out" "wake-up p99 (us)" "wakeup row"
assert_contains "$out" "cyclictest p99 (us)" "cyclictest cross-check row"
assert_contains "$out" "time (s)" "hackbench row"
assert_contains "$out" "requests/s" "reqresp row"
assert_contains "$out" " x" "ratio to eevdf"
assert_contains "$out" "0/1, 1 FAILED" "failed runs in the table"
assert_contains "$out" "failed runs (9 of 15)" "list of failed runs"
assert_contains "$out" "BPF statistics on" "--bpf-stats in the table's header"
assert_contains "$out" "BPF dispatch (us/call)" "a BPF callback row"
assert_contains "$out" "BPF per request (us)" "reqresp's BPF per request row"

check_json "$json" <<'EOF'
meta = doc["meta"]
for k in ("kernel", "cpus", "runs", "seconds", "scheds", "workloads", "vm",
          "started", "sched_ext_state_after", "host_rt"):
    need(k in meta, "meta lacks " + k)
import os
# run as root, the benchmark's VM gets its main loop raised
need(meta.get("icount") == "", "meta.icount is %r without --icount" % meta.get("icount"))
need(meta.get("host_rt") == ("yes" if os.geteuid() == 0 else "no"),
     "meta.host_rt is %r" % meta.get("host_rt"))
need(meta.get("scheds") == ["eevdf", "fifo", "broken", "doesnotexist", "dies"],
     "meta.scheds is %r" % meta.get("scheds"))
need(meta.get("sched_ext_state_after") == "disabled",
     "sched_ext left %r" % meta.get("sched_ext_state_after"))

fields = {
    "wakeup": ["periods", "executed_periods", "missed_periods", "wake_p50_us",
               "wake_p99_us", "wake_max_us", "wake_mean_us", "lag_max_us",
               "split_periods", "wake_timer_p50_us", "wake_timer_p99_us",
               "wake_sched_p50_us", "wake_sched_p99_us",
               "cyclictest_p50_us", "cyclictest_p99_us",
               "cyclictest_max_us", "cyclictest_cycles", "cyclictest_skipped_periods",
               "cyclictest_overflows"],
    "hackbench": ["time_s", "groups", "loops", "messages"],
    "reqresp": ["requests", "rps", "req_p50_us", "req_p99_us", "req_max_us",
                "wake_p50_us", "wake_p99_us", "voluntary_cs_per_req",
                "involuntary_cs_per_req", "idle_pct"],
}
runs = doc["runs"]
need(len(runs) == 15, "%d runs, expected 15" % len(runs))
need([r["order"] for r in runs] == list(range(1, 16)), "runs out of order")
by = {(r["workload"], r["sched"]): r for r in runs}
for w, keys in fields.items():
    for s in ("eevdf", "fifo"):
        r = by.get((w, s))
        if r is None:
            need(False, "no %s run under %s" % (w, s))
            continue
        need(r["status"] == "ok", "%s/%s: %s" % (w, s, r.get("error")))
        m = r.get("metrics", {})
        for k in keys:
            need(isinstance(m.get(k), (int, float)), "%s/%s lacks %s" % (w, s, k))
    need(by[(w, "fifo")].get("ops", "").startswith("fifo"),
         "%s/fifo: ops %r" % (w, by[(w, "fifo")].get("ops")))
    # A scheduler that dies 0.5 s in may go before or after a short
    # workload ends: either way the run must be reported failed with why.
    for s, failures, texts in (("broken", ["load"], ["exited with status 1 before sched_ext was enabled"]),
                               ("doesnotexist", ["load"], ["scx_doesnotexist not found"]),
                               ("dies", ["run", "stop"], ["during the run", "when stopped"])):
        r = by[(w, s)]
        need(r["status"] == "failed" and r.get("failure") in failures,
             "%s/%s: status %s failure %s" % (w, s, r["status"], r.get("failure")))
        need(any(t in r.get("error", "") for t in texts),
             "%s/%s error: %r" % (w, s, r.get("error")))
    sm = doc["summary"][w]
    need(sm["runs"]["broken"] == {"runs": 1, "ok": 0, "failed": 1},
         "%s summary runs of broken: %r" % (w, sm["runs"]["broken"]))
    first = fields[w][0] if w != "wakeup" else "wake_p99_us"
    key = "rps" if w == "reqresp" else first
    e = sm["metrics"][key]
    need(e["eevdf"]["n"] == 1 and e["eevdf"].get("ratio_to_eevdf") == 1,
         "%s %s eevdf summary %r" % (w, key, e["eevdf"]))
    need("ratio_to_eevdf" in e["fifo"], "%s %s fifo has no ratio" % (w, key))
    need(e["broken"]["n"] == 0, "failed runs entered the median")

wk = by[("wakeup", "eevdf")]["metrics"]
need(wk["executed_periods"] > 0 and wk["wake_p50_us"] <= wk["wake_p99_us"] <= wk["wake_max_us"],
     "wakeup percentiles out of order: %r" % wk)
need(wk["executed_periods"] + wk["missed_periods"] == wk["periods"],
     "wakeup periods do not add up: %r" % wk)
# Every executed period that slept has its waking in the trace; the ones
# that found their start already passed did not sleep. With one period in
# three missed at most here, most of them slept.
need(wk["executed_periods"] / 2 < wk["split_periods"] <= wk["executed_periods"],
     "wakeup split over %d of %d periods" % (wk["split_periods"], wk["executed_periods"]))
need(wk["wake_timer_p50_us"] <= wk["wake_timer_p99_us"] and
     wk["wake_sched_p50_us"] <= wk["wake_sched_p99_us"] and
     wk["wake_timer_p50_us"] + wk["wake_sched_p50_us"] <= 2 * wk["wake_p50_us"] + 50,
     "wakeup split implausible: %r" % wk)
rr = by[("reqresp", "eevdf")]["metrics"]
need(rr["requests"] > 0 and rr["rps"] > 0, "reqresp did no work: %r" % rr)
# every worker sleeps on its futex between requests, and the idle share is
# a share
need(rr["voluntary_cs_per_req"] >= 0.5 and 0 <= rr["idle_pct"] <= 100,
     "reqresp context switches or idle share implausible: %r" % rr)
need(by[("hackbench", "eevdf")]["metrics"]["time_s"] > 0, "hackbench time")

# --bpf-stats: scx_fifo's programs ran in every workload, and their time
# and calls came from the kernel; eevdf has no BPF scheduler to measure.
need(meta.get("bpf_stats") == 1, "meta.bpf_stats is %r" % meta.get("bpf_stats"))
for w in fields:
    m = by[(w, "fifo")]["metrics"]
    need(m.get("bpf_ms", 0) > 0 and m.get("bpf_calls", 0) > 0,
         "%s/fifo: no BPF time or calls: %r" % (w, m))
    for op in ("select_cpu", "enqueue", "dispatch"):
        need(m.get("bpf_%s_calls" % op, 0) > 0 and m.get("bpf_%s_us" % op, 0) > 0,
             "%s/fifo: no %s calls: %r" % (w, op, m))
    need(sum(v for k, v in m.items() if k.endswith("_calls") and k != "bpf_calls") == m["bpf_calls"],
         "%s/fifo: callbacks' calls do not add up to bpf_calls: %r" % (w, m))
    need(not any(k.startswith("bpf_") for k in by[(w, "eevdf")]["metrics"]),
         "%s/eevdf has BPF figures" % w)
rf = by[("reqresp", "fifo")]["metrics"]
need(abs(rf["bpf_us_per_req"] - rf["bpf_ms"] * 1000 / rf["requests"]) < 0.01,
     "reqresp/fifo: bpf_us_per_req %r" % rf)
EOF

# Ctrl-C in the middle of a run under scx_fifo: the scheduler is unloaded.
# Inside the guest bench runs on the spot (--where host); job control gives
# it its own process group to signal, as a terminal would.
out=$("$SCHEDKIT_BIN" vm --cpus 2 --timeout 900 -- bash -c '
	set -m
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	"$SCHEDKIT_BIN" bench --where host --runs 1 --seconds 60 --scheds fifo --bpf-stats reqresp &
	for i in $(seq 300); do
		[ "$(cat /sys/kernel/sched_ext/state)" = enabled ] && break
		sleep 0.1
	done
	echo "before: $(cat /sys/kernel/sched_ext/state)"
	sleep 2
	kill -INT -- -$!
	wait $!
	echo "rc: $?"
	sleep 1
	echo "after: $(cat /sys/kernel/sched_ext/state)"
	echo "bpf_stats_enabled after: $(cat /proc/sys/kernel/bpf_stats_enabled)"
	# Anchored, so that this very command line does not match.
	pgrep -f "^(timeout|[^ ]*scx_fifo|[^ ]*schedkit-bench-reqresp)( |$)" && echo "leftovers: yes"
	true' 2>&1)
echo "$out"
assert_contains "$out" "before: enabled" "scx_fifo was loaded"
assert_contains "$out" "rc: 130" "interrupted status"
assert_contains "$out" "after: disabled" "sched_ext state after Ctrl-C"
assert_contains "$out" "bpf_stats_enabled after: 0" "kernel.bpf_stats_enabled after Ctrl-C"
case "$out" in *"leftovers: yes"*) fail "processes left behind after Ctrl-C" ;; esac
exit 0
