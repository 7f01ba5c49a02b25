// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building scx_topo's domain maps from a libschedkit topology (see
 * domains.h). Pure: reads @topo, writes @l, no I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "domains.h"

int topo_dom_kind_parse(const char *s, enum topo_dom_kind *kind)
{
	if (!strcmp(s, "llc"))
		*kind = TOPO_DOM_LLC;
	else if (!strcmp(s, "node"))
		*kind = TOPO_DOM_NODE;
	else
		return -EINVAL;
	return 0;
}

int topo_layout_build(const struct sk_topo *topo, enum topo_dom_kind kind,
		      struct topo_layout *l, char *err, size_t err_len)
{
	uint32_t nr_ids = sk_topo_nr_cpu_ids(topo);
	int nr_llcs = sk_topo_nr(topo, SK_TOPO_LLC);
	int nr_nodes = sk_topo_nr(topo, SK_TOPO_NODE);
	uint32_t cpu, i;

	memset(l, 0, sizeof(*l));
	memset(l->cpu_to_core, 0xff, sizeof(l->cpu_to_core));
	memset(l->cpu_to_llc, 0xff, sizeof(l->cpu_to_llc));
	memset(l->cpu_to_node, 0xff, sizeof(l->cpu_to_node));
	memset(l->cpu_to_dom, 0xff, sizeof(l->cpu_to_dom));
	memset(l->llc_to_node, 0xff, sizeof(l->llc_to_node));
	memset(l->dom_to_node, 0xff, sizeof(l->dom_to_node));

	if (nr_llcs < 0 || nr_nodes < 0)
		return -EINVAL;
	if (nr_ids > TOPO_MAX_CPUS) {
		snprintf(err, err_len,
			 "this machine has %u CPU ids; scx_topo supports at most %d: rebuild with a larger TOPO_MAX_CPUS",
			 nr_ids, TOPO_MAX_CPUS);
		return -E2BIG;
	}
	if (nr_llcs > TOPO_MAX_DOMS || nr_nodes > TOPO_MAX_NODES ||
	    nr_nodes > TOPO_MAX_DOMS) {
		snprintf(err, err_len,
			 "this machine has %d LLCs and %d NUMA nodes; scx_topo supports at most %d of each: rebuild with larger TOPO_MAX_DOMS/TOPO_MAX_NODES",
			 nr_llcs, nr_nodes, TOPO_MAX_DOMS);
		return -E2BIG;
	}
	if (!nr_llcs || !nr_nodes) {
		snprintf(err, err_len, "no online CPU has an LLC or NUMA node");
		return -EINVAL;
	}

	l->nr_cpu_ids = nr_ids;
	l->nr_llcs = nr_llcs;
	l->nr_nodes = nr_nodes;
	l->kind = kind;
	l->nr_doms = kind == TOPO_DOM_NODE ? (uint32_t)nr_nodes :
					     (uint32_t)nr_llcs;

	for (cpu = 0; cpu < nr_ids; cpu++) {
		const struct sk_topo_cpu *c = sk_topo_cpu(topo, cpu);
		uint32_t dom;

		if (!c || !c->online)
			continue;
		if (c->core == SK_TOPO_NONE || c->llc == SK_TOPO_NONE ||
		    c->node == SK_TOPO_NONE || c->llc >= l->nr_llcs ||
		    c->node >= l->nr_nodes) {
			snprintf(err, err_len,
				 "online CPU %u has no core, LLC or node in sysfs",
				 cpu);
			return -EINVAL;
		}
		l->nr_online++;
		l->cpu_to_core[cpu] = c->core;
		l->cpu_to_llc[cpu] = c->llc;
		l->cpu_to_node[cpu] = c->node;
		dom = kind == TOPO_DOM_NODE ? c->node : c->llc;
		l->cpu_to_dom[cpu] = dom;
		l->dom_nr_cpus[dom]++;
	}

	for (i = 0; i < l->nr_llcs; i++) {
		const struct sk_topo_group *g = sk_topo_group(topo, SK_TOPO_LLC,
							      i);

		if (!g)
			return -EINVAL;
		l->llc_to_node[i] = g->node;
		if (kind == TOPO_DOM_LLC)
			l->dom_to_node[i] = g->node;
	}
	if (kind == TOPO_DOM_NODE)
		for (i = 0; i < l->nr_doms; i++)
			l->dom_to_node[i] = i;

	l->smt = sk_topo_has_smt(topo);
	return 0;
}
