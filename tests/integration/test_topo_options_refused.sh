# scx_topo refuses out-of-range and inconsistent options before touching
# the kernel: status 2, exactly one line naming the problem, nothing loaded.
# Option errors come before any sched_ext check, so this also runs on a
# host without sched_ext (meson test topo_options).
. "$(dirname "$0")/../lib.sh"

bin=$(command -v scx_topo || echo "$SK_BUILD/scheds/topo/scx_topo")
[ -x "$bin" ] || fail "scx_topo not found (build it first)"

refused() { sched_refuses "$bin" "$@"; }

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
