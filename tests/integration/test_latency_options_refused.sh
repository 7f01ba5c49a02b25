# scx_latency refuses out-of-range and inconsistent options before touching
# the kernel: status 2, exactly one line naming the problem, nothing loaded.
# Option errors come before any sched_ext check, so this also runs on a
# host without sched_ext (meson test latency_options).
. "$(dirname "$0")/../lib.sh"

bin=$(command -v scx_latency || echo "$SK_BUILD/scheds/latency/scx_latency")
[ -x "$bin" ] || fail "scx_latency not found (build it first)"

refused() { sched_refuses "$bin" "$@"; }

refused "--slice-min-us" --slice-min-us 5
refused "--slice-min-us" --slice-min-us 50001
refused "--slice-max-us" --slice-max-us 99
refused "--slice-max-us" --slice-max-us 99999999999999999999
refused "--slice-max-us" --slice-max-us 1ms
refused "--lat-weight" --lat-weight 401
refused "--lat-weight" --lat-weight -1
refused "--slice-max-us (1000)" --slice-min-us 2000 --slice-max-us 1000
# the cross-check also applies against the default of the other option
refused "--slice-max-us (5000)" --slice-min-us 6000
refused "no-preempt" --no-preempt=yes
refused "bogus" --bogus

# the boundaries themselves are accepted: --help after them exits 0
"$bin" --slice-min-us 10 --slice-max-us 50000 --lat-weight 0 --no-preempt --help >/dev/null ||
	fail "valid boundary values were refused"
"$bin" --slice-min-us 3000 --slice-max-us 3000 --help >/dev/null ||
	fail "equal slice-min and slice-max were refused"
