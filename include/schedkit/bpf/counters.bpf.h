/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU event counters for scheduler statistics.
 *
 * Scheduling callbacks run on every CPU at high rates; a shared counter
 * would bounce its cache line between CPUs on every event. Each CPU bumps
 * its own copy of a struct of u64 counters in a one-slot
 * BPF_MAP_TYPE_PERCPU_ARRAY instead, without atomics. User space reads all
 * copies with one lookup (sk_counters_read() in schedkit/counters.h) and
 * serves their sums plus a per-CPU breakdown as stats.
 *
 *	struct my_counters { u64 enqueued; u64 dispatched; };
 *	SK_COUNTERS(counters, struct my_counters);
 *	...
 *	sk_counter_add(counters, enqueued, 1);
 */
#ifndef SCHEDKIT_COUNTERS_BPF_H
#define SCHEDKIT_COUNTERS_BPF_H

#include <schedkit/bpf/common.bpf.h>

/* @vtype must be a struct made only of u64 members: user space sums them. */
#define SK_COUNTERS(map, vtype)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, 1);					\
		__type(key, u32);					\
		__type(value, vtype);					\
	} map SEC(".maps")

/*
 * This CPU's copy of the counters in @map, or NULL (only if the map is
 * broken; the verifier still wants the check).
 */
#define sk_counters_this_cpu(map)					\
({									\
	u32 ___sk_key = 0;						\
	(typeof(*(map).value) *)bpf_map_lookup_elem(&(map), &___sk_key);\
})

/*
 * Add @delta to counter @field of this CPU. Scheduling callbacks run with
 * the rq lock held or interrupts off, so nothing else on this CPU updates
 * the slot meanwhile and a plain add is enough.
 */
#define sk_counter_add(map, field, delta)				\
({									\
	typeof(*(map).value) *___sk_c = sk_counters_this_cpu(map);	\
									\
	if (___sk_c)							\
		___sk_c->field += (delta);				\
})

#endif /* SCHEDKIT_COUNTERS_BPF_H */
