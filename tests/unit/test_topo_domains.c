// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for scx_topo's host-side and shared logic: domain maps built
 * from the fake sysfs trees of tests/fixtures/mk-sysfs.sh
 * (scheds/topo/domains.c), and the decisions of scheds/topo/topo_policy.h
 * that the BPF scheduler compiles too: wake-up placement order, whom an
 * idle CPU steals from, the balancer's plan, migration classes and vtime
 * rebasing between domains.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domains.h"
#include "topo_policy.h"

#define NONE	TOPO_NONE

static struct topo_layout layout;

static void build(const char *fixture, enum topo_dom_kind kind)
{
	const char *dir = getenv("SK_FIXTURES");
	char root[4096], err[256] = "";
	struct sk_topo *topo;

	if (!dir)
		fail_msg("SK_FIXTURES is not set: run under meson test");
	snprintf(root, sizeof(root), "%s/sysfs/%s", dir, fixture);
	assert_int_equal(sk_topo_load(root, &topo), 0);
	assert_int_equal(topo_layout_build(topo, kind, &layout, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "");
	sk_topo_free(topo);
}

/* Asserts cpu_to_dom[] over the first nr entries equals @want. */
static void assert_doms(const __u32 *want, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (layout.cpu_to_dom[i] != want[i])
			fail_msg("cpu %u: domain %u, expected %u", i,
				 layout.cpu_to_dom[i], want[i]);
	}
	for (; i < TOPO_MAX_CPUS; i++)
		assert_int_equal(layout.cpu_to_dom[i], NONE);
}

/* ---- domains from sysfs ------------------------------------------------ */

static void test_domains_single_llc_is_one_domain(void **state)
{
	const __u32 want[] = { 0, 0, 0, 0 };

	build("single-4cpu", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_cpu_ids, 4);
	assert_int_equal(layout.nr_online, 4);
	assert_int_equal(layout.nr_doms, 1);
	assert_int_equal(layout.nr_nodes, 1);
	assert_int_equal(layout.dom_nr_cpus[0], 4);
	assert_int_equal(layout.dom_to_node[0], 0);
	assert_false(layout.smt);
	assert_doms(want, 4);
}

static void test_domains_two_sockets_give_one_llc_domain_per_node(void **state)
{
	/* cpu N and N+8 are SMT siblings; cpus 0-3,8-11 are socket 0 */
	const __u32 want[] = { 0, 0, 0, 0, 1, 1, 1, 1,
			       0, 0, 0, 0, 1, 1, 1, 1 };

	build("two-socket-smt2", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_doms, 2);
	assert_int_equal(layout.nr_llcs, 2);
	/* the CPU-less memory node 2 is no CPU node */
	assert_int_equal(layout.nr_nodes, 2);
	assert_true(layout.smt);
	assert_doms(want, 16);
	assert_int_equal(layout.dom_to_node[0], 0);
	assert_int_equal(layout.dom_to_node[1], 1);
	assert_int_equal(layout.dom_to_node[2], NONE);
	assert_int_equal(layout.dom_nr_cpus[0], 8);
	assert_int_equal(layout.dom_nr_cpus[1], 8);
	assert_int_equal(layout.cpu_to_core[0], layout.cpu_to_core[8]);
	assert_int_not_equal(layout.cpu_to_core[0], layout.cpu_to_core[1]);
	assert_int_equal(layout.cpu_to_node[12], 1);
}

static void test_domains_node_kind_merges_llcs_of_a_node(void **state)
{
	const __u32 want[] = { 0, 0, 0, 0, 0, 0, 0, 0 };

	build("ccx-2llc", TOPO_DOM_NODE);
	assert_int_equal(layout.nr_llcs, 2);
	assert_int_equal(layout.nr_doms, 1);
	assert_int_equal(layout.dom_nr_cpus[0], 8);
	assert_int_equal(layout.kind, TOPO_DOM_NODE);
	assert_doms(want, 8);
	/* placement still sees both LLCs */
	assert_int_not_equal(layout.cpu_to_llc[0], layout.cpu_to_llc[2]);
	assert_int_equal(layout.cpu_to_llc[0], layout.cpu_to_llc[5]);
}

static void test_domains_follow_noncontiguous_llc_lists(void **state)
{
	/* L3 0 holds 0-1,4-5 and L3 1 holds 2-3,6-7 */
	const __u32 want[] = { 0, 0, 1, 1, 0, 0, 1, 1 };

	build("ccx-2llc", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_doms, 2);
	assert_int_equal(layout.llc_to_node[0], 0);
	assert_int_equal(layout.llc_to_node[1], 0);
	assert_doms(want, 8);
}

