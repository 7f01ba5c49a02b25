# kill -9 of schedkitd leaves its scheduler running; a new schedkitd adopts
# it and can switch away from it; a loader that dies is restarted with
# backoff, and one that keeps dying ends in a fallback to the default that
# status reports.
# timeout: 400
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

PATH=$SK_BUILD/tests/bpf:$PATH
cat >"$SK_TMP/schedkit.conf" <<CONF
default = server
mode.server = fifo --slice-us 3000
mode.broken = test_failing --fail-after 200
restart_max = 2
restart_backoff_ms = 200
settle_ms = 0
CONF
progress_start "$SK_TMP/progress"
bg stress-ng --cpu "$(nproc)" --timeout 400s --quiet

start_daemon --config "$SK_TMP/schedkit.conf"
wait_status scheduler fifo 60
assert_eq server "$(status_field daemon.mode)" "default mode started"
loader=$(status_field pid)

kill -KILL "$SKD_PID"
wait "$SKD_PID" 2>/dev/null
SKD_PID=""
sleep 1
assert_eq enabled "$(sk_state)" "state after kill -9 of schedkitd"
assert_eq fifo "$(sk_ops)" "scheduler after kill -9 of schedkitd"
kill -0 "$loader" || fail "the loader died with the daemon"
progress_grows "$SK_TMP/progress" 3 "after kill -9 of schedkitd"

start_daemon --config "$SK_TMP/schedkit.conf"
assert_eq "$loader" "$(status_field pid)" "the new daemon adopted the loader"
assert_contains "$(status_field daemon.last_event)" "adopted" "adoption reported"
out=$(sk switch latency 2>&1) || fail "switch from the adopted loader failed: $out"
assert_contains "$out" "[schedkitd]" "switch went through the daemon"
assert_eq latency "$(sk_ops)" "after switch from the adopted loader"

# A crash of the loader: restarted with backoff.
loader=$(status_field pid)
kill -KILL "$loader"
for i in $(seq 150); do
	p=$(status_field pid)
	[ -n "$p" ] && [ "$p" != "$loader" ] && [ "$(sk_state)" = enabled ] && break
	sleep 0.2
done
[ -n "$p" ] && [ "$p" != "$loader" ] || fail "loader was not restarted: $(sk status)"
assert_eq latency "$(sk_ops)" "restarted scheduler"
assert_contains "$(status_field daemon.health)" "restarted" "health after restart"

# A scheduler that keeps failing: restarts, then the kernel's default.
# test_failing fails in ops.dispatch, which a CPU only calls once the
# global queue is empty: the hogs keep it alive through the switch, then
# pause so that it and its restarts fail within moments, not minutes.
out=$(sk switch broken 2>&1)
echo "switch to broken: $out"
assert_contains "$out" "switched to test_failing" "switch to the broken mode"
pkill -STOP -x stress-ng-cpu
for i in $(seq 120); do
	case "$(status_field daemon.health)" in *"fell back"*) break ;; esac
	sleep 0.5
done
pkill -CONT -x stress-ng-cpu
sk status
health=$(status_field daemon.health)
assert_contains "$health" "fell back to the kernel's default" "fallback"
# The reason is the loader's exit report, not the debug dump printed after it.
assert_contains "$health" "scx_test_failing: stopped: " "fallback reason"
assert_eq disabled "$(sk_state)" "state after fallback"
progress_grows "$SK_TMP/progress" 3 "after fallback"
grep -q "restarting scx_test_failing" "$SKD_LOG" || fail "no restart before the fallback"
stop_daemon
