# sched_yield() from more tasks than CPUs: scx_latency's ops.yield gives up
# the yielder's place in line. It stays loaded, counts the yields, and a
# CPU hog pinned beside the yielders keeps making progress.
. "$(dirname "$0")/../lib.sh"
# stress-ng wants a writable working directory
cd "$SK_TMP" || exit 1

sock=/var/run/scx/root/stats
stat_of() { # field
	python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

start_sched scx_latency --quiet
bg taskset -c 0 bash -c 'while :; do :; done'
hog=$!
bg stress-ng --yield $(($(nproc) * 4)) --timeout 25s --quiet
sleep 5
a=$(runtime_of "$hog")
sleep 5
b=$(runtime_of "$hog")
echo "pinned hog ran $(((b - a) / 1000000)) ms of 5 s beside the yielders"
[ "$b" -gt "$a" ] || fail "pinned hog made no progress during the yield storm"

yields=$(stat_of yields) || fail "stats request failed"
echo "yields counted: $yields"
[ "$yields" -gt 0 ] || fail "no sched_yield() counted during a yield storm"
assert_eq enabled "$(sk_state)" "state during the yield storm"
assert_eq latency "$(sk_ops)" "ops during the yield storm"

stop_sched INT || fail "scx_latency exited $? on SIGINT"
wait_state disabled 10
