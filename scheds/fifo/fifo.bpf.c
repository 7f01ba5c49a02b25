// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_fifo: one global first-in, first-out queue for the whole machine.
 *
 * Policy. When a task wakes up and some CPU it may run on is idle, the task
 * goes straight to that CPU's local queue and starts at once; the kernel's
 * default idle-CPU search (scx_bpf_select_cpu_dfl) picks the CPU and prefers
 * the task's previous CPU and its cache neighbours. Every other runnable
 * task joins the tail of one shared queue. A CPU that runs out of work
 * takes the task at the head of that queue. Every task runs for the same
 * time slice (--slice-us) before it goes back to the tail.
 *
 * Good at: being simple enough to read in one sitting, and fair in the
 * plainest sense: tasks run in the order they became runnable, and no task
 * waits behind more than one slice of every task queued before it.
 * Throughput on lightly loaded machines is good because wake-ups on idle
 * CPUs skip the queue.
 *
 * Bad at: everything that needs priorities. Nice values and cgroup weights
 * are ignored, an interactive task waits behind CPU hogs, and a long queue
 * means long waits for everyone. One queue is also one lock that every CPU
 * takes, which limits it on machines with many CPUs, and a task taken from
 * the queue runs wherever a CPU happened to be free, without regard for
 * caches.
 *
 * Shows: direct dispatch from ops.select_cpu(), a user-created DSQ consumed
 * from ops.dispatch(), kicking idle CPUs, task-local storage, per-CPU
 * counters for stats (counters.bpf.h), a debug-dump callback and recording
 * the exit reason for user space (exit.bpf.h).
 */
#include <schedkit/bpf/common.bpf.h>
#include <schedkit/bpf/counters.bpf.h>
#include <schedkit/bpf/exit.bpf.h>

#include "fifo.h"

char _license[] SEC("license") = "GPL";

/*
 * The shared queue is a DSQ we create rather than the built-in
 * SCX_DSQ_GLOBAL: since 6.12 the built-in one is split per NUMA node, so it
 * would not be one FIFO on multi-node machines, and the kernel consumes it
 * behind our back, so we could not count what CPUs take from it. Built-in
 * DSQ ids have bit 63 set; any id below that is ours, and with a single
 * queue the obvious one is 0.
 */
#define FIFO_DSQ	0

/*
 * Set by the loader from --slice-us; the kernel's default is 20 ms. __u64
 * rather than u64 because the skeleton repeats the type for user space.
 */
const volatile __u64 slice_ns = SCX_SLICE_DFL;

SK_COUNTERS(counters, struct fifo_counters);

/* When the task joined the shared queue, to measure how long it waited. */
struct fifo_task {
	u64 queued_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct fifo_task);
} fifo_tasks SEC(".maps");

s32 SK_STRUCT_OPS(fifo_select_cpu, struct task_struct *p, s32 prev_cpu,
		  u64 wake_flags)
{
	bool idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	if (idle) {
		/* enqueue() is skipped for tasks dispatched here */
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_ns, 0);
		sk_counter_add(counters, local_dispatches, 1);
	}
	return cpu;
}

void SK_STRUCT_OPS(fifo_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct fifo_task *t;
	s32 cpu;

	t = bpf_task_storage_get(&fifo_tasks, p, NULL, 0);
	if (t)
		t->queued_at = bpf_ktime_get_ns();

	scx_bpf_dispatch(p, FIFO_DSQ, slice_ns, enq_flags);
	sk_counter_add(counters, global_dispatches, 1);

	/*
	 * Only CPUs that go through dispatch look at the queue. A task that
	 * was not woken (its slice ran out, or it was preempted) never saw
	 * select_cpu(), so wake an idle CPU for it if there is one.
	 */
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

void SK_STRUCT_OPS(fifo_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scx_bpf_consume(FIFO_DSQ))
		sk_counter_add(counters, consumed, 1);
}

void SK_STRUCT_OPS(fifo_running, struct task_struct *p)
{
	struct fifo_task *t;
	u64 now;

	t = bpf_task_storage_get(&fifo_tasks, p, NULL, 0);
	if (!t || !t->queued_at)
		return;

	now = bpf_ktime_get_ns();
	if (now > t->queued_at) {
		sk_counter_add(counters, queue_wait_ns, now - t->queued_at);
		sk_counter_add(counters, queue_waits, 1);
	}
	t->queued_at = 0;
}

s32 SK_STRUCT_OPS_SLEEPABLE(fifo_init_task, struct task_struct *p,
			    struct scx_init_task_args *args)
{
	/* allocate here, where sleeping is allowed, not on the enqueue path */
	if (!bpf_task_storage_get(&fifo_tasks, p, NULL,
				  BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

void SK_STRUCT_OPS(fifo_dump, struct scx_dump_ctx *dctx)
{
	sk_dump("fifo: %d tasks in the shared queue, slice %llu ns",
		scx_bpf_dsq_nr_queued(FIFO_DSQ), slice_ns);
}

s32 SK_STRUCT_OPS_SLEEPABLE(fifo_init)
{
	return scx_bpf_create_dsq(FIFO_DSQ, -1);
}

SK_EXIT_OPS(fifo_exit);

SEC(".struct_ops.link")
struct sched_ext_ops fifo_ops = {
	.select_cpu	= (void *)fifo_select_cpu,
	.enqueue	= (void *)fifo_enqueue,
	.dispatch	= (void *)fifo_dispatch,
	.running	= (void *)fifo_running,
	.init_task	= (void *)fifo_init_task,
	.dump		= (void *)fifo_dump,
	.init		= (void *)fifo_init,
	.exit		= (void *)fifo_exit,
	.name		= "fifo",
};
