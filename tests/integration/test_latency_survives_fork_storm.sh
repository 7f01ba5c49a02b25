# scx_latency stays the active scheduler through a fork storm (thousands of
# tasks going through init_task, their first wake-up and exit), a task
# counting its progress keeps running, the wake-up counters move, and on
# SIGINT it unloads with status 0 and the kernel's exit reason printed.
. "$(dirname "$0")/../lib.sh"
# stress-ng wants a writable working directory
cd "$SK_TMP" || exit 1

sock=/var/run/scx/root/stats
stat_of() { # field
	python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

start_sched scx_latency
assert_eq latency "$(sk_ops)" "root/ops names our scheduler"
progress_start "$SK_TMP/progress"
before=$(stat_of wakeups) || fail "stats request failed"

# into a file, not a pipe: a forked child holding the pipe would hang tail
timeout -k 5 120 stress-ng --fork $(($(nproc) * 4)) --timeout 20s \
	--metrics-brief >"$SK_TMP/stress.log" 2>&1
rc=$?
tail -n 3 "$SK_TMP/stress.log"
if [ "$rc" != 0 ]; then
	echo "sched_ext: $(sk_state) ($(sk_ops)); tasks not sleeping:"
	ps -eo pid,stat,wchan:24,comm | awk 'NR == 1 || $2 !~ /^S/'
	fail "stress-ng --fork exited $rc under scx_latency (124: hung)"
fi

assert_eq enabled "$(sk_state)" "state after the fork storm"
assert_eq latency "$(sk_ops)" "ops after the fork storm"
progress_grows "$SK_TMP/progress" 2 "progress task after the fork storm"
after=$(stat_of wakeups) || fail "second stats request failed"
echo "wakeups: $before -> $after"
[ "$after" -gt "$before" ] || fail "wake-up counter did not grow ($before -> $after)"

unload_sched
