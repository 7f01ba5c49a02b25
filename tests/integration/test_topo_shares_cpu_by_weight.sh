# scx_topo shares a CPU by weight: a nice -5 loop gets about three times the
# CPU time of a nice 0 one on the CPU they are both pinned to (weights 3121
# and 1024), as under EEVDF. A task whose slice ends is in no queue while
# the CPU picks its next one; taking the domain queue's head regardless had
# the two take turns slice for slice (x1.03 in one run), so a slice is
# renewed when nothing queued is earlier, and the renewals are counted.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats
start_sched scx_topo
assert_eq topo "$(sk_ops)" "root/ops after load"
before=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "stats request failed"
ratio=$(nice_split $(($(nproc) - 1)))
after=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "second stats request failed"
renewed=$(python3 -c 'import json, sys; print(json.loads(sys.argv[2])["renewed"] - json.loads(sys.argv[1])["renewed"])' \
	"$before" "$after")
echo "x$ratio/100, $renewed slices renewed"
[ "$ratio" -ge 240 ] && [ "$ratio" -le 380 ] ||
	fail "nice -5 got x$ratio/100 the CPU time of nice 0 on one CPU, not about 3"
[ "$renewed" -gt 0 ] || fail "no slice was renewed"
assert_eq enabled "$(sk_state)" "state after the weight check"
assert_eq topo "$(sk_ops)" "root/ops after the weight check"
unload_sched