static void test_domains_leave_offline_cpus_out(void **state)
{
	const __u32 want[] = { 0, 0, 0, 0, 0, 0, NONE, NONE, NONE, NONE,
			       NONE, NONE };

	build("offline-cpus", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_cpu_ids, 12);
	assert_int_equal(layout.nr_online, 6);
	assert_int_equal(layout.dom_nr_cpus[0], 6);
	assert_int_equal(layout.cpu_to_llc[6], NONE);
	assert_int_equal(layout.cpu_to_node[7], NONE);
	assert_doms(want, 12);
}

static void test_domains_skip_absent_cpu_ids(void **state)
{
	/* present 0-1,4-5; the L2 of each cluster is its LLC */
	const __u32 want[] = { 0, 0, NONE, NONE, 1, 1, NONE, NONE };

	build("noncontig-biglittle", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_doms, 2);
	assert_int_equal(layout.dom_nr_cpus[0], 2);
	assert_int_equal(layout.dom_nr_cpus[1], 2);
	assert_false(layout.smt);
	assert_doms(want, 8);
}

static void test_domains_without_cache_info_use_packages(void **state)
{
	const __u32 want[] = { 0, 0, 0, 0, 1, 1, 1, 1 };

	build("no-cache-no-numa", TOPO_DOM_LLC);
	assert_int_equal(layout.nr_doms, 2);
	assert_int_equal(layout.nr_nodes, 1);
	assert_true(layout.smt);
	assert_doms(want, 8);
}

static void test_dom_kind_parse_accepts_only_llc_and_node(void **state)
{
	enum topo_dom_kind k;

	assert_int_equal(topo_dom_kind_parse("llc", &k), 0);
	assert_int_equal(k, TOPO_DOM_LLC);
	assert_int_equal(topo_dom_kind_parse("node", &k), 0);
	assert_int_equal(k, TOPO_DOM_NODE);
	assert_int_equal(topo_dom_kind_parse("LLC", &k), -EINVAL);
	assert_int_equal(topo_dom_kind_parse("", &k), -EINVAL);
}

/* ---- placement order --------------------------------------------------- */

/* SMT, two nodes: an asynchronous wake-up... */
static const struct topo_wake plain = { .smt = true, .nr_nodes = 2 };
/* ...a synchronous one from the same LLC... */
static const struct topo_wake sync_same = {
	.smt = true,
	.nr_nodes = 2,
	.sync = true,
};
/* ...one from another LLC... */
static const struct topo_wake sync_other = {
	.smt = true,
	.nr_nodes = 2,
	.sync = true,
	.other_llc = true,
};
/* ...and one from a steady partner there (topo_wake_affine()) */
static const struct topo_wake partner = {
	.smt = true,
	.nr_nodes = 2,
	.sync = true,
	.other_llc = true,
	.affine = true,
	.steady = true,
};

static enum topo_step place_only(enum topo_step hit, const struct topo_wake *w)
{
	bool found[TOPO_NR_STEPS] = { false };

	found[hit] = true;
	return topo_place(found, w);
}

/* Every step topo_step_next() leads @w through, QUEUE excluded. */
static void assert_order(const struct topo_wake *w,
			 const enum topo_step *want, unsigned int nr)
{
	enum topo_step s = topo_step_first(w);
	unsigned int i;

	for (i = 0; i < TOPO_NR_STEPS && s != TOPO_STEP_QUEUE; i++) {
		assert_in_range(i, 0, nr - 1);
		assert_int_equal(s, want[i]);
		s = topo_step_next(s, w);
	}
	assert_int_equal(s, TOPO_STEP_QUEUE);
	assert_int_equal(i, nr);
}

#define ASSERT_ORDER(w, ...)						\
	do {								\
		const enum topo_step want_[] = { __VA_ARGS__ };		\
		assert_order(w, want_, sizeof(want_) / sizeof(*want_));	\
	} while (0)

static void test_place_prefers_idle_previous_cpu(void **state)
{
	bool found[TOPO_NR_STEPS];

	memset(found, 1, sizeof(found));
	assert_int_equal(topo_place(found, &sync_other), TOPO_STEP_PREV);
}

static void test_place_walks_steps_in_order(void **state)
{
	bool found[TOPO_NR_STEPS] = { false };
	const enum topo_step order[] = {
		TOPO_STEP_ANY, TOPO_STEP_NODE, TOPO_STEP_WAKER_CPU,
		TOPO_STEP_WAKER_LLC, TOPO_STEP_LLC, TOPO_STEP_LLC_CORE,
		TOPO_STEP_PREV,
	};
	unsigned int i;

	/* switch steps on from the last: each new one must win */
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		found[order[i]] = true;
		assert_int_equal(topo_place(found, &sync_other), order[i]);
	}
}

