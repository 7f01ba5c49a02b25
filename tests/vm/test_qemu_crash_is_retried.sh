# QEMU crashing before the guest's init has started (seen under TCG: a
# SIGSEGV during a 4-vCPU boot) costs nothing of the command, so the guest
# is booted once more and the command's own status comes back, with one
# line saying so and the crashed boot's kernel log kept. A QEMU that
# crashes every time ends the run with one line per boot and the
# guest-failure status. Here a wrapper in PATH stands for a crashing QEMU.
. "$(dirname "$0")/../lib.sh"

real=$(command -v qemu-system-x86_64) || fail "no qemu-system-x86_64"
dir=$(mktemp -d)
trap 'rm -rf "$dir"; sk_teardown' EXIT
mkdir "$dir/bin"
# Only the guest's boot crashes (its QEMU is named schedkit), not the
# accelerator probe; CRASHES says how many boots do.
cat >"$dir/bin/qemu-system-x86_64" <<WRAP
#!/bin/bash
case " \$* " in
*" -name schedkit,"*)
	n=\$(cat "$dir/boots" 2>/dev/null || echo 0)
	echo \$((n + 1)) >"$dir/boots"
	[ "\$n" -ge "\$CRASHES" ] || kill -SEGV \$\$
	;;
esac
exec "$real" "\$@"
WRAP
chmod +x "$dir/bin/qemu-system-x86_64"

run() { # crashes command...: schedkit vm's stderr in $err, status in $rc
	local crashes=$1
	shift
	rm -f "$dir/boots"
	err=$(PATH=$dir/bin:$PATH CRASHES=$crashes "$SCHEDKIT_BIN" vm --cpus 1 \
		--timeout 300 --log "$dir/kernel.log" -- "$@" 2>&1 >/dev/null)
	rc=$?
	echo "$err"
}

run 1 sh -c 'exit 7'
assert_eq 7 "$rc" "the command's status after one crashed boot"
assert_eq 2 "$(cat "$dir/boots")" "boots"
assert_lines "$err" 1 "one line for the crashed boot"
assert_contains "$err" "vm: QEMU crashed (SIGSEGV) before the guest started its init (kernel log: $dir/kernel-crashed.log); booting it again" "crash line"
[ -e "$dir/kernel-crashed.log" ] || fail "the crashed boot's kernel log was not kept"
grep -q 'Linux version' "$dir/kernel.log" || fail "no kernel log for the second boot"

run 9 true
assert_eq 125 "$rc" "exit status when QEMU crashes at every boot"
assert_eq 2 "$(cat "$dir/boots")" "boots"
assert_lines "$err" 2 "one line per boot"
assert_contains "$err" "QEMU crashed (SIGSEGV) before the guest started its init twice (kernel log: $dir/kernel.log)" "second crash"
exit 0
