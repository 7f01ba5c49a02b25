# vm: --sockets 2 --cores 2
# timeout: 180
# scx_topo leaves a cache-hot task in its LLC rather than let an idle CPU
# of another LLC steal it. On 1 node x 2 LLCs x 2 CPUs, three hogs start,
# two in the first LLC and one in the second, then may run anywhere; a
# kicker pinned to each CPU wakes every 2 ms for 100 us and preempts the
# hog there. A hog so preempted in the full LLC is queued while the other
# LLC has an idle CPU. With --cache-hot-us 0 that CPU steals it at once,
# so the hogs hop between the LLCs at every kick; with --cache-hot-us
# 10000 the hog, which ran a moment ago, waits the kicker's turn on its
# own CPU (EEVDF's task_hot() decides the same). The hogs' cross-LLC
# migrations, from the kernel's sched_migrate_task tracepoint, must fall
# to a tenth (moves within the half-idle LLC go on either way), and the
# kickers must still have run.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
assert_eq "llc 0-1 0 llc 2-3 0 node 0-3 0" "$(paste -sd' ' "$SK_TMP/layout")" \
	"the guest's LLCs and nodes (2 LLCs of 2 CPUs, one node)"

# a kicker: every 2 ms, 100 us of CPU for argv[1] seconds; prints its rounds
KICKER='
import sys, time
end, n = time.monotonic() + float(sys.argv[1]), 0
while time.monotonic() < end:
    time.sleep(0.002)
    t = time.monotonic()
    while time.monotonic() - t < 0.0001:
        pass
    n += 1
print(n)'

TR=/sys/kernel/tracing
topo_tracefs
# switched with nothing running (topo_check.py's trace_event() says why)
echo 0 >"$TR/tracing_on"
topo_check trace-event on || fail "cannot enable sched:sched_migrate_task"

# run HOT_US: sets CROSS to the hogs' migrations across LLCs in 3 s of
# kicks, from the kernel's sched_migrate_task tracepoint
run() {
	local hogs=() kickers=() cpu p

	start_sched scx_topo --cache-hot-us "$1"
	for cpu in 0-1 0-1 2-3; do
		topo_hog "$cpu"
		hogs+=("${BG_PIDS[-1]}")
	done
	sleep 1
	topo_widen 0-3 "${hogs[@]}"
	for cpu in 0 1 2 3; do
		bg taskset -c "$cpu" "$TOPO_PY" -c "$KICKER" 8 >"$SK_TMP/kicker$cpu" 2>&1
		kickers+=("${BG_PIDS[-1]}")
	done
	sleep 2		# a Python start can take a second in the guest
	: >"$TR/trace"
	echo 1 >"$TR/tracing_on"
	sleep 3
	echo 0 >"$TR/tracing_on"
	topo_check migrations "${hogs[@]}" >"$SK_TMP/migr" || fail "cannot read the trace"
	assert_eq enabled "$(sk_state)" "state under the kicks (--cache-hot-us $1)"
	assert_eq topo "$(sk_ops)" "the kernel's scheduler (--cache-hot-us $1)"
	for p in "${kickers[@]}"; do
		wait "$p" || fail "a kicker failed: $(cat "$SK_TMP"/kicker*)"
	done
	for cpu in 0 1 2 3; do
		[ "$(cat "$SK_TMP/kicker$cpu")" -ge 100 ] ||
			fail "the kicker on CPU $cpu ran $(cat "$SK_TMP/kicker$cpu") of about 4000 rounds in 8 s"
	done
	kill "${hogs[@]}"
	stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
	wait_state disabled 10
	echo "--cache-hot-us $1: the hogs' migrations in 3 s: $(cat "$SK_TMP/migr")"
	CROSS=$(sed -n 's/^cross=\([0-9]*\) .*/\1/p' "$SK_TMP/migr")
}

run 0
cold=$CROSS
# 10 ms rather than the default 0.5: the hog must still be hot when the
# kicker's turn ends, and that turn can last the time the host leaves
# the kicker's vCPU thread off its 2 cores (4 vCPUs on 2 cores). At 2 ms
# the hogs still crossed 13-36 times against 146-244 without the rule,
# the cross-LLC steals of hogs that had waited that long: cold by the
# rule's own measure.
run 10000
hot=$CROSS
topo_check trace-event off
[ "$cold" -ge 20 ] ||
	fail "without the cache-hot rule the hogs crossed LLCs only $cold times: the test no longer provokes steals"
[ $((hot * 10)) -le "$cold" ] ||
	fail "cache-hot hogs crossed LLCs $hot times against $cold without the rule (want at most a tenth)"
