# vm: --sockets 2 --cores 3
# timeout: 150
# With no CPU idle, scx_topo queues a new task in the domain with the
# fewest queued tasks per CPU, not in its parent's. On 2 LLCs x 3 CPUs
# kept busy by six CPU hogs, a shell forks four more in a row: they must
# start in both LLCs (next to their parent all four would queue in its
# LLC, and that LLC's tasks would get half the CPU time of the other's).
# Where each starts is the kernel's word: the target CPU of its
# sched:sched_wakeup_new event. Three rounds, of which two must split
# (a CPU going idle for a moment sends a fork the idle-CPU way, which
# may tip a round); scx_topo's fork_queued count must have grown.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
assert_eq "llc 0-2 0 llc 3-5 0 node 0-5 0" "$(paste -sd' ' "$SK_TMP/layout")" \
	"the guest's LLCs and nodes (2 LLCs of 3 CPUs, one node)"

TR=/sys/kernel/tracing
EV=$TR/events/sched/sched_wakeup_new/enable
topo_tracefs
trap 'echo 0 >"$EV" 2>/dev/null; sk_teardown' EXIT
# switched with nothing running (topo_check.py's trace_event() says why)
echo 0 >"$TR/tracing_on"
echo 1 >"$EV" || fail "cannot enable sched:sched_wakeup_new"

llc_start() { # pid: the CPUs of the LLC its sched_wakeup_new put it in
	local cpu

	cpu=$(sed -n "s/.*sched_wakeup_new: .* pid=$1 .*target_cpu=\([0-9]*\).*/\1/p" "$TR/trace")
	[ -n "$cpu" ] || fail "no sched_wakeup_new event for task $1"
	cat "/sys/devices/system/cpu/cpu$((10#$cpu))/cache/index3/shared_cpu_list"
}

# forks of this shell, not exec'd programs (see test_topo_forks_spread_over_llcs)
spin() { while :; do :; done; }

start_sched scx_topo
for i in 1 2 3 4 5 6; do
	bg spin
done
base=("${BG_PIDS[@]}")
sleep 1
queued0=$(topo_stat fork_queued) || fail "no stats from scx_topo"
split=0
for round in 1 2 3; do
	: >"$TR/trace"
	echo 1 >"$TR/tracing_on"
	bg spin
	bg spin
	bg spin
	bg spin
	echo 0 >"$TR/tracing_on"
	new=("${BG_PIDS[@]: -4}")
	llcs=""
	for p in "${new[@]}"; do
		llcs+="$(llc_start "$p") "
	done
	echo "round $round: four hogs forked onto a busy machine started in LLCs $llcs"
	[ "$(printf '%s\n' $llcs | sort -u | wc -l)" = 2 ] && split=$((split + 1))
	kill "${new[@]}"
	wait "${new[@]}" 2>/dev/null
	sleep 0.5
done
queued=$(($(topo_stat fork_queued) - queued0))
echo "fork_queued +$queued"
assert_eq enabled "$(sk_state)" "state after the forks"
assert_eq topo "$(sk_ops)" "root/ops after the forks"
[ "$split" -ge 2 ] ||
	fail "four hogs forked onto a busy machine all started in one LLC in $((3 - split)) of 3 rounds"
[ "$queued" -ge $((split * 2)) ] ||
	fail "fork_queued grew by $queued, fewer than two per round that split"
kill "${base[@]}"
stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10
grep -q "unregistered from user space" "$SCHED_LOG" || fail "no exit reason printed"
