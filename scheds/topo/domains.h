/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx_topo's scheduling domains, built on the host from a libschedkit
 * topology: the flat CPU -> core/LLC/node/domain and domain -> node maps
 * the loader copies into the BPF program's rodata. Separate from main.c so
 * the unit tests build domains from fake sysfs trees.
 */
#ifndef SCHEDKIT_TOPO_DOMAINS_H
#define SCHEDKIT_TOPO_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include <schedkit/topo.h>

#include "topo_sched.h"

/* What one domain is (--domain). */
enum topo_dom_kind {
	TOPO_DOM_LLC,
	TOPO_DOM_NODE,
};

/*
 * The maps, indexed by CPU id up to nr_cpu_ids and by domain up to
 * nr_doms; every other entry is SK_TOPO_NONE (offline and absent CPUs,
 * unused slots), which the BPF side never looks up because only online
 * CPUs run tasks and a hotplug restarts the scheduler.
 */
struct topo_layout {
	__u32 nr_cpu_ids;	/* highest possible CPU + 1 */
	__u32 nr_online;
	__u32 nr_llcs;
	__u32 nr_nodes;
	__u32 nr_doms;
	bool smt;		/* some core has more than one online CPU */
	enum topo_dom_kind kind;
	__u32 cpu_to_core[TOPO_MAX_CPUS];
	__u32 cpu_to_llc[TOPO_MAX_CPUS];
	__u32 cpu_to_node[TOPO_MAX_CPUS];
	__u32 cpu_to_dom[TOPO_MAX_CPUS];
	__u32 llc_to_node[TOPO_MAX_DOMS];
	__u32 dom_to_node[TOPO_MAX_DOMS];
	__u32 dom_nr_cpus[TOPO_MAX_DOMS];
};

/*
 * topo_layout_build - fill @l from @topo with domains of @kind.
 * @err: receives one line saying what to do when the machine does not fit.
 *
 * Returns 0; -E2BIG when the machine has more CPU ids, LLCs or nodes than
 * TOPO_MAX_*; -EINVAL when an online CPU has no LLC or node (a topology
 * that libschedkit should never produce).
 */
int topo_layout_build(const struct sk_topo *topo, enum topo_dom_kind kind,
		      struct topo_layout *l, char *err, size_t err_len);

/* "llc" or "node" to a kind; -EINVAL for anything else. */
int topo_dom_kind_parse(const char *s, enum topo_dom_kind *kind);

#endif /* SCHEDKIT_TOPO_DOMAINS_H */
