#!/bin/bash
# schedkit top in a real terminal (tmux), against a fake stats server: the
# screen shows the scheduler's stats laid out from its metadata, counters
# become rates, it survives a resize and a server that turns to garbage,
# and q quits. Skipped (77) without tmux or python3.
set -u
top_bin=${1:?usage: test_top_tmux.sh SCHEDKIT-TOP}
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null && command -v python3 >/dev/null || exit 77

tmp=$(mktemp -d /tmp/sk-top-test.XXXXXX)
sock=$tmp/stats
sess=sk-top-$$
srv=""
cleanup() {
	tmux kill-session -t "$sess" 2>/dev/null
	[ -z "$srv" ] || kill "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; echo "--- screen:" >&2; screen >&2; exit 1; }
screen() { tmux capture-pane -p -t "$sess"; }
wait_screen() { # text seconds
	local i
	for i in $(seq $(($2 * 10))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "screen did not show '$1' within $2 s"
}

python3 "$here/fake_stats_server.py" "$sock" &
srv=$!
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

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

tmux resize-window -t "$sess" -x 70 -y 20 2>/dev/null || tmux resize-pane -t "$sess" -x 70 -y 20
wait_screen "FakeTop" 20
tmux resize-window -t "$sess" -x 130 -y 45 2>/dev/null || true

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

kill "$srv"
wait "$srv" 2>/dev/null
srv=""
rm -f "$sock"
wait_screen "no sched_ext" 20
tmux send-keys -t "$sess" q
for i in $(seq 100); do screen | grep -q "schedkit top" || break; sleep 0.1; done
screen | grep -q "schedkit top" && fail "q did not quit"
echo "ok: schedkit top showed, rated, resized, paused, sorted, survived garbage and quit"
