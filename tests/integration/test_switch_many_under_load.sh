# wip: not yet seen passing to the end in the VM (issue 8)
# Many switches among our schedulers and the stop state while hackbench and
# CPU hogs run: each switch lands on the asked-for scheduler, and a task
# counting its own progress keeps counting throughout (no task lost).
# The issue asks for 100 switches; under TCG that takes far longer than a
# test may, so SK_SWITCHES (default 20) sets the count.
# timeout: 1200
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

n=${SK_SWITCHES:-20}
targets=()
for s in fifo latency topo; do
	command -v "scx_$s" >/dev/null && targets+=("$s")
done
[ ${#targets[@]} -ge 2 ] || fail "need at least two of scx_fifo, scx_latency, scx_topo on PATH"
targets+=(stop)

progress_start "$SK_TMP/progress"
bg stress-ng --cpu $(($(nproc) * 2)) --timeout 900s --quiet
bg bash -c 'while :; do hackbench -g 2 -l 100 >/dev/null 2>&1 || exit 1; done'
hb=${BG_PIDS[-1]}
gaps=()
prev=""
for i in $(seq "$n"); do
	t=${targets[$((i % ${#targets[@]}))]}
	[ "$t" = "$prev" ] && t=${targets[0]}
	prev=$t
	if [ "$t" = stop ]; then
		out=$(sk stop 2>&1) || fail "switch $i: schedkit stop failed: $out"
		assert_eq disabled "$(sk_state)" "switch $i: state after stop"
	else
		out=$(sk switch --settle-ms 300 "$t" 2>&1) || fail "switch $i to $t failed: $out"
		assert_eq enabled "$(sk_state)" "switch $i: state after switch to $t"
		assert_eq "$t" "$(sk_ops)" "switch $i: root/ops"
		g=$(sed -n 's/.*: \([0-9.]*\) ms without.*/\1/p' <<<"$out")
		[ -z "$g" ] || gaps+=("$g")
	fi
	echo "switch $i: $t: $out"
	if [ $((i % 5)) = 0 ]; then
		progress_grows "$SK_TMP/progress" 3 "after $i switches"
		kill -0 "$hb" 2>/dev/null || fail "hackbench failed after $i switches"
	fi
done
progress_grows "$SK_TMP/progress" 3 "after all $n switches"
kill -0 "$hb" 2>/dev/null || fail "hackbench failed"
printf '%s\n' "${gaps[@]}" | sort -n | awk '{a[NR]=$1} END {
	if (NR) printf "gap over %d switches: min %.1f ms, median %.1f ms, max %.1f ms\n",
		NR, a[1], a[int((NR+1)/2)], a[NR] }'
sk stop >/dev/null || fail "final stop failed"
