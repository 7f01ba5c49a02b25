/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the per-CPU counter maps that schedkit/bpf/counters.bpf.h defines
 * (SK_COUNTERS()): one slot whose value is a struct of u64 counters, one
 * copy per possible CPU.
 */
#ifndef SCHEDKIT_COUNTERS_H
#define SCHEDKIT_COUNTERS_H

#include <stdint.h>
#include <bpf/libbpf.h>

/*
 * Read every CPU's copy of the counters in @map into a new array
 * *@valsp (caller frees) laid out as vals[cpu * nr_counters + i], the
 * layout sk_stats_percpu_counters() takes. Stores the number of possible
 * CPUs in *@nr_cpusp and of counters per CPU in *@nr_countersp.
 *
 * Returns 0, -EINVAL if @map is not a one-slot per-CPU array of u64s,
 * -ENOMEM, or the errno of the lookup.
 */
int sk_counters_read(const struct bpf_map *map, uint64_t **valsp,
		     int *nr_cpusp, int *nr_countersp);

#endif /* SCHEDKIT_COUNTERS_H */
