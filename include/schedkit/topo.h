/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU topology read from sysfs: which CPUs exist, which are online, and how
 * the online ones group into cores (SMT siblings), last-level caches and
 * NUMA nodes.
 *
 * Schedulers load it once at start-up, pick their domains from it and copy
 * flat id maps (sk_topo_fill_map()) into their BPF program's rodata, where
 * a lookup is one array index. Cores, LLCs and nodes get dense ids 0..n-1
 * because BPF arrays and DSQ ids want them; the kernel's own ids stay
 * available in struct sk_topo_cpu and struct sk_topo_group.
 *
 * CPU masks are arrays of uint64_t, bit N of word N / 64 standing for CPU N,
 * the layout BPF code reads with a shift and a mask.
 *
 * A topology is a snapshot: CPU hotplug after sk_topo_load() is not seen.
 */
#ifndef SCHEDKIT_TOPO_H
#define SCHEDKIT_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Map entry and dense id meaning "no such core/LLC/node", e.g. offline. */
#define SK_TOPO_NONE		UINT32_MAX

/*
 * Largest CPU count the loader accepts, the kernel's own NR_CPUS ceiling
 * (x86 CONFIG_MAXSMP), so that "possible" can be parsed before its size is
 * known.
 */
#define SK_TOPO_MAX_CPUS	8192

/* Number of uint64_t words in a mask of @nr_bits bits. */
#define SK_CPUMASK_WORDS(nr_bits)	(((nr_bits) + 63) / 64)

/* True if bit @cpu is set in @mask. @cpu must be below the mask's size. */
static inline bool sk_cpumask_test(const uint64_t *mask, uint32_t cpu)
{
	return mask[cpu / 64] >> (cpu % 64) & 1;
}

/* Sets bit @cpu in @mask. @cpu must be below the mask's size. */
static inline void sk_cpumask_set(uint64_t *mask, uint32_t cpu)
{
	mask[cpu / 64] |= 1ULL << (cpu % 64);
}

/* Number of bits set among the first @nr_bits bits of @mask. */
static inline uint32_t sk_cpumask_weight(const uint64_t *mask,
					 uint32_t nr_bits)
{
	uint32_t i, n = 0;

	for (i = 0; i < nr_bits / 64; i++)
		n += __builtin_popcountll(mask[i]);
	if (nr_bits % 64)
		n += __builtin_popcountll(mask[i] &
					  ((1ULL << (nr_bits % 64)) - 1));
	return n;
}

/*
 * sk_cpulist_parse - parse a kernel cpulist ("0-3,8,10-11\n") into a mask.
 * @str: the list: comma-separated ids and ranges, optionally followed by
 *       whitespace (sysfs adds a newline). An empty list is valid.
 * @mask: receives the CPUs; SK_CPUMASK_WORDS(@nr_bits) words, cleared first.
 * @nr_bits: ids must be below this.
 *
 * Returns 0, or -EINVAL for anything else: stray characters, empty items,
 * a reversed range ("3-1"), an id at or above @nr_bits. On error @mask is
 * left empty.
 */
int sk_cpulist_parse(const char *str, uint64_t *mask, uint32_t nr_bits);

/*
 * sk_cpulist_format - write @mask as a cpulist ("0-3,8"), without newline.
 * @buf receives a NUL-terminated string of at most @len bytes.
 *
 * Returns the string's length, or -ENOSPC if it does not fit (@buf then
 * holds a truncated list).
 */
int sk_cpulist_format(const uint64_t *mask, uint32_t nr_bits, char *buf,
		      size_t len);

/* Opaque: a loaded topology. */
struct sk_topo;

/*
 * Levels of the hierarchy, innermost first. SK_TOPO_CPU is only used as
 * the source of a map (sk_topo_fill_map()) and with sk_topo_nr().
 */
enum sk_topo_level {
	SK_TOPO_CPU,
	SK_TOPO_CORE,		/* SMT siblings */
	SK_TOPO_LLC,		/* CPUs sharing the last-level cache */
	SK_TOPO_NODE,		/* NUMA node */
	SK_TOPO_NR_LEVELS,
};

/* Which of the kernel's CPU masks sk_topo_mask() returns. */
enum sk_topo_cpu_state {
	SK_TOPO_POSSIBLE,	/* could ever exist; sizes every array */
	SK_TOPO_PRESENT,	/* plugged in */
	SK_TOPO_ONLINE,		/* running; the only ones with a topology */
};

/*
 * What is known about one CPU. Only online CPUs have a topology: for the
 * others every id below is SK_TOPO_NONE or -1 and capacity is 0.
 */
struct sk_topo_cpu {
	bool possible;
	bool present;
	bool online;
	/* Dense ids, indexes into sk_topo_group(). */
	uint32_t core;
	uint32_t llc;
	uint32_t node;
	/* The kernel's ids, -1 where sysfs does not say. */
	int32_t package_id;	/* topology/physical_package_id */
	int32_t die_id;		/* topology/die_id (x86 only) */
	int32_t core_id;	/* topology/core_id, unique per package only */
	int32_t llc_id;		/* cache/indexN/id of the LLC */
	int32_t node_id;	/* N of node/nodeN; 0 without NUMA */
	uint32_t llc_level;	/* cache level taken as LLC, 0 if no cache/ */
	uint32_t capacity;	/* cpu_capacity, 1024 when absent */
	uint32_t max_freq_khz;	/* cpufreq/cpuinfo_max_freq, 0 when absent */
};

