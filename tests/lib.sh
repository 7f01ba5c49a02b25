# Assertions shared by the shell tests (tests/vm, tests/integration).
# Sourced. Each failure prints what was expected and what was seen.

SK_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SK_SRC=$(cd "$SK_TESTS/.." && pwd)
SK_BUILD=${SCHEDKIT_BUILD_ROOT:-$SK_SRC/build}
SCHEDKIT_BIN=${SCHEDKIT_BIN:-$SK_BUILD/tools/schedkit}

fail() {
	echo "FAILED: $*" >&2
	exit 1
}

assert_eq() { # expected actual what
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() { # haystack needle what
	case "$1" in
	*"$2"*) ;;
	*) fail "$3: expected to contain '$2', got: $(printf '%s' "$1" | head -c 600)" ;;
	esac
}

assert_lines() { # text n what
	local n
	n=$(printf '%s\n' "$1" | grep -c .)
	[ "$n" = "$2" ] || fail "$3: expected $2 line(s), got $n: $(printf '%s' "$1" | head -c 600)"
}