static void test_place_tries_any_cpu_only_with_several_nodes(void **state)
{
	struct topo_wake one = plain, nosmt = plain;

	one.nr_nodes = 1;
	ASSERT_ORDER(&one, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE, TOPO_STEP_LLC,
		     TOPO_STEP_NODE);
	ASSERT_ORDER(&plain, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE,
		     TOPO_STEP_LLC, TOPO_STEP_NODE, TOPO_STEP_ANY);
	assert_int_equal(place_only(TOPO_STEP_ANY, &one), TOPO_STEP_QUEUE);
	assert_int_equal(place_only(TOPO_STEP_ANY, &plain), TOPO_STEP_ANY);

	nosmt.smt = false;
	nosmt.nr_nodes = 1;
	ASSERT_ORDER(&nosmt, TOPO_STEP_PREV, TOPO_STEP_LLC, TOPO_STEP_NODE);

	/* the waker's LLC keeps its place in the shorter order */
	one = sync_other;
	one.nr_nodes = 1;
	ASSERT_ORDER(&one, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE, TOPO_STEP_LLC,
		     TOPO_STEP_WAKER_LLC, TOPO_STEP_WAKER_CPU, TOPO_STEP_NODE);
	ASSERT_ORDER(&sync_other, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE,
		     TOPO_STEP_LLC, TOPO_STEP_WAKER_LLC, TOPO_STEP_WAKER_CPU,
		     TOPO_STEP_NODE, TOPO_STEP_ANY);
}

static void test_place_skips_core_search_without_smt(void **state)
{
	struct topo_wake nosmt = plain;

	nosmt.smt = false;
	assert_int_equal(place_only(TOPO_STEP_LLC_CORE, &nosmt),
			 TOPO_STEP_QUEUE);
	assert_int_equal(place_only(TOPO_STEP_LLC_CORE, &plain),
			 TOPO_STEP_LLC_CORE);
}

static void test_place_tries_waker_llc_only_for_sync_elsewhere(void **state)
{
	bool found[TOPO_NR_STEPS] = { false };

	assert_int_equal(place_only(TOPO_STEP_WAKER_LLC, &plain),
			 TOPO_STEP_QUEUE);
	/* the waker's LLC comes before the rest of the node */
	found[TOPO_STEP_WAKER_LLC] = true;
	found[TOPO_STEP_NODE] = true;
	assert_int_equal(topo_place(found, &sync_other), TOPO_STEP_WAKER_LLC);
	assert_int_equal(topo_place(found, &plain), TOPO_STEP_NODE);
}

/*
 * A sync waker is about to sleep: with nothing queued in its domain its
 * own CPU is as good as idle and comes before any CPU of another LLC, for
 * any sync wake-up, and for no other.
 */
static void test_place_counts_sync_waker_cpu_before_other_llcs(void **state)
{
	bool found[TOPO_NR_STEPS] = { false };

	ASSERT_ORDER(&sync_same, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE,
		     TOPO_STEP_LLC, TOPO_STEP_WAKER_CPU, TOPO_STEP_NODE,
		     TOPO_STEP_ANY);
	assert_int_equal(place_only(TOPO_STEP_WAKER_CPU, &plain),
			 TOPO_STEP_QUEUE);
	found[TOPO_STEP_WAKER_CPU] = true;
	found[TOPO_STEP_NODE] = true;
	found[TOPO_STEP_ANY] = true;
	assert_int_equal(topo_place(found, &sync_same), TOPO_STEP_WAKER_CPU);
	assert_int_equal(topo_place(found, &sync_other), TOPO_STEP_WAKER_CPU);
	assert_int_equal(topo_place(found, &partner), TOPO_STEP_WAKER_CPU);
	assert_int_equal(topo_place(found, &plain), TOPO_STEP_NODE);
	/* but an idle CPU in the previous LLC still wins */
	found[TOPO_STEP_LLC] = true;
	assert_int_equal(topo_place(found, &sync_same), TOPO_STEP_LLC);
}

static void test_place_pulls_steady_partner_to_waker_llc(void **state)
{
	bool found[TOPO_NR_STEPS];
	const enum topo_step order[] = {
		TOPO_STEP_WAKER_CPU, TOPO_STEP_LLC, TOPO_STEP_LLC_CORE,
		TOPO_STEP_PREV, TOPO_STEP_WAKER_LLC,
	};
	unsigned int i;

	/* steady: a sync wake-up by the same thread as last time */
	assert_true(topo_wake_steady(true, 42, 42));
	assert_false(topo_wake_steady(true, 42, 43));
	assert_false(topo_wake_steady(false, 42, 42));
	assert_false(topo_wake_steady(true, 0, 0));

	/* same waker twice, from another LLC: affine */
	assert_true(topo_wake_affine(true, 1, 0, 42, 42));
	/* a different waker, an async wake-up, the same LLC, no waker */
	assert_false(topo_wake_affine(true, 1, 0, 42, 43));
	assert_false(topo_wake_affine(false, 1, 0, 42, 42));
	assert_false(topo_wake_affine(true, 0, 0, 42, 42));
	assert_false(topo_wake_affine(true, 1, 0, 0, 0));

	/* affine: the waker's LLC beats even an idle previous CPU... */
	memset(found, 1, sizeof(found));
	assert_int_equal(topo_place(found, &partner), TOPO_STEP_WAKER_LLC);
	/* ...and when it has no idle CPU, the usual order follows */
	memset(found, 0, sizeof(found));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		found[order[i]] = true;
		assert_int_equal(topo_place(found, &partner), order[i]);
	}
	memset(found, 0, sizeof(found));
	assert_int_equal(topo_place(found, &partner), TOPO_STEP_QUEUE);
}

