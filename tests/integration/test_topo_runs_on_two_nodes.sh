# vm: --sockets 4 --cores 1 --threads 2 --numa 2
# timeout: 600
# scx_topo on 2 NUMA nodes x 2 LLCs x 1 core x SMT2 (8 CPUs; see
# docs/topologies.md): every level scx_topo knows (SMT siblings, LLCs,
# nodes) with half the vCPUs of the issue's 16-CPU layout, which runs far
# slower under TCG on a 2-core host without exercising anything more. Its
# domains match what sysfs shows (one per L3, each in the node sysfs puts
# its CPUs in), it stays enabled under hackbench beside CPU hogs, the
# per-domain counters add up exactly to the totals, a timer wakee beside
# the hogs preempts one, and the same holds with --domain node, one domain
# per node. Hotplug across nodes, under the same load: the second node's
# last LLC goes offline CPU by CPU (that node is left with one LLC, the
# machine with one domain fewer) and comes back, and with --domain node a
# CPU of the second node goes and comes back. Each change must restart
# scx_topo with domains that match sysfs again, and lose no task.
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
# the last LLC, in the last node (layout lines: "llc CPULIST NODE")
last_llc=$(grep '^llc ' "$SK_TMP/layout" | tail -n 1)
read -r _ gone_llc gone_node <<<"$last_llc"
gone_cpus=$(python3 -c 'import sys
lo, _, hi = sys.argv[1].partition("-")
print(" ".join(str(c) for c in range(int(lo), int(hi or lo) + 1)))' "$gone_llc")
[ "$gone_node" -ge 1 ] && [ "$(echo $gone_cpus | wc -w)" -ge 2 ] ||
	fail "the last LLC ($last_llc) is not an SMT pair on the second node"
for c in $gone_cpus; do
	[ -f "/sys/devices/system/cpu/cpu$c/online" ] || fail "cpu$c is not hotpluggable"
done
trap 'for c in $gone_cpus; do echo 1 >/sys/devices/system/cpu/cpu$c/online; done 2>/dev/null; sk_teardown' EXIT

# cpus_set 0|1 KIND CPU...: each CPU offline (0) or online (1) in turn,
# waiting for scx_topo's restart and checking its stats (KIND: its
# domains) after every change
cpus_set() {
	local on=$1 kind=$2 c seq
	shift 2
	for c in "$@"; do
		seq=$(enable_seq)
		echo "cpu$c -> online=$on"
		cpu_online "$c" "$on"
		topo_wait_restart "$seq" "$kind"
	done
}

start_sched scx_topo --balance-ms 50
assert_eq topo "$(sk_ops)" "root/ops names our scheduler"
grep -q "$n CPUs online, $nr_llcs domains (one per LLC), $nr_llcs LLCs, $nr_nodes nodes, SMT" "$SCHED_LOG" ||
	fail "start-up line does not match sysfs: $(head -n 1 "$SCHED_LOG")"
progress_start "$SK_TMP/progress"
progress_wait_first "$SK_TMP/progress"
bg stress-ng --cpu "$n" --timeout 400s --quiet
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
doms_before=$(topo_doms)

hogs=$(pgrep -c -f stress-ng)
seq=$(enable_seq)
echo "cpu hotplug: LLC $gone_llc of node $gone_node goes offline and comes back"
cpus_set 0 llc $gone_cpus
assert_eq $((nr_llcs - 1)) "$(topo_doms | wc -w)" "domains with LLC $gone_llc offline"
progress_grows "$SK_TMP/progress" 2 "progress with LLC $gone_llc offline"
cpus_set 1 llc $gone_cpus
assert_eq "$doms_before" "$(topo_doms)" "domains with every CPU back"
progress_grows "$SK_TMP/progress" 2 "progress with every CPU back"
assert_eq "$hogs" "$(pgrep -c -f stress-ng)" "stress-ng processes alive after the hotplugs"
[ "$(enable_seq)" -ge $((seq + 2 * $(echo $gone_cpus | wc -w))) ] ||
	fail "enable_seq $(enable_seq): fewer restarts than CPU changes since $seq"
assert_eq enabled "$(sk_state)" "state after the hotplugs"
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
doms_before=$(topo_doms)
last_cpu=${gone_cpus##* }
echo "cpu hotplug with node domains: cpu$last_cpu of node $gone_node"
cpus_set 0 node "$last_cpu"
assert_eq "$nr_nodes" "$(topo_doms | wc -w)" "node domains with cpu$last_cpu offline"
progress_grows "$SK_TMP/progress" 2 "progress with cpu$last_cpu offline, node domains"
cpus_set 1 node "$last_cpu"
assert_eq "$doms_before" "$(topo_doms)" "node domains with cpu$last_cpu back"
assert_eq "$hogs" "$(pgrep -c -f stress-ng)" "stress-ng processes alive after the node-domain hotplug"
unload_sched
