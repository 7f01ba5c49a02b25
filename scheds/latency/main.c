// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_latency loader: what is specific to the latency-aware deadline
 * scheduler (its options and their cross-check, its stats, the topology
 * and options it writes to rodata). Everything else - checks, loading,
 * attaching, the main loop, exit reporting, restarts - is sk_sched_main().
 * The policy itself is described at the top of latency.bpf.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include <schedkit/counters.h>
#include <schedkit/sched.h>
#include <schedkit/stats.h>
#include <schedkit/topo.h>

#include "latency.h"
#include "latency.skel.h"

SK_SKEL_DEFINE(latency_bpf);

/*
 * Defaults: 5 ms for batch work is long enough that switching costs are
 * noise, short enough that a queue of hogs turns over quickly; 250 us for
 * the most critical tasks is about what a wake-up, a little work and a
 * context switch take, so shorter would only add switches.
 */
static __u64 slice_min_us = 250;
static __u64 slice_max_us = 5000;
static __u32 lat_weight = 100;
static bool no_preempt;

static const struct sk_opt opts[] = {
	/*
	 * Below 10 us a slice is mostly switching overhead. Above 50 ms the
	 * deadline offset cap (LAT_DL_MAX_NS) would flatten differences.
	 */
	{ .name = "slice-min-us", .kind = SK_OPT_U64, .arg = "US",
	  .help = "slice of the most latency-critical tasks; also the most credit a sleeper keeps",
	  .min = 10, .max = 50000, .dest = &slice_min_us },
	{ .name = "slice-max-us", .kind = SK_OPT_U64, .arg = "US",
	  .help = "slice of batch tasks",
	  .min = 100, .max = 50000, .dest = &slice_max_us },
	{ .name = "lat-weight", .kind = SK_OPT_U32, .arg = "PCT",
	  .help = "how much criticality shortens slices (0: plain weighted-fair deadlines)",
	  .min = 0, .max = 400, .dest = &lat_weight },
	{ .name = "no-preempt", .kind = SK_OPT_FLAG,
	  .help = "never preempt a running task on wake-up",
	  .dest = &no_preempt },
	SK_OPT_END,
};

/* Same order as struct lat_counters. */
#define LAT_COUNTER_FIELDS						\
	SK_STAT_COUNTER("wakeups", SK_UNIT_COUNT, "tasks woken up"),	\
	SK_STAT_COUNTER("sync_wakeups", SK_UNIT_COUNT,			\
			"wake-ups whose waker said it is about to sleep (never preempt)"), \
	SK_STAT_COUNTER("inherited", SK_UNIT_COUNT,			\
			"wake-ups that raised the wakee's criticality to a share of the waker's"), \
	SK_STAT_COUNTER("direct_dispatches", SK_UNIT_COUNT,		\
			"woken tasks sent straight to an idle CPU"),	\
	SK_STAT_COUNTER("queued", SK_UNIT_COUNT,			\
			"tasks put on a CPU's deadline-ordered queue"),	\
	SK_STAT_COUNTER("skipped_queue", SK_UNIT_COUNT,			\
			"tasks put straight into a busy CPU's local queue, next in line"), \
	SK_STAT_COUNTER("consumed", SK_UNIT_COUNT,			\
			"tasks CPUs took from their own queue"),	\
	SK_STAT_COUNTER("stolen", SK_UNIT_COUNT,			\
			"tasks CPUs took from another CPU's queue"),	\
	SK_STAT_COUNTER("preemptions", SK_UNIT_COUNT,			\
			"CPUs made to run an earlier deadline at once"), \
	SK_STAT_COUNTER("preempted_here", SK_UNIT_COUNT,		\
			"of those, the CPU doing the wake-up, rescheduled without a kick"), \
	SK_STAT_COUNTER("refills", SK_UNIT_COUNT,			\
			"slices renewed because nothing earlier was queued"), \
	SK_STAT_COUNTER("yields", SK_UNIT_COUNT, "sched_yield() calls"), \
	SK_STAT_COUNTER("rescued", SK_UNIT_COUNT,			\
			"tasks run out of order after waiting over 1 s"), \
	SK_STAT_COUNTER("slices", SK_UNIT_COUNT, "slices assigned"),	\
	SK_STAT_COUNTER("slice_ns", SK_UNIT_NS,				\
			"total length of the slices assigned"),		\
	SK_STAT_COUNTER("slices_short", SK_UNIT_COUNT,			\
			"slices in the lowest quarter of [slice-min, slice-max]"), \
	SK_STAT_COUNTER("slices_long", SK_UNIT_COUNT,			\
			"slices in the highest quarter of [slice-min, slice-max]"), \
	SK_STAT_COUNTER("crit_sum", SK_UNIT_COUNT,			\
			"criticality (0-1024) at each slice assignment, summed"), \
	SK_STAT_COUNTER("delays", SK_UNIT_COUNT,			\
			"runnable-to-running delays measured"),		\
	SK_STAT_COUNTER("delay_ns", SK_UNIT_NS,				\
			"total runnable-to-running delay")