/*
 * A steady partner, whether its waker runs in another LLC or in its own,
 * waits in the pair's LLCs for the waker's CPU rather than take an idle
 * CPU of another LLC, which its partner would follow it to; only a wholly
 * idle LLC comes before the waker's CPU.
 */
static void test_place_keeps_steady_partner_in_the_pairs_llcs(void **state)
{
	struct topo_wake same = sync_same;

	same.steady = true;
	ASSERT_ORDER(&partner, TOPO_STEP_WAKER_LLC, TOPO_STEP_PREV,
		     TOPO_STEP_LLC_CORE, TOPO_STEP_LLC, TOPO_STEP_IDLE_LLC,
		     TOPO_STEP_WAKER_CPU);
	ASSERT_ORDER(&same, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE, TOPO_STEP_LLC,
		     TOPO_STEP_IDLE_LLC, TOPO_STEP_WAKER_CPU);
	assert_int_equal(place_only(TOPO_STEP_NODE, &same), TOPO_STEP_QUEUE);
	assert_int_equal(place_only(TOPO_STEP_ANY, &partner), TOPO_STEP_QUEUE);
	/* a sync wake-up from changing wakers may still go there */
	assert_int_equal(place_only(TOPO_STEP_NODE, &sync_same), TOPO_STEP_NODE);
	assert_int_equal(place_only(TOPO_STEP_ANY, &sync_other), TOPO_STEP_ANY);
}

/*
 * A steady pair taking turns on one CPU of a crowded LLC moves whole to
 * an LLC with every CPU idle, cache-hot or not, rather than to its
 * waker's CPU; an idle CPU of its own LLC still comes first, and wakees
 * that are not steady partners never take that step.
 */
static void test_place_moves_crowded_pair_to_an_idle_llc(void **state)
{
	struct topo_wake same = sync_same, hot = partner;
	bool found[TOPO_NR_STEPS] = { false };

	same.steady = true;
	hot.hot = true;
	found[TOPO_STEP_IDLE_LLC] = true;
	found[TOPO_STEP_WAKER_CPU] = true;
	assert_int_equal(topo_place(found, &same), TOPO_STEP_IDLE_LLC);
	assert_int_equal(topo_place(found, &partner), TOPO_STEP_IDLE_LLC);
	assert_int_equal(topo_place(found, &hot), TOPO_STEP_IDLE_LLC);
	assert_int_equal(topo_place(found, &sync_same), TOPO_STEP_WAKER_CPU);
	assert_int_equal(topo_place(found, &sync_other), TOPO_STEP_WAKER_CPU);
	assert_int_equal(place_only(TOPO_STEP_IDLE_LLC, &plain), TOPO_STEP_QUEUE);
	found[TOPO_STEP_LLC] = true;
	assert_int_equal(topo_place(found, &same), TOPO_STEP_LLC);
}

/*
 * With no CPU idle, a new task joins the domain with the fewest queued
 * tasks per CPU, the parent's on a tie; domains it may not use (no CPUs
 * for it) are skipped, and with none left there is no answer.
 */
static void test_fork_without_idle_cpu_joins_the_shortest_queue(void **state)
{
	const __u32 cpus[] = { 4, 4, 4, 4 }, uneven[] = { 4, 2, 8, 8 };
	const __u32 none[] = { 0, 0, 0, 0 }, only_3[] = { 0, 0, 0, 4 };
	const __u32 q[] = { 6, 2, 2, 3 }, even[] = { 2, 2, 2, 2 };

	assert_int_equal(topo_fork_dom_busy(q, cpus, 4, 0), 1);
	assert_int_equal(topo_fork_dom_busy(q, cpus, 4, 2), 2);
	assert_int_equal(topo_fork_dom_busy(even, cpus, 4, 3), 3);
	/* per CPU: 2 queued on 8 CPUs is shorter than 2 on 2 or 3 on 8 */
	assert_int_equal(topo_fork_dom_busy(q, uneven, 4, 0), 2);
	assert_int_equal(topo_fork_dom_busy(q, only_3, 4, 0), 3);
	assert_int_equal(topo_fork_dom_busy(q, none, 4, 0), -1);
	/* domains past nr_doms are not looked at */
	assert_int_equal(topo_fork_dom_busy(q, cpus, 1, 0), 0);
}

