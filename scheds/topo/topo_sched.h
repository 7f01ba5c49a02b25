/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layouts scx_topo's BPF side and loader share: the size limits of the
 * rodata maps and the counters. Compiles in both worlds: only the kernel's
 * __u64-style types.
 */
#ifndef SCHEDKIT_TOPO_SCHED_H
#define SCHEDKIT_TOPO_SCHED_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/*
 * Compile-time ceilings of the rodata maps. The loader refuses machines
 * beyond them with a clear message instead of truncating; the real counts
 * travel in rodata next to the maps. 512 CPUs keeps rodata at a few KiB
 * and the BPF loops over CPUs short enough for the verifier.
 */
#define TOPO_MAX_CPUS		512
#define TOPO_MAX_DOMS		64	/* LLCs, or nodes with --domain node */
#define TOPO_MAX_NODES		64

/* SK_TOPO_NONE of schedkit/topo.h, which BPF code cannot include */
#define TOPO_NONE		0xffffffffU

/* Tasks the periodic balancer moves between two domains per tick. */
#define TOPO_MAX_MOVE		8

/*
 * Per-CPU event counts, attributed to the CPU (and so the domain) where
 * the event happens. The loader's stats table names these in the same
 * order; a static assertion there catches a field added on one side only.
 */
struct topo_counters {
	/* wake-up placement, one counter per step of topo_step (policy.h) */
	__u64 wake_prev;	/* the previous CPU was idle */
	__u64 wake_llc_core;	/* a wholly idle core in the previous LLC */
	__u64 wake_llc;		/* an idle CPU in the previous LLC */
	__u64 wake_waker_llc;	/* sync wake-up: idle CPU in the waker's LLC */
	__u64 wake_idle_llc;	/* steady partner: a wholly idle LLC */
	__u64 wake_waker_cpu;	/* sync wake-up: queued for the waker's CPU */
	__u64 wake_node;	/* an idle CPU in the previous CPU's node */
	__u64 wake_any;		/* any idle CPU */
	__u64 wake_queued;	/* no idle CPU: queued on the task's domain */
	__u64 fork_idle;	/* new tasks started in the idlest domain */
	__u64 fork_queued;	/* none idle: queued in the least loaded one */
	__u64 enqueued;		/* tasks put on a domain queue */
	/* tasks started on a CPU of their own domain / of another one */
	__u64 local_dispatches;
	__u64 remote_dispatches;
	__u64 steals_in;	/* tasks this CPU took from another domain */
	__u64 numa_steals;	/* of which from another node */
	/* a task starting here last ran on another CPU of ... */
	__u64 mig_same_core;
	__u64 mig_same_llc;
	__u64 mig_cross_llc;	/* ... another LLC of the same node */
	__u64 mig_cross_node;
	__u64 runs;		/* tasks started on this CPU */
	__u64 busy_ns;		/* time tasks ran on this CPU */
	__u64 preempts;		/* wake-ups that preempted this CPU's task */
	__u64 renewed;		/* slices renewed: nothing queued was earlier */
};

/*
 * Events counted against the domain that loses or gains a task rather
 * than against the CPU that does the work. Per-CPU array keyed by domain.
 */
struct topo_dom_events {
	__u64 steals_out;	/* tasks other domains' CPUs took from here */
	__u64 moved_out;	/* tasks the balancer moved away */
	__u64 moved_in;		/* tasks the balancer moved here */
};

#endif /* SCHEDKIT_TOPO_SCHED_H */
