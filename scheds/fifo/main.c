// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_fifo loader: what is specific to the global FIFO scheduler (its
 * option, its stats, writing rodata). Everything else - checks, loading,
 * attaching, the main loop, exit reporting, restarts - is sk_sched_main().
 * The policy itself is described at the top of fifo.bpf.c.
 */
#include <errno.h>
#include <json-c/json.h>

#include <schedkit/sched.h>
#include <schedkit/stats.h>

#include "fifo.h"
#include "fifo.skel.h"

SK_SKEL_DEFINE(fifo_bpf);

/* 20 ms, the kernel's SCX_SLICE_DFL */
static __u64 slice_us = 20000;

static const struct sk_opt opts[] = {
	{ .name = "slice-us", .short_name = 's', .kind = SK_OPT_U64,
	  .arg = "US", .help = "time a task runs before the next in line",
	  /* below 100 us the switching overhead dominates; above 1 s the
	   * kernel's watchdog (30 s) gets close with a few CPU hogs queued */
	  .min = 100, .max = 1000000, .dest = &slice_us },
	SK_OPT_END,
};

/* Same order as struct fifo_counters. */
#define FIFO_COUNTER_FIELDS						\
	SK_STAT_COUNTER("local_dispatches", SK_UNIT_COUNT,		\
			"woken tasks sent straight to an idle CPU"),	\
	SK_STAT_COUNTER("global_dispatches", SK_UNIT_COUNT,		\
			"tasks appended to the shared queue"),		\
	SK_STAT_COUNTER("consumed", SK_UNIT_COUNT,			\
			"tasks CPUs took from the shared queue"),	\
	SK_STAT_COUNTER("queue_wait_ns", SK_UNIT_NS,			\
			"time tasks spent in the shared queue"),	\
	SK_STAT_COUNTER("queue_waits", SK_UNIT_COUNT,			\
			"tasks whose time in the queue was measured")

static const struct sk_stat_field cpu_fields[] = { FIFO_COUNTER_FIELDS };

_Static_assert(sizeof(cpu_fields) / sizeof(cpu_fields[0]) ==
	       sizeof(struct fifo_counters) / sizeof(__u64),
	       "stats fields and struct fifo_counters differ");

static const struct sk_stat_field top_fields[] = {
	FIFO_COUNTER_FIELDS,
	SK_STAT_GAUGE("avg_queue_wait_us", SK_STAT_TYPE_FLOAT, SK_UNIT_US,
		      "mean time in the shared queue since start"),
	SK_STAT_DICT("cpus", "FifoCpu", "the counters of each CPU"),
};

static const struct sk_stat_struct cpu_struct = {
	.name = "FifoCpu", .desc = "one CPU's scx_fifo counters",
	.om_prefix = "cpu_", .om_label = "cpu", SK_STAT_FIELDS(cpu_fields),
};

static const struct sk_stat_struct top_struct = {
	.name = "Fifo", .desc = "scx_fifo: global FIFO scheduler", .top = true,
	.om_prefix = "fifo_", SK_STAT_FIELDS(top_fields),
};

static const struct sk_stat_struct *const structs[] = {
	&top_struct, &cpu_struct, NULL,
};

static int add_avg_wait(struct sk_sched *sk, void *skel,
			struct json_object *top)
{
	struct json_object *ns, *n;
	double avg = 0;

	if (json_object_object_get_ex(top, "queue_wait_ns", &ns) &&
	    json_object_object_get_ex(top, "queue_waits", &n) &&
	    json_object_get_uint64(n))
		avg = json_object_get_uint64(ns) / 1000.0 /
		      json_object_get_uint64(n);
	return json_object_object_add(top, "avg_queue_wait_us",
				      json_object_new_double(avg)) ? -ENOMEM : 0;
}

static const char *const summary[] = {
	"local_dispatches", "global_dispatches", "avg_queue_wait_us", NULL,
};

static const struct sk_sched_stats stats = {
	.structs = structs,
	.counters_map = "counters",
	.cpu_struct = &cpu_struct,
	.cpu_dict = "cpus",
	.extend = add_avg_wait,
	.summary = summary,
};

static int configure(struct sk_sched *sk, void *skel)
{
	struct fifo_bpf *fifo = skel;

	fifo->rodata->slice_ns = slice_us * 1000;
	return 0;
}

static const struct sk_sched_desc desc = {
	.name = "fifo",
	.description = "Global FIFO: wake-ups go to idle CPUs, everything else waits in one shared queue.",
	.skel = SK_SKEL(fifo_bpf),
	.opts = opts,
	.configure = configure,
	.stats = &stats,
};

int main(int argc, char **argv)
{
	return sk_sched_main(&desc, argc, argv);
}
