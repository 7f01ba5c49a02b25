# The guest's command status is the host command's status, and stdout and
# stderr come back separately.
. "$(dirname "$0")/../lib.sh"

tmp=$SK_TMP/err
out=$("$SCHEDKIT_BIN" vm --cpus 2 -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 7' 2>"$tmp")
rc=$?
err=$(cat "$tmp")
assert_eq 7 "$rc" "exit status"
assert_eq to-stdout "$out" "stdout"
assert_eq to-stderr "$err" "stderr (kernel messages must not be mixed in)"

"$SCHEDKIT_BIN" vm --cpus 2 -- true || fail "true in the guest exited $?"
