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
cache=$SK_TMP/cache
mkdir "$cache"
SCHEDKIT_CACHE=$cache check "schedkit kernel build" -- true
