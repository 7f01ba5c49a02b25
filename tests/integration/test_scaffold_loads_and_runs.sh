# A scheduler made by `schedkit new` (the templates, made into scx_proto at
# every build by tests/scaffold) loads and stays the active scheduler
# through hackbench beside more CPU hogs than CPUs; its counters grow on
# the scx_stats socket; it shares a CPU by weight, as its policy comment
# says: a nice -5 loop gets about three times the CPU time of a nice 0 one
# on the CPU they are both pinned to (weights 3121 and 1024); and SIGINT
# unloads it with the kernel's exit reason.
. "$(dirname "$0")/../lib.sh"

bin=$SK_BUILD/tests/scaffold/scx_proto
[ -x "$bin" ] || fail "$bin was not built"
sock=/var/run/scx/root/stats
start_sched "$bin"
assert_eq enabled "$(sk_state)" "state after load"
assert_eq proto "$(sk_ops)" "root/ops names the new scheduler"

first=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "stats request failed"
bg stress-ng --cpu $(($(nproc) * 2)) --timeout 60s --quiet
hogs=${BG_PIDS[-1]}
hackbench -g 4 -l 200 >/dev/null || fail "hackbench failed under scx_proto"
assert_eq enabled "$(sk_state)" "state under load"
assert_eq proto "$(sk_ops)" "root/ops under load"
second=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "second stats request failed"
python3 - "$first" "$second" <<'PY' || fail "a counter did not grow under load"
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
grown = {f: b[f] - a[f] for f in ("direct_dispatches", "queued", "consumed", "busy_ns")}
print("counters grew by", grown)
assert all(v > 0 for v in grown.values())
PY
kill "$hogs"
wait "$hogs" 2>/dev/null

cpu=$(($(nproc) - 1))
taskset -c "$cpu" nice -n 0 bash -c 'while :; do :; done' &
light=$!
BG_PIDS+=("$light")
taskset -c "$cpu" nice -n -5 bash -c 'while :; do :; done' &
heavy=$!
BG_PIDS+=("$heavy")
sleep 1
l0=$(runtime_of "$light") h0=$(runtime_of "$heavy")
sleep 4
l1=$(runtime_of "$light") h1=$(runtime_of "$heavy")
ratio=$((100 * (h1 - h0) / (l1 - l0 + 1)))
echo "on cpu$cpu over 4 s: nice -5 ran $(((h1 - h0) / 1000000)) ms, nice 0 $(((l1 - l0) / 1000000)) ms (x$ratio/100)"
# 3.05 by weight; one 20 ms slice more or less for either moves it by ~0.2
[ "$ratio" -ge 240 ] && [ "$ratio" -le 380 ] ||
	fail "nice -5 got x$ratio/100 the CPU time of nice 0 on one CPU, not about 3"
assert_eq enabled "$(sk_state)" "state after the weight check"
kill "$light" "$heavy"
unload_sched
