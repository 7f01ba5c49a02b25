// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_topo loader: options, the domain maps written into rodata from the
 * topology on every (re)start, and per-domain stats. Everything else is
 * sk_sched_main(). The policy is described at the top of topo.bpf.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include <schedkit/sched.h>
#include <schedkit/stats.h>
#include <schedkit/topo.h>

#include "domains.h"
#include "topo_sched.h"
#include "topo.skel.h"

SK_SKEL_DEFINE(topo_bpf);

static __u64 slice_us = 20000;		/* the kernel's SCX_SLICE_DFL */
static __u32 steal_threshold = 1;
static __u32 numa_threshold = 4;
static __u32 balance_ms = 100;
static __u32 cache_hot_us = 500;	/* EEVDF's sched_migration_cost */
static const char *domain = "llc";

static const struct sk_opt opts[] = {
	{ .name = "slice-us", .short_name = 's', .kind = SK_OPT_U64,
	  .arg = "US", .help = "time a task runs before the next in its domain",
	  /* below 100 us switching dominates; above 1 s the 30 s watchdog
	   * gets close with a few hogs queued per CPU */
	  .min = 100, .max = 1000000, .dest = &slice_us },
	{ .name = "steal-threshold", .kind = SK_OPT_U32, .arg = "N",
	  .help = "tasks queued in a domain of its node before an idle CPU steals one",
	  .min = 1, .max = 1024, .dest = &steal_threshold },
	{ .name = "numa-threshold", .kind = SK_OPT_U32, .arg = "N",
	  .help = "tasks queued in another node's domain before an idle CPU steals across nodes",
	  .min = 1, .max = 1024, .dest = &numa_threshold },
	{ .name = "balance-ms", .kind = SK_OPT_U32, .arg = "MS",
	  .help = "period of the balancer that moves queued tasks between domains",
	  /* faster than 1 ms costs more than it balances; 10 s is as good
	   * as off while still bounding how long an imbalance lasts */
	  .min = 1, .max = 10000, .dest = &balance_ms },
	{ .name = "cache-hot-us", .kind = SK_OPT_U32, .arg = "US",
	  .help = "a task that ran this recently stays in its LLC rather than move to an idle CPU of another (0: never)",
	  /* past 100 ms every task of a busy machine counts as hot and
	   * only the balancer would ever move one */
	  .min = 0, .max = 100000, .dest = &cache_hot_us },
	{ .name = "domain", .short_name = 'd', .kind = SK_OPT_STR,
	  .arg = "llc|node", .help = "what one scheduling domain (one queue) covers",
	  .dest = &domain },
	SK_OPT_END,
};

static enum topo_dom_kind dom_kind;

static int check_opts(char *err, size_t err_len)
{
	if (topo_dom_kind_parse(domain, &dom_kind)) {
		snprintf(err, err_len,
			 "--domain must be 'llc' or 'node', not '%s'", domain);
		return -EINVAL;
	}
	if (numa_threshold < steal_threshold) {
		snprintf(err, err_len,
			 "--numa-threshold (%u) must not be below --steal-threshold (%u): crossing nodes costs more than crossing LLCs",
			 numa_threshold, steal_threshold);
		return -EINVAL;
	}
	return 0;
}

/*
 * The layout of the current run, for stats. Written by configure() before
 * the stats server of that run starts, read by it afterwards.
 */
static struct topo_layout layout;

