# vm: --cpus 4
# timeout: 330
# scx_topo on the simplest machine, 1 node x 1 LLC x 4 CPUs: one domain
# covering every CPU. It loads, stays enabled under hackbench plus twice as
# many CPU hogs as CPUs, keeps a progress task moving, serves stats whose
# one domain holds exactly the totals, and unloads with status 0.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats
n=$(nproc)

start_sched scx_topo
assert_eq topo "$(sk_ops)" "root/ops names our scheduler"
progress_start "$SK_TMP/progress"
for _ in $(seq 300); do
	[ "$(progress_read "$SK_TMP/progress")" -gt 0 ] && break
	sleep 0.1
done
bg stress-ng --cpu $((n * 2)) --timeout 200s --quiet
echo "loaded; hackbench beside $((n * 2)) hogs"
hackbench -g 2 -l 100 >/dev/null || fail "hackbench failed under scx_topo"
progress_grows "$SK_TMP/progress" 2 "progress task beside the hogs"
assert_eq enabled "$(sk_state)" "state under load"
assert_eq topo "$(sk_ops)" "ops under load"

python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats >"$SK_TMP/stats" ||
	fail "stats request failed"
python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats_meta >"$SK_TMP/meta" ||
	fail "stats_meta failed"
python3 - "$SK_TMP/stats" "$SK_TMP/meta" "$n" <<'PY' || fail "stats are inconsistent"
import json, sys
s = json.load(open(sys.argv[1]))
meta = json.load(open(sys.argv[2]))
ncpu = int(sys.argv[3])
print({k: s[k] for k in ("runs", "wake_prev", "wake_llc", "wake_queued",
                         "enqueued", "steals_in", "mig_cross_llc",
                         "wake_local_pct", "busy_imbalance")})
assert meta["TopoDom"]["user"]["_om_label"] == "dom"
assert s["domain"] == "llc" and s["nr_doms"] == 1 and s["nr_nodes"] == 1
doms = s["doms"]
assert list(doms) == ["0"], doms.keys()
d = doms["0"]
assert d["nr_cpus"] == ncpu, d["nr_cpus"]
for f in meta["TopoCpu"]["fields"]:
    assert d[f] == s[f], (f, d[f], s[f])
assert s["runs"] > 0 and s["busy_ns"] > 0 and s["enqueued"] > 0
# one LLC, one node: nothing can cross them, nobody to steal from
for f in ("mig_cross_llc", "mig_cross_node", "steals_in", "numa_steals",
          "remote_dispatches", "wake_waker_llc"):
    assert s[f] == 0, (f, s[f])
PY

echo "stats checked; unloading"
stop_sched INT
rc=$?
cat "$SCHED_LOG"
assert_eq 0 "$rc" "exit status after SIGINT"
wait_state disabled 10
grep -q "$n CPUs online, 1 domains (one per LLC), 1 LLCs, 1 nodes" "$SCHED_LOG" || fail "start-up line does not show one LLC domain"
grep -q "unregistered from user space" "$SCHED_LOG" || fail "no exit reason printed"
