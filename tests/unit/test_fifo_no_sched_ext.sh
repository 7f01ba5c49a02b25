#!/bin/bash
# On a kernel without sched_ext, scx_fifo must stop before loading anything
# with exit status 1 and one line on stderr that says what to do. Runs on
# hosts only: where /sys/kernel/sched_ext exists the case cannot happen, so
# the test reports itself skipped (77).
# usage: test_fifo_no_sched_ext.sh PATH_TO_SCX_FIFO
set -u

fifo=${1:?usage: $0 PATH_TO_SCX_FIFO}
if [ -e /sys/kernel/sched_ext ]; then
	echo "this kernel has sched_ext; nothing to test"
	exit 77
fi

err=$("$fifo" --quiet 2>&1 >/dev/null)
rc=$?
echo "scx_fifo said: $err (status $rc)"

fail() {
	echo "FAIL: $*"
	exit 1
}

[ "$rc" -eq 1 ] || fail "status $rc, expected 1"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "expected exactly one line on stderr"
case "$err" in
scx_fifo:*"no sched_ext"*) ;;
*) fail "the line does not say the kernel lacks sched_ext" ;;
esac
case "$err" in
*kernel-configs/sched_ext.config*"schedkit vm"*) ;;
*) fail "the line does not say what to do (kernel config, schedkit vm)" ;;
esac

# options are still checked first: a bad value is a usage error (2)
"$fifo" --slice-us 1 2>/dev/null
rc=$?
[ "$rc" -eq 2 ] || fail "--slice-us 1 gave status $rc, expected 2"
echo "ok"
