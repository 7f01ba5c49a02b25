# A switch to a scheduler the verifier rejects leaves the one that ran
# before in place (a prepared start never stopped it; a plain switch starts
# it again), and one that dies right after it starts rolls back to it;
# each says why in one line. The verifier case again through schedkitd.
# timeout: 300
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

PATH=$SK_BUILD/tests/bpf:$PATH
progress_start "$SK_TMP/progress"

sk_seq() { cat /sys/kernel/sched_ext/enable_seq; }

# A loader that fails before it attaches leaves scx_fifo running, never
# stopped (a prepared start); one that fails after must have it started
# again. Either way scx_fifo runs afterwards and the message says which.
# Leaves the message in $out.
check_rollback() { # how name args...
	local how=$1 rc seq pid
	shift
	seq=$(sk_seq)
	pid=$(status_field pid)
	out=$(sk switch --settle-ms 3000 "$@" 2>&1)
	rc=$?
	echo "$how: $out"
	[ "$rc" != 0 ] || fail "$how: switch to $1 succeeded"
	assert_lines "$out" 1 "$how: one line"
	assert_contains "$out" "scx_$1" "$how: names the failed scheduler"
	case "$out" in
	*"scx_fifo kept running"*)
		assert_eq "$seq" "$(sk_seq)" "$how: enable_seq (scx_fifo never detached)"
		assert_eq "$pid" "$(status_field pid)" "$how: the same scx_fifo loader" ;;
	*"rolled back to scx_fifo"*)
		[ "$(sk_seq)" -gt "$seq" ] ||
			fail "$how: enable_seq $(sk_seq): scx_fifo was not enabled again" ;;
	*) fail "$how: neither kept running nor rolled back: $out" ;;
	esac
	assert_eq enabled "$(sk_state)" "$how: state after rollback"
	assert_eq fifo "$(sk_ops)" "$how: scheduler after rollback"
	assert_eq fifo "$(status_field scheduler)" "$how: status after rollback"
	progress_grows "$SK_TMP/progress" 3 "$how: after rollback"
}

sk switch fifo -- --slice-us 4000 || fail "switch to fifo failed"
check_rollback "direct, verifier" test_rejected
assert_contains "$out" "verifier" "direct, verifier: the reason"
check_rollback "direct, dies early" test_failing -- --fail-after 50
assert_contains "$out" "rolled back to scx_fifo" "direct, dies early: started again"
assert_eq "--slice-us 4000" "$(status_field args)" "options kept across rollbacks"

start_daemon --no-default
check_rollback "schedkitd, verifier" test_rejected
assert_contains "$(status_field daemon.last_event)" "switch to test_rejected failed" "daemon's last event"
assert_contains "$(status_field daemon.health)" "the previous scheduler runs" "daemon's health"
stop_daemon
sk stop >/dev/null || fail "stop failed"
