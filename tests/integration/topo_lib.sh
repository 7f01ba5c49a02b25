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

# topo_check_stats llc|node: the stats against sysfs and themselves; the
# output stays in $SK_TMP/stats for topo_doms
topo_check_stats() {
	topo_check stats "$1" "$TOPO_SOCK" >"$SK_TMP/stats" ||
		{ cat "$SK_TMP/stats"; fail "--domain $1: the stats do not match sysfs or do not add up"; }
	cat "$SK_TMP/stats"
}

# topo_stat NAME: one total from scx_topo's stats, now
topo_stat() {
	python3 "$SK_TESTS/scx_stats_query.py" "$TOPO_SOCK" stats |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# The domains of the last stats check: "cpus:nr_cpus" each, sorted.
topo_doms() { sed -n 's/^doms=//p' "$SK_TMP/stats"; }

# A new bash can take seconds to start in a busy guest: wait for the
# progress task's first count before timing it.
progress_wait_first() { # file
	for _ in $(seq 600); do
		[ "$(progress_read "$1")" -gt 0 ] && return 0
		sleep 0.1
	done
	fail "the progress task did not start within 60 s"
}

TOPO_TR=/sys/kernel/tracing
topo_tracefs() {
	[ -d "$TOPO_TR/events" ] || mount -t tracefs nodev "$TOPO_TR" 2>/dev/null ||
		fail "cannot mount tracefs on $TOPO_TR"
}

# For the fork tests, on 2 LLCs x 3 CPUs: checks the layout, then records
# sched:sched_wakeup_new while tracing_on is set (left off here), until
# teardown. Switched with nothing running (topo_check.py's trace_event()
# says why).
topo_trace_forks() {
	topo_check layout llc node >"$SK_TMP/layout" || fail "cannot read the LLCs and nodes from sysfs"
	assert_eq "llc 0-2 0 llc 3-5 0 node 0-5 0" "$(paste -sd' ' "$SK_TMP/layout")" \
		"the guest's LLCs and nodes (2 LLCs of 3 CPUs, one node)"
	topo_tracefs
	trap 'echo 0 >"$TOPO_TR/events/sched/sched_wakeup_new/enable" 2>/dev/null; sk_teardown' EXIT
	echo 0 >"$TOPO_TR/tracing_on"
	echo 1 >"$TOPO_TR/events/sched/sched_wakeup_new/enable" ||
		fail "cannot enable sched:sched_wakeup_new"
}

# topo_llc_started PID: the CPUs of the LLC its sched_wakeup_new put it in
topo_llc_started() {
	local cpu

	cpu=$(sed -n "s/.*sched_wakeup_new: .* pid=$1 .*target_cpu=\([0-9]*\).*/\1/p" "$TOPO_TR/trace")
	[ -n "$cpu" ] || fail "no sched_wakeup_new event for task $1"
	cat "/sys/devices/system/cpu/cpu$((10#$cpu))/cache/index3/shared_cpu_list"
}

# A CPU hog that is a fork of the test's shell and no more: one that execs
# a program blocks reading it from the guest's 9p root, and its LLC looks
# idle again when the next fork is placed.
topo_spin() { while :; do :; done; }

cpu_online() { # cpu 0|1
	echo "$2" >"/sys/devices/system/cpu/cpu$1/online" ||
		fail "cannot set cpu$1 online=$2"
}

# topo_hog CPUS: a CPU hog started on CPUS, its pid last in BG_PIDS
topo_hog() { bg taskset -c "$1" bash -c 'exec -a sk-hog bash -c "while :; do :; done"'; }

# topo_widen CPUS PID...: let tasks placed by their first affinity run on CPUS
topo_widen() {
	local cpus=$1 p
	shift
	for p in "$@"; do
		taskset -pc "$cpus" "$p" >/dev/null || fail "cannot widen the affinity of task $p"
	done
}

enable_seq() { cat /sys/kernel/sched_ext/enable_seq; }

# topo_wait_restart SEQ [llc|node]: scx_topo was ejected by a hotplug and
# is back: enable_seq moved past SEQ (a loader that merely survived would
# not move it), sched_ext is enabled with topo, and the new run serves
# stats that match sysfs and add up (topo_check_stats).
topo_wait_restart() { # enable_seq before the hotplug
	topo_check restarted "$1" "$SCHED_PID" "${2:-llc}" "$TOPO_SOCK" >"$SK_TMP/stats" ||
		{ cat "$SK_TMP/stats" "$SCHED_LOG"; fail "scx_topo did not come back right after a hotplug"; }
	cat "$SK_TMP/stats"
}