/*
 * A new task starts in the domain with the most idle CPUs; the parent's
 * wins a tie, and one idle CPU fewer there sends the child elsewhere.
 */
static void test_fork_starts_in_the_idlest_domain(void **state)
{
	const __u32 all_idle[] = { 4, 4, 4, 4 };
	const __u32 parent_busy[] = { 4, 3, 4, 4 };
	const __u32 filled[] = { 1, 3, 2, 3 };
	const __u32 none[] = { 0, 0, 0, 0 };

	assert_int_equal(topo_fork_dom(all_idle, 4, 2), 2);
	assert_int_equal(topo_fork_dom(parent_busy, 4, 1), 0);
	assert_int_equal(topo_fork_dom(filled, 4, 0), 1);
	assert_int_equal(topo_fork_dom(filled, 4, 3), 3);
	assert_int_equal(topo_fork_dom(none, 4, 0), -1);
	/* domains past nr_doms are not looked at */
	assert_int_equal(topo_fork_dom(filled, 3, 0), 1);
	assert_int_equal(topo_fork_dom(filled, 1, 0), 0);
}

/*
 * A task that ran a moment ago waits for a CPU of its own LLC (or the
 * waker's, which holds the data it was woken for) rather than take an
 * idle one in another LLC; once its cache has gone cold it may.
 */
static void test_place_keeps_cache_hot_task_in_its_llc(void **state)
{
	struct topo_wake hot = plain, hot_sync = sync_other, hot_partner = partner;

	hot.hot = hot_sync.hot = hot_partner.hot = true;
	ASSERT_ORDER(&hot, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE, TOPO_STEP_LLC);
	ASSERT_ORDER(&hot_sync, TOPO_STEP_PREV, TOPO_STEP_LLC_CORE, TOPO_STEP_LLC,
		     TOPO_STEP_WAKER_LLC, TOPO_STEP_WAKER_CPU);
	ASSERT_ORDER(&hot_partner, TOPO_STEP_WAKER_LLC, TOPO_STEP_PREV,
		     TOPO_STEP_LLC_CORE, TOPO_STEP_LLC, TOPO_STEP_IDLE_LLC,
		     TOPO_STEP_WAKER_CPU);
	assert_int_equal(place_only(TOPO_STEP_NODE, &hot), TOPO_STEP_QUEUE);
	assert_int_equal(place_only(TOPO_STEP_NODE, &plain), TOPO_STEP_NODE);
	assert_int_equal(place_only(TOPO_STEP_ANY, &hot_sync), TOPO_STEP_QUEUE);
	assert_int_equal(place_only(TOPO_STEP_ANY, &sync_other), TOPO_STEP_ANY);
}

static void test_cache_hot_lasts_hot_ns_after_the_last_run(void **state)
{
	assert_false(topo_cache_hot(1000, 0, 500));	/* never ran */
	assert_true(topo_cache_hot(1000, 600, 500));
	assert_true(topo_cache_hot(1099, 600, 500));
	assert_false(topo_cache_hot(1100, 600, 500));
	assert_false(topo_cache_hot(5000, 600, 500));
}

static void test_place_queues_when_nothing_is_idle(void **state)
{
	bool found[TOPO_NR_STEPS] = { false };

	assert_int_equal(topo_place(found, &sync_other), TOPO_STEP_QUEUE);
	assert_int_equal(topo_step_next(TOPO_STEP_QUEUE, &sync_other),
			 TOPO_STEP_QUEUE);
}

/*
 * With no CPU idle, only the waker's own CPU can be had: the short walk
 * goes there on a sync wake-up and queues otherwise, and ends where the
 * full walk would with nothing idle, whether or not that CPU qualifies.
 */
static void test_place_without_idle_cpus_skips_searches(void **state)
{
	const struct topo_wake *kinds[] = { &plain, &sync_same, &sync_other, &partner };
	bool found[TOPO_NR_STEPS] = { false };
	struct topo_wake busy;
	unsigned int k, waker_free;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		busy = *kinds[k];
		busy.none_idle = true;
		if (busy.sync)
			ASSERT_ORDER(&busy, TOPO_STEP_WAKER_CPU);
		else
			ASSERT_ORDER(&busy);
		for (waker_free = 0; waker_free < 2; waker_free++) {
			found[TOPO_STEP_WAKER_CPU] = waker_free;
			assert_int_equal(topo_place(found, &busy), topo_place(found, kinds[k]));
		}
	}
	found[TOPO_STEP_WAKER_CPU] = true;
	assert_int_equal(topo_place(found, &busy), TOPO_STEP_WAKER_CPU);
}

