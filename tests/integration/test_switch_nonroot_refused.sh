# Changing the scheduler needs root: through schedkitd a non-root client
# gets a clear EPERM answer (status still works), and without a daemon
# the command refuses before touching anything.
# timeout: 600
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

nobody() { SCHEDKIT_LIBEXECDIR="$bin" timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# The checkout may sit in a private directory (CI clones into mktemp -d), where
# nobody cannot reach build/tools at all; run a world-readable copy of the
# client, laid out as a relocated install.
bin="$SK_TMP/bin"
mkdir -p "$bin"
cp "$SK_BUILD"/tools/schedkit "$SK_BUILD"/tools/schedkit-switch \
	"$SK_BUILD"/tools/schedkit-stop "$SK_BUILD"/tools/schedkit-status "$bin/"
chmod 0755 "$SK_TMP" "$bin"

SCHEDKIT_BIN_NOBODY="$bin/schedkit"

start_daemon --no-default
for cmd in "switch fifo" stop; do
	# shellcheck disable=SC2086
	out=$(nobody "$SCHEDKIT_BIN_NOBODY" $cmd 2>&1)
	rc=$?
	echo "nobody: schedkit $cmd: $out"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "schedkit $cmd as nobody: status $rc"
	assert_contains "$out" "needs root" "refusal of $cmd"
	assert_lines "$out" 1 "refusal of $cmd"
done
assert_eq disabled "$(sk_state)" "nothing was started"
grep -q "refused switch from uid 65534" "$SKD_LOG" || fail "daemon did not log the refusal"
out=$(nobody "$SCHEDKIT_BIN_NOBODY" status 2>&1) || fail "status as nobody failed: $out"
assert_contains "$out" "schedkitd:  running" "status as nobody"

# A request line that never ends is cut off, and the daemon still answers.
python3 - "$SK_RUNDIR/control" <<'PY' || fail "oversized request was not cut off"
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
try:
    s.sendall(b"x" * 100000)
except OSError:
    pass
s.settimeout(5)
try:
    data = s.recv(4096)
except ConnectionResetError:
    data = b""
assert b'"ok":false' in data or data == b"", data
PY
sk status >/dev/null || fail "daemon stopped answering"
stop_daemon

out=$(nobody "$SCHEDKIT_BIN_NOBODY" switch fifo 2>&1)
[ $? != 0 ] || fail "direct switch as nobody succeeded"
assert_contains "$out" "needs root" "direct refusal"
assert_eq disabled "$(sk_state)" "nothing was started directly"
