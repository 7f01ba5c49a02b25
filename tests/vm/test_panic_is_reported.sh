# A guest kernel that panics ends the run with an error naming the panic,
# instead of hanging until the timeout.
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
err=$("$SCHEDKIT_BIN" vm --cpus 1 --timeout 120 -- sh -c 'echo c > /proc/sysrq-trigger; sleep 100' 2>&1 >/dev/null)
rc=$?
assert_eq 125 "$rc" "exit status when the guest dies"
assert_contains "$err" "panicked" "panic message"
[ $(($(date +%s) - start)) -lt 100 ] || fail "the panic was only noticed by the timeout"
exit 0
