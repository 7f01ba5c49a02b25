#!/bin/bash
# schedkit switch/stop/status and schedkitd on the host, against fake
# loaders (fake/fake-loader) that drive a fake sched_ext sysfs directory:
# switching, rollback after a failed load and after an early death,
# adoption, non-root refusal, restart with backoff and fallback, and a
# daemon that keeps answering after all of it. Needs root (the commands
# refuse to switch otherwise); skipped (77) without it. Everything it
# makes lives under its own temporary directory (SCHEDKIT_SYSFS,
# SCHEDKIT_RUNDIR), so two runs at once on one machine do not meet.
set -u
build=${1:?usage: test_switch_fake.sh BUILD_ROOT}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || exit 77
[ -d /sys/kernel/sched_ext ] && [ "${SK_FAKE_ON_SCHED_EXT:-}" != 1 ] && exit 77
had_run=$([ -e /run/schedkit ] && echo yes || echo no)

tmp=$(mktemp -d /tmp/sk-switch-test.XXXXXX)
# nobody must reach the control socket in it, as it reaches /run/schedkit.
chmod 0755 "$tmp"
export SCHEDKIT_SYSFS=$tmp/sys SCHEDKIT_CONFIG=$tmp/none.conf SCHEDKIT_RUNDIR=$tmp/run
export PATH=$here/fake:$PATH
mkdir -p "$SCHEDKIT_SYSFS/root"
echo disabled >"$SCHEDKIT_SYSFS/state"
echo 0 >"$SCHEDKIT_SYSFS/enable_seq"
echo 0 >"$SCHEDKIT_SYSFS/nr_rejected"
echo 1 >"$SCHEDKIT_SYSFS/switch_all"
: >"$SCHEDKIT_SYSFS/root/ops"
dpid=""
cleanup() {
	[ -z "$dpid" ] || kill -KILL "$dpid" 2>/dev/null
	# Only this run's loaders: the fake ones that see its fake sysfs.
	local d
	for d in /proc/[0-9]*; do
		grep -qF scx_fake_ "$d/cmdline" 2>/dev/null &&
			tr '\0' '\n' <"$d/environ" 2>/dev/null |
			grep -qxF "SCHEDKIT_SYSFS=$SCHEDKIT_SYSFS" &&
			kill -TERM "${d#/proc/}" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAILED: $*" >&2
	[ -f "$tmp/d.log" ] && sed 's/^/  daemon| /' "$tmp/d.log" >&2
	exit 1
}
sw() { "$build/tools/schedkit-switch" "$@"; }
st() { "$build/tools/schedkit-status" "$@"; }
field() { st --json | python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$1"; }
state() { cat "$SCHEDKIT_SYSFS/state"; }
ops() { cat "$SCHEDKIT_SYSFS/root/ops"; }
expect() { # expected actual what
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}
has() { # haystack needle what
	case "$1" in *"$2"*) ;; *) fail "$3: expected '$2' in: $1" ;; esac
}

# --- direct ---
out=$(sw --settle-ms 100 fake_good 2>&1) || fail "switch to fake_good: $out"
has "$out" "switched to fake_good" "direct switch"
expect enabled "$(state)" "state"
expect fake_good "$(ops)" "ops"
expect fake_good "$(field scheduler)" "status scheduler"
[ -s "$SCHEDKIT_RUNDIR/active.json" ] || fail "no state file in SCHEDKIT_RUNDIR"
grep -q "scx_fake_good: loading" "$SCHEDKIT_RUNDIR/scx_fake_good.log" ||
	fail "no loader log in SCHEDKIT_RUNDIR"
out=$(SCHEDKIT_RUNDIR=relative/dir st 2>&1) && fail "a relative SCHEDKIT_RUNDIR was accepted"
has "$out" "SCHEDKIT_RUNDIR must be an absolute path" "relative SCHEDKIT_RUNDIR"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "relative SCHEDKIT_RUNDIR: more than one line: $out"
out=$(sw --settle-ms 100 fake_other -- --some opt 2>&1) || fail "switch to fake_other: $out"
has "$out" "ms without a sched_ext scheduler" "gap reported"
expect fake_other "$(ops)" "ops after second switch"
out=$(sw --settle-ms 100 fake_bad 2>&1) && fail "switch to fake_bad succeeded"
has "$out" "failed to start (exit status 1): scx_fake_bad: loading / scx_fake_bad: the BPF verifier rejected the program; rolled back to scx_fake_other" "rollback message"
expect fake_other "$(ops)" "ops after rollback"
expect "['--some', 'opt']" "$(field args)" "options kept by the rollback"
out=$(sw --settle-ms 1500 fake_dies 2>&1) && fail "switch to fake_dies succeeded"
has "$out" "stopped right after it was enabled (exit status 1): scx_fake_dies: stopped: runtime error / scx_fake_dies:   message: fake deliberate error; rolled back to scx_fake_other" "early death"
expect enabled "$(state)" "state after early death"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$build/tools/schedkit-stop" 2>&1) &&
	fail "stop as nobody succeeded"
