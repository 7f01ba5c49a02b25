#!/bin/bash
# schedkit bench's bookkeeping for --bpf-stats, on the host: a run's BPF
# figures go into its metrics, reqresp gets its BPF time per request, the
# table shows the BPF rows with '-' for eevdf (no BPF scheduler there) and
# says the statistics were on; schedkit-bench-bpfcost counts only programs
# seen in both snapshots and refuses a file that is not one.
# usage: test_bench_report.sh PATH_TO_REPORT PATH_TO_BPFCOST
set -u

report=$(realpath "${1:?usage: $0 REPORT BPFCOST}") || exit 1
bpfcost=$(realpath "${2:?usage: $0 REPORT BPFCOST}") || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

fail() {
	echo "FAIL: $*"
	exit 1
}

"$report" record meta.json kernel=test cpus:=2 runs:=1 seconds:=5 scheds=eevdf,fifo \
	workloads=reqresp about_reqresp=test bpf_stats:=1 || fail "record meta"
echo '{"rps": 1000, "requests": 4000, "req_p99_us": 500}' >out.json
echo '{"bpf_ms": 100, "bpf_calls": 9000, "bpf_dispatch_us": 8.5, "bpf_dispatch_calls": 6000}' >bpf.json
"$report" record eevdf.json workload=reqresp sched=eevdf run:=1 order:=1 status=ok \
	--metrics out.json || fail "record eevdf run"
"$report" record fifo.json workload=reqresp sched=fifo run:=1 order:=2 status=ok \
	--metrics out.json --metrics bpf.json || fail "record fifo run"

per=$(python3 -c 'import json; print(json.load(open("fifo.json"))["metrics"]["bpf_us_per_req"])')
[ "$per" = 25 ] || fail "bpf_us_per_req is $per, expected 100 ms / 4000 requests = 25 us"
python3 -c 'import json, sys; sys.exit("bpf_us_per_req" in json.load(open("eevdf.json"))["metrics"])' ||
	fail "a run without BPF figures got bpf_us_per_req"

table=$("$report" summary meta.json eevdf.json fifo.json) || fail "summary"
echo "$table"
grep -q "^BPF statistics on" <<<"$table" || fail "the header does not say the BPF statistics were on"
grep -Eq "BPF per request \(us\) +lower +- +25 \(25-25\)" <<<"$table" ||
	fail "no 'BPF per request' row with '-' for eevdf and 25 for fifo"
grep -Eq "BPF dispatch \(us/call\) +lower +- +8.50 " <<<"$table" || fail "no 'BPF dispatch' row"

# A program that is in the 'before' snapshot only (unloaded since) adds
# nothing; one can only be sure no real program has this id.
echo '{"4294967295": {"name": "gone_dispatch", "ns": 1, "calls": 1}}' >before.json
"$bpfcost" --before before.json >diff.json 2>err.txt
rc=$?
if grep -q "needs root" err.txt; then
	echo "not root: the BPF program list is not readable; skipping the helper's part"
	exit 0
fi
[ "$rc" = 0 ] || fail "bpfcost --before exited with $rc: $(cat err.txt)"
python3 - diff.json <<'PY' || fail "bpfcost counted a program that was not in both snapshots"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["bpf_calls"] == 0 and "bpf_dispatch_calls" not in d))
PY
echo '[1, 2]' >bad.json
err=$("$bpfcost" --before bad.json 2>&1 >/dev/null) && fail "bpfcost accepted a file that is no snapshot"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "bpfcost's error is not one line: $err"
exit 0
