#!/bin/bash
# schedkit top in a real terminal (tmux), against a fake stats server and a
# fake sched_ext sysfs directory: the screen shows the scheduler's stats
# laid out from its metadata, counters become rates, it survives a resize,
# a server that turns to garbage and one whose stats have every type wrong,
# follows a switch to another scheduler (even while the old server still
# answers on the old connection) and a stop, says what a non-root user
# cannot see, and q quits. Skipped (77) without tmux or python3.
set -u
top_bin=${1:?usage: test_top_tmux.sh SCHEDKIT-TOP}
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null && command -v python3 >/dev/null || exit 77

tmp=$(mktemp -d /tmp/sk-top-test.XXXXXX)
chmod 0755 "$tmp"	# the non-root part reads the fake sysfs in it
sock=$tmp/stats
sess=sk-top-$$
srv="" old=""
# Our own schedkitd view (none) and sched_ext, whatever this machine runs.
export SCHEDKIT_RUNDIR=$tmp/run SCHEDKIT_SYSFS=$tmp/sys
cleanup() {
	tmux kill-session -t "$sess" 2>/dev/null
	tmux kill-session -t "$sess-nobody" 2>/dev/null
	[ -z "$srv" ] || kill "$srv" 2>/dev/null
	[ -z "$old" ] || kill "$old" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; echo "--- screen:" >&2; screen >&2; exit 1; }
screen() { tmux capture-pane -p -t "${1:-$sess}"; }
wait_screen() { # text seconds [session]
	local i
	for i in $(seq $(($2 * 10))); do
		screen "${3:-$sess}" | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	[ -z "${3:-}" ] || { echo "--- screen of $3:" >&2; screen "$3" >&2; }
	fail "screen did not show '$1' within $2 s"
}
# What the kernel would show for scheduler $1 enabled for the $2-th time.
sys_enable() { # ops enable_seq
	mkdir -p "$SCHEDKIT_SYSFS/root"
	echo "$1" >"$SCHEDKIT_SYSFS/root/ops"
	echo "$2" >"$SCHEDKIT_SYSFS/enable_seq"
	echo enabled >"$SCHEDKIT_SYSFS/state"
}
sys_disable() {
	echo disabled >"$SCHEDKIT_SYSFS/state"
	rm -rf "$SCHEDKIT_SYSFS/root"	# the kernel removes root/ on disable
}
start_server() { # args...
	local before
	before=$(stat -c %i "$sock" 2>/dev/null)
	python3 "$here/fake_stats_server.py" "$sock" "$@" &
	srv=$!
	for i in $(seq 50); do
		[ -S "$sock" ] && [ "$(stat -c %i "$sock")" != "$before" ] && return
		sleep 0.1
	done
	fail "the fake stats server did not start"
}

mkdir -p "$SCHEDKIT_SYSFS"
echo 0 >"$SCHEDKIT_SYSFS/nr_rejected"
echo 1 >"$SCHEDKIT_SYSFS/switch_all"
sys_enable fake 1
start_server

tmux -f /dev/null new-session -d -s "$sess" -x 120 -y 40 \
	"LANG=C.UTF-8 $top_bin --interval 0.3 --socket $sock; sleep 30"
wait_screen "FakeTop: fakesched: a made-up scheduler" 20
wait_screen "fake-mode-ok" 20
# Counters become rates once there are two samples; gauges keep units.
wait_screen "/s" 20
screen | grep -E "fake_slice +5\.0ms" >/dev/null || fail "gauge with unit us not shown as 5.0ms"
screen | grep -E "^cpu +dispatched +queued" >/dev/null || fail "per-CPU table header"
screen | grep -E "^1 +[0-9.]+/s +2$" >/dev/null || fail "per-CPU table row for cpu 1"
screen | grep -qE "^cpu0 +\[" || fail "CPU utilisation bars"
screen | grep -q "pressure (avg10)" || fail "pressure line"
screen | grep -q "scheduler: fake" || fail "header: scheduler"
# (A machine running a real scx_* loader would lend it to the fake.)
pgrep scx_ >/dev/null || screen | grep -qF "scheduler: fake  [loader not found]" ||
	fail "header: a scheduler without a loader"
