# A second scheduler while one is active fails at once with one line naming
# the active one, and leaves the first one running.
. "$(dirname "$0")/../lib.sh"

start_sched scx_fifo --quiet
err=$(scx_fifo --quiet 2>&1 >/dev/null)
rc=$?
[ "$rc" -ne 0 ] || fail "second scx_fifo exited 0"
echo "second loader said: $err"
assert_lines "$err" 1 "error of the second loader"
assert_contains "$err" "fifo" "the error names the active scheduler"
assert_eq enabled "$(sk_state)" "first scheduler still enabled"
kill -0 "$SCHED_PID" || fail "first loader died"
stop_sched INT || fail "first loader exited $? on SIGINT"
wait_state disabled 10