static int configure(struct sk_sched *sk, void *skel)
{
	struct topo_bpf *t = skel;
	struct sk_topo *topo;
	char err[256] = "";
	int ret;

	ret = sk_topo_load(NULL, &topo);
	if (ret) {
		fprintf(stderr, "%s: cannot read the CPU topology from /sys: %s\n",
			sk_sched_prog(sk), strerror(-ret));
		return ret;
	}
	ret = topo_layout_build(topo, dom_kind, &layout, err, sizeof(err));
	sk_topo_free(topo);
	if (ret) {
		fprintf(stderr, "%s: %s\n", sk_sched_prog(sk), err);
		return ret;
	}

	t->rodata->slice_ns = slice_us * 1000;
	t->rodata->steal_thresh = steal_threshold;
	t->rodata->numa_thresh = numa_threshold;
	t->rodata->balance_ns = (__u64)balance_ms * 1000 * 1000;
	t->rodata->hot_ns = (__u64)cache_hot_us * 1000;
	t->rodata->nr_cpu_ids = layout.nr_cpu_ids;
	t->rodata->nr_llcs = layout.nr_llcs;
	t->rodata->nr_nodes = layout.nr_nodes;
	t->rodata->nr_doms = layout.nr_doms;
	t->rodata->dom_is_node = layout.kind == TOPO_DOM_NODE;
	t->rodata->smt = layout.smt;
	memcpy((void *)t->rodata->cpu_to_core, layout.cpu_to_core,
	       sizeof(layout.cpu_to_core));
	memcpy((void *)t->rodata->cpu_to_llc, layout.cpu_to_llc,
	       sizeof(layout.cpu_to_llc));
	memcpy((void *)t->rodata->cpu_to_node, layout.cpu_to_node,
	       sizeof(layout.cpu_to_node));
	memcpy((void *)t->rodata->cpu_to_dom, layout.cpu_to_dom,
	       sizeof(layout.cpu_to_dom));
	memcpy((void *)t->rodata->dom_to_node, layout.dom_to_node,
	       sizeof(layout.dom_to_node));
	memcpy((void *)t->rodata->dom_nr_cpus, layout.dom_nr_cpus,
	       sizeof(layout.dom_nr_cpus));

	if (!sk_sched_cli(sk)->quiet)
		fprintf(stderr, "%s: %u CPUs online, %u domains (one per %s), %u LLCs, %u nodes, %s\n",
			sk_sched_prog(sk), layout.nr_online, layout.nr_doms,
			layout.kind == TOPO_DOM_NODE ? "node" : "LLC",
			layout.nr_llcs, layout.nr_nodes,
			layout.smt ? "SMT" : "no SMT");
	return 0;
}

/* ---- stats -------------------------------------------------------------- */

/* Same order as struct topo_counters. */
#define TOPO_COUNTER_FIELDS						\
	SK_STAT_COUNTER("wake_prev", SK_UNIT_COUNT,			\
			"wake-ups placed on the idle previous CPU"),	\
	SK_STAT_COUNTER("wake_llc_core", SK_UNIT_COUNT,			\
			"wake-ups placed on a wholly idle core of the previous LLC"), \
	SK_STAT_COUNTER("wake_llc", SK_UNIT_COUNT,			\
			"wake-ups placed on an idle CPU of the previous LLC"), \
	SK_STAT_COUNTER("wake_waker_llc", SK_UNIT_COUNT,		\
			"sync wake-ups placed in the waker's LLC"),	\
	SK_STAT_COUNTER("wake_idle_llc", SK_UNIT_COUNT,			\
			"sync wake-ups of a steady partner placed in a wholly idle LLC of the node"), \
	SK_STAT_COUNTER("wake_waker_cpu", SK_UNIT_COUNT,		\
			"sync wake-ups queued for the waker's CPU"),	\
	SK_STAT_COUNTER("wake_node", SK_UNIT_COUNT,			\
			"wake-ups placed elsewhere in the previous node"), \
	SK_STAT_COUNTER("wake_any", SK_UNIT_COUNT,			\
			"wake-ups placed on an idle CPU of another node"), \
	SK_STAT_COUNTER("wake_queued", SK_UNIT_COUNT,			\
			"wake-ups that found no idle CPU and were queued"), \
	SK_STAT_COUNTER("fork_idle", SK_UNIT_COUNT,			\
			"new tasks started on an idle CPU of the domain with the most idle CPUs"), \
	SK_STAT_COUNTER("fork_queued", SK_UNIT_COUNT,			\
			"new tasks that found no idle CPU, queued in the domain with the fewest queued per CPU"), \
	SK_STAT_COUNTER("enqueued", SK_UNIT_COUNT,			\
			"tasks put on a domain queue"),			\
	SK_STAT_COUNTER("local_dispatches", SK_UNIT_COUNT,		\
			"tasks started on a CPU of the domain they were queued for"), \
	SK_STAT_COUNTER("remote_dispatches", SK_UNIT_COUNT,		\
			"tasks started on a CPU of another domain"),	\
	SK_STAT_COUNTER("steals_in", SK_UNIT_COUNT,			\
			"tasks idle CPUs took from another domain's queue"), \
	SK_STAT_COUNTER("numa_steals", SK_UNIT_COUNT,			\
			"of steals_in, those from another node"),	\
	SK_STAT_COUNTER("mig_same_core", SK_UNIT_COUNT,			\
			"task starts on an SMT sibling of its last CPU"), \
	SK_STAT_COUNTER("mig_same_llc", SK_UNIT_COUNT,			\
			"task starts on another core of its last LLC"),	\
	SK_STAT_COUNTER("mig_cross_llc", SK_UNIT_COUNT,			\
			"task starts in another LLC of its last node"),	\
	SK_STAT_COUNTER("mig_cross_node", SK_UNIT_COUNT,		\
			"task starts in another node"),			\
	SK_STAT_COUNTER("runs", SK_UNIT_COUNT, "task starts"),		\
	SK_STAT_COUNTER("busy_ns", SK_UNIT_NS, "time CPUs ran tasks"),	\
	SK_STAT_COUNTER("preempts", SK_UNIT_COUNT,			\
			"queued wakees that preempted a task of their domain"), \
	SK_STAT_COUNTER("renewed", SK_UNIT_COUNT,			\
			"slices renewed at their end, nothing queued in the domain being earlier")