screen | grep -q "state: enabled  enable_seq: 1" || fail "header: state"
screen | grep -q "schedkitd not running" || fail "header: no daemon in SCHEDKIT_RUNDIR"

tmux resize-window -t "$sess" -x 70 -y 20 2>/dev/null || tmux resize-pane -t "$sess" -x 70 -y 20
wait_screen "FakeTop" 20
sleep 0.5
# Long lines are cut at the edge, not wrapped over the next ones.
screen | sed -n 2p | grep -q "^state: enabled" || fail "line 1 wrapped at 70 columns"
screen | sed -n 4p | grep -q "^pressure (avg10)" || fail "header wrapped at 70 columns"
screen | sed -n 5p | grep -q "^ *$" || fail "pressure line wrapped at 70 columns"
tmux resize-window -t "$sess" -x 30 -y 6 2>/dev/null || tmux resize-pane -t "$sess" -x 30 -y 6
sleep 1
tmux resize-window -t "$sess" -x 130 -y 45 2>/dev/null || tmux resize-pane -t "$sess" -x 130 -y 45
wait_screen "fake-mode-ok" 20

tmux send-keys -t "$sess" h
wait_screen "schedkit top: keys" 20
tmux send-keys -t "$sess" Escape
sleep 0.5
tmux send-keys -t "$sess" p
wait_screen "[PAUSED]" 20
tmux send-keys -t "$sess" p
tmux send-keys -t "$sess" s
wait_screen "sorted by column 1" 20

kill -USR1 "$srv"	# the server starts answering garbage
wait_screen "stats_meta failed" 20
kill -USR1 "$srv"	# and recovers
wait_screen "fake-mode-ok" 20

kill -USR2 "$srv"	# valid metadata, stats of every wrong type
wait_screen "12345678901234567" 20
sleep 1			# both shapes of hostile answer, a few times each
screen | grep -q "schedkit top  scheduler: fake" || fail "top did not survive hostile stats"
kill -USR2 "$srv"
wait_screen "fake-mode-ok" 20

# Samples that take longer than the interval (a slow server, a loaded
# machine) must not leave the screen waiting for a key.
kill -HUP "$srv"
sleep 1.5
sys_enable fake 5
wait_screen "enable_seq: 5" 10
kill -HUP "$srv"
wait_screen "fake-mode-ok" 20

# A non-root user: no permission on the socket, no loader to be found.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0700 "$sock"
	tmux -f /dev/null new-session -d -s "$sess-nobody" -x 120 -y 30 \
		"LANG=C.UTF-8 setpriv --reuid=65534 --regid=65534 --clear-groups \
		 $top_bin --interval 0.3 --socket $sock; sleep 30"
	wait_screen "not allowed to connect" 20 "$sess-nobody"
	wait_screen "[loader not found: finding it needs root" 20 "$sess-nobody"
	wait_screen "pressure (avg10)" 5 "$sess-nobody"
	tmux send-keys -t "$sess-nobody" q
	chmod 0755 "$sock"
fi

# A switch, in the order a real one may go: the kernel names the new
# scheduler while the old server still answers at the path (top reconnects
# to it), then the new one's server takes the path over. Top must follow.
old=$srv
sys_enable other 2
wait_screen "scheduler: other" 20
sleep 1
start_server --name other
wait_screen "OtherTop: othersched: a made-up scheduler" 20
wait_screen "other-mode-ok" 20
screen | grep -q "FakeTop" && fail "old scheduler's stats after the switch"
kill "$old"
old=""

# A stop: sched_ext disabled, the loader gone, its socket file left behind.
sys_disable
kill "$srv"
wait "$srv" 2>/dev/null
srv=""
wait_screen "no sched_ext scheduler is running" 20
wait_screen "scheduler: none (kernel default)" 5
screen | grep -q "OtherTop" && fail "stopped scheduler's stats still shown"
tmux send-keys -t "$sess" q
for i in $(seq 100); do screen | grep -q "schedkit top" || break; sleep 0.1; done
screen | grep -q "schedkit top" && fail "q did not quit"
echo "ok: schedkit top showed, rated, resized, paused, sorted, survived garbage and hostile stats, followed a switch and a stop, explained what nobody cannot see, and quit"