/* ---- stealing ---------------------------------------------------------- */

/* four LLC domains, two per node */
static const __u32 node_of[] = { 0, 0, 1, 1 };

static void test_steal_takes_busiest_domain_of_own_node(void **state)
{
	const __u32 q[] = { 0, 3, 9, 0 };

	/* dom 2 has more, but dom 1 is in our node and above threshold */
	assert_int_equal(topo_pick_victim(q, node_of, 4, 0, 1, 4), 1);
	/* below the node threshold, the other node's 9 >= 4 wins */
	assert_int_equal(topo_pick_victim(q, node_of, 4, 0, 5, 5), 2);
}

static void test_steal_crosses_nodes_only_above_numa_threshold(void **state)
{
	const __u32 q[] = { 0, 0, 3, 2 };

	assert_int_equal(topo_pick_victim(q, node_of, 4, 0, 1, 4), -1);
	assert_int_equal(topo_pick_victim(q, node_of, 4, 0, 1, 3), 2);
}

static void test_steal_never_picks_own_or_empty_domain(void **state)
{
	const __u32 q[] = { 7, 0, 0, 0 };

	assert_int_equal(topo_pick_victim(q, node_of, 4, 0, 1, 1), -1);
	assert_int_equal(topo_pick_victim(q, node_of, 4, 1, 1, 1), 0);
	assert_int_equal(topo_pick_victim(q, node_of, 4, 9, 1, 1), -1);
}

/* ---- balancer ---------------------------------------------------------- */

static void test_balance_does_nothing_when_even(void **state)
{
	const __u32 load[] = { 1500, 1500, 1500, 1500 };
	const __u32 cpus[] = { 4, 4, 4, 4 }, q[] = { 2, 2, 2, 2 };
	struct topo_plan p;

	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 1);
	assert_int_equal(p.from, -1);
	assert_int_equal(p.nr, 0);
}

static void test_balance_moves_half_the_gap(void **state)
{
	/* dom 1: 3 tasks/CPU, dom 0: 1 task/CPU, 4 CPUs each. Even is 2 on
	 * both, 4 tasks; half of that per tick is 2. */
	const __u32 load[] = { 1000, 3000, 2000, 2000 };
	const __u32 cpus[] = { 4, 4, 4, 4 }, q[] = { 0, 8, 4, 4 };
	struct topo_plan p;

	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 1);
	assert_int_equal(p.from, 1);
	assert_int_equal(p.to, 0);
	assert_int_equal(p.nr, 2);
	/* a gap smaller than the threshold is left alone */
	p = topo_balance_plan(load, cpus, q, node_of, 4, 3, 3);
	assert_int_equal(p.from, -1);
}

static void test_balance_needs_numa_threshold_across_nodes(void **state)
{
	const __u32 load[] = { 1000, 2000, 5000, 2000 };
	const __u32 cpus[] = { 4, 4, 4, 4 }, q[] = { 0, 4, 16, 4 };
	struct topo_plan p;

	/* from dom 2 (node 1) to dom 0 (node 0): 4 CPUs each, gap 4/CPU
	 * -> 8 tasks to even out, 4 this tick; short of a threshold of 5,
	 * dom 3 of the same node takes 3 (gap 3/CPU, 6 tasks, half) */
	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 5);
	assert_int_equal(p.from, 2);
	assert_int_equal(p.to, 3);
	assert_int_equal(p.nr, 3);
	/* nor that, with the same-node threshold above 3 */
	p = topo_balance_plan(load, cpus, q, node_of, 4, 4, 5);
	assert_int_equal(p.from, -1);
	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 4);
	assert_int_equal(p.from, 2);
	assert_int_equal(p.to, 0);
	assert_int_equal(p.nr, 4);
}

/*
 * Two tasks more in one domain of 4 CPUs than in another: moving one
 * evens them out, and it is moved; so is one of 1.8 tasks' worth (half of
 * it rounded down was none, and the imbalance stayed). Less than one
 * task's worth is left alone.
 */
static void test_balance_moves_one_task_of_a_small_gap(void **state)
{
	const __u32 cpus[] = { 4, 4, 4, 4 }, q[] = { 4, 0, 2, 2 };
	const __u32 gap_1_8[] = { 1900, 1000, 1400, 1400 };
	const __u32 gap_1_0[] = { 1750, 1250, 1500, 1500 };
	const __u32 gap_0_9[] = { 1725, 1275, 1500, 1500 };
	const __u32 one_node[] = { 0, 0, 0, 0 };
	struct topo_plan p;

	p = topo_balance_plan(gap_1_8, cpus, q, one_node, 4, 1, 1);
	assert_int_equal(p.from, 0);
	assert_int_equal(p.to, 1);
	assert_int_equal(p.nr, 1);
	p = topo_balance_plan(gap_1_0, cpus, q, one_node, 4, 1, 1);
	assert_int_equal(p.nr, 1);
	p = topo_balance_plan(gap_0_9, cpus, q, one_node, 4, 1, 1);
	assert_int_equal(p.from, -1);
}

