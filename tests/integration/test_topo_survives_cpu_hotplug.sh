# vm: --sockets 2 --cores 3
# timeout: 240
# scx_topo with offline CPUs and non-contiguous ids, and CPUs going offline
# and online under load, on 1 node x 2 LLCs x 3 CPUs (the machine of
# test_topo_keeps_pairs_in_llc, so both share one boot). CPUs 1 and 4 are
# taken offline first, one in each LLC, so the online ids are 0,2-3,5:
# the domains must say so and match sysfs. Then, with hackbench, hogs and
# a progress task running, CPU 5 goes offline (its LLC keeps one CPU) and
# comes back, then 1 and 4 come back: each change makes the kernel eject
# the scheduler with a restart request, the library restarts it with
# rebuilt domains (enable_seq counts each new attach, state and root/ops
# say topo, the domains match sysfs again and the counters add up), and no
# task is lost or stops.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/topo_lib.sh"

trap 'for c in 1 4 5; do echo 1 >/sys/devices/system/cpu/cpu$c/online; done 2>/dev/null; sk_teardown' EXIT

[ -f /sys/devices/system/cpu/cpu5/online ] || fail "the guest has no hotpluggable cpu5"
all=$(nproc)
cpu_online 1 0
cpu_online 4 0
n=$(nproc)
assert_eq $((all - 2)) "$n" "online CPUs after taking 1 and 4 offline"
assert_eq 0,2-3,5 "$(cat /sys/devices/system/cpu/online)" "online CPU ids"

start_sched scx_topo
seq=$(enable_seq)
assert_eq topo "$(sk_ops)" "root/ops after load"
grep -q "$n CPUs online, 2 domains (one per LLC)" "$SCHED_LOG" || fail "start-up line: $(head -n 1 "$SCHED_LOG")"

progress_start "$SK_TMP/progress"
progress_wait_first "$SK_TMP/progress"
bg stress-ng --cpu "$n" --timeout 200s --quiet
hackbench -g 1 -l 20 >/dev/null || fail "hackbench failed under scx_topo"
progress_grows "$SK_TMP/progress" 2 "progress before hotplug"
topo_check_stats llc
assert_eq "0,2:2 3,5:2" "$(topo_doms)" "domains with cpus 1 and 4 offline"
hogs=$(pgrep -c -f stress-ng)

echo "cpu5 -> offline"
cpu_online 5 0
topo_wait_restart "$seq"
seq=$(enable_seq)
assert_eq "0,2:2 3:1" "$(topo_doms)" "domains after cpu5 went offline"
progress_grows "$SK_TMP/progress" 2 "progress after cpu5 went offline"

echo "cpu5 -> online"
cpu_online 5 1
topo_wait_restart "$seq"
seq=$(enable_seq)
assert_eq "0,2:2 3,5:2" "$(topo_doms)" "domains after cpu5 came back"
progress_grows "$SK_TMP/progress" 2 "progress after cpu5 came back"

echo "cpu1 -> online"
cpu_online 1 1
topo_wait_restart "$seq"
seq=$(enable_seq)
echo "cpu4 -> online"
cpu_online 4 1
topo_wait_restart "$seq"
assert_eq "0-2:3 3-5:3" "$(topo_doms)" "domains with every CPU back"
hackbench -g 1 -l 20 >/dev/null || fail "hackbench failed after the hotplugs"
progress_grows "$SK_TMP/progress" 2 "progress with every CPU back"
assert_eq enabled "$(sk_state)" "state after the hotplugs"
# the hogs are still all there: nothing was lost across the restarts
assert_eq "$hogs" "$(pgrep -c -f stress-ng)" "stress-ng processes alive"
[ "$(grep -c "restarting as the kernel asked" "$SCHED_LOG")" -ge 4 ] ||
	fail "the log shows fewer than 4 restarts: $(cat "$SCHED_LOG")"

unload_sched