has "$out" "needs root" "direct refusal"

# --- schedkitd ---
cat >"$tmp/d.conf" <<CONF
mode.quick = fake_good
restart_max = 1
restart_backoff_ms = 100
settle_ms = 0
CONF
"$build/tools/schedkitd" --config "$tmp/d.conf" >"$tmp/d.log" 2>&1 &
dpid=$!
for i in $(seq 50); do [ "$(field daemon.pid)" = "$dpid" ] && break; sleep 0.1; done
expect "$dpid" "$(field daemon.pid)" "daemon answers"
expect fake_other "$(field scheduler)" "daemon adopted the running loader"
has "$(field daemon.last_event)" "adopted" "adoption reported"
[ -S "$SCHEDKIT_RUNDIR/control" ] || fail "no control socket in SCHEDKIT_RUNDIR"
# A second instance with a run directory of its own neither blocks on the
# first one's lock nor answers on its socket.
SCHEDKIT_RUNDIR=$tmp/run2 "$build/tools/schedkitd" --no-default --config "$tmp/d.conf" \
	>"$tmp/d2.log" 2>&1 &
d2=$!
for i in $(seq 50); do [ -S "$tmp/run2/control" ] && break; sleep 0.1; done
expect "$d2" "$(SCHEDKIT_RUNDIR=$tmp/run2 field daemon.pid)" "second instance on its own socket"
expect "$dpid" "$(field daemon.pid)" "first instance still on its socket"
kill -TERM "$d2"
wait "$d2" 2>/dev/null
out=$(sw quick 2>&1) || fail "switch to mode quick via daemon: $out"
has "$out" "[schedkitd]" "switch went through the daemon"
expect fake_good "$(ops)" "ops after daemon switch"
expect quick "$(field daemon.mode)" "mode reported"
out=$(sw fake_bad 2>&1) && fail "daemon switch to fake_bad succeeded"
has "$out" "rolled back to scx_fake_good" "daemon rollback"
expect fake_good "$(timeout 5 "$build/tools/schedkit-status" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ops"])')" \
	"daemon answers status right after a rollback"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$build/tools/schedkit-switch" fake_other 2>&1) &&
	fail "switch as nobody succeeded"
has "$out" "switch needs root" "daemon refusal"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$build/tools/schedkit-status" 2>&1) ||
	fail "status as nobody: $out"
has "$out" "schedkitd:  running" "status as nobody"
# Broken config: reload refused with the line number, old config kept.
printf 'mode.quick = fake_good\nbogus line\n' >"$tmp/d.conf"
kill -HUP "$dpid"
sleep 0.5
grep -q "d.conf:2: expected KEY = VALUE" "$tmp/d.log" || fail "reload error not logged with its line"
out=$(sw quick 2>&1) || fail "old config not kept: $out"
# Supervision: dies -> restart after backoff -> dies -> fallback.
out=$(sw fake_dies 2>&1) || fail "switch to fake_dies with settle 0: $out"
for i in $(seq 50); do
	case "$(field daemon.health)" in *"fell back"*) break ;; esac
	sleep 0.1
done
has "$(field daemon.health)" "fell back to the kernel's default scheduler: scx_fake_dies failed 2 time(s)" "fallback"
grep -q "restarting scx_fake_dies in 100 ms (attempt 1 of 1)" "$tmp/d.log" || fail "no restart logged"
expect disabled "$(state)" "state after fallback"
out=$(sw fake_good 2>&1) || fail "switch after fallback: $out"
out=$("$build/tools/schedkit-stop" 2>&1) || fail "stop via daemon: $out"
expect disabled "$(state)" "state after stop"
expect "" "$(field scheduler)" "no scheduler after stop"
kill -TERM "$dpid"
for i in $(seq 50); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$dpid" 2>/dev/null && fail "daemon did not exit on SIGTERM"
dpid=""
[ "$had_run" = yes ] || [ ! -e /run/schedkit ] || fail "the test wrote to /run/schedkit"
echo "ok"