/*
 * The idlest domain is in another node and the gap to it is short of the
 * NUMA threshold: the busiest domain evens out with its own node's idlest.
 */
static void test_balance_falls_back_to_the_busiest_ones_node(void **state)
{
	/* the bench's case: dom 0 7.5 tasks on 4 CPUs, dom 1 5.5, dom 2
	 * (other node) 3.9 */
	const __u32 load[] = { 1866, 1364, 963, 1323 };
	const __u32 cpus[] = { 4, 4, 4, 4 }, q[] = { 4, 3, 0, 2 };
	struct topo_plan p;

	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 4);
	assert_int_equal(p.from, 0);
	assert_int_equal(p.to, 1);
	assert_int_equal(p.nr, 1);
	/* with a NUMA threshold of 1 the idlest domain itself takes it */
	p = topo_balance_plan(load, cpus, q, node_of, 4, 1, 1);
	assert_int_equal(p.to, 2);
	/* the busiest alone in its node: nothing */
	p = topo_balance_plan(load, cpus, q, (const __u32[]){ 0, 1, 1, 1 }, 4, 1, 4);
	assert_int_equal(p.from, -1);
}

static void test_balance_moves_at_most_what_is_queued(void **state)
{
	const __u32 load[] = { 0, 20000 };
	const __u32 cpus[] = { 8, 8 }, q1[] = { 0, 3 }, q2[] = { 0, 100 };
	const __u32 one_node[] = { 0, 0 };
	struct topo_plan p;

	p = topo_balance_plan(load, cpus, q1, one_node, 2, 1, 1);
	assert_int_equal(p.nr, 3);
	p = topo_balance_plan(load, cpus, q2, one_node, 2, 1, 1);
	assert_int_equal(p.nr, TOPO_MAX_MOVE);
}

/* ---- migrations and vtime ---------------------------------------------- */

static void test_migration_classes(void **state)
{
	struct topo_cpu_ids a = { 0, 0, 0 }, sib = { 0, 0, 0 },
			    core = { 1, 0, 0 }, llc = { 2, 1, 0 },
			    node = { 3, 2, 1 };

	assert_int_equal(topo_mig_class(-1, 3, a, a), TOPO_MIG_NONE);
	assert_int_equal(topo_mig_class(3, 3, a, a), TOPO_MIG_NONE);
	assert_int_equal(topo_mig_class(0, 8, a, sib), TOPO_MIG_SAME_CORE);
	assert_int_equal(topo_mig_class(0, 1, a, core), TOPO_MIG_SAME_LLC);
	assert_int_equal(topo_mig_class(0, 2, a, llc), TOPO_MIG_CROSS_LLC);
	assert_int_equal(topo_mig_class(0, 4, a, node), TOPO_MIG_CROSS_NODE);
}

/*
 * A wakee behind a hog preempts it once the hog has run the minimum; not
 * before, not a task barely ahead of it, and not across the wrap of the
 * 64-bit clock the wrong way.
 */
static void test_wake_preempts_hogs_not_equals(void **state)
{
	const __u64 ms = 1000000, base = 500 * ms;

	(void)state;
	/* hog started 10 ms of vtime ahead and has run 2 ms: preempt */
	assert_true(topo_wake_preempts(base, base + 10 * ms, 2 * ms, ms));
	/* the same hog 0.5 ms into its run: let it run */
	assert_false(topo_wake_preempts(base, base + 10 * ms, ms / 2, ms));
	/* a peer: started level with the wakee, ran 0.9 ms, no preemption */
	assert_false(topo_wake_preempts(base + ms / 10, base, ms, ms));
	/* the same peer once it has run a full millisecond past the wakee */
	assert_true(topo_wake_preempts(base, base, ms, ms));
	/* a wakee ahead of the running task never preempts */
	assert_false(topo_wake_preempts(base + 50 * ms, base, 5 * ms, ms));
	/* the clock wrapped between the two: still compared as a distance */
	assert_true(topo_wake_preempts(~0ULL - ms, ms, 2 * ms, ms));
	assert_false(topo_wake_preempts(ms, ~0ULL - 10 * ms, 2 * ms, ms));
}

