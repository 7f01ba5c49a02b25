# vm: --sockets 4 --cores 2 --threads 2 --numa 2
# timeout: 200
# With fewer tasks than CPUs in an LLC, scx_topo keeps them in it: two
# pipe ping-pong pairs run for a few seconds on an otherwise idle machine
# and the kernel's sched:sched_migrate_task tracepoint must show none of
# their migrations crossing an LLC. Measured from the kernel, not from
# our counters; EEVDF's count on the same workload is printed beside it.
. "$(dirname "$0")/../lib.sh"

tr=/sys/kernel/tracing
[ -d "$tr/events" ] || mount -t tracefs nodev "$tr" 2>/dev/null ||
	fail "cannot mount tracefs on $tr"
[ -d "$tr/events/sched/sched_migrate_task" ] ||
	fail "the kernel has no sched:sched_migrate_task tracepoint"

# CPU -> L3 (its lowest CPU names it), for classifying migrations
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	echo "${c##*cpu} $(cut -d, -f1 <"$c/cache/index3/shared_cpu_list" | cut -d- -f1)"
done >"$SK_TMP/llc_of"

# run_pairs LABEL: 2 ping-pong pairs, 1 s warm-up, then 4 s traced.
# Prints "LABEL cross=N same=N" for the pairs' migrations.
run_pairs() {
	local pids
	python3 - "$SK_TMP/pids" <<'PY' &
import os, sys, time
pids = []
for _ in range(2):
    a_r, b_w = os.pipe()
    b_r, a_w = os.pipe()
    fds = (a_r, b_w, b_r, a_w)
    for (r, w, first) in ((a_r, a_w, True), (b_r, b_w, False)):
        pid = os.fork()
        if pid == 0:
            for fd in fds:
                if fd not in (r, w):
                    os.close(fd)
            end = time.time() + 6
            try:
                if first:
                    os.write(w, b"x")
                # the peer's exit closes the pipe: read() then sees EOF
                while time.time() < end and os.read(r, 1):
                    os.write(w, b"x")
            except BrokenPipeError:
                pass
            os._exit(0)
        pids.append(pid)
    for fd in fds:
        os.close(fd)
open(sys.argv[1], "w").write(" ".join(map(str, pids)))
for p in pids:
    os.waitpid(p, 0)
PY
	local py=$!
	sleep 1
	echo 0 >"$tr/tracing_on"
	echo >"$tr/trace"
	echo 1 >"$tr/events/sched/sched_migrate_task/enable"
	echo 1 >"$tr/tracing_on"
	sleep 4
	echo 0 >"$tr/tracing_on"
	echo 0 >"$tr/events/sched/sched_migrate_task/enable"
	wait "$py"
	pids=$(cat "$SK_TMP/pids")
	python3 - "$1" "$tr/trace" "$SK_TMP/llc_of" $pids <<'PY'
import re, sys
label, trace, llc_file, pids = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
llc = dict(l.split() for l in open(llc_file))
cross = same = 0
for line in open(trace):
    m = re.search(r"sched_migrate_task: .*pid=(\d+) .*orig_cpu=(\d+) dest_cpu=(\d+)", line)
    if not m or m.group(1) not in pids:
        continue
    if llc[m.group(2)] != llc[m.group(3)]:
        cross += 1
    else:
        same += 1
print(f"{label} cross={cross} same={same}")
PY
}

eevdf=$(run_pairs eevdf) || fail "measuring under EEVDF failed"
echo "$eevdf"

start_sched scx_topo
topo=$(run_pairs topo) || fail "measuring under scx_topo failed"
echo "$topo"
assert_eq enabled "$(sk_state)" "state after the pairs"
case "$topo" in
*" cross=0 "*) ;;
*) fail "ping-pong pairs crossed LLCs under scx_topo: $topo" ;;
esac
case "$topo" in
*" same=0") echo "(no migrations at all)" ;;
esac

stop_sched INT || fail "scx_topo exited non-zero: $(cat "$SCHED_LOG")"
wait_state disabled 10
