# Helpers for the test_topo_*.sh tests (sourced after ../lib.sh).

# The system interpreter when there is one: a version manager's shim first
# in PATH (pyenv's is a shell script) costs about 10 s per call in a
# 16-vCPU TCG guest, where /usr/bin/python3 starts in about 1 s. The
# checks need only the standard library.
TOPO_PY=python3
[ -x /usr/bin/python3 ] && TOPO_PY=/usr/bin/python3
python3() { "$TOPO_PY" "$@"; }

topo_check() { python3 "$SK_TESTS/integration/topo_check.py" "$@"; }

TOPO_SOCK=/var/run/scx/root/stats

# topo_check_stats llc|node: the stats against sysfs and themselves
topo_check_stats() {
	topo_check stats "$1" "$TOPO_SOCK" || fail "--domain $1: the stats do not match sysfs or do not add up"
}

# A new bash can take seconds to start in a busy guest: wait for the
# progress task's first count before timing it.
progress_wait_first() { # file
	for _ in $(seq 600); do
		[ "$(progress_read "$1")" -gt 0 ] && return 0
		sleep 0.1
	done
	fail "the progress task did not start within 60 s"
}

topo_tracefs() {
	local tr=/sys/kernel/tracing
	[ -d "$tr/events" ] || mount -t tracefs nodev "$tr" 2>/dev/null ||
		fail "cannot mount tracefs on $tr"
}

cpu_online() { # cpu 0|1
	echo "$2" >"/sys/devices/system/cpu/cpu$1/online" ||
		fail "cannot set cpu$1 online=$2"
}

enable_seq() { cat /sys/kernel/sched_ext/enable_seq; }

# topo_wait_restart SEQ: scx_topo was ejected by a hotplug and is back:
# enable_seq moved past SEQ (a loader that merely survived would not move
# it), sched_ext is enabled with topo, and the new run serves stats.
topo_wait_restart() { # enable_seq before the hotplug
	local start=$SECONDS
	while [ $((SECONDS - start)) -lt 120 ]; do
		if [ "$(enable_seq)" -gt "$1" ] && [ "$(sk_state)" = enabled ] &&
			[ "$(sk_ops)" = topo ] &&
			python3 "$SK_TESTS/scx_stats_query.py" "$TOPO_SOCK" stats >/dev/null 2>&1; then
			echo "restarted: enable_seq $1 -> $(enable_seq) after $((SECONDS - start)) s"
			return 0
		fi
		kill -0 "$SCHED_PID" 2>/dev/null || { cat "$SCHED_LOG"; fail "scx_topo exited after a hotplug"; }
		sleep 0.2
	done
	cat "$SCHED_LOG"
	fail "scx_topo did not come back after a hotplug within 120 s (state $(sk_state), enable_seq $(enable_seq))"
}
