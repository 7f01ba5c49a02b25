# Files written in the --share directory inside the guest appear on the host,
# at the same path, and the rest of the root stays read-only.
. "$(dirname "$0")/../lib.sh"

dir=$SK_TMP/share
mkdir "$dir"
echo from-host >"$dir/in"
"$SCHEDKIT_BIN" vm --cpus 1 --share "$dir" -- sh -c "
	cat '$dir/in' > '$dir/copy' &&
	echo 'made in the guest' > '$dir/out' &&
	mkdir '$dir/sub' && echo x > '$dir/sub/f' &&
	! touch /usr/schedkit-must-not-exist 2>/dev/null" ||
	fail "guest command failed ($?)"
assert_eq "made in the guest" "$(cat "$dir/out")" "file written in the guest"
assert_eq from-host "$(cat "$dir/copy")" "host file read in the guest"
assert_eq x "$(cat "$dir/sub/f")" "nested file"
[ ! -e /usr/schedkit-must-not-exist ] || fail "the guest wrote to the host's root"
