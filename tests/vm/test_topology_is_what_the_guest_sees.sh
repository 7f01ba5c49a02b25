# The topology options reach the guest: 2 sockets x 2 cores x 2 threads on 2
# NUMA nodes shows up as 8 CPUs, SMT pairs, one L3 per socket and two nodes.
. "$(dirname "$0")/../lib.sh"

out=$("$SCHEDKIT_BIN" vm --sockets 2 --cores 2 --threads 2 --numa 2 --mem 2G -- sh -c '
	echo "online $(cat /sys/devices/system/cpu/online)"
	echo "nodes $(cat /sys/devices/system/node/online)"
	echo "node1 $(cat /sys/devices/system/node/node1/cpulist)"
	echo "smt0 $(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list)"
	echo "l3_0 $(cat /sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list)"
	echo "l3_7 $(cat /sys/devices/system/cpu/cpu7/cache/index3/shared_cpu_list)"
	echo "pkg7 $(cat /sys/devices/system/cpu/cpu7/topology/physical_package_id)"
') || fail "guest command failed ($?)"
echo "$out"
assert_contains "$out" "online 0-7" "online CPUs"
assert_contains "$out" "nodes 0-1" "NUMA nodes"
assert_contains "$out" "node1 4-7" "CPUs of node 1"
assert_contains "$out" "smt0 0-1" "SMT siblings of CPU 0"
assert_contains "$out" "l3_0 0-3" "L3 of socket 0"
assert_contains "$out" "l3_7 4-7" "L3 of socket 1"
assert_contains "$out" "pkg7 1" "package of CPU 7"
