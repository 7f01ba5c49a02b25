# scx_fifo run by an unprivileged user stops before touching BPF with one
# line saying it needs root, status 1, and nothing loaded.
. "$(dirname "$0")/../lib.sh"

bin=$(command -v scx_fifo) || fail "scx_fifo not on PATH (run through schedkit test)"
seq0=$(cat /sys/kernel/sched_ext/enable_seq)
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" 2>&1)
rc=$?
echo "scx_fifo as uid 65534 (status $rc): $out"
assert_eq 1 "$rc" "exit status"
assert_lines "$out" 1 "output"
assert_contains "$out" "scx_fifo: " "output"
assert_contains "$out" "root" "output"
assert_eq disabled "$(sk_state)" "state"
assert_eq "$seq0" "$(cat /sys/kernel/sched_ext/enable_seq)" "enable_seq (nothing attached)"
