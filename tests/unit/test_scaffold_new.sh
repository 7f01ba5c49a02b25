# schedkit new, against a scratch checkout (its templates and a
# scheds/meson.build): a missing, malformed, reserved or taken name gets
# one line, a non-zero status, and nothing written; a good one makes
# scheds/NAME/ with its five files filled in, registers it exactly once and
# writes its integration test; --out writes the six files alone and
# overwrites a scheduler's only with --force. That the files build and the
# test passes is for tests/scaffold and test_scaffold_loads_and_runs.
set -u
new=$1
. "$(dirname "$0")/../lib.sh"
src=$SK_TMP/src
mkdir -p "$src/tools" "$src/scheds/fifo" "$src/tests/integration" "$SK_TMP/bin"
touch "$src/tests/integration/test_clash_runs_under_load.sh"
cp -r "$(dirname "$new")/scaffold" "$src/tools/"
printf "subdir('fifo')\n" >"$src/scheds/meson.build"
printf "bpf_skel = {'capture': true}\n" >"$src/meson.build"
cp "$src/scheds/meson.build" "$SK_TMP/list0"
scheds0="fifo meson.build"
tests0=test_clash_runs_under_load.sh
# a scheduler binary some other project installed
printf '#!/bin/sh\n' >"$SK_TMP/bin/scx_taken"
chmod +x "$SK_TMP/bin/scx_taken"
export SCHEDKIT_DATADIR=$src PATH=$SK_TMP/bin:$PATH

refused() { # what-the-error-names args...
	local want=$1 err rc
	shift
	err=$(bash "$new" "$@" 2>&1 >/dev/null)
	rc=$?
	echo "schedkit new $*: rc $rc: $err"
	[ "$rc" != 0 ] || fail "schedkit new $* succeeded"
	assert_lines "$err" 1 "error of schedkit new $*"
	assert_contains "$err" "schedkit: new: " "error of schedkit new $*"
	assert_contains "$err" "$want" "error of schedkit new $*"
	cmp -s "$src/scheds/meson.build" "$SK_TMP/list0" ||
		fail "schedkit new $* changed scheds/meson.build: $(cat "$src/scheds/meson.build")"
	assert_eq "$scheds0" "$(ls -A "$src/scheds" | xargs)" "scheds/ after schedkit new $*"
	assert_eq "$tests0" "$(ls -A "$src/tests/integration" | xargs)" "tests/integration/ after schedkit new $*"
}

refused "which NAME"
refused "not a usable name" Mine
refused "not a usable name" 9lives
refused "not a usable name" my-sched
refused "not a usable name" abcdefghijklmnopqrstuvwxy
refused "already gives a meaning" eevdf
refused "would reuse a name the build already has (bpf_skel in meson.build:1)" bpf
refused "already exists" fifo
refused "already exists" taken
refused "test_clash_runs_under_load.sh already exists" clash
refused "unknown option" --frobnicate mine
refused "one NAME only" mine yours
refused "needs a directory" mine --out

out=$(bash "$new" mine) || fail "schedkit new mine failed: $out"
echo "$out"
assert_eq "README.md main.c meson.build mine.bpf.c mine.h" "$(ls "$src/scheds/mine" | xargs)" \
	"files of scheds/mine"
left=$(grep -rn '@[A-Z]*@' "$src/scheds/mine") && fail "placeholders left: $left"
assert_eq "$(printf "subdir('fifo')\nsubdir('mine')")" "$(cat "$src/scheds/meson.build")" \
	"scheds/meson.build after schedkit new mine"
grep -q '\.name[[:space:]]*= "mine"' "$src/scheds/mine/mine.bpf.c" || fail "ops not named mine"
grep -q 'SCX_MINE_H' "$src/scheds/mine/mine.h" || fail "mine.h has no guard of its own"
grep -q '#include "mine.skel.h"' "$src/scheds/mine/main.c" || fail "loader does not include its skeleton"
grep -q '"MineCpu"' "$src/scheds/mine/main.c" || fail "stats struct not named MineCpu"
grep -q "executable('scx_mine'" "$src/scheds/mine/meson.build" || fail "meson.build builds no scx_mine"
t=$src/tests/integration/test_mine_runs_under_load.sh
[ -f "$t" ] || fail "no $t"
grep -q 'start_sched "${SCX_MINE:-scx_mine}"' "$t" || fail "the test does not load scx_mine"
bash -n "$t" || fail "the test made for mine is not valid bash"
left=$(grep -n '@[A-Z]*@' "$t") && fail "placeholders left in the test: $left"
assert_contains "$out" "./schedkit test mine" "what schedkit new says to do next"
cp "$src/scheds/meson.build" "$SK_TMP/list0"
scheds0="fifo meson.build mine"
tests0="test_clash_runs_under_load.sh test_mine_runs_under_load.sh"
refused "already exists" mine

o=$SK_TMP/out
bash "$new" --out "$o" other >/dev/null || fail "schedkit new --out failed"
assert_eq "README.md main.c meson.build other.bpf.c other.h test_other_runs_under_load.sh" \
	"$(ls "$o" | xargs)" "files written by --out"
refused "already holds a scheduler's files" --out "$o" other
echo changed >"$o/main.c"
bash "$new" --out "$o" --force other >/dev/null || fail "schedkit new --out --force failed"
grep -q sk_sched_main "$o/main.c" || fail "--force did not rewrite main.c"
[ -z "$(ls -A "$SK_TMP" | grep schedkit-new)" ] || fail "staging directory left behind"
echo "ok"
