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

topo_trace_forks

start_sched scx_topo
for i in 1 2 3 4 5 6; do
	bg topo_spin
done
base=("${BG_PIDS[@]}")
sleep 1
queued0=$(topo_stat fork_queued) || fail "no stats from scx_topo"
split=0
for round in 1 2 3; do
	: >"$TOPO_TR/trace"
	echo 1 >"$TOPO_TR/tracing_on"
	bg topo_spin
	bg topo_spin
	bg topo_spin
	bg topo_spin
	echo 0 >"$TOPO_TR/tracing_on"
	new=("${BG_PIDS[@]: -4}")
	llcs=""
	for p in "${new[@]}"; do
		llcs+="$(topo_llc_started "$p") "
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
unload_sched
