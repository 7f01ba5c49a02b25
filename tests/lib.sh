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

# Python checks read from stdin, run against the JSON document FILE: they
# see it as `doc` and call need(cond, what) for each check; the test fails
# with the list of every check that did not hold, not only the first.
check_json() { # file
	python3 -c "import json, sys
doc = json.load(open(sys.argv[1]))
errors = []
def need(cond, what):
    if not cond:
        errors.append(what)
$(cat)
if errors:
    print('\n'.join(errors), file=sys.stderr)
    sys.exit(1)" "$1" || fail "JSON check of $1 failed"
}

assert_lines() { # text n what
	local n
	n=$(printf '%s\n' "$1" | grep -c .)
	[ "$n" = "$2" ] || fail "$3: expected $2 line(s), got $n: $(printf '%s' "$1" | head -c 600)"
}

# --- sched_ext helpers (integration tests) ---------------------------------

SK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sk-test.XXXXXX")
trap 'sk_teardown' EXIT
SCHED_PID=""
SCHED_LOG=$SK_TMP/sched.log
BG_PIDS=()

sk_teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	[ -z "$SCHED_PID" ] || kill -INT "$SCHED_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$SK_TMP"
}

sk_state() { cat /sys/kernel/sched_ext/state; }
sk_ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }

wait_state() { # state seconds
	local i
	for i in $(seq $(($2 * 10))); do
		[ "$(sk_state)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "sched_ext state stayed '$(sk_state)', expected '$1' within $2 s"
}

# Starts a scheduler binary in the background and waits until the kernel
# says it is enabled; its output goes to $SCHED_LOG.
start_sched() { # binary args...
	"$@" >"$SCHED_LOG" 2>&1 &
	SCHED_PID=$!
	local i
	for i in $(seq 300); do
		[ "$(sk_state)" = enabled ] && return 0
		if ! kill -0 "$SCHED_PID" 2>/dev/null; then
			cat "$SCHED_LOG" >&2
			SCHED_PID=""
			fail "$1 exited before sched_ext was enabled"
		fi
		sleep 0.1
	done
	cat "$SCHED_LOG" >&2
	fail "$1 did not enable sched_ext within 30 s (state: $(sk_state))"
}

# Sends a signal to the running scheduler and returns its exit status.
stop_sched() { # signal
	local rc
	kill -"$1" "$SCHED_PID"
	wait "$SCHED_PID"
	rc=$?
	SCHED_PID=""
	return $rc
}

# Unloads the scheduler as a user's Ctrl-C would: it must exit 0, leave
# sched_ext disabled, and have printed the kernel's reason for the exit.
unload_sched() {
	local rc
	stop_sched INT
	rc=$?
	cat "$SCHED_LOG"
	assert_eq 0 "$rc" "exit status after SIGINT"
	wait_state disabled 10
	grep -q "unregistered from user space" "$SCHED_LOG" || fail "no exit reason printed"
}

# sched_refuses BINARY WANT ARGS...: the scheduler refuses ARGS before it
# touches the kernel: status 2, one line "NAME: ..." that names WANT, and
# sched_ext, where the kernel has it, still disabled
sched_refuses() {
	local bin=$1 want=$2 name err rc
	shift 2
	name=$(basename "$bin")
	err=$("$bin" "$@" 2>&1 >/dev/null)
	rc=$?
	echo "$name $*: rc $rc: $err"
	assert_eq 2 "$rc" "exit status of $name $*"
	assert_lines "$err" 1 "error of $name $*"
	assert_contains "$err" "$name: " "error of $name $*"
	assert_contains "$err" "$want" "error of $name $*"
	if [ -d /sys/kernel/sched_ext ]; then
		assert_eq disabled "$(sk_state)" "sched_ext state after $name $*"
	fi
}

# A task that counts its own progress into a file, to prove no task is lost
# or starved across scheduler changes.
progress_start() { # file
	bash -c 'exec -a sk-progress bash -c "i=0; while :; do i=\$((i+1)); [ \$((i % 1000)) = 0 ] && echo \$i > $0.tmp && mv $0.tmp $0; done"' "$1" &
	BG_PIDS+=($!)
	PROGRESS_PID=$!
}

# CPU time of task PID as the kernel counts it (/proc/PID/schedstat), in ns.
runtime_of() { # pid
	cut -d' ' -f1 "/proc/$1/schedstat"
}

# CPU time of the progress loop as the kernel counts it, in ns (0 if gone).
progress_cpu_ns() {
	runtime_of "$PROGRESS_PID" 2>/dev/null || echo 0
}

progress_read() { cat "$1" 2>/dev/null || echo 0; }

# Asserts the counter in file grows within the given seconds.
# A task is lost when the kernel gives it no CPU time; its counter file can
# also lag when each write (a fork and exec of mv) waits behind ~80 other
# runnable tasks, which is slow, not lost: say so and pass.
progress_grows() { # file seconds what
	local a b c0 c1
	a=$(progress_read "$1")
	c0=$(progress_cpu_ns)
	sleep "$2"
	b=$(progress_read "$1")
	c1=$(progress_cpu_ns)
	[ "$b" -gt "$a" ] && return 0
	[ "$c1" -gt "$c0" ] ||
		fail "$3: progress counter stuck at $a and its task got no CPU time in $2 s"
	echo "$3: progress counter stuck at $a for $2 s, but its task ran $(((c1 - c0) / 1000000)) ms"
}

# Pins a nice 0 and a nice -5 busy loop to CPU and prints 100x the ratio of
# the CPU time the second got to the first's over 4 s: about 305 where the
# scheduler shares a CPU by weight (weights 3121 and 1024), 100 where not.
# Both loops are gone when it returns.
nice_split() { # cpu
	local light heavy l0 h0 l1 h1
	taskset -c "$1" nice -n 0 bash -c 'while :; do :; done' &
	light=$!
	taskset -c "$1" nice -n -5 bash -c 'while :; do :; done' &
	heavy=$!
	BG_PIDS+=("$light" "$heavy")
	sleep 1
	l0=$(runtime_of "$light") h0=$(runtime_of "$heavy")
	sleep 4
	l1=$(runtime_of "$light") h1=$(runtime_of "$heavy")
	kill "$light" "$heavy"
	wait "$light" "$heavy" 2>/dev/null
	echo "on cpu$1 over 4 s: nice -5 ran $(((h1 - h0) / 1000000)) ms, nice 0 $(((l1 - l0) / 1000000)) ms" >&2
	echo $((100 * (h1 - h0) / (l1 - l0 + 1)))
}

bg() { # run a command in the background, killed at teardown
	"$@" &
	BG_PIDS+=($!)
}