#define NR_COUNTERS	(sizeof(struct topo_counters) / sizeof(__u64))
#define BUSY_NS		(offsetof(struct topo_counters, busy_ns) / sizeof(__u64))

static const struct sk_stat_field cpu_fields[] = { TOPO_COUNTER_FIELDS };

_Static_assert(sizeof(cpu_fields) / sizeof(cpu_fields[0]) == NR_COUNTERS,
	       "stats fields and struct topo_counters differ");

static const struct sk_stat_field dom_fields[] = {
	SK_STAT_GAUGE("node", SK_STAT_TYPE_U64, NULL,
		      "NUMA node (dense id) the domain belongs to"),
	SK_STAT_GAUGE("nr_cpus", SK_STAT_TYPE_U64, SK_UNIT_COUNT,
		      "online CPUs in the domain"),
	SK_STAT_STR("cpus", "the domain's CPUs as a kernel cpulist"),
	SK_STAT_GAUGE("load", SK_STAT_TYPE_FLOAT, NULL,
		      "running + queued tasks per CPU, averaged over ~4 balancer ticks"),
	SK_STAT_GAUGE("queued", SK_STAT_TYPE_U64, SK_UNIT_COUNT,
		      "tasks in the domain's queue at the last balancer tick"),
	TOPO_COUNTER_FIELDS,
	SK_STAT_COUNTER("steals_out", SK_UNIT_COUNT,
			"tasks other domains' idle CPUs took from this queue"),
	SK_STAT_COUNTER("moved_out", SK_UNIT_COUNT,
			"tasks the balancer moved to another domain"),
	SK_STAT_COUNTER("moved_in", SK_UNIT_COUNT,
			"tasks the balancer moved here"),
};

static const struct sk_stat_field top_fields[] = {
	TOPO_COUNTER_FIELDS,
	SK_STAT_STR("domain", "what a domain covers: llc or node"),
	SK_STAT_GAUGE("nr_doms", SK_STAT_TYPE_U64, SK_UNIT_COUNT,
		      "scheduling domains"),
	SK_STAT_GAUGE("nr_nodes", SK_STAT_TYPE_U64, SK_UNIT_COUNT,
		      "NUMA nodes with online CPUs"),
	SK_STAT_GAUGE("queued", SK_STAT_TYPE_U64, SK_UNIT_COUNT,
		      "tasks in all domain queues at the last balancer tick"),
	SK_STAT_COUNTER("steals_out", SK_UNIT_COUNT,
			"tasks taken from a domain queue by another domain's CPU"),
	SK_STAT_COUNTER("moved", SK_UNIT_COUNT,
			"tasks the periodic balancer moved between domains"),
	SK_STAT_GAUGE("wake_local_pct", SK_STAT_TYPE_FLOAT, SK_UNIT_PERCENT,
		      "of the wake-ups sent to an idle CPU, those in the previous or the waker's LLC"),
	SK_STAT_GAUGE("busy_imbalance", SK_STAT_TYPE_FLOAT, NULL,
		      "highest over lowest busy time per CPU among domains since start (0: a domain never ran)"),
	SK_STAT_DICT("doms", "TopoDom", "the counters of each domain"),
	SK_STAT_DICT("cpus", "TopoCpu", "the counters of each CPU"),
};

