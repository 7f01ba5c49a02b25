# timeout: 240
# Taking a CPU offline, and bringing it back, makes the kernel eject scx_fifo
# with a restart request; the loader says why and attaches again on its own:
# sched_ext is enabled again with fifo, enable_seq counts the new attach and
# a task counting its progress keeps counting throughout. SIGINT still ends
# it with status 0. Needs a second CPU to take offline (the VM default is 2).
. "$(dirname "$0")/../lib.sh"

online=/sys/devices/system/cpu/cpu1/online
[ -w "$online" ] || fail "$online is missing: this test needs 2 CPUs and CPU hotplug"
# Later tests in the same guest must get their second CPU back.
trap 'echo 1 >"$online" 2>/dev/null; sk_teardown' EXIT

enable_seq() { cat /sys/kernel/sched_ext/enable_seq; }

progress_start "$SK_TMP/progress"
bg stress-ng --cpu 2 --timeout 200s --quiet
start_sched scx_fifo --quiet
assert_eq fifo "$(sk_ops)" "root/ops after load"
progress_grows "$SK_TMP/progress" 2 "under scx_fifo before any hotplug"

# Sets the CPU's online file to $1 and checks the loader came back.
hotplug_and_check() { # 0|1 word
	local seq0 lines0 log
	seq0=$(enable_seq)
	lines0=$(wc -l <"$SCHED_LOG")
	echo "$1" >"$online" || fail "writing $1 to $online failed"
	assert_eq "$1" "$(cat "$online")" "cpu1/online after writing $1"
	for _ in $(seq 300); do
		[ "$(enable_seq)" -gt "$seq0" ] && [ "$(sk_state)" = enabled ] && break
		kill -0 "$SCHED_PID" 2>/dev/null || break
		sleep 0.1
	done
	log=$(tail -n +$((lines0 + 1)) "$SCHED_LOG")
	echo "--- loader output after cpu 1 went $2:"
	echo "$log"
	kill -0 "$SCHED_PID" 2>/dev/null || fail "scx_fifo exited after cpu 1 went $2"
	assert_eq enabled "$(sk_state)" "state after cpu 1 went $2"
	assert_eq fifo "$(sk_ops)" "root/ops after cpu 1 went $2"
	[ "$(enable_seq)" -gt "$seq0" ] ||
		fail "enable_seq stayed at $seq0 after cpu 1 went $2: no new attach"
	assert_contains "$log" "cpu 1 going $2" "the kernel's message, as the loader reports it"
	assert_contains "$log" "CPU hotplug" "the decoded exit reason"
	assert_contains "$log" "restarting as the kernel asked" "the loader's restart note"
	progress_grows "$SK_TMP/progress" 2 "after cpu 1 went $2"
}

hotplug_and_check 0 offline
hotplug_and_check 1 online

unload_sched
