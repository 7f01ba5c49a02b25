# schedkit new, against a scratch checkout (its templates and a
# scheds/meson.build): a missing, malformed, reserved or taken name gets
# one line, a non-zero status, and nothing written; a good one makes
# scheds/NAME/ with its five files filled in and registers it exactly once;
# --out writes the files alone and overwrites a scheduler's only with
# --force. That the files build is the build's business (tests/scaffold).
set -u
new=$1
. "$(dirname "$0")/../lib.sh"
src=$SK_TMP/src
mkdir -p "$src/tools" "$src/scheds/fifo" "$SK_TMP/bin"
cp -r "$(dirname "$new")/scaffold" "$src/tools/"
printf "subdir('fifo')\n" >"$src/scheds/meson.build"
cp "$src/scheds/meson.build" "$SK_TMP/list0"
scheds0="fifo meson.build"
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
}

refused "which NAME"
refused "not a usable name" Mine
refused "not a usable name" 9lives
refused "not a usable name" my-sched
refused "not a usable name" abcdefghijklmnopqrstuvwxy
refused "already gives a meaning" eevdf
refused "already exists" fifo
refused "already exists" taken
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
assert_contains "$out" "ninja -C build" "what schedkit new says to do next"
cp "$src/scheds/meson.build" "$SK_TMP/list0"
scheds0="fifo meson.build mine"
refused "already exists" mine

o=$SK_TMP/out
bash "$new" --out "$o" other >/dev/null || fail "schedkit new --out failed"
assert_eq "README.md main.c meson.build other.bpf.c other.h" "$(ls "$o" | xargs)" "files written by --out"
refused "already holds a scheduler's files" --out "$o" other
echo changed >"$o/main.c"
bash "$new" --out "$o" --force other >/dev/null || fail "schedkit new --out --force failed"
grep -q sk_sched_main "$o/main.c" || fail "--force did not rewrite main.c"
[ -z "$(ls -A "$SK_TMP" | grep schedkit-new)" ] || fail "staging directory left behind"
echo "ok"
