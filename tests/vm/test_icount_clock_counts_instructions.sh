# schedkit vm --icount: the guest's clock advances with the instructions it
# executes, not with the host's. An idle guest's clock jumps to its next
# timer at once, so a 120 s sleep in the guest passes 120 s on the guest's
# own clock and ends in far less on the host's: under --timeout 90 (boot
# included) it completes, where with a host-driven clock it would be cut.
# schedkit bench --icount runs its VM so and says it in the table and
# the JSON. (Bad --icount values: test_bad_input_fails_in_one_line.)
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
out=$("$SCHEDKIT_BIN" vm --cpus 2 --icount 3 --timeout 90 -- \
	sh -c 'a=$(date +%s); sleep 120; echo $(($(date +%s) - a))') ||
	fail "schedkit vm --icount 3 exited $? (a status of 124 means the sleep was not skipped)"
took=$(($(date +%s) - start))
echo "guest slept ${out}s; the host waited ${took}s for the whole run"
# At least the sleep: the guest's clock went through it. A late timer can
# add to it: one CI run (2026-12-07) read 150 s, 13 reruns 120-121 s, so
# the bound only catches a clock gone wrong, not a late wake-up.
[ -n "$out" ] && [ "$out" -ge 120 ] && [ "$out" -lt 180 ] ||
	fail "the guest's clock moved ${out:-nothing}s across a 120 s sleep"
[ "$took" -lt 90 ] || fail "the run took ${took}s on the host"

out=$("$SCHEDKIT_BIN" bench --icount 3 --scheds eevdf --runs 1 --seconds 1 \
	--hackbench-loops 20 --json "$SK_TMP/bench.json" hackbench 2>/dev/null) ||
	fail "schedkit bench --icount 3 exited $?"
assert_contains "$out" "(schedkit vm --icount 3)" "the table's header"
python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["meta"].get("icount") != "3")' \
	"$SK_TMP/bench.json" || fail "the JSON's meta.icount is not \"3\""

exit 0
