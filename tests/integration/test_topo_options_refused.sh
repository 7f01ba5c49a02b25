# scx_topo refuses out-of-range and inconsistent options before touching
# the kernel: status 2, exactly one line naming the problem, nothing loaded.
# Option errors come before any sched_ext check, so this also runs on a
# host without sched_ext (meson test topo_options).
. "$(dirname "$0")/../lib.sh"

bin=$(command -v scx_topo || echo "$SK_BUILD/scheds/topo/scx_topo")
[ -x "$bin" ] || fail "scx_topo not found (build it first)"

refused() { # expected-substring args...
	local want=$1 err rc
	shift
	err=$("$bin" "$@" 2>&1 >/dev/null)
	rc=$?
	echo "scx_topo $*: rc $rc: $err"
	assert_eq 2 "$rc" "exit status of scx_topo $*"
	assert_lines "$err" 1 "error of scx_topo $*"
	assert_contains "$err" "scx_topo: " "error of scx_topo $*"
	assert_contains "$err" "$want" "error of scx_topo $*"
	if [ -d /sys/kernel/sched_ext ]; then
		assert_eq disabled "$(sk_state)" "sched_ext state after scx_topo $*"
	fi
}

refused "--steal-threshold" --steal-threshold 0
refused "--steal-threshold" --steal-threshold 1025
refused "--steal-threshold" --steal-threshold abc
refused "--numa-threshold" --numa-threshold -1
refused "--numa-threshold (2)" --steal-threshold 3 --numa-threshold 2
refused "--balance-ms" --balance-ms 0
refused "--balance-ms" --balance-ms 10001
refused "--cache-hot-us" --cache-hot-us 100001
refused "--slice-us" --slice-us 99
refused "--domain" --domain cache
refused "--domain" --domain ''
refused "bogus" --bogus

# the boundaries themselves are accepted: --help after them exits 0
"$bin" --steal-threshold 1 --numa-threshold 1024 --balance-ms 10000 \
	--cache-hot-us 0 --slice-us 100 --domain node --help >/dev/null ||
	fail "valid boundary values were refused"
