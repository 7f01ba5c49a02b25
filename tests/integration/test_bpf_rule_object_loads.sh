# An object built by the BPF rule (tests/bpf/sample.bpf.c) loads and
# attaches with plain libbpf: the kernel switches to it, names it, and goes
# back to the default scheduler when it is detached.
. "$(dirname "$0")/../lib.sh"

loader=$SK_BUILD/tests/bpf/sk-load-sample
[ -x "$loader" ] || fail "$loader not built"
seq_before=$(cat /sys/kernel/sched_ext/enable_seq)
start_sched "$loader"
assert_eq sample "$(sk_ops)" "root/ops"
assert_eq $((seq_before + 1)) "$(cat /sys/kernel/sched_ext/enable_seq)" "enable_seq counts the load"
stop_sched INT || fail "loader exited $?"
assert_contains "$(cat "$SCHED_LOG")" detached "loader output"
wait_state disabled 10
