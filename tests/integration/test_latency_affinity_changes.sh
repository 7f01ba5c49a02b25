# Tasks pinned to one CPU, tasks whose affinity changes while they run
# (taskset loops and stress-ng --affinity) under scx_latency: the pinned
# ones keep getting CPU time, the moving one too, and the scheduler stays
# loaded; the kernel would eject it for dispatching a task to a CPU it may
# not use or for leaving one runnable too long.
. "$(dirname "$0")/../lib.sh"
# stress-ng wants a writable working directory
cd "$SK_TMP" || exit 1

last=$(($(nproc) - 1))

start_sched scx_latency --quiet
# two hogs sharing CPU 0, and one wandering between CPUs
bg taskset -c 0 bash -c 'while :; do :; done'
pinned1=$!
bg taskset -c 0 bash -c 'while :; do :; done'
pinned2=$!
bg bash -c 'while :; do :; done'
mover=$!
bg bash -c "while :; do for m in 0 $last 0-$last; do taskset -pc \$m $mover >/dev/null || exit; sleep 0.05; done; done"
bg stress-ng --affinity $(nproc) --timeout 30s --quiet

for round in 1 2 3; do
	a1=$(runtime_of "$pinned1") a2=$(runtime_of "$pinned2") am=$(runtime_of "$mover")
	sleep 5
	b1=$(runtime_of "$pinned1") b2=$(runtime_of "$pinned2") bm=$(runtime_of "$mover")
	echo "round $round: pinned $(((b1 - a1) / 1000000)) and $(((b2 - a2) / 1000000)) ms, moving $(((bm - am) / 1000000)) ms of 5 s"
	[ "$b1" -gt "$a1" ] || fail "first task pinned to CPU 0 starved"
	[ "$b2" -gt "$a2" ] || fail "second task pinned to CPU 0 starved"
	[ "$bm" -gt "$am" ] || fail "task changing affinity starved"
	assert_eq enabled "$(sk_state)" "state in round $round"
	assert_eq latency "$(sk_ops)" "ops in round $round"
done
# the kernel enforces affinity; make sure it still holds for the pinned one
assert_eq 0 "$(awk '{ print $39 }' "/proc/$pinned1/stat")" "CPU of the task pinned to CPU 0"

stop_sched INT || fail "scx_latency exited $? on SIGINT"
wait_state disabled 10
