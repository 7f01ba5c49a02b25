# A scheduler whose BPF program the verifier refuses
# (tests/bpf/rejected.bpf.c) fails with one line naming the program, the end
# of the verifier log and a hint to use --verbose, which shows the whole log.
# Status 1 both times, and nothing gets attached.
. "$(dirname "$0")/../lib.sh"

loader=$SK_BUILD/tests/bpf/scx_test_rejected
[ -x "$loader" ] || fail "$loader not built"
seq0=$(cat /sys/kernel/sched_ext/enable_seq)

out=$(timeout 90 "$loader" 2>&1)
rc=$?
echo "--- scx_test_rejected (status $rc):"
echo "$out"
assert_eq 1 "$rc" "exit status"
assert_contains "$(head -n 1 <<<"$out")" \
	"scx_test_rejected: the BPF verifier rejected program 'rejected_enqueue'" "the first line"
assert_contains "$out" "unbounded memory access" "the verifier's reason, at the end of its log"
assert_contains "$(tail -n 1 <<<"$out")" "--verbose" "the last line's hint"
# The log starts at instruction 0, which is far from the end.
grep -qE '^0: \(' <<<"$out" && fail "without --verbose the whole verifier log was printed"
n=$(grep -c . <<<"$out")
[ "$n" -le 30 ] || fail "without --verbose expected at most 30 lines, got $n"

out=$(timeout 90 "$loader" --verbose 2>&1)
rc=$?
assert_eq 1 "$rc" "exit status with --verbose"
grep -qE '^0: \(' <<<"$out" || fail "with --verbose the verifier log lacks its first instruction"
assert_contains "$out" "unbounded memory access" "the verifier's reason with --verbose"
assert_contains "$(tail -n 1 <<<"$out")" \
	"scx_test_rejected: the BPF verifier rejected program 'rejected_enqueue'" "the last line with --verbose"

assert_eq disabled "$(sk_state)" "state"
assert_eq "$seq0" "$(cat /sys/kernel/sched_ext/enable_seq)" "enable_seq (nothing attached)"
