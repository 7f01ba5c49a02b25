# timeout: 300
# A 60 s mix under scx_latency - CPU hogs at nice -10, 0 and 10, hackbench
# rounds, a task sleeping 2 ms at a time, forks, yields and affinity
# changes - with no watchdog exit (the kernel's is 30 s) and no task left
# behind: a nice 0 hog, a nice 10 hog and the sleeper each get CPU time in
# every 5 s window, as the kernel counts it (/proc/PID/schedstat). The
# stats keep serving, with a delay histogram from which p50 and p99 come;
# on SIGINT the loader prints the kernel's exit reason and exits 0, leaving
# sched_ext disabled.
. "$(dirname "$0")/../lib.sh"
# stress-ng wants a writable working directory
cd "$SK_TMP" || exit 1

sock=/var/run/scx/root/stats
n=$(nproc)

waited_of() { # pid: ns spent runnable but waiting for a CPU
	cut -d' ' -f2 "/proc/$1/schedstat"
}

start_sched scx_latency
# The probes: plain loops whose CPU time the kernel counts, unlike a
# progress file, which also measures fork and exec under load.
bg bash -c 'while :; do :; done'
hog=$!
bg nice -n 10 bash -c 'while :; do :; done'
low=$!
mkfifo "$SK_TMP/never"
# read -t on a FIFO nobody writes: a 2 ms sleep without a fork
bg bash -c 'exec 3<>"$1"; while :; do read -t 0.002 -u 3; done' sleeper "$SK_TMP/never"
sleeper=$!
# The mix; the stress-ng timeouts are only a backstop, it is stopped below.
load=()
bg stress-ng --cpu "$n" --timeout 120s --quiet
load+=($!)
bg nice -n -10 stress-ng --cpu 1 --timeout 120s --quiet
load+=($!)
bg stress-ng --fork 1 --yield 1 --affinity 1 --timeout 120s --quiet
load+=($!)
bg bash -c 'while :; do hackbench -g 2 -l 100 >/dev/null || exit 1; done'
load+=($!)
# the checks below should not crawl behind the nice -10 hog
renice -n -20 -p $$ >/dev/null || fail "cannot renice the test to -20"

for i in $(seq 12); do
	h0=$(runtime_of $hog) l0=$(runtime_of $low) s0=$(runtime_of $sleeper)
	w0=$(waited_of $hog)
	sleep 5
	h1=$(runtime_of $hog) l1=$(runtime_of $low) s1=$(runtime_of $sleeper)
	w1=$(waited_of $hog)
	echo "$((i * 5)) s: CPU time of the nice 0 hog $(((h1 - h0) / 1000000)) ms" \
		"(waited $(((w1 - w0) / 1000000)) ms), nice 10 hog" \
		"$(((l1 - l0) / 1000000)) ms, sleeper $(((s1 - s0) / 1000000)) ms"
	[ "$h1" -gt "$h0" ] || fail "nice 0 hog got no CPU in the 5 s up to $((i * 5)) s"
	[ "$l1" -gt "$l0" ] || fail "nice 10 hog got no CPU in the 5 s up to $((i * 5)) s"
	[ "$s1" -gt "$s0" ] || fail "sleeper got no CPU in the 5 s up to $((i * 5)) s"
	assert_eq enabled "$(sk_state)" "state after $((i * 5)) s"
	assert_eq latency "$(sk_ops)" "ops after $((i * 5)) s"
done

# end the mix (stress-ng stops its workers on SIGTERM) before the checks
kill -TERM "${load[@]}" 2>/dev/null
wait "${load[@]}" 2>/dev/null

python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats >"$SK_TMP/stats" ||
	fail "stats request failed"
python3 - "$SK_TMP/stats" <<'PY' || fail "stats are inconsistent"
import json, sys
s = json.load(open(sys.argv[1]))
hist = s["delay_hist"]
print({k: s[k] for k in ("wakeups", "direct_dispatches", "preemptions",
                         "stolen", "rescued", "avg_slice_us", "avg_crit",
                         "p50_us", "p99_us")})
assert s["wakeups"] > 0 and s["slices"] > 0
# the counters and the histogram are read one after the other
assert s["delays"] > 0
assert abs(sum(hist) - s["delays"]) <= max(100, s["delays"] // 100), \
    "histogram and delay count differ"
assert 0 < s["p50_us"] <= s["p99_us"], "percentiles out of order"
assert len(hist) == len(s["delay_hist_lower_ns"])
PY

unload_sched
grep -qi "stall" "$SCHED_LOG" && fail "a watchdog stall was reported"
exit 0
