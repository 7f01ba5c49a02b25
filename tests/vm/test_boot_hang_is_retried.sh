# A guest kernel that never starts schedkit's init (here its init is a
# plain sleep, as if the boot had hung) is stopped after the boot limit
# and booted once more; hanging again, the run ends with one line per boot
# and the guest-failure status, without waiting for --timeout, and no
# QEMU is left behind. The first boot's kernel log, with the guest's
# stacks at the limit, is kept beside the second's.
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
mark=sk-boothang-test-$$-$RANDOM
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"; sk_teardown' EXIT
err=$(SCHEDKIT_VM_BOOT_SECS=15 "$SCHEDKIT_BIN" vm --cpus 1 --timeout 300 \
	--log "$logdir/kernel.log" --append "$mark init=/bin/sleep -- 100000" \
	-- true 2>&1 >/dev/null)
rc=$?
took=$(($(date +%s) - start))
echo "$err"
assert_eq 125 "$rc" "exit status when the guest never starts its init"
assert_lines "$err" 2 "one line per boot"
assert_contains "$err" "did not start its init within 15s (kernel log: $logdir/kernel-hung.log); booting it again" "first boot"
assert_contains "$err" "did not start its init within 15s twice (kernel log: $logdir/kernel.log)" "second boot"
[ "$took" -lt 90 ] || fail "two 15 s boot limits took ${took}s"
[ -s "$logdir/kernel-hung.log" ] || fail "the hung boot's kernel log was not kept"
grep -q 'Call Trace' "$logdir/kernel-hung.log" || fail "no stacks in the hung boot's kernel log"
[ -s "$logdir/kernel.log" ] || fail "no kernel log for the second boot"
pgrep -f "qemu-system-x86_64.*$mark" >/dev/null && fail "QEMU still running after the second boot"
exit 0
