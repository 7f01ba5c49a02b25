# scx_latency and scx_topo share a CPU by weight: a nice -5 loop gets about
# three times the CPU time of a nice 0 one on the CPU they are both pinned
# to (weights 3121 and 1024), as under EEVDF, which is measured first for
# the record. In scx_topo a task whose slice ends is in no queue while the
# CPU picks its next one; taking the domain queue's head regardless had
# the two take turns slice for slice (x1.03 in one run), so a slice is now
# renewed when nothing queued is earlier, and the renewals are counted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

cpu=$(($(nproc) - 1))
echo "eevdf: x$(nice_split "$cpu")/100"
for s in latency topo; do
	start_sched "scx_$s"
	assert_eq "$s" "$(sk_ops)" "root/ops after loading scx_$s"
	[ "$s" != topo ] || renewed0=$(topo_stat renewed) || fail "no stats from scx_topo"
	ratio=$(nice_split "$cpu")
	echo "$s: x$ratio/100"
	[ "$ratio" -ge 240 ] && [ "$ratio" -le 380 ] ||
		fail "under scx_$s nice -5 got x$ratio/100 the CPU time of nice 0 on one CPU, not about 3"
	if [ "$s" = topo ]; then
		renewed=$(($(topo_stat renewed) - renewed0))
		echo "topo: $renewed slices renewed"
		[ "$renewed" -gt 0 ] || fail "scx_topo renewed no slice"
	fi
	assert_eq enabled "$(sk_state)" "state after the split under scx_$s"
	assert_eq "$s" "$(sk_ops)" "root/ops after the split under scx_$s"
	unload_sched
done
