# schedkit top in tmux on a real scheduler: the screen names it and shows
# its stats from the scx_stats socket; a switch under it shows the next
# scheduler's stats, a stop says so, and a resize does not kill it.
# timeout: 300
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

command -v tmux >/dev/null || fail "tmux is not installed"
[ -x "$SK_BUILD/tools/schedkit-top" ] || fail "schedkit-top was not built (ncursesw missing?)"
export TMUX_TMPDIR=$SK_TMP
sess=sktop
# switch_teardown reads the test's status from $?: hand it on.
trap 'rc=$?; tmux kill-session -t "$sess" 2>/dev/null; (exit $rc); switch_teardown' EXIT
screen() { tmux capture-pane -p -t "$sess"; }
wait_screen() { # text seconds
	local i
	for i in $(seq $(($2 * 5))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.2
	done
	screen >&2
	fail "screen did not show '$1' within $2 s"
}

sk switch --settle-ms 200 fifo >/dev/null || fail "switch to fifo failed"
tmux -f /dev/null new-session -d -s "$sess" -x 120 -y 45 \
	"LANG=C.UTF-8 $SK_BUILD/tools/schedkit-top --interval 0.5; sleep 60"
wait_screen "scheduler: fifo" 20
wait_screen "Fifo: scx_fifo" 20
wait_screen "local_dispatches" 5
wait_screen "/s" 10
screen | grep -qE "^cpu0 +\[" || fail "no CPU bars"
screen

sk switch --settle-ms 200 latency >/dev/null || fail "switch to latency failed"
wait_screen "scheduler: latency" 20
wait_screen "Latency: scx_latency" 20
wait_screen "wakeups" 20
screen | grep -q "^Fifo:" && fail "scx_fifo's stats after the switch to scx_latency"
tmux resize-window -t "$sess" -x 60 -y 15 2>/dev/null || tmux resize-pane -t "$sess" -x 60 -y 15
sleep 1
wait_screen "scheduler: latency" 5
screen

sk stop >/dev/null || fail "stop failed"
wait_screen "no sched_ext scheduler is running" 20
wait_screen "scheduler: none (kernel default)" 5
screen | grep -q "^Latency:" && fail "scx_latency's stats after the stop"
screen
tmux send-keys -t "$sess" q
for i in $(seq 50); do screen | grep -q "schedkit top" || break; sleep 0.2; done
screen | grep -q "schedkit top" && fail "q did not quit"
tmux kill-session -t "$sess" 2>/dev/null
true
