# schedkit vm --host-rt puts QEMU's main loop thread, which raises the
# guest's timer interrupts, at SCHED_FIFO on the host, and leaves the vCPU
# threads at normal priority (at FIFO they would starve the host); without
# the option nothing is raised. Read from the host's own view of the threads.
. "$(dirname "$0")/../lib.sh"

# qemu-pid nr-vcpu-threads -> "main=CLS/PRIO cpus=CLS/PRIO,...", empty before
# that many vCPU threads exist. Single-threaded TCG has one, "ALL CPUs/TCG".
threads() {
	ps -L -o cls=,rtprio=,comm= -p "$1" | awk -v want="$2" '
		NR == 1 { main = $1 "/" $2 }
		/CPU [0-9]+\/|ALL CPUs\// { cpus = cpus (n++ ? "," : "") $1 "/" $2 }
		END { if (n == want) print "main=" main " cpus=" cpus }'
}

policies() { # log-file nr-vcpu-threads: the threads of the QEMU writing it, once it runs
	local qpid i
	for i in $(seq 300); do
		qpid=$(pgrep -f -- "-serial file:$1" | head -n 1)
		if [ -n "$qpid" ] && [ -n "$(threads "$qpid" "$2")" ]; then
			# schedkit vm looks every 0.2 s; give it ten times that.
			sleep 2
			threads "$qpid" "$2"
			return
		fi
		sleep 0.1
	done
	echo "no QEMU with $2 vCPU threads seen"
}

"$SCHEDKIT_BIN" vm --host-rt --cpus 2 --log "$SK_TMP/rt.log" -- sleep 8 &
vm=$!
got=$(policies "$SK_TMP/rt.log" 2)
wait "$vm" || fail "schedkit vm --host-rt exited with $?"
assert_eq "main=FF/1 cpus=TS/-,TS/-" "$got" "QEMU threads with --host-rt"

"$SCHEDKIT_BIN" vm --cpus 2 --log "$SK_TMP/plain.log" -- sleep 8 &
vm=$!
got=$(policies "$SK_TMP/plain.log" 2)
wait "$vm" || fail "schedkit vm exited with $?"
assert_eq "main=TS/- cpus=TS/-,TS/-" "$got" "QEMU threads without --host-rt"

# One thread runs every vCPU under --icount: it is raised once that exists
# (it waited for two "CPU n/TCG" threads that never came, and died after 30 s).
"$SCHEDKIT_BIN" vm --host-rt --icount 3 --cpus 2 --log "$SK_TMP/icount.log" -- sleep 8 &
vm=$!
got=$(policies "$SK_TMP/icount.log" 1)
wait "$vm" || fail "schedkit vm --host-rt --icount 3 exited with $?"
assert_eq "main=FF/1 cpus=TS/-" "$got" "QEMU threads with --host-rt --icount 3"
