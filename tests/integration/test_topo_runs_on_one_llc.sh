# vm: --cpus 4
# timeout: 300
# scx_topo on the simplest machine, 1 node x 1 LLC x 4 CPUs: one domain
# covering every CPU. It loads, stays enabled under hackbench plus twice as
# many CPU hogs as CPUs, keeps a progress task moving, serves stats whose
# one domain holds exactly the totals (and nothing crosses an LLC or a
# node), comes back with a 3-CPU domain when CPU 3 goes offline under that
# load and with 4 CPUs when it returns, loses no hog, and unloads with
# status 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

trap 'echo 1 >/sys/devices/system/cpu/cpu3/online 2>/dev/null; sk_teardown' EXIT
n=$(nproc)
[ "$n" = 4 ] || fail "this test wants 4 CPUs, the guest has $n"

start_sched scx_topo
seq=$(enable_seq)
assert_eq topo "$(sk_ops)" "root/ops names our scheduler"
progress_start "$SK_TMP/progress"
progress_wait_first "$SK_TMP/progress"
bg stress-ng --cpu $((n * 2)) --timeout 200s --quiet
echo "loaded; hackbench beside $((n * 2)) hogs"
hackbench -g 2 -l 100 >/dev/null || fail "hackbench failed under scx_topo"
progress_grows "$SK_TMP/progress" 2 "progress task beside the hogs"
assert_eq enabled "$(sk_state)" "state under load"
assert_eq topo "$(sk_ops)" "ops under load"
topo_check_stats llc
hogs=$(pgrep -c -f stress-ng)

echo "cpu3 -> offline"
cpu_online 3 0
topo_wait_restart "$seq"
seq=$(enable_seq)
progress_grows "$SK_TMP/progress" 2 "progress with cpu3 offline"
echo "cpu3 -> online"
cpu_online 3 1
topo_wait_restart "$seq"
progress_grows "$SK_TMP/progress" 2 "progress with cpu3 back"
assert_eq "$hogs" "$(pgrep -c -f stress-ng)" "stress-ng processes alive"

echo "stats checked; unloading"
unload_sched
grep -q "$n CPUs online, 1 domains (one per LLC), 1 LLCs, 1 nodes" "$SCHED_LOG" || fail "start-up line does not show one LLC domain"
grep -q "$((n - 1)) CPUs online, 1 domains (one per LLC)" "$SCHED_LOG" || fail "no start-up line with cpu3 offline"
