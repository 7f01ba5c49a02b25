# Request/response work on busy CPUs (the reqresp workload of schedkit
# bench: message threads waking twice as many workers as CPUs, 100 us of
# work each): scx_latency puts brief wakees straight into the local queue
# of a CPU running a brief task when nothing waits there. It stays loaded,
# counts those (skipped_queue) beside the tasks it queues, every worker
# keeps answering, and a CPU hog beside them still gets CPU time, as the
# kernel counts it.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats

start_sched scx_latency --quiet
bg bash -c 'while :; do :; done'
hog=$!
a=$(runtime_of "$hog")
"$SK_BUILD/tools/bench/schedkit-bench-reqresp" --seconds 5 >"$SK_TMP/rr.json" ||
	fail "schedkit-bench-reqresp failed under scx_latency"
b=$(runtime_of "$hog")
echo "hog ran $(((b - a) / 1000000)) ms beside request/response work"
[ "$b" -gt "$a" ] || fail "the hog got no CPU time beside request/response work"
assert_eq enabled "$(sk_state)" "state after request/response work"
assert_eq latency "$(sk_ops)" "ops after request/response work"

python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats >"$SK_TMP/stats" ||
	fail "stats request failed"
python3 - "$SK_TMP/rr.json" "$SK_TMP/stats" <<'PY' || fail "requests or stats are off"
import json, sys
r = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
print({k: r[k] for k in ("workers", "requests", "rps", "req_p99_us",
                         "involuntary_cs_per_req")},
      {k: s[k] for k in ("wakeups", "queued", "skipped_queue", "preemptions")})
# every worker answers in every round: a lost worker stalls its round
assert r["requests"] == r["rounds"] * r["workers"] // r["message_threads"], \
    "requests and rounds disagree"
assert r["requests"] > 100, "fewer than 100 requests in 5 s"
assert s["skipped_queue"] > 0, "no brief wakee went straight to a local queue"
assert s["queued"] > 0, "nothing went through the deadline-ordered queues"
PY

unload_sched
exit 0
