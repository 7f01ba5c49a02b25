# timeout: 180
# A periodic task woken by its own timer beside two CPU hogs, all pinned to
# CPU 0 (schedkit-bench-wakeup's probe): the hog to preempt runs on the CPU
# doing the wake-up, so scx_latency puts the probe straight into that CPU's
# local queue with SCX_ENQ_PREEMPT instead of kicking it through an
# irq_work. The stats count those (preempted_here) apart from the kicks;
# here they are the preemptions, about one per probe period. The scheduler
# stays loaded, and unloads cleanly.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats

stats() { # file
	python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats >"$1" || fail "stats request failed"
}

start_sched scx_latency --quiet
stats "$SK_TMP/before"
taskset -c 0 "$SK_BUILD/tools/bench/schedkit-bench-wakeup" --seconds 4 --hogs 2 \
	--cyclictest none >"$SK_TMP/probe.json" || fail "schedkit-bench-wakeup failed under scx_latency"
stats "$SK_TMP/after"
assert_eq enabled "$(sk_state)" "state after the probe"
assert_eq latency "$(sk_ops)" "ops after the probe"

python3 - "$SK_TMP/probe.json" "$SK_TMP/before" "$SK_TMP/after" <<'PY' || fail "preemptions are off"
import json, sys
w = json.load(open(sys.argv[1]))
s0, s1 = (json.load(open(f)) for f in sys.argv[2:4])
here = s1["preempted_here"] - s0["preempted_here"]
kicked = s1["preemptions"] - s0["preemptions"] - here
print({k: w[k] for k in ("periods", "executed_periods", "wake_p99_us")},
      {"preempted_here": here, "kicked": kicked})
assert w["executed_periods"] > 0, "the probe never ran"
# The probe wakes on CPU 0 and may only run there, where a hog runs: a
# kick would be a kick of the waking CPU itself.
assert here >= w["executed_periods"] // 4, \
    "%d of %d wake-ups preempted on the waking CPU" % (here, w["executed_periods"])
assert kicked <= here // 10, "%d CPUs kicked beside %d preempted here" % (kicked, here)
PY

unload_sched
exit 0