/*
 * A core, LLC or node: the online CPUs it holds and where it sits. Groups
 * of a level are numbered by their lowest CPU, except nodes, which keep
 * the kernel's order.
 */
struct sk_topo_group {
	uint32_t id;		/* dense id, 0..n-1 within its level */
	/*
	 * The kernel's id of its lowest CPU: core_id for cores (repeats
	 * across packages), cache id for LLCs (-1 if absent), N of nodeN.
	 */
	int32_t kernel_id;
	/*
	 * Dense LLC and node holding it: those of its lowest CPU, as an
	 * LLC can span nodes (Intel sub-NUMA clustering). SK_TOPO_NONE
	 * where it does not apply (a node's LLC).
	 */
	uint32_t llc;
	uint32_t node;
	uint32_t nr_cpus;
	const uint32_t *cpus;	/* its CPUs, ascending */
	const uint64_t *mask;	/* the same as a sk_topo_nr_cpu_ids() mask */
};

/*
 * sk_topo_load - read the topology from sysfs.
 * @sysfs_root: where sysfs is mounted, NULL for "/sys"; tests point it at
 *              a fake tree.
 * @topop: receives the topology, which the caller frees with
 *         sk_topo_free(). Set to NULL on error.
 *
 * Offline and absent CPUs are recorded as such, not treated as errors.
 * Missing optional files fall back: no cache/ makes each package one LLC,
 * no node/ puts every CPU in node 0, no cpu_capacity means 1024.
 *
 * Returns 0, -ENOENT if @sysfs_root has no CPU lists, -EINVAL if a list is
 * malformed, empty or names a CPU beyond "possible", -ENOMEM, or another
 * negative errno from reading sysfs.
 */
int sk_topo_load(const char *sysfs_root, struct sk_topo **topop);

/* Frees @topo and everything its accessors returned. NULL is a no-op. */
void sk_topo_free(struct sk_topo *topo);

/*
 * Number of CPU ids: the highest possible CPU plus one, the size of every
 * CPU-indexed array and mask.
 */
uint32_t sk_topo_nr_cpu_ids(const struct sk_topo *topo);

/*
 * Number of ids at @level: sk_topo_nr_cpu_ids() for SK_TOPO_CPU, else the
 * number of cores, LLCs or nodes. This is the size of a map indexed by
 * @level. Returns -EINVAL for an unknown level.
 */
int sk_topo_nr(const struct sk_topo *topo, enum sk_topo_level level);

/* Whether some core has more than one online CPU (SMT siblings). */
bool sk_topo_has_smt(const struct sk_topo *topo);

/*
 * One of the kernel's CPU masks, sk_topo_nr_cpu_ids() bits, owned by @topo.
 * NULL for an unknown @which.
 */
const uint64_t *sk_topo_mask(const struct sk_topo *topo,
			     enum sk_topo_cpu_state which);

/* What is known about @cpu, owned by @topo; NULL if @cpu >= nr_cpu_ids. */
const struct sk_topo_cpu *sk_topo_cpu(const struct sk_topo *topo,
				      uint32_t cpu);

/*
 * Dense core, LLC or node id of @cpu. Returns -ENOENT if @cpu is not
 * online (or beyond nr_cpu_ids).
 */
int sk_topo_core_of(const struct sk_topo *topo, uint32_t cpu);
int sk_topo_llc_of(const struct sk_topo *topo, uint32_t cpu);
int sk_topo_node_of(const struct sk_topo *topo, uint32_t cpu);

/*
 * Core, LLC or node @id of @level, owned by @topo. NULL for SK_TOPO_CPU,
 * an unknown level or an id out of range.
 */
const struct sk_topo_group *sk_topo_group(const struct sk_topo *topo,
					  enum sk_topo_level level,
					  uint32_t id);

/*
 * sk_topo_fill_map - fill a flat id map for BPF rodata.
 * @from: level indexing the map; @to: level of the values, above @from.
 *        (CPU, LLC) gives cpu_to_llc[], (LLC, NODE) llc_to_node[], ...
 * @map: caller's array of @len entries, typically a rodata array sized for
 *       the most CPUs the scheduler supports.
 *
 * Entry i holds the dense @to id of @from id i; entries for offline or
 * absent CPUs and all entries from sk_topo_nr(@from) up to @len hold
 * SK_TOPO_NONE.
 *
 * Returns sk_topo_nr(@from), the number of meaningful entries; -EINVAL if
 * @to is not above @from; -ENOSPC if @len is smaller than sk_topo_nr(@from)
 * (@map is then untouched).
 */
int sk_topo_fill_map(const struct sk_topo *topo, enum sk_topo_level from,
		     enum sk_topo_level to, uint32_t *map, size_t len);

/*
 * sk_topo_fprint - write one line per possible CPU to @f, lscpu -e style:
 *
 *   CPU NODE  LLC CORE SOCKET  DIE CAPACITY  MAXMHZ ONLINE
 *     0    0    0    0      0    0     1024  3600.0 yes
 *
 * NODE, LLC and CORE are dense ids, the values the BPF maps hold; SOCKET
 * and DIE are the kernel's. Unknown values print as "-".
 * Returns 0, or -EIO if writing failed.
 */
int sk_topo_fprint(const struct sk_topo *topo, FILE *f);

#endif /* SCHEDKIT_TOPO_H */