static const struct sk_stat_field cpu_fields[] = { LAT_COUNTER_FIELDS };

_Static_assert(sizeof(cpu_fields) / sizeof(cpu_fields[0]) ==
	       sizeof(struct lat_counters) / sizeof(__u64),
	       "stats fields and struct lat_counters differ");

static const struct sk_stat_field top_fields[] = {
	LAT_COUNTER_FIELDS,
	SK_STAT_GAUGE("avg_slice_us", SK_STAT_TYPE_FLOAT, SK_UNIT_US,
		      "mean slice assigned since start"),
	SK_STAT_GAUGE("avg_crit", SK_STAT_TYPE_FLOAT, SK_UNIT_COUNT,
		      "mean criticality (0-1024) at slice assignment since start"),
	SK_STAT_GAUGE("avg_delay_us", SK_STAT_TYPE_FLOAT, SK_UNIT_US,
		      "mean runnable-to-running delay since start"),
	SK_STAT_GAUGE("p50_us", SK_STAT_TYPE_FLOAT, SK_UNIT_US,
		      "median runnable-to-running delay since start, from delay_hist"),
	SK_STAT_GAUGE("p99_us", SK_STAT_TYPE_FLOAT, SK_UNIT_US,
		      "99th percentile runnable-to-running delay since start, from delay_hist"),
	{ .name = "delay_hist", .shape = SK_STAT_SHAPE_ARRAY,
	  .type = SK_STAT_TYPE_U64, .unit = SK_UNIT_COUNT,
	  .kind = SK_STAT_KIND_COUNTER,
	  .desc = "runnable-to-running delays by log2 bucket: [0] < 1024 ns, [i] in [2^(9+i), 2^(10+i)) ns, the last one open-ended" },
	{ .name = "delay_hist_lower_ns", .shape = SK_STAT_SHAPE_ARRAY,
	  .type = SK_STAT_TYPE_U64, .unit = SK_UNIT_NS,
	  .kind = SK_STAT_KIND_GAUGE, .om_skip = true,
	  .desc = "lower bound of each delay_hist bucket" },
	SK_STAT_DICT("cpus", "LatencyCpu", "the counters of each CPU"),
};

static const struct sk_stat_struct cpu_struct = {
	.name = "LatencyCpu", .desc = "one CPU's scx_latency counters",
	.om_prefix = "cpu_", .om_label = "cpu", SK_STAT_FIELDS(cpu_fields),
};

static const struct sk_stat_struct top_struct = {
	.name = "Latency",
	.desc = "scx_latency: latency-aware virtual-deadline scheduler",
	.top = true, .om_prefix = "latency_", SK_STAT_FIELDS(top_fields),
};

static const struct sk_stat_struct *const structs[] = {
	&top_struct, &cpu_struct, NULL,
};

static __u64 get_u64(struct json_object *top, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(top, name, &v))
		return 0;
	return json_object_get_uint64(v);
}

static double ratio(__u64 num, __u64 den, double scale)
{
	return den ? (double)num / (double)den / scale : 0;
}

static int add_double(struct json_object *top, const char *name, double v)
{
	return json_object_object_add(top, name, json_object_new_double(v)) ?
	       -ENOMEM : 0;
}

/* A JSON array of @n u64s. */
static struct json_object *u64_array(const __u64 *vals, int n)
{
	struct json_object *a = json_object_new_array_ext(n);
	int i;

