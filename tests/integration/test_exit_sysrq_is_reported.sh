# SysRq-S disables a running BPF scheduler. scx_fifo says so in plain words
# and, since an operator asked for the stop, exits 0 without restarting.
. "$(dirname "$0")/../lib.sh"

start_sched scx_fifo --quiet
assert_eq fifo "$(sk_ops)" "root/ops after load"
echo S >/proc/sysrq-trigger || fail "writing S to /proc/sysrq-trigger failed"

for _ in $(seq 300); do
	kill -0 "$SCHED_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SCHED_PID" 2>/dev/null && fail "scx_fifo still runs 30 s after SysRq-S (state $(sk_state))"
wait "$SCHED_PID"
rc=$?
SCHED_PID=""
cat "$SCHED_LOG"
assert_eq 0 "$rc" "exit status after SysRq-S"
assert_eq disabled "$(sk_state)" "state after SysRq-S"
assert_contains "$(cat "$SCHED_LOG")" "scx_fifo: stopped: disabled by sysrq-S" "the exit in plain words"
case "$(cat "$SCHED_LOG")" in *restarting*) fail "scx_fifo restarted after SysRq-S" ;; esac
