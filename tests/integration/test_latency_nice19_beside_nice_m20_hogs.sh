# timeout: 300
# Two nice -20 CPU hogs per CPU beside one nice 19 hog. Weights decide the
# shares, so the nice 19 task gets far less CPU than any nice -20 one, but
# it is never starved: it makes progress in every 10 s window for 40 s,
# longer than the kernel's 30 s watchdog, which would eject the scheduler
# if a runnable task waited that long.
. "$(dirname "$0")/../lib.sh"
# stress-ng wants a writable working directory
cd "$SK_TMP" || exit 1


# This shell, the loader and the hogs all run at nice -20: at nice 0 the
# test's own commands would get a share of 100/8668 of each hog's and crawl,
# as they would under any weight-fair scheduler.
renice -n -20 -p $$ >/dev/null || fail "cannot renice the test to -20"
start_sched scx_latency --quiet
hogs=()
for i in $(seq $(($(nproc) * 2))); do
	bg bash -c 'while :; do :; done'
	hogs+=($!)
done
# nice adds to the current -20; the kernel caps the result at 19
bg nice -n 39 bash -c 'while :; do :; done'
low=$!
sleep 1
assert_eq 19 "$(awk '{ print $19 }' "/proc/$low/stat")" "nice of the low-priority task"
assert_eq -20 "$(awk '{ print $19 }' "/proc/${hogs[0]}/stat")" "nice of a hog"

low0=$(runtime_of "$low")
hog0=$(runtime_of "${hogs[0]}")
for window in 1 2 3 4; do
	a=$(runtime_of "$low")
	sleep 10
	b=$(runtime_of "$low")
	echo "window $window: nice 19 task ran $(((b - a) / 1000)) us of 10 s"
	[ "$b" -gt "$a" ] || fail "nice 19 task starved in window $window"
	assert_eq enabled "$(sk_state)" "state after window $window"
	assert_eq latency "$(sk_ops)" "ops after window $window"
done

low_ran=$(($(runtime_of "$low") - low0))
hog_ran=$(($(runtime_of "${hogs[0]}") - hog0))
echo "over 40 s: nice -20 hog $((hog_ran / 1000000)) ms, nice 19 task $((low_ran / 1000000)) ms"
[ "$hog_ran" -gt $((low_ran * 10)) ] ||
	fail "weights not honoured: a nice -20 hog ran $hog_ran ns, the nice 19 task $low_ran ns"

stop_sched INT
rc=$?
cat "$SCHED_LOG"
assert_eq 0 "$rc" "exit status after SIGINT"
wait_state disabled 10
