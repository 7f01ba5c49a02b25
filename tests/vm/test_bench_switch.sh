# schedkit bench's switch workload end to end, kept short: one run of two
# measured switches under eevdf, fifo and latency in one VM. eevdf's column
# is n/a, not a failure (exit status 0); the switches to fifo and to latency
# were all prepared and measured, with gap metrics present and in order;
# and sched_ext is disabled at the end.
. "$(dirname "$0")/../lib.sh"

json=$SK_TMP/bench.json
out=$("$SCHEDKIT_BIN" bench --runs 1 --switches 2 --json "$json" \
	--scheds eevdf,fifo,latency switch 2>"$SK_TMP/err")
rc=$?
echo "$out"
tail -n 5 "$SK_TMP/err"
assert_eq 0 "$rc" "exit status"
[ -s "$json" ] || fail "no JSON written to $json"
assert_contains "$out" "gap p50 (ms)" "gap row"
assert_contains "$out" "failed switches" "failed switches row"
assert_contains "$(grep 'runs ok' <<<"$out")" "n/a" "eevdf's runs are n/a"
case "$out" in *FAILED*) fail "a run failed" ;; esac

check_json "$json" <<'PY'
need(doc["meta"].get("sched_ext_state_after") == "disabled",
     "sched_ext left %r" % doc["meta"].get("sched_ext_state_after"))
need(doc["meta"].get("switches") == 2, "meta.switches %r" % doc["meta"].get("switches"))
runs = {r["sched"]: r for r in doc["runs"]}
need(sorted(runs) == ["eevdf", "fifo", "latency"], "runs: %r" % sorted(runs))
need(runs["eevdf"]["status"] == "n/a", "eevdf: %r" % runs["eevdf"])
for s in ("fifo", "latency"):
    r = runs[s]
    need(r["status"] == "ok", "%s: %s" % (s, r.get("error")))
    need(r.get("ops") == s, "%s: ops %r" % (s, r.get("ops")))
    m = r.get("metrics", {})
    need(m.get("switches") == 2, "%s: switches %r" % (s, m.get("switches")))
    need(m.get("prepared_switches") == 2, "%s: prepared %r" % (s, m.get("prepared_switches")))
    need(m.get("failed_switches") == 0, "%s: failed %r" % (s, m.get("failed_switches")))
    g = [m.get(k) for k in ("gap_p50_ms", "gap_p99_ms", "gap_max_ms")]
    need(all(isinstance(x, (int, float)) and x >= 0 for x in g) and g == sorted(g),
         "%s: gaps %r" % (s, g))
    for k in ("attach_p50_ms", "stop_p50_ms", "load_p50_ms", "hackbench_rounds"):
        need(isinstance(m.get(k), (int, float)), "%s lacks %s" % (s, k))
sm = doc["summary"]["switch"]
need(sm["runs"]["eevdf"] == {"runs": 1, "ok": 0, "failed": 0, "n/a": 1},
     "eevdf summary %r" % sm["runs"]["eevdf"])
e = sm["metrics"]["gap_p50_ms"]
need(e["eevdf"]["n"] == 0 and e["fifo"]["n"] == 1 and e["latency"]["n"] == 1,
     "gap_p50_ms summary %r" % e)
need("ratio_to_eevdf" not in e["fifo"], "a ratio to eevdf's nothing")
PY
exit 0
