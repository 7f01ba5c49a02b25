# Bad options and a missing kernel are refused at once with one line that
# says what to do, a non-zero status and no guest started.
. "$(dirname "$0")/../lib.sh"

check() { # expected-substring args...
	local want=$1 err rc
	shift
	err=$("$SCHEDKIT_BIN" vm "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -ne 0 ] || fail "schedkit vm $* succeeded"
	assert_lines "$err" 1 "error for: $*"
	assert_contains "$err" "$want" "error for: $*"
}

check "unknown option '--frobnicate'" --frobnicate -- true
check "no command given" --cpus 2
check "needs a positive number" --cpus zero -- true
check "do not divide" --cpus 3 --threads 2 -- true
check "cannot be spread evenly" --sockets 3 --numa 2 -- true
check "--mem takes a size" --mem lots -- true
check "is not a directory" --share /nonexistent/dir -- true
check "takes a shift from 0 to 10" --icount 11 -- true
check "takes a shift from 0 to 10" --icount x -- true
check "needs TCG" --icount 3 --accel kvm -- true
check "drop --tcg-threads multi" --icount 3 --tcg-threads multi -- true
SCHEDKIT_VM_BOOT_SECS=soon check "SCHEDKIT_VM_BOOT_SECS needs a positive number" -- true
cache=$SK_TMP/cache
mkdir "$cache"
SCHEDKIT_CACHE=$cache check "schedkit kernel build" -- true

# Where real-time priority is not allowed (CAP_SYS_NICE taken away here, as
# for a user without RLIMIT_RTPRIO), --host-rt is refused before any boot,
# by schedkit vm and by a benchmark that asks for it.
norts() { setpriv --bounding-set -sys_nice "$@"; }
norts chrt -f 1 true 2>/dev/null && fail "chrt -f 1 still works without CAP_SYS_NICE"
err=$(norts "$SCHEDKIT_BIN" vm --host-rt -- true 2>&1 >/dev/null) && fail "schedkit vm --host-rt succeeded"
assert_lines "$err" 1 "error for: vm --host-rt"
assert_contains "$err" "does not allow real-time priority" "error for: vm --host-rt"
err=$(norts "$SCHEDKIT_BIN" bench --where vm --host-rt yes reqresp 2>&1 >/dev/null) &&
	fail "schedkit bench --host-rt yes succeeded"
assert_lines "$err" 1 "error for: bench --host-rt yes"
assert_contains "$err" "--host-rt yes" "error for: bench --host-rt yes"
err=$("$SCHEDKIT_BIN" bench --icount 11 hackbench 2>&1 >/dev/null) && fail "schedkit bench --icount 11 succeeded"
assert_lines "$err" 1 "error for: bench --icount 11"
assert_contains "$err" "takes a shift from 0 to 10" "error for: bench --icount 11"
