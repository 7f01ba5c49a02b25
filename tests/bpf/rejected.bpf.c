// SPDX-License-Identifier: GPL-2.0-only
/*
 * A sched_ext scheduler the BPF verifier must refuse, for
 * tests/integration/test_exit_verifier_rejection.sh: ops.enqueue() writes to
 * a global array at an index it never checks. The compiler emits that
 * store as written; only the verifier knows the index can reach past the
 * array. Before it, enough verified instructions that the log is longer
 * than the tail the loader shows without --verbose.
 */
#include <schedkit/bpf/common.bpf.h>
#include <schedkit/bpf/exit.bpf.h>

char _license[] SEC("license") = "GPL";

__u64 slots[8];

void SK_STRUCT_OPS(rejected_enqueue, struct task_struct *p, u64 enq_flags)
{
	u32 idx = bpf_get_prandom_u32();
	u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 8; i++)
		sum += slots[i] * (i + 1) + p->pid;

	slots[idx] = sum;	/* idx may be anything up to 2^32 - 1 */
	scx_bpf_dispatch(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SK_EXIT_OPS(rejected_exit);

SEC(".struct_ops.link")
struct sched_ext_ops rejected_ops = {
	.enqueue	= (void *)rejected_enqueue,
	.exit		= (void *)rejected_exit,
	.name		= "test_rejected",
};
