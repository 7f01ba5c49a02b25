# vm: --sockets 2 --cores 3
# timeout: 150
# scx_topo starts a new task in the domain with the most idle CPUs, as
# EEVDF's fork balancing does, rather than next to its parent. On an idle
# machine of 2 LLCs x 3 CPUs, a shell forks two CPU hogs in a row: they
# must start in different LLCs, where next to their parent both would fit
# in its LLC. Where each starts is the kernel's word: the target CPU of
# its sched:sched_wakeup_new event. Three rounds, of which two must split
# (a kernel thread busy in the parent's LLC at the moment of a fork may
# tip one); scx_topo's fork_idle count must have grown by at least the
# forks that split.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

topo_trace_forks

start_sched scx_topo
forks0=$(topo_stat fork_idle) || fail "no stats from scx_topo"
split=0
for round in 1 2 3; do
	sleep 0.5	# for the last command's exit to settle
	: >"$TOPO_TR/trace"
	echo 1 >"$TOPO_TR/tracing_on"
	bg topo_spin
	bg topo_spin
	echo 0 >"$TOPO_TR/tracing_on"
	a=${BG_PIDS[-2]} b=${BG_PIDS[-1]}
	la=$(topo_llc_started "$a") lb=$(topo_llc_started "$b")
	echo "round $round: hogs started in LLCs $la and $lb"
	[ "$la" != "$lb" ] && split=$((split + 1))
	kill "$a" "$b"
	wait "$a" "$b" 2>/dev/null
done
forks=$(($(topo_stat fork_idle) - forks0))
echo "fork_idle +$forks"
assert_eq enabled "$(sk_state)" "state after the forks"
assert_eq topo "$(sk_ops)" "root/ops after the forks"
[ "$split" -ge 2 ] ||
	fail "two hogs forked in a row started in one LLC in $((3 - split)) of 3 rounds while the other LLC was idle"
[ "$forks" -ge $((split * 2)) ] ||
	fail "fork_idle grew by $forks, fewer than the $((split * 2)) forks that split"
unload_sched
