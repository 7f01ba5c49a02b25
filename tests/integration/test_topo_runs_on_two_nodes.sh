# vm: --sockets 4 --cores 1 --threads 2 --numa 2
# timeout: 240
# scx_topo on 2 NUMA nodes x 2 LLCs x 1 core x SMT2 (8 CPUs; see
# docs/topologies.md): every level scx_topo knows (SMT siblings, LLCs,
# nodes) with half the vCPUs of the issue's 16-CPU layout, which runs far
# slower under TCG on a 2-core host without exercising anything more. Its
# domains match what sysfs shows (one per L3, each in the node sysfs puts
# its CPUs in), it stays enabled under hackbench beside CPU hogs, the
# per-domain counters add up exactly to the totals, a timer wakee beside
# the hogs preempts one, and the same holds with --domain node, one domain
# per node.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

n=$(nproc)
topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
echo "sysfs: $(paste -sd' ' "$SK_TMP/layout")"
nr_llcs=$(grep -c '^llc ' "$SK_TMP/layout")
nr_nodes=$(grep -c '^node ' "$SK_TMP/layout")
[ "$nr_nodes" -ge 2 ] || fail "the guest has $nr_nodes NUMA node(s); this test needs 2"
[ "$nr_llcs" -gt "$nr_nodes" ] || fail "the guest has $nr_llcs LLC(s) for $nr_nodes nodes; this test needs several LLCs per node"
[ "$(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list)" = 0-1 ] ||
	fail "cpu0 has no SMT sibling: $(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list)"

start_sched scx_topo --balance-ms 50
assert_eq topo "$(sk_ops)" "root/ops names our scheduler"
grep -q "$n CPUs online, $nr_llcs domains (one per LLC), $nr_llcs LLCs, $nr_nodes nodes, SMT" "$SCHED_LOG" ||
	fail "start-up line does not match sysfs: $(head -n 1 "$SCHED_LOG")"
progress_start "$SK_TMP/progress"
progress_wait_first "$SK_TMP/progress"
bg stress-ng --cpu "$n" --timeout 120s --quiet
echo "loaded; hackbench beside $n hogs"
hackbench -g 1 -l 20 >/dev/null || fail "hackbench failed under scx_topo"
progress_grows "$SK_TMP/progress" 2 "progress task beside the hogs"
# A task woken by a timer every 2 ms beside the hogs: not a sync wake-up,
# so when it finds no idle CPU it must preempt the hog of its domain that
# ran longest ahead of it, rather than wait out a 20 ms slice.
pre0=$(topo_stat preempts) || fail "cannot read preempts"
python3 -c 'import time
end = time.monotonic() + 3
while time.monotonic() < end:
	time.sleep(0.002)' || fail "the timer sleeper failed"
pre1=$(topo_stat preempts) || fail "cannot read preempts"
echo "wake-up preemptions while a timer sleeper ran beside the hogs: $((pre1 - pre0))"
[ "$pre1" -gt "$pre0" ] || fail "no wake-up preemption: a timer wakee beside $n hogs waited for slices to end"
assert_eq enabled "$(sk_state)" "state under load"
topo_check_stats llc
stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10

start_sched scx_topo --domain node
echo "loaded with --domain node"
grep -q "$n CPUs online, $nr_nodes domains (one per node)" "$SCHED_LOG" ||
	fail "--domain node start-up line: $(head -n 1 "$SCHED_LOG")"
hackbench -g 1 -l 20 >/dev/null || fail "hackbench failed under scx_topo --domain node"
progress_grows "$SK_TMP/progress" 2 "progress task with node domains"
assert_eq enabled "$(sk_state)" "state under load, node domains"
topo_check_stats node
stop_sched INT
rc=$?
cat "$SCHED_LOG"
assert_eq 0 "$rc" "exit status after SIGINT"
wait_state disabled 10
grep -q "unregistered from user space" "$SCHED_LOG" || fail "no exit reason printed"
