# A scheduler that raises a runtime error from BPF (sk_error() in
# tests/bpf/failing.bpf.c) is reported in plain words with its message and
# the kernel's debug dump, the loader exits 1 and the kernel is back on the
# default scheduler. A BPF-side sk_exit(CODE) is not an error: the loader
# exits with CODE, or 1 when CODE does not fit an exit status.
. "$(dirname "$0")/../lib.sh"

loader=$SK_BUILD/tests/bpf/scx_test_failing
[ -x "$loader" ] || fail "$loader not built"
prog="scx_test_failing:"

# Wake-ups make CPUs go idle and call ops.dispatch often.
bg bash -c 'while :; do sleep 0.01; done'

# Runs the loader in the foreground; sets $out and $rc. It must have
# attached (enable_seq + 1) and left sched_ext disabled.
run_failing() { # args...
	local seq0
	seq0=$(cat /sys/kernel/sched_ext/enable_seq)
	out=$(timeout 90 "$loader" --quiet "$@" 2>&1)
	rc=$?
	echo "--- scx_test_failing $* (status $rc):"
	echo "$out"
	[ "$rc" != 124 ] || fail "scx_test_failing $* did not stop within 90 s"
	assert_eq $((seq0 + 1)) "$(cat /sys/kernel/sched_ext/enable_seq)" \
		"enable_seq after scx_test_failing $* (it must have attached once)"
	wait_state disabled 10
}

run_failing --fail-after 300
assert_eq 1 "$rc" "exit status after a runtime error"
assert_contains "$out" "$prog stopped: error raised by the BPF scheduler" "the kind in plain words"
assert_contains "$out" "message: test_failing: deliberate error after" "the scheduler's message"
assert_contains "$out" "$prog   debug dump (" "the debug dump header"
assert_contains "$out" "test_failing dump: " "the line ops.dump added to the debug dump"
assert_contains "$out" "$prog   end of debug dump" "the end of the debug dump"

run_failing --fail-after 300 --exit-code 42
assert_eq 42 "$rc" "exit status after sk_exit(42)"
assert_contains "$out" "$prog stopped: unregistered by the BPF scheduler" "the kind in plain words"
assert_contains "$out" "message: test_failing: exit 42 after" "the scheduler's message"
assert_contains "$out" "scheduler code 42" "the decoded exit code"
case "$out" in *"debug dump"*) fail "a requested exit printed the debug dump" ;; esac

run_failing --fail-after 300 --exit-code 300
assert_eq 1 "$rc" "exit status after sk_exit(300), which does not fit"
assert_contains "$out" "scheduler code 300" "the decoded exit code"
