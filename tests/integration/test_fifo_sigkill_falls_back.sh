# SIGKILL of the loader cannot run its cleanup, yet the kernel falls back to
# the default scheduler and no task is lost: a task counting its progress
# keeps counting before, during and after.
. "$(dirname "$0")/../lib.sh"

progress_start "$SK_TMP/progress"
bg stress-ng --cpu $(($(nproc) * 2)) --timeout 60s --quiet
start_sched scx_fifo --quiet
progress_grows "$SK_TMP/progress" 2 "under scx_fifo"
kill -KILL "$SCHED_PID"
wait "$SCHED_PID" 2>/dev/null
SCHED_PID=""
wait_state disabled 15
progress_grows "$SK_TMP/progress" 2 "after the fallback to the default scheduler"