	if (!a)
		return NULL;
	for (i = 0; i < n; i++) {
		if (json_object_array_add(a, json_object_new_uint64(vals[i]))) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* Averages and percentiles derived from the counters and the histogram. */
static int add_derived(struct sk_sched *sk, void *skel,
		       struct json_object *top)
{
	struct latency_bpf *lat = skel;
	__u64 hist[LAT_HIST_BUCKETS] = {}, lower[LAT_HIST_BUCKETS];
	struct json_object *a;
	uint64_t *vals = NULL;
	int nr_cpus, nr_vals, cpu, i, ret;

	ret = sk_counters_read(lat->maps.delay_hist, &vals, &nr_cpus, &nr_vals);
	if (ret)
		return ret;
	for (cpu = 0; cpu < nr_cpus; cpu++)
		for (i = 0; i < nr_vals && i < (int)LAT_HIST_BUCKETS; i++)
			hist[i] += vals[cpu * nr_vals + i];
	free(vals);
	for (i = 0; i < (int)LAT_HIST_BUCKETS; i++)
		lower[i] = lat_hist_lower_ns(i);

	ret = add_double(top, "avg_slice_us",
			 ratio(get_u64(top, "slice_ns"), get_u64(top, "slices"), 1000));
	ret = ret ?: add_double(top, "avg_crit",
				ratio(get_u64(top, "crit_sum"), get_u64(top, "slices"), 1));
	ret = ret ?: add_double(top, "avg_delay_us",
				ratio(get_u64(top, "delay_ns"), get_u64(top, "delays"), 1000));
	ret = ret ?: add_double(top, "p50_us", lat_hist_percentile(hist, 50) / 1000);
	ret = ret ?: add_double(top, "p99_us", lat_hist_percentile(hist, 99) / 1000);
	if (ret)
		return ret;

	a = u64_array(hist, LAT_HIST_BUCKETS);
	if (!a || json_object_object_add(top, "delay_hist", a))
		goto nomem;
	a = u64_array(lower, LAT_HIST_BUCKETS);
	if (!a || json_object_object_add(top, "delay_hist_lower_ns", a))
		goto nomem;
	return 0;
nomem:
	json_object_put(a);
	return -ENOMEM;
}

static const char *const summary[] = {
	"wakeups", "direct_dispatches", "preemptions", "avg_slice_us",
	"p50_us", "p99_us", NULL,
};

static const struct sk_sched_stats stats = {
	.structs = structs,
	.counters_map = "counters",
	.cpu_struct = &cpu_struct,
	.cpu_dict = "cpus",
	.extend = add_derived,
	.summary = summary,
};

/*
 * near_cpus[cpu]: its SMT siblings, then the rest of its LLC starting
 * after it (so neighbours do not all search the same CPUs first), as
 * ids + 1; 0 ends a list. CPUs the topology does not know keep empty
 * lists and fall back to a machine-wide search.
 */
static void fill_near_cpus(struct latency_bpf *lat, const struct sk_topo *topo)
{
	uint32_t nr = sk_topo_nr_cpu_ids(topo), cpu, i;

	if (nr > LAT_MAX_CPUS)
		nr = LAT_MAX_CPUS;
	for (cpu = 0; cpu < nr; cpu++) {
		const struct sk_topo_group *core, *llc;
		volatile __u16 *near = lat->rodata->near_cpus[cpu];
		int core_id = sk_topo_core_of(topo, cpu);
		int llc_id = sk_topo_llc_of(topo, cpu);
		uint32_t n = 0, start;

		if (core_id < 0 || llc_id < 0)
			continue;
		core = sk_topo_group(topo, SK_TOPO_CORE, core_id);
		llc = sk_topo_group(topo, SK_TOPO_LLC, llc_id);
		if (!core || !llc)
			continue;

		if (llc->nr_cpus - 1 <= LAT_NEAR_MAX)
			lat->rodata->near_llc[cpu] = llc_id + 1;
		for (i = 0; i < core->nr_cpus && n < LAT_NEAR_MAX; i++)
			if (core->cpus[i] != cpu && core->cpus[i] < LAT_MAX_CPUS)
				near[n++] = core->cpus[i] + 1;

		for (start = 0; start < llc->nr_cpus; start++)
			if (llc->cpus[start] == cpu)
				break;
		for (i = 1; i <= llc->nr_cpus && n < LAT_NEAR_MAX; i++) {
			uint32_t c = llc->cpus[(start + i) % llc->nr_cpus];

			if (c == cpu || c >= LAT_MAX_CPUS ||
			    sk_topo_core_of(topo, c) == core_id)
				continue;
			near[n++] = c + 1;
		}
	}
}

static int configure(struct sk_sched *sk, void *skel)
{
	struct latency_bpf *lat = skel;
	struct sk_topo *topo;
	int ret;

	lat->rodata->slice_min_ns = slice_min_us * 1000;
	lat->rodata->slice_max_ns = slice_max_us * 1000;
	lat->rodata->lat_weight = lat_weight;
	lat->rodata->preempt = !no_preempt;

	ret = sk_topo_load(NULL, &topo);
	if (ret) {
		fprintf(stderr, "%s: CPU topology unreadable (%s); wake-ups will not prefer cache neighbours\n",
			sk_sched_prog(sk), strerror(-ret));
		return 0;
	}
	fill_near_cpus(lat, topo);
	lat->rodata->smt = sk_topo_has_smt(topo);
	sk_topo_free(topo);
	return 0;
}

/*
 * The library checks each option's range; the pair is checked here, right
 * after parsing, so that it is reported like any other usage error: at
 * once, in one line, with status 2, on any machine.
 */
static int check_opts(char *err, size_t err_len)
{
	if (slice_min_us <= slice_max_us)
		return 0;
	snprintf(err, err_len,
		 "--slice-min-us (%llu) must not exceed --slice-max-us (%llu): lower the one or raise the other",
		 (unsigned long long)slice_min_us,
		 (unsigned long long)slice_max_us);
	return -EINVAL;
}

static const struct sk_sched_desc desc = {
	.name = "latency",
	.description = "Latency-aware virtual deadlines: weighted-fair vruntime, slices that shrink for latency-critical tasks, wake-up preemption.",
	.skel = SK_SKEL(latency_bpf),
	.opts = opts,
	.check_opts = check_opts,
	.configure = configure,
	.stats = &stats,
};

int main(int argc, char **argv)
{
	return sk_sched_main(&desc, argc, argv);
}
