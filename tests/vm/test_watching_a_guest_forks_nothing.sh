# While its guest runs, schedkit vm's watch loop starts no process on the
# host: it shares the host's CPUs with the vCPU threads, and each fork (it
# ran date and sleep every 0.2 s) is a host task waking beside them, which
# a benchmark in the guest reads as wake-up latency. Counted from the
# host with strace on the loop's own process.
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null || fail "strace is not installed (scripts/bootstrap installs it)"
share="$SK_TMP/share"
mkdir -p "$share"

"$SCHEDKIT_BIN" vm --host-rt --cpus 1 --share "$share" --log "$SK_TMP/vm.log" -- \
	sh -c "touch $share/running; sleep 12; touch $share/done" &
vm=$!
for _ in $(seq 600); do
	[ -e "$share/running" ] && break
	kill -0 "$vm" 2>/dev/null || fail "schedkit vm ended before its command ran"
	sleep 0.2
done
[ -e "$share/running" ] || fail "the guest did not start its command within 120 s"

# schedkit vm execs its script, so $vm is the watch loop's shell.
strace -qq -e trace=clone,clone3,fork,vfork -p "$vm" -o "$SK_TMP/forks" &
tracer=$!
sleep 6
kill -INT "$tracer" 2>/dev/null
wait "$tracer"
wait "$vm" || fail "schedkit vm exited with $?"
[ -e "$share/done" ] || fail "the guest's command did not finish"
forks=$(grep -c -e clone -e fork "$SK_TMP/forks")
assert_eq 0 "$forks" "processes started by schedkit vm in 6 s of a running guest"
