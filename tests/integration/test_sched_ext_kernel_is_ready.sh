# The kernel we run on has sched_ext, idle: no scheduler loaded before any
# test, and the sysfs interface the library and tools read is all there.
. "$(dirname "$0")/../lib.sh"

[ -d /sys/kernel/sched_ext ] || fail "/sys/kernel/sched_ext missing: kernel without CONFIG_SCHED_CLASS_EXT"
assert_eq disabled "$(cat /sys/kernel/sched_ext/state)" "sched_ext state before any scheduler"
[ -r /sys/kernel/sched_ext/enable_seq ] || fail "enable_seq missing"
[ -r /sys/kernel/sched_ext/switch_all ] || fail "switch_all missing"
[ -r /sys/kernel/btf/vmlinux ] || fail "kernel BTF missing (CONFIG_DEBUG_INFO_BTF)"
