# Prepared switches (the new loader loads and verifies before the old
# scheduler detaches) among our schedulers under CPU hogs and hackbench:
# fifo -> latency -> topo -> fifo. Each lands (state enabled, root/ops the
# new name, enable_seq up by exactly one) as a prepared switch, and its gap
# is printed, from sysfs and from the kernel's own log, but not asserted:
# timings belong to `schedkit bench switch`. A new loader the verifier
# rejects leaves the old scheduler enabled with the same enable_seq and the
# same loader: it never stopped. The loader's end of the protocol is also
# driven by hand: called off after "loaded" it exits 0 without attaching,
# and told to attach while another scheduler is enabled it answers with
# the kernel's reason and exits 1.
# timeout: 900
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/switch_lib.sh"

PATH=$SK_BUILD/tests/bpf:$PATH
for s in fifo latency topo test_rejected; do
	command -v "scx_$s" >/dev/null || fail "scx_$s is not on PATH"
done
seq_now() { cat /sys/kernel/sched_ext/enable_seq; }
# A field of `schedkit switch --json` (one per line). Not python: starting
# an interpreter takes many seconds in a loaded TCG guest.
json_field() { # json field
	sed -n 's/^ *"'"$2"'": *"\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}$/\1/p' <<<"$1"
}

progress_start "$SK_TMP/progress"
bg stress-ng --cpu $(($(nproc) * 2)) --timeout 900s --quiet
bg bash -c 'while :; do hackbench -g 2 -l 100 >/dev/null 2>&1 || exit 1; done'
hb=${BG_PIDS[-1]}

out=$(sk switch --direct --settle-ms 500 fifo 2>&1) || fail "first switch to fifo: $out"
assert_eq fifo "$(sk_ops)" "root/ops after the first switch"

gaps=()
for t in latency topo fifo; do
	from=$(sk_ops)
	seq0=$(seq_now)
	dmesg -C 2>/dev/null
	out=$(sk switch --direct --json --settle-ms 500 "$t" 2>&1) || fail "switch $from -> $t: $out"
	assert_eq enabled "$(sk_state)" "$from -> $t: state"
	assert_eq "$t" "$(sk_ops)" "$from -> $t: root/ops"
	assert_eq $((seq0 + 1)) "$(seq_now)" "$from -> $t: enable_seq (exactly one enable)"
	assert_eq true "$(json_field "$out" prepared)" "$from -> $t: a prepared switch"
	gap=$(json_field "$out" gap_ms)
	[ -n "$gap" ] || fail "$from -> $t: no gap_ms in $out"
	gaps+=("$gap")
	# The kernel's view: from its "disabled" line for the old scheduler to
	# its "enabled" line for the new one (printk time stamps).
	kgap=$(dmesg 2>/dev/null | tr -d '[]' | awk -v from="\"$from\"" -v to="\"$t\"" '
		$2 == "sched_ext:" && $5 == from && $6 == "disabled" { off = $1 }
		$2 == "sched_ext:" && $5 == to && $6 == "enabled" && off != "" { on = $1 }
		END { if (off != "" && on != "") printf "%.1f", (on - off) * 1000; else print "?" }')
	printf '%s -> %s: gap %.1f ms (kernel log: disabled -> enabled %s ms), loaded in %.0f ms beforehand, stop %.1f ms, attach %.1f ms\n' \
		"$from" "$t" "$gap" "$kgap" "$(json_field "$out" load_ms)" \
		"$(json_field "$out" stop_ms)" "$(json_field "$out" attach_ms)"
done
# The verifier rejects it while scx_fifo runs on: nothing was detached.
pid0=$(pgrep -x scx_fifo)
seq0=$(seq_now)
out=$(sk switch --direct --settle-ms 500 test_rejected 2>&1)
rc=$?
echo "rejected: $out"
[ "$rc" != 0 ] || fail "switch to test_rejected succeeded"
assert_lines "$out" 1 "the failure's message"
assert_contains "$out" "scx_test_rejected failed to load" "the failure's message"
assert_contains "$out" "the BPF verifier rejected program 'rejected_enqueue'" "the verifier's verdict"
assert_contains "$out" "scx_fifo kept running (it was never stopped)" "the failure's message"
assert_eq enabled "$(sk_state)" "state after the rejected load"
assert_eq fifo "$(sk_ops)" "root/ops after the rejected load"
assert_eq "$seq0" "$(seq_now)" "enable_seq after the rejected load (fifo never detached)"
assert_eq "$pid0" "$(pgrep -x scx_fifo)" "the same scx_fifo loader"
progress_grows "$SK_TMP/progress" 3 "after the switches"
kill -0 "$hb" 2>/dev/null || fail "hackbench failed during the switches"

# The loader's side by hand, beside the running scx_fifo, without the load
# (the progress counter stays): python takes long to start in a loaded
# TCG guest.
{
	kill -KILL "$hb"
	pkill -KILL -f 'stress-ng|hackbench'
	for p in "${BG_PIDS[@]:1}"; do wait "$p"; done
} 2>/dev/null
prepared() { # binary abort|attach
	python3 - "$@" <<'EOF'
import os, socket, subprocess, sys

def line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        c = s.recv(1)
        if not c:
            return "EOF"
        buf += c
    return buf.decode().strip()

a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1]], env=dict(os.environ, SCHEDKIT_READY_FD=str(b.fileno())),
                     pass_fds=[b.fileno()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
b.close()
print("first:", line(a))
if sys.argv[2] == "abort":
    a.close()
else:
    a.sendall(b"attach\n")
    print("reply:", line(a))
print("status:", p.wait(timeout=300))
EOF
}
seq0=$(seq_now)
out=$(prepared "$(command -v scx_latency)" abort)
echo "$out"
assert_contains "$out" "first: loaded schedkit-prepared-start/1" "a prepared scx_latency loads beside scx_fifo"
assert_contains "$out" "status: 0" "called off after loading: exit status"
assert_eq fifo "$(sk_ops)" "root/ops after the called-off start"
assert_eq "$seq0" "$(seq_now)" "enable_seq after the called-off start"

out=$(prepared "$(command -v scx_latency)" attach)
echo "$out"
assert_contains "$out" "first: loaded schedkit-prepared-start/1" "loaded"
assert_contains "$out" "reply: failed another sched_ext scheduler ('fifo') is enabled" "the kernel's refusal"
assert_contains "$out" "status: 1" "refused attach: exit status"
assert_eq fifo "$(sk_ops)" "root/ops after the refused attach"
assert_eq "$seq0" "$(seq_now)" "enable_seq after the refused attach"

progress_grows "$SK_TMP/progress" 3 "at the end"
printf '%s\n' "${gaps[@]}" | sort -n | awk '{a[NR]=$1} END {
	printf "prepared gaps over %d switches under load: min %.1f ms, median %.1f ms, max %.1f ms\n",
		NR, a[1], a[int((NR+1)/2)], a[NR] }'
sk stop --direct >/dev/null || fail "final stop failed"
assert_eq disabled "$(sk_state)" "state after stop"