static const struct sk_stat_struct cpu_struct = {
	.name = "TopoCpu", .desc = "one CPU's scx_topo counters",
	.om_prefix = "cpu_", .om_label = "cpu", SK_STAT_FIELDS(cpu_fields),
};

static const struct sk_stat_struct dom_struct = {
	.name = "TopoDom",
	.desc = "one domain's scx_topo counters: the sum of its CPUs' plus its queue",
	.om_prefix = "dom_", .om_label = "dom", SK_STAT_FIELDS(dom_fields),
};

static const struct sk_stat_struct top_struct = {
	.name = "Topo", .desc = "scx_topo: topology-aware scheduler",
	.top = true, .om_prefix = "topo_", SK_STAT_FIELDS(top_fields),
};

static const struct sk_stat_struct *const structs[] = {
	&top_struct, &dom_struct, &cpu_struct, NULL,
};

static int add_u64(struct json_object *o, const char *key, uint64_t v)
{
	return json_object_object_add(o, key, json_object_new_uint64(v)) ?
	       -ENOMEM : 0;
}

static int add_double(struct json_object *o, const char *key, double v)
{
	return json_object_object_add(o, key, json_object_new_double(v)) ?
	       -ENOMEM : 0;
}

/* The CPUs of domain @dom as "0-3,8-11". */
static int add_cpulist(struct json_object *o, __u32 dom)
{
	uint64_t mask[SK_CPUMASK_WORDS(TOPO_MAX_CPUS)] = { 0 };
	char buf[1024];
	__u32 cpu;

	for (cpu = 0; cpu < layout.nr_cpu_ids; cpu++)
		if (layout.cpu_to_dom[cpu] == dom)
			sk_cpumask_set(mask, cpu);
	if (sk_cpulist_format(mask, layout.nr_cpu_ids, buf, sizeof(buf)) < 0)
		return -ENOSPC;
	return json_object_object_add(o, "cpus", json_object_new_string(buf)) ?
	       -ENOMEM : 0;
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_uint64(v) : 0;
}

/*
 * Sum the per-CPU counters the library already put in top["cpus"] by
 * domain, so each domain's numbers and the totals come from one snapshot
 * and add up exactly.
 */
static void sum_cpus_by_dom(struct json_object *top,
			    uint64_t sums[][NR_COUNTERS])
{
	struct json_object *cpus;
	unsigned int i;

	if (!json_object_object_get_ex(top, "cpus", &cpus))
		return;
	json_object_object_foreach(cpus, key, val) {
		unsigned long cpu = strtoul(key, NULL, 10);
		__u32 dom;

		if (cpu >= TOPO_MAX_CPUS || cpu >= layout.nr_cpu_ids)
			continue;
		dom = layout.cpu_to_dom[cpu];
		if (dom >= layout.nr_doms)
			continue;
		for (i = 0; i < NR_COUNTERS; i++)
			sums[dom][i] += get_u64(val, cpu_fields[i].name);
	}
}

/* Per-domain events, summed over the per-CPU copies; 0 when unreadable. */
static void read_dom_events(struct topo_bpf *t, struct topo_dom_events *ev)
{
	int nr = libbpf_num_possible_cpus(), c;
	struct topo_dom_events *vals;
	__u32 d;

	memset(ev, 0, sizeof(*ev) * TOPO_MAX_DOMS);
	if (nr <= 0)
		return;
	vals = calloc(nr, sizeof(*vals));
	if (!vals)
		return;
	for (d = 0; d < layout.nr_doms; d++) {
		if (bpf_map__lookup_elem(t->maps.dom_events, &d, sizeof(d), vals,
					 sizeof(*vals) * nr, 0))
			continue;
		for (c = 0; c < nr; c++) {
			ev[d].steals_out += vals[c].steals_out;
			ev[d].moved_out += vals[c].moved_out;
			ev[d].moved_in += vals[c].moved_in;
		}
	}
	free(vals);
}

