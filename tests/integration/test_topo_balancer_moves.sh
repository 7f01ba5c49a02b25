# vm: --sockets 2 --cores 3
# timeout: 150
# scx_topo's periodic balancer moves queued tasks out of an overloaded LLC
# when no idle CPU is there to steal them. On 1 node x 2 LLCs x 3 CPUs,
# three hogs are pinned to the second LLC (so its CPUs never go idle and
# never steal), and nine more start pinned to the first and are then
# allowed everywhere. They stay queued where they were (the first LLC's
# queue: 3 running and 6 waiting, against 3 running on the other side)
# until the balancer moves some: its `moved` counter must grow, the
# domains must count them out of the first LLC and into the second, and
# the kernel must show some of the nine running on the second LLC's CPUs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
assert_eq "llc 0-2 0 llc 3-5 0 node 0-5 0" "$(paste -sd' ' "$SK_TMP/layout")" \
	"the guest's LLCs and nodes (2 LLCs of 3 CPUs, one node)"

start_sched scx_topo --balance-ms 20
for _ in 1 2 3; do topo_hog 3-5; done
moved0=$(topo_stat moved) || fail "cannot read the balancer's counter"
first=()
for _ in $(seq 9); do
	topo_hog 0-2
	first+=("${BG_PIDS[-1]}")
done
sleep 1
topo_widen 0-5 "${first[@]}"
echo "9 hogs in LLC 0-2 may now run anywhere, 3 hogs stay in 3-5"
sleep 3

moved1=$(topo_stat moved) || fail "cannot read the balancer's counter"
on_second=0
for p in "${first[@]}"; do
	cpu=$(awk '{ print $39 }' "/proc/$p/stat") || fail "hog $p is gone"
	[ "$cpu" -ge 3 ] && on_second=$((on_second + 1))
done
echo "balancer moves: $((moved1 - moved0)); widened hogs now on CPUs 3-5: $on_second of 9"
topo_check_stats llc
python3 "$SK_TESTS/scx_stats_query.py" "$TOPO_SOCK" stats | python3 -c '
import json, sys
doms = {d["cpus"]: d for d in json.load(sys.stdin)["doms"].values()}
a, b = doms["0-2"], doms["3-5"]
print("0-2: moved_out %d moved_in %d; 3-5: moved_out %d moved_in %d" %
      (a["moved_out"], a["moved_in"], b["moved_out"], b["moved_in"]))
sys.exit(0 if a["moved_out"] > 0 and b["moved_in"] > 0 else 1)' ||
	fail "the domains do not show tasks moved from 0-2 to 3-5"
[ "$moved1" -gt "$moved0" ] || fail "the balancer moved nothing in 3 s of a 9:3 imbalance"
[ "$on_second" -gt 0 ] || fail "the kernel shows none of the nine hogs on CPUs 3-5"
assert_eq enabled "$(sk_state)" "state after balancing"
stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10
