# vm: --sockets 2 --cores 3
# timeout: 150
# With fewer tasks than CPUs in an LLC, scx_topo keeps them in it: two
# pipe ping-pong pairs run for a few seconds on an otherwise idle machine
# of 2 LLCs x 3 CPUs in one node (a pair is 2 tasks, an LLC 3 CPUs; one
# node, so nothing but the scheduler's LLC policy stops an idle CPU of the
# other LLC from taking a pair task). The kernel's sched:sched_migrate_task
# tracepoint must show at most one of their migrations per 1000 round
# trips crossing an LLC, and each pair must end in one LLC. Measured from
# the kernel (the tracepoint, /proc/PID/sched, /proc/PID/stat), not from
# our counters; EEVDF's numbers on the same workload are printed beside
# them. The smallest machine with the property: more CPUs only slow the
# emulator down (docs/topologies.md).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
echo "sysfs: $(paste -sd' ' "$SK_TMP/layout")"
assert_eq "llc 0-2 0 llc 3-5 0 node 0-5 0" "$(paste -sd' ' "$SK_TMP/layout")" \
	"the guest's LLCs and nodes (2 LLCs of 3 CPUs, one node)"

topo_tracefs
topo_check pairs eevdf --seconds 3 || fail "measuring under EEVDF failed"

start_sched scx_topo
grep -q "6 CPUs online, 2 domains (one per LLC), 2 LLCs, 1 nodes" "$SCHED_LOG" ||
	fail "start-up line does not show the 2 LLCs: $(head -n 1 "$SCHED_LOG")"
# Not zero: an idle CPU may steal a pair task that had to queue behind a
# kernel thread for a moment (the guest is noisy), and the next wake-up
# pulls it back; a pair bouncing between LLCs makes hundreds.
topo_check pairs topo --seconds 3 --max-cross-per-1k 1 ||
	fail "scx_topo let a ping-pong pair cross LLCs"
assert_eq enabled "$(sk_state)" "state after the pairs"
assert_eq topo "$(sk_ops)" "root/ops after the pairs"
stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10
