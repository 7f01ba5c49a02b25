# scx_latency and scx_topo share a CPU by weight: a nice -5 loop gets about
# three times the CPU time of a nice 0 one on the CPU they are both pinned
# to (weights 3121 and 1024), as under EEVDF, which is measured first for
# the record. In scx_topo a task whose slice ends is in no queue while the
# CPU picks its next one; taking the domain queue's head regardless had
# the two take turns slice for slice (x1.03 in one run), so a slice is now
# renewed when nothing queued is earlier, and the renewals are counted.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats
cpu=$(($(nproc) - 1))
echo "eevdf: x$(nice_split "$cpu")/100"
for s in latency topo; do
	start_sched "scx_$s"
	assert_eq "$s" "$(sk_ops)" "root/ops after loading scx_$s"
	before=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "stats request failed"
	ratio=$(nice_split "$cpu")
	after=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "second stats request failed"
	echo "$s: x$ratio/100"
	[ "$ratio" -ge 240 ] && [ "$ratio" -le 380 ] ||
		fail "under scx_$s nice -5 got x$ratio/100 the CPU time of nice 0 on one CPU, not about 3"
	if [ "$s" = topo ]; then
		renewed=$(python3 -c 'import json, sys; print(json.loads(sys.argv[2])["renewed"] - json.loads(sys.argv[1])["renewed"])' \
			"$before" "$after")
		echo "topo: $renewed slices renewed"
		[ "$renewed" -gt 0 ] || fail "scx_topo renewed no slice"
	fi
	assert_eq enabled "$(sk_state)" "state after the split under scx_$s"
	assert_eq "$s" "$(sk_ops)" "root/ops after the split under scx_$s"
	unload_sched
done
