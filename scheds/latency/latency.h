/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layouts scx_latency's BPF side and loader share. Compiles in both worlds:
 * only the kernel's __u64-style types.
 */
#ifndef SCHEDKIT_LATENCY_H
#define SCHEDKIT_LATENCY_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#include "latency_math.h"

/*
 * CPUs the wake-up placement knows neighbours for; CPUs above still
 * schedule, they just skip the "near the previous CPU" step.
 */
#define LAT_MAX_CPUS		1024
/* Neighbours tried per CPU: its SMT siblings first, then its LLC. */
#define LAT_NEAR_MAX		16

/*
 * Per-CPU event counts. The loader's stats table names these in the same
 * order; a static assertion there catches a field added on one side only.
 */
struct lat_counters {
	__u64 wakeups;		/* tasks woken (runnable with ENQ_WAKEUP) */
	__u64 sync_wakeups;	/* woken by a task about to sleep */
	__u64 inherited;	/* wake-ups by a waker with criticality */
	__u64 direct_dispatches; /* wakees put straight on an idle CPU */
	__u64 queued;		/* tasks put on a CPU's deadline-ordered queue */
	__u64 skipped_queue;	/* put straight into a busy CPU's local queue */
	__u64 consumed;		/* tasks a CPU took from its own queue */
	__u64 stolen;		/* tasks a CPU took from another CPU's queue */
	__u64 preemptions; /* CPUs made to run an earlier deadline */
	__u64 preempted_here; /* of those, the waking CPU: no kick needed */
	__u64 refills;		/* slices renewed: nothing earlier to run */
	__u64 yields;		/* sched_yield() calls */
	__u64 rescued;		/* waited over LAT_STARVE_NS, run at once */
	__u64 slices;		/* slices assigned */
	__u64 slice_ns;		/* their total length */
	__u64 slices_short;	/* in the lowest quarter of [min, max] */
	__u64 slices_long;	/* in the highest quarter of [min, max] */
	__u64 crit_sum;		/* criticality at each assignment, summed */
	__u64 delays;		/* runnable-to-running delays measured */
	__u64 delay_ns;		/* their total */
};

/* Value of the per-CPU delay histogram map (see LAT_HIST_SHIFT). */
struct lat_hist {
	__u64 buckets[LAT_HIST_BUCKETS];
};

#endif /* SCHEDKIT_LATENCY_H */
