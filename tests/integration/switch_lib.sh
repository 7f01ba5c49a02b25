# Helpers for the test_switch_*.sh tests (sourced after ../lib.sh).

sk() { "$SCHEDKIT_BIN" "$@"; }

SKD_PID=""
SKD_LOG=$SK_TMP/schedkitd.log

switch_teardown() {
	local rc=$?
	if [ "$rc" != 0 ] && [ -s "$SKD_LOG" ]; then
		echo "--- schedkitd log:"
		tail -n 30 "$SKD_LOG"
	fi
	if [ "$rc" != 0 ]; then
		echo "--- processes:"
		ps -eo pid,ppid,stat,etime,args | grep -E 'scx_|schedkit' | grep -v grep
		for f in /run/schedkit/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 5 "$f"; }; done
	fi
	[ -z "$SKD_PID" ] || kill -KILL "$SKD_PID" 2>/dev/null
	"$SCHEDKIT_BIN" stop --direct >/dev/null 2>&1
	rm -f /run/schedkit/active.json
	sk_teardown
}
trap switch_teardown EXIT
# A test timeout sends SIGTERM: still tear down and show what was left.
trap 'exit 143' TERM

# A field of `schedkit status --json` (dotted path, e.g. daemon.health).
status_field() { # field
	sk status --json | python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$1"
}

start_daemon() { # args...
	"$SK_BUILD/tools/schedkitd" "$@" >>"$SKD_LOG" 2>&1 &
	SKD_PID=$!
	local i
	for i in $(seq 100); do
		[ -S /run/schedkit/control ] && sk status >/dev/null 2>&1 &&
			status_field daemon.pid | grep -qx "$SKD_PID" && return 0
		kill -0 "$SKD_PID" 2>/dev/null || { cat "$SKD_LOG" >&2; fail "schedkitd exited"; }
		sleep 0.1
	done
	cat "$SKD_LOG" >&2
	fail "schedkitd did not answer within 10 s"
}

stop_daemon() {
	kill -TERM "$SKD_PID"
	wait "$SKD_PID" 2>/dev/null
	SKD_PID=""
}

# Waits until status field has the value.
wait_status() { # field value seconds
	local i
	for i in $(seq $(($3 * 5))); do
		[ "$(status_field "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	fail "status $1 stayed '$(status_field "$1")', expected '$2' within $3 s"
}
