# Helpers for the test_switch_*.sh tests (sourced after ../lib.sh).

sk() { "$SCHEDKIT_BIN" "$@"; }

# schedkitd's and the switcher's files (SCHEDKIT_RUNDIR moves them all).
SK_RUNDIR=${SCHEDKIT_RUNDIR:-/run/schedkit}

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
		for f in "$SK_RUNDIR"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 5 "$f"; }; done
	fi
	[ -z "$SKD_PID" ] || kill -KILL "$SKD_PID" 2>/dev/null
	"$SCHEDKIT_BIN" stop --direct >/dev/null 2>&1
	rm -f "$SK_RUNDIR/active.json"
	sk_teardown
}
trap switch_teardown EXIT
# A test timeout sends SIGTERM: still tear down and show what was left.
trap 'exit 143' TERM

# A field of `schedkit status --json` (dotted path, e.g. daemon.health);
# null and absent give "", an array its elements joined by spaces. awk reads
# json-c's pretty layout (one member a line): a python3 start opens hundreds
# of files over the guest's 9p root and took 11 s a call under TCG.
status_field() { # field
	sk status --json | awk -v want="$1" '
	function unq(v) {
		sub(/,$/, "", v)
		if (v == "null")
			return ""
		if (v ~ /^".*"$/) {
			v = substr(v, 2, length(v) - 2)
			gsub(/\\"/, "\"", v)
		}
		return v
	}
	{ line = $0; sub(/^[ \t]+/, "", line) }
	inarr {
		if (line ~ /^\]/) { print arr; exit }
		arr = arr (arr == "" ? "" : " ") unq(line)
		next
	}
	line ~ /^}/ { if (depth) depth--; next }
	line ~ /^"[^"]*":/ {
		key = line; sub(/":.*/, "", key); key = substr(key, 2)
		val = line; sub(/^"[^"]*":/, "", val)
		path = key
		for (i = depth; i >= 1; i--)
			path = stack[i] "." path
		if (val == "{") { stack[++depth] = key; next }
		if (path != want)
			next
		if (val == "[") { inarr = 1; arr = ""; next }
		if (val ~ /^\[ *\],?$/) { print ""; exit }
		print unq(val)
		exit
	}'
}

start_daemon() { # args...
	"$SK_BUILD/tools/schedkitd" "$@" >>"$SKD_LOG" 2>&1 &
	SKD_PID=$!
	local i
	for i in $(seq 100); do
		[ -S "$SK_RUNDIR/control" ] && sk status >/dev/null 2>&1 &&
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
