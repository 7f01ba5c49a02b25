# Switching to and from a scheduler binary that knows nothing of schedkit:
# the kernel's own scx_simple (tools/sched_ext, built by tests/external from
# the linux-source-6.12 tree). Under CPU hogs and hackbench, directly:
# fifo -> simple -> latency -> stop; then through schedkitd, starting from
# an scx_simple started by hand (found by its name, as nothing recorded it):
# -> fifo -> simple -> stop. Each step lands (state, root/ops, enable_seq
# up by exactly one per enable), a switch to scx_simple is a plain one (it
# cannot do a prepared start), the old loader is gone, the kernel says the
# one that left was unregistered from user space, and a task counting its
# own progress keeps counting.
# timeout: 420
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

PATH=$SK_BUILD/tests/external:$PATH
if ! command -v scx_simple >/dev/null; then
	echo "SKIP: scx_simple was not built: no linux-source-6.12 tree in the schedkit cache" \
		"(run scripts/bootstrap, then meson setup --reconfigure)"
	exit 77
fi
for s in fifo latency; do
	command -v "scx_$s" >/dev/null || fail "scx_$s is not on PATH"
done
seq_now() { cat /sys/kernel/sched_ext/enable_seq; }
json_field() { # json field
	sed -n 's/^ *"'"$2"'": *"\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}$/\1/p' <<<"$1"
}
ms() { # json field
	local v
	v=$(json_field "$1" "$2")
	[ -n "$v" ] && printf '%.1f ms' "$v" || printf 'none'
}
klog_mark() { klog0=$(dmesg | wc -l); }
# The kernel's sched_ext lines since klog_mark.
klog_new() { dmesg | tail -n +$((klog0 + 1)) | grep 'sched_ext: BPF scheduler'; }

# Asserts where a switch (or stop) landed; $1 is what left ("" from
# disabled), $2 what should run ("stop" for none), $3 how it was asked.
check_step() { # from to how seq0
	local from=$1 to=$2 how=$3 seq0=$4 klog
	if [ "$to" = stop ]; then
		assert_eq disabled "$(sk_state)" "$how: state"
		assert_eq "$seq0" "$(seq_now)" "$how: enable_seq (nothing enabled)"
	else
		assert_eq enabled "$(sk_state)" "$how: state"
		assert_eq "$to" "$(sk_ops)" "$how: root/ops"
		assert_eq $((seq0 + 1)) "$(seq_now)" "$how: enable_seq (exactly one enable)"
		pgrep -x "scx_$to" >/dev/null || fail "$how: no scx_$to process"
	fi
	klog=$(klog_new)
	if [ -n "$from" ]; then
		! pgrep -x "scx_$from" >/dev/null ||
			fail "$how: the old loader scx_$from is still there: $(pgrep -ax "scx_$from")"
		assert_contains "$klog" "BPF scheduler \"$from\" disabled (unregistered from user space)" \
			"$how: the kernel's word on $from leaving"
	fi
	[ "$to" = stop ] ||
		assert_contains "$klog" "BPF scheduler \"$to\" enabled" "$how: the kernel's word on $to"
	bad=$(grep 'disabled (' <<<"$klog" | grep -v 'disabled (unregistered from user space)')
	[ -z "$bad" ] || fail "$how: a scheduler left other than on request: $bad"
	progress_grows "$SK_TMP/progress" 2 "$how: progress"
	kill -0 "$hb" 2>/dev/null || fail "$how: hackbench failed"
}

progress_start "$SK_TMP/progress"
bg stress-ng --cpu $(($(nproc) * 2)) --timeout 900s --quiet
bg bash -c 'while :; do hackbench -g 2 -l 100 >/dev/null 2>&1 || exit 1; done'
hb=${BG_PIDS[-1]}

# Directly: fifo -> simple -> latency -> stop.
from=""
for t in fifo simple latency stop; do
	how="direct ${from:-disabled} -> $t"
	seq0=$(seq_now)
	klog_mark
	if [ "$t" = stop ]; then
		out=$(sk stop --direct 2>&1) || fail "$how: $out"
	else
		out=$(sk switch --direct --json --settle-ms 1000 "$t" 2>&1) || fail "$how: $out"
		# Only our loaders speak the prepared start; what ran before
		# does not matter.
		want=true
		[ "$t" = simple ] && want=false
		assert_eq "$want" "$(json_field "$out" prepared)" "$how: \"prepared\" in $out"
		echo "$how: gap $(ms "$out" gap_ms), stop $(ms "$out" stop_ms), start $(ms "$out" start_ms)"
	fi
	check_step "$from" "$t" "$how" "$seq0"
	from=$t
	[ "$from" = stop ] && from=""
done

# An scx_simple nobody recorded, then schedkitd. setsid -f: not our child,
# so it does not linger as a zombie the switcher would wait on.
seq0=$(seq_now)
klog_mark
setsid -f scx_simple >"$SK_TMP/simple.log" 2>&1 </dev/null
wait_state enabled 30
check_step "" simple "by hand -> simple" "$seq0"
start_daemon --no-default
from=simple
for t in fifo simple stop; do
	how="schedkitd $from -> $t"
	seq0=$(seq_now)
	klog_mark
	if [ "$t" = stop ]; then
		out=$(sk stop 2>&1) || fail "$how: $out"
	else
		out=$(sk switch --settle-ms 1000 "$t" 2>&1) || fail "$how: $out"
		assert_eq "$t" "$(status_field scheduler)" "$how: schedkit status"
	fi
	echo "$how: $out"
	check_step "$from" "$t" "$how" "$seq0"
	from=$t
done
stop_daemon
assert_eq disabled "$(sk_state)" "state at the end"
