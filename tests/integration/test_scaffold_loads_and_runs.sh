# A scheduler made by `schedkit new` (the templates, made into scx_proto at
# every build by tests/scaffold) passes the test made with it: it loads and
# stays the active scheduler through hackbench beside more CPU hogs than
# CPUs, its counters grow on the scx_stats socket, and SIGINT unloads it
# with the kernel's exit reason. And it shares a CPU by weight, as its policy
# comment says: a nice -5 loop gets about three times the CPU time of a
# nice 0 one on the CPU they are both pinned to (weights 3121 and 1024).
. "$(dirname "$0")/../lib.sh"

dir=$SK_BUILD/tests/scaffold
[ -x "$dir/scx_proto" ] || fail "$dir/scx_proto was not built"
SCHEDKIT_TEST_LIB=$SK_TESTS/lib.sh SCX_PROTO=$dir/scx_proto \
	bash "$dir/test_proto_runs_under_load.sh" || fail "the test schedkit new made failed"
# its hogs' workers outlive the stress-ng it killed, and would share the CPU below
pkill -KILL -f stress-ng

start_sched "$dir/scx_proto"
ratio=$(nice_split $(($(nproc) - 1)))
# 305 by weight; a 20 ms slice more or less for either moves it by ~20
[ "$ratio" -ge 240 ] && [ "$ratio" -le 380 ] ||
	fail "nice -5 got x$ratio/100 the CPU time of nice 0 on one CPU, not about 3"
assert_eq enabled "$(sk_state)" "state after the weight check"
assert_eq proto "$(sk_ops)" "root/ops after the weight check"
unload_sched