static void test_vtime_rebase_keeps_lag_and_caps_credit(void **state)
{
	const __u64 slice = 20000000;

	/* 5 ms behind clock 100 s in the old domain: 5 ms behind 7 s now */
	assert_int_equal(topo_vtime_rebase(100000000000ULL - 5000000,
					   100000000000ULL, 7000000000ULL,
					   slice), 7000000000ULL - 5000000);
	/* ahead stays ahead */
	assert_int_equal(topo_vtime_rebase(1000 + 300, 1000, 50000000, slice),
			 50000000 + 300);
	/* a long sleeper gets at most one slice of credit */
	assert_int_equal(topo_vtime_rebase(0, 900000000, 900000000, slice),
			 900000000 - slice);
	/* clocks near wrap-around */
	assert_int_equal(topo_vtime_rebase(~0ULL - 10, ~0ULL, 100, slice),
			 100 - 10);
}

static void test_pair_vtime_follows_the_wakers_clock(void **state)
{
	const __u64 ms = 1000000;

	/* asleep at 10 ms while its partner ran on to 30 ms, 2 of it just now */
	assert_int_equal(topo_pair_vtime(10 * ms, 28 * ms, 2 * ms, 100), 30 * ms);
	/* its own clock is further on: kept */
	assert_int_equal(topo_pair_vtime(40 * ms, 28 * ms, 2 * ms, 100), 40 * ms);
	/* a heavier waker's run counts for less, a lighter one's for more */
	assert_int_equal(topo_pair_vtime(0, 28 * ms, 2 * ms, 200), 29 * ms);
	assert_int_equal(topo_pair_vtime(0, 28 * ms, 2 * ms, 50), 32 * ms);
	/* no weight: counted as 1, not a division by zero */
	assert_int_equal(topo_pair_vtime(0, 0, 3, 0), 300);
	/* clocks near wrap-around compare as distances */
	assert_int_equal(topo_pair_vtime(~0ULL - ms, ~0ULL - 2 * ms, 3 * ms, 100), ms - 1);
	assert_int_equal(topo_pair_vtime(5 * ms, ~0ULL - 2 * ms, ms, 100), 5 * ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domains_single_llc_is_one_domain),
		cmocka_unit_test(test_domains_two_sockets_give_one_llc_domain_per_node),
		cmocka_unit_test(test_domains_node_kind_merges_llcs_of_a_node),
		cmocka_unit_test(test_domains_follow_noncontiguous_llc_lists),
		cmocka_unit_test(test_domains_leave_offline_cpus_out),
		cmocka_unit_test(test_domains_skip_absent_cpu_ids),
		cmocka_unit_test(test_domains_without_cache_info_use_packages),
		cmocka_unit_test(test_dom_kind_parse_accepts_only_llc_and_node),
		cmocka_unit_test(test_place_prefers_idle_previous_cpu),
		cmocka_unit_test(test_place_walks_steps_in_order),
		cmocka_unit_test(test_place_tries_any_cpu_only_with_several_nodes),
		cmocka_unit_test(test_place_skips_core_search_without_smt),
		cmocka_unit_test(test_place_tries_waker_llc_only_for_sync_elsewhere),
		cmocka_unit_test(test_place_counts_sync_waker_cpu_before_other_llcs),
		cmocka_unit_test(test_place_pulls_steady_partner_to_waker_llc),
		cmocka_unit_test(test_place_keeps_steady_partner_in_the_pairs_llcs),
		cmocka_unit_test(test_fork_starts_in_the_idlest_domain),
		cmocka_unit_test(test_fork_without_idle_cpu_joins_the_shortest_queue),
		cmocka_unit_test(test_place_moves_crowded_pair_to_an_idle_llc),
		cmocka_unit_test(test_place_keeps_cache_hot_task_in_its_llc),
		cmocka_unit_test(test_cache_hot_lasts_hot_ns_after_the_last_run),
		cmocka_unit_test(test_place_queues_when_nothing_is_idle),
		cmocka_unit_test(test_place_without_idle_cpus_skips_searches),
		cmocka_unit_test(test_steal_takes_busiest_domain_of_own_node),
		cmocka_unit_test(test_steal_crosses_nodes_only_above_numa_threshold),
		cmocka_unit_test(test_steal_never_picks_own_or_empty_domain),
		cmocka_unit_test(test_balance_does_nothing_when_even),
		cmocka_unit_test(test_balance_moves_half_the_gap),
		cmocka_unit_test(test_balance_needs_numa_threshold_across_nodes),
		cmocka_unit_test(test_balance_moves_one_task_of_a_small_gap),
		cmocka_unit_test(test_balance_falls_back_to_the_busiest_ones_node),
		cmocka_unit_test(test_balance_moves_at_most_what_is_queued),
		cmocka_unit_test(test_migration_classes),
		cmocka_unit_test(test_vtime_rebase_keeps_lag_and_caps_credit),
		cmocka_unit_test(test_pair_vtime_follows_the_wakers_clock),
		cmocka_unit_test(test_wake_preempts_hogs_not_equals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
