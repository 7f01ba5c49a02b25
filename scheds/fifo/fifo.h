/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layouts scx_fifo's BPF side and loader share. Compiles in both worlds:
 * only the kernel's __u64-style types.
 */
#ifndef SCHEDKIT_FIFO_H
#define SCHEDKIT_FIFO_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/*
 * Per-CPU event counts. The loader's stats table names these in the same
 * order; a static assertion there catches a field added on one side only.
 */
struct fifo_counters {
	__u64 local_dispatches;		/* woken tasks put on an idle CPU */
	__u64 global_dispatches;	/* tasks put on the shared queue */
	__u64 consumed;			/* tasks a CPU took from the queue */
	__u64 queue_wait_ns;		/* time tasks spent in the queue */
	__u64 queue_waits;		/* tasks whose wait was measured */
};

#endif /* SCHEDKIT_FIFO_H */
