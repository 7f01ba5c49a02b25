# A command that never ends is cut by --timeout with a clear message and the
# timeout status, well within the limit plus boot time, and the guest's
# stacks at that moment are in its kernel log (an NMI panics it).
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
mark=sk-timeout-test-$$-$RANDOM
err=$("$SCHEDKIT_BIN" vm --cpus 1 --timeout 20 --append "$mark" -- sleep 100000 2>&1 >/dev/null)
rc=$?
took=$(($(date +%s) - start))
assert_eq 124 "$rc" "exit status on timeout"
assert_contains "$err" "did not finish within 20s" "timeout message"
assert_lines "$err" 1 "the timeout is reported on one line"
assert_contains "$err" "with its CPUs' stacks at the timeout" "stacks announced"
log=$(sed -n "s/.*stacks at the timeout: \(.*\))\$/\1/p" <<<"$err")
[ -f "$log" ] || fail "no kernel log named in: $err"
grep -q 'Kernel panic - not syncing: NMI' "$log" || fail "the NMI did not panic the guest: $log"
grep -q 'Call Trace' "$log" || fail "no stack in the kernel log: $log"
[ "$took" -lt 40 ] || fail "a 20 s timeout took ${took}s to stop the guest"
pgrep -f "qemu-system-x86_64.*$mark" >/dev/null && fail "QEMU still running after the timeout"
exit 0