static int add_domains(struct sk_sched *sk, void *skel, struct json_object *top)
{
	static uint64_t sums[TOPO_MAX_DOMS][NR_COUNTERS];
	static struct topo_dom_events ev[TOPO_MAX_DOMS];
	struct topo_bpf *t = skel;
	struct json_object *doms, *d;
	uint64_t queued = 0, steals_out = 0, moved = 0, wakes, local;
	double lo = 0, hi = 0, busy;
	bool first = true;
	char key[16];
	__u32 i, j;
	int ret = 0;

	memset(sums, 0, sizeof(sums));
	sum_cpus_by_dom(top, sums);
	read_dom_events(t, ev);

	doms = json_object_new_object();
	if (!doms)
		return -ENOMEM;
	for (i = 0; i < layout.nr_doms && !ret; i++) {
		d = json_object_new_object();
		if (!d) {
			ret = -ENOMEM;
			break;
		}
		snprintf(key, sizeof(key), "%u", i);
		json_object_object_add(doms, key, d);
		ret |= add_u64(d, "node", layout.dom_to_node[i]);
		ret |= add_u64(d, "nr_cpus", layout.dom_nr_cpus[i]);
		ret |= add_cpulist(d, i);
		ret |= add_double(d, "load", t->bss->dom_load[i] / 1000.0);
		ret |= add_u64(d, "queued", t->bss->dom_queued[i]);
		for (j = 0; j < NR_COUNTERS; j++)
			ret |= add_u64(d, cpu_fields[j].name, sums[i][j]);
		ret |= add_u64(d, "steals_out", ev[i].steals_out);
		ret |= add_u64(d, "moved_out", ev[i].moved_out);
		ret |= add_u64(d, "moved_in", ev[i].moved_in);

		queued += t->bss->dom_queued[i];
		steals_out += ev[i].steals_out;
		moved += ev[i].moved_out;
		if (layout.dom_nr_cpus[i]) {
			busy = (double)sums[i][BUSY_NS] / layout.dom_nr_cpus[i];
			if (first || busy < lo)
				lo = busy;
			if (first || busy > hi)
				hi = busy;
			first = false;
		}
	}
	if (ret) {
		json_object_put(doms);
		return -ENOMEM;
	}

	/* queued wake-ups are left out: where they run is the stealer's say */
	wakes = get_u64(top, "wake_prev") + get_u64(top, "wake_llc_core") +
		get_u64(top, "wake_llc") + get_u64(top, "wake_waker_llc") +
		get_u64(top, "wake_waker_cpu");
	local = wakes;
	wakes += get_u64(top, "wake_idle_llc") + get_u64(top, "wake_node") +
		 get_u64(top, "wake_any");

	ret |= json_object_object_add(top, "domain", json_object_new_string(
				layout.kind == TOPO_DOM_NODE ? "node" : "llc"));
	ret |= add_u64(top, "nr_doms", layout.nr_doms);
	ret |= add_u64(top, "nr_nodes", layout.nr_nodes);
	ret |= add_u64(top, "queued", queued);
	ret |= add_u64(top, "steals_out", steals_out);
	ret |= add_u64(top, "moved", moved);
	ret |= add_double(top, "wake_local_pct",
			  wakes ? 100.0 * local / wakes : 0);
	ret |= add_double(top, "busy_imbalance", lo > 0 ? hi / lo : 0);
	ret |= json_object_object_add(top, "doms", doms);
	return ret ? -ENOMEM : 0;
}

static const char *const summary[] = {
	"runs", "wake_local_pct", "steals_in", "mig_cross_llc",
	"mig_cross_node", "moved", "queued", NULL,
};

static const struct sk_sched_stats stats = {
	.structs = structs,
	.counters_map = "counters",
	.cpu_struct = &cpu_struct,
	.cpu_dict = "cpus",
	.extend = add_domains,
	.summary = summary,
};

static const struct sk_sched_desc desc = {
	.name = "topo",
	.description = "Topology-aware: one vtime queue per LLC (or node), wake-ups kept near their caches, stealing and balancing within nodes first.",
	.skel = SK_SKEL(topo_bpf),
	.opts = opts,
	.check_opts = check_opts,
	.configure = configure,
	.stats = &stats,
};

int main(int argc, char **argv)
{
	return sk_sched_main(&desc, argc, argv);
}
