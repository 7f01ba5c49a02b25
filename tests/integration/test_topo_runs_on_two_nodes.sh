# vm: --sockets 4 --cores 2 --threads 2 --numa 2
# timeout: 340
# slow: 8-16 emulated CPUs on a 2-core host; has not yet passed within its time budget here (issue 7)
# scx_topo on 2 NUMA nodes x 2 LLCs x 2 cores x SMT2 (16 CPUs; see
# docs/topologies.md). Its domains match what sysfs shows (one per L3, each
# in the node sysfs puts its CPUs in), it stays enabled under hackbench
# plus CPU hogs, the per-domain counters add up exactly to the totals, and
# the same holds with --domain node, one domain per node. Kept short:
# 16 vCPUs under TCG run on one host thread (schedkit vm makes TCG
# single-threaded above twice the host's cores), so every workload here
# is a few seconds of guest work at most.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats
n=$(nproc)

# What the guest really has, from sysfs: "cpulist node" per L3, and nodes.
sys_llcs() {
	local c list
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		[ "$(cat "$c/online" 2>/dev/null || echo 1)" = 1 ] || continue
		list=$(cat "$c/cache/index3/shared_cpu_list")
		echo "$list $(basename "$(ls -d "$c"/node[0-9]* | head -n 1)" | tr -d node)"
	done | sort -u
}
sys_nodes() {
	local d
	for d in /sys/devices/system/node/node[0-9]*; do
		[ -n "$(cat "$d/cpulist")" ] && echo "$(cat "$d/cpulist") ${d##*node}"
	done | sort
}
sys_llcs >"$SK_TMP/llcs"
sys_nodes >"$SK_TMP/nodes"
nr_llcs=$(wc -l <"$SK_TMP/llcs")
nr_nodes=$(wc -l <"$SK_TMP/nodes")
[ "$nr_nodes" -ge 2 ] || fail "the guest has $nr_nodes NUMA node(s); this test needs 2"
[ "$nr_llcs" -gt "$nr_nodes" ] || fail "the guest has $nr_llcs LLC(s) for $nr_nodes nodes; this test needs several LLCs per node"

# check_stats DOMAIN EXPECTED_LAYOUT_FILE: stats against sysfs and themselves
check_stats() {
	python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats >"$SK_TMP/stats" ||
		fail "stats request failed"
	python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats_meta >"$SK_TMP/meta" ||
		fail "stats_meta failed"
	python3 - "$SK_TMP/stats" "$SK_TMP/meta" "$1" "$2" "$n" <<'PY' || fail "--domain $1: stats do not match the topology or do not add up"
import json, sys
s = json.load(open(sys.argv[1]))
meta = json.load(open(sys.argv[2]))
kind, want_file, ncpu = sys.argv[3], sys.argv[4], int(sys.argv[5])
want = sorted(tuple(l.split()) for l in open(want_file))
doms = s["doms"]
got = sorted((d["cpus"], str(d["node"])) for d in doms.values())
print("domains:", got)
assert s["domain"] == kind
assert s["nr_doms"] == len(doms) == len(want), (s["nr_doms"], want)
# dense node ids follow the kernel's order, as do sysfs node numbers here
assert got == want, (got, want)
assert sum(d["nr_cpus"] for d in doms.values()) == ncpu
for f in meta["TopoCpu"]["fields"]:
    total = sum(d[f] for d in doms.values())
    assert total == s[f], (f, total, s[f])
for f in ("steals_out", "moved_out"):
    key = "moved" if f == "moved_out" else f
    assert sum(d[f] for d in doms.values()) == s[key], f
# steals are counted on both sides in one code path but read at two moments
assert abs(s["steals_in"] - s["steals_out"]) <= max(5, s["steals_in"] // 50), \
    (s["steals_in"], s["steals_out"])
assert s["numa_steals"] <= s["steals_in"]
assert s["runs"] > 0 and s["busy_ns"] > 0
print({k: s[k] for k in ("runs", "wake_local_pct", "steals_in", "numa_steals",
                         "moved", "mig_same_core", "mig_same_llc",
                         "mig_cross_llc", "mig_cross_node", "busy_imbalance")})
PY
}

start_sched scx_topo --balance-ms 50
assert_eq topo "$(sk_ops)" "root/ops names our scheduler"
grep -q "$n CPUs online, $nr_llcs domains (one per LLC), $nr_llcs LLCs, $nr_nodes nodes, SMT" "$SCHED_LOG" ||
	fail "start-up line does not match sysfs: $(head -n 1 "$SCHED_LOG")"
progress_start "$SK_TMP/progress"
# a new bash takes seconds to start here: wait for its first count
for _ in $(seq 600); do
	[ "$(progress_read "$SK_TMP/progress")" -gt 0 ] && break
	sleep 0.1
done
bg stress-ng --cpu "$n" --timeout 30s --quiet
echo "loaded; hackbench beside $n hogs"
hackbench -g 1 -l 20 >/dev/null || fail "hackbench failed under scx_topo"
progress_grows "$SK_TMP/progress" 5 "progress task beside the hogs"
assert_eq enabled "$(sk_state)" "state under load"
check_stats llc "$SK_TMP/llcs"
echo "llc domains checked; unloading"
stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10

start_sched scx_topo --domain node
echo "loaded with --domain node"
grep -q "$n CPUs online, $nr_nodes domains (one per node)" "$SCHED_LOG" ||
	fail "--domain node start-up line: $(head -n 1 "$SCHED_LOG")"
hackbench -g 1 -l 10 >/dev/null || fail "hackbench failed under scx_topo --domain node"
progress_grows "$SK_TMP/progress" 5 "progress task with node domains"
assert_eq enabled "$(sk_state)" "state under load, node domains"
check_stats node "$SK_TMP/nodes"
stop_sched INT
rc=$?
cat "$SCHED_LOG"
assert_eq 0 "$rc" "exit status after SIGINT"
wait_state disabled 10
grep -q "unregistered from user space" "$SCHED_LOG" || fail "no exit reason printed"
