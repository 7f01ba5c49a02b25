# scx_fifo loads, stays the active scheduler through hackbench plus more CPU
# hogs than CPUs, serves growing counters on the scx_stats socket, and on
# SIGINT unloads with status 0 and the kernel's exit reason printed.
. "$(dirname "$0")/../lib.sh"

sock=/var/run/scx/root/stats
start_sched scx_fifo --slice-us 5000
assert_eq enabled "$(sk_state)" "state after load"
assert_eq fifo "$(sk_ops)" "root/ops names our scheduler"

bg stress-ng --cpu $(($(nproc) * 2)) --timeout 30s --quiet
first=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "stats request failed"
hackbench -g 4 -l 500 >/dev/null || fail "hackbench failed under scx_fifo"
sleep 2
assert_eq enabled "$(sk_state)" "state under load"
assert_eq fifo "$(sk_ops)" "ops under load"
second=$(python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats) || fail "second stats request failed"
python3 "$SK_TESTS/scx_stats_query.py" "$sock" stats_meta >"$SK_TMP/meta" || fail "stats_meta failed"

# Dispatch counters must move: compare every top-level counter and require
# the total to grow.
python3 - "$first" "$second" "$SK_TMP/meta" <<'PY' || fail "dispatch counters did not grow"
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
meta = json.load(open(sys.argv[3]))
top = [s for s in meta.values() if s.get("top") == "true"]
assert len(top) == 1, "exactly one top-level struct in stats_meta"
counters = [f for f, m in top[0]["fields"].items()
            if m.get("user", {}).get("_kind") == "counter" and isinstance(a.get(f), int)]
assert counters, "top-level struct declares counters"
grown = sum(b[f] - a[f] for f in counters)
print("counters:", {f: b[f] - a[f] for f in counters})
assert grown > 0
PY

unload_sched
