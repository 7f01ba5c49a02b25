// SPDX-License-Identifier: GPL-2.0-only
/*
 * A sched_ext scheduler that stops itself on purpose, for the integration
 * tests of libschedkit's exit handling (tests/integration/test_exit_*.sh).
 *
 * It schedules like the kernel's default global queue until ops.dispatch()
 * has run --fail-after times, then either raises a runtime error through
 * sk_error() or, with --exit-code, leaves through sk_exit() with that code.
 * Its dump callback adds a line the tests look for in the debug dump.
 */
#include <schedkit/bpf/common.bpf.h>
#include <schedkit/bpf/exit.bpf.h>

char _license[] SEC("license") = "GPL";

/* Written by the loader; __u64 because the skeleton repeats the types. */
const volatile __u64 fail_after;	/* 0: never stop on our own */
const volatile __u64 exit_code;		/* 0: sk_error(), else sk_exit() */

static u64 nr_dispatches;

void SK_STRUCT_OPS(failing_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dispatch(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

void SK_STRUCT_OPS(failing_dispatch, s32 cpu, struct task_struct *prev)
{
	u64 n = __sync_fetch_and_add(&nr_dispatches, 1) + 1;

	/*
	 * ">=" rather than "==": the kernel only acts on the first stop, and
	 * a CPU that raced past the exact count must still trigger it.
	 */
	if (!fail_after || n < fail_after)
		return;
	if (exit_code)
		sk_exit(exit_code, "test_failing: exit %llu after %llu dispatches",
			exit_code, n);
	else
		sk_error("test_failing: deliberate error after %llu dispatches",
			 n);
}

void SK_STRUCT_OPS(failing_dump, struct scx_dump_ctx *dctx)
{
	sk_dump("test_failing dump: %llu dispatches", nr_dispatches);
}

SK_EXIT_OPS(failing_exit);

SEC(".struct_ops.link")
struct sched_ext_ops failing_ops = {
	.enqueue	= (void *)failing_enqueue,
	.dispatch	= (void *)failing_dispatch,
	.dump		= (void *)failing_dump,
	.exit		= (void *)failing_exit,
	.name		= "test_failing",
};
