/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx_topo's decisions as pure functions over plain numbers, compiled into
 * the BPF scheduler and into the host unit tests (test_topo_domains.c), so
 * the order of wake-up placement, the choice of a domain to steal from,
 * the balancer's plan and the classification of migrations are tested
 * without a sched_ext kernel.
 *
 * Loops are bounded by compile-time constants so the verifier accepts them.
 * Arrays that the BPF side keeps in rodata are taken as const volatile:
 * without it the compiler, seeing the zero initialisers of those
 * loader-written arrays, may fold reads through the pointer to 0.
 */
#ifndef SCHEDKIT_TOPO_POLICY_H
#define SCHEDKIT_TOPO_POLICY_H

#ifndef __bpf__
#include <stdbool.h>
#include <linux/types.h>
#endif

#include "topo_sched.h"

#ifdef __bpf__
#define TOPO_PURE	static __always_inline
#else
#define TOPO_PURE	static inline
#endif

/*
 * Wake-up placement steps, in the order they are tried. Each looks for an
 * idle CPU the task may use; the first that finds one wins. QUEUE means
 * none was found: the task waits in its domain's queue.
 */
enum topo_step {
	TOPO_STEP_PREV,		/* the previous CPU itself */
	TOPO_STEP_LLC_CORE,	/* a core with all SMT siblings idle, prev LLC */
	TOPO_STEP_LLC,		/* any CPU of the previous LLC */
	TOPO_STEP_WAKER_LLC,	/* sync wake-up: the waker's LLC */
	TOPO_STEP_IDLE_LLC,	/* steady partner: a wholly idle LLC, prev node */
	TOPO_STEP_WAKER_CPU,	/* sync wake-up: the waker's CPU, nothing queued */
	TOPO_STEP_NODE,		/* the previous CPU's NUMA node */
	TOPO_STEP_ANY,		/* anywhere */
	TOPO_STEP_QUEUE,
	TOPO_NR_STEPS,
};

/*
 * A synchronous wake-up by the thread that woke this task last time: a
 * steady 1:1 partner, which sleeps once it has woken its wakee. Wakers
 * that change from one wake-up to the next (hackbench's senders, a
 * server's clients) often go on running and waking others instead.
 * @waker/@last_waker: thread ids, 0 for none.
 */
TOPO_PURE bool topo_wake_steady(bool sync, __u32 waker, __u32 last_waker)
{
	return sync && waker && waker == last_waker;
}

/*
 * Whether a task that last ran at @last_ran (0: never) is likely to find
 * its data still in its LLC's cache at @now: it ran within @hot_ns. Such a
 * task waits in its LLC for a CPU rather than go to an idle one in another
 * LLC, at wake-up or by being stolen; EEVDF's task_hot() with its 0.5 ms
 * sched_migration_cost draws the same line.
 */
TOPO_PURE bool topo_cache_hot(__u64 now, __u64 last_ran, __u64 hot_ns)
{
	return last_ran && now - last_ran < hot_ns;
}

/*
 * Whether a wake-up should try the waker's LLC before anything else: a
 * synchronous wake-up from another LLC by the same task that woke this
 * one last time. A steady 1:1 partner (a pipe or futex ping-pong) shares
 * its data with the wakee, and the waker is about to sleep; pulling the
 * wakee over once puts the pair in one LLC for good, where the plain
 * order (previous CPU first) would keep a pair split across LLCs forever
 * as long as both CPUs stay idle. Many-to-one wakers (hackbench, a server
 * and its clients) change from one wake-up to the next and are left
 * alone, so tasks are not dragged from LLC to LLC by whoever woke them.
 * @waker/@last_waker: thread ids, 0 for none.
 */
TOPO_PURE bool topo_wake_affine(bool sync, __u32 waker_llc, __u32 prev_llc,
				__u32 waker, __u32 last_waker)
{
	return waker_llc != prev_llc && topo_wake_steady(sync, waker, last_waker);
}

/*
 * What the order of the steps depends on. @smt: the machine has SMT, so
 * looking for a whole idle core means something. @nr_nodes: NUMA nodes;
 * with one, "any idle CPU" is the node step again, which could only catch
 * a CPU gone idle since, as the queue's consumers do anyway, and is left
 * out. @sync: the waker said it is about to sleep, so its own CPU is worth
 * waiting for (WAKER_CPU) before going to another LLC.
 * @other_llc: a synchronous wake-up whose waker runs in another LLC
 * than the previous CPU (in the same LLC the LLC step already looked
 * there). @affine: topo_wake_affine() said yes, so the waker's LLC comes
 * first and the usual order follows it. @none_idle: no CPU the task may
 * use was idle when the wake-up began. Every step but WAKER_CPU looks for
 * an idle CPU, and every order reaches WAKER_CPU on a sync wake-up, so
 * the walk goes straight there (or to QUEUE) and ends the same way
 * without the searches, which on a saturated machine are most of what a
 * wake-up costs and never find anything. @hot: topo_cache_hot(): the
 * task's cache is still warm in its LLC, so it is queued there rather
 * than sent to an idle CPU of another LLC (NODE, ANY). @steady:
 * topo_wake_steady(): what the wakee works on next is what its partner
 * just wrote, in the waker's LLC, however long the wakee slept; it too
 * waits in an LLC of the pair rather than go to another. Sent to an idle
 * CPU elsewhere, it draws its partner after it at the next round trip
 * (@affine), so the whole pair moves for a wait that the waker's going
 * to sleep ends at once. Except to an LLC of its node whose CPUs are all
 * idle (IDLE_LLC, before the waker's CPU): there the pair that moves
 * whole gains a CPU each instead of taking turns on one in a crowded LLC,
 * and it cannot come back, since it leaves a free CPU behind and the LLC
 * it took is idle no more. Neither the balancer nor a stealing CPU could
 * do that move: a partner waits on the waker's CPU's own queue, never on
 * its domain's.
 */
struct topo_wake {
	bool smt;
	__u32 nr_nodes;
	bool sync;
	bool other_llc;
	bool affine;
	bool none_idle;
	bool hot;
	bool steady;
};

/* The first step: the waker's LLC for an affine wake-up, else PREV. */
TOPO_PURE enum topo_step topo_step_first(const struct topo_wake *w)
{
	if (w->none_idle)
		return w->sync ? TOPO_STEP_WAKER_CPU : TOPO_STEP_QUEUE;
	return w->affine ? TOPO_STEP_WAKER_LLC : TOPO_STEP_PREV;
}

/* The step after @step for a wake-up described by @w. */
TOPO_PURE enum topo_step topo_step_next(enum topo_step step,
					const struct topo_wake *w)
{
	if (w->none_idle)
		return TOPO_STEP_QUEUE;
	switch (step) {
	case TOPO_STEP_PREV:
		return w->smt ? TOPO_STEP_LLC_CORE : TOPO_STEP_LLC;
	case TOPO_STEP_LLC_CORE:
		return TOPO_STEP_LLC;
	case TOPO_STEP_LLC:
		if (w->other_llc && !w->affine)
			return TOPO_STEP_WAKER_LLC;
		if (w->sync)
			return w->steady ? TOPO_STEP_IDLE_LLC : TOPO_STEP_WAKER_CPU;
		return w->hot ? TOPO_STEP_QUEUE : TOPO_STEP_NODE;
	case TOPO_STEP_WAKER_LLC:
		return w->affine ? TOPO_STEP_PREV : TOPO_STEP_WAKER_CPU;
	case TOPO_STEP_IDLE_LLC:
		return TOPO_STEP_WAKER_CPU;
	case TOPO_STEP_WAKER_CPU:
		return w->hot || w->steady ? TOPO_STEP_QUEUE : TOPO_STEP_NODE;
	case TOPO_STEP_NODE:
		return w->nr_nodes > 1 ? TOPO_STEP_ANY : TOPO_STEP_QUEUE;
	default:
		return TOPO_STEP_QUEUE;
	}
}

/*
 * The step a wake-up ends at when step s would find an idle CPU exactly
 * when @found[s] is true: the order above, as one function the tests can
 * drive. The BPF side walks topo_step_next() itself because each probe
 * claims the CPU it finds, so it must stop at the first success.
 */
TOPO_PURE enum topo_step topo_place(const bool found[TOPO_NR_STEPS],
				    const struct topo_wake *w)
{
	enum topo_step s = topo_step_first(w);
	int i;

	for (i = 0; i < TOPO_NR_STEPS && s != TOPO_STEP_QUEUE; i++) {
		if (found[s])
			return s;
		s = topo_step_next(s, w);
	}
	return TOPO_STEP_QUEUE;
}

/*
 * The domain a new task starts in: the one with the most CPUs idle that
 * it may use (@idle[d] for d < @nr_doms), its parent's (@parent) on a tie,
 * else the lowest id; -1 when no CPU is idle. EEVDF's fork balancing
 * (find_idlest_group()) also starts a task in the idlest group, and only
 * leaves the parent's for a strictly idler one. Starting next to the
 * parent instead, the tasks one parent forks in a row (a server's
 * workers, a benchmark's hogs and pairs) fill its LLC before any other,
 * and only migrations, across LLCs, spread them later.
 */
TOPO_PURE int topo_fork_dom(const __u32 *idle, __u32 nr_doms, __u32 parent)
{
	__u32 best_n = 0, d;
	int best = -1;

	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		if (idle[d] > best_n ||
		    (idle[d] && idle[d] == best_n && d == parent)) {
			best = d;
			best_n = idle[d];
		}
	}
	return best;
}

/*
 * The domain a new task joins when no CPU it may use is idle: the one
 * with the fewest queued tasks per CPU (@queued[d] over @nr_cpus[d];
 * domains with @nr_cpus[d] 0 are not allowed), its parent's on a tie,
 * else the lowest id; -1 when none is allowed. With every CPU busy each
 * runs one task, so the queues tell the domains' loads apart, and they
 * grow with each task placed, so a burst of forks spreads. Left in the
 * parent's domain, the tasks forked after the machine filled up all
 * queued there (a benchmark's last eight hogs in one of four LLCs), and
 * the tasks of the other domains got a larger share of their CPUs.
 */
TOPO_PURE int topo_fork_dom_busy(const __u32 *queued, const __u32 *nr_cpus,
				 __u32 nr_doms, __u32 parent)
{
	__u64 best_q = 0, best_c = 1, q, c;
	__u32 d;
	int best = -1;

	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		c = nr_cpus[d];
		if (!c)
			continue;
		q = queued[d];
		/* q / c against best_q / best_c, without dividing */
		if (best < 0 || q * best_c < best_q * c ||
		    (q * best_c == best_q * c && d == parent)) {
			best = d;
			best_q = q;
			best_c = c;
		}
	}
	return best;
}

/*
 * Where an idle CPU looks for work once its own domain's queue is empty:
 * the domain of its node with the most queued tasks, if that has at least
 * @steal_thresh; else the domain of another node with the most, if that
 * has at least @numa_thresh. @queued[d] and @dom_node[d] for d < @nr_doms.
 * Ties go to the lower domain id. Returns the domain, or -1.
 */
TOPO_PURE int topo_pick_victim(const __u32 *queued,
			       const volatile __u32 *dom_node,
			       __u32 nr_doms, __u32 self, __u32 steal_thresh,
			       __u32 numa_thresh)
{
	int near = -1, far = -1;
	__u32 near_q = 0, far_q = 0, d, node;

	if (self >= nr_doms || nr_doms > TOPO_MAX_DOMS)
		return -1;
	node = dom_node[self];
	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		if (d == self || !queued[d])
			continue;
		if (dom_node[d] == node) {
			if (queued[d] > near_q) {
				near = d;
				near_q = queued[d];
			}
		} else if (queued[d] > far_q) {
			far = d;
			far_q = queued[d];
		}
	}
	if (near >= 0 && near_q >= steal_thresh)
		return near;
	if (far >= 0 && far_q >= numa_thresh)
		return far;
	return -1;
}

/* What the periodic balancer should do this tick. */
struct topo_plan {
	int from, to;		/* domains; -1 when nothing to do */
	__u32 nr;		/* tasks to move */
};

/* Tasks to move from domain @a to domain @b (topo_balance_plan()). */
TOPO_PURE __u32 topo_balance_nr(const __u32 *load, const __u32 *nr_cpus,
				const __u32 *queued, __u32 a, __u32 b)
{
	__u32 na = nr_cpus[a], nb = nr_cpus[b];
	__u64 k;

	if (a == b || !na || !nb || load[a] <= load[b])
		return 0;
	/*
	 * (la - lb) * na * nb / (na + nb) in thousandths of a task, halved
	 * and rounded up: one task when 1 to 2 would even the loads (left at
	 * 0, a domain with two tasks more than another stayed so for good)
	 */
	k = ((__u64)(load[a] - load[b]) * na * nb / (na + nb) + 1000) / 2000;
	if (k > queued[a])
		k = queued[a];
	if (k > TOPO_MAX_MOVE)
		k = TOPO_MAX_MOVE;
	return k;
}

/*
 * The periodic balancer's plan: move queued tasks from the domain with
 * the highest load per CPU to the one with the lowest. @load[d] is domain
 * d's load in thousandths of a task per CPU (running + queued, averaged
 * over recent ticks), @nr_cpus[d] its CPUs, @queued[d] its queue length.
 *
 * Moving k tasks from a to b changes their per-CPU loads towards each
 * other; the k that evens them out is (la - lb) / (1/na + 1/nb), in tasks.
 * Half of that is moved per tick, since the loads are averages and tasks
 * keep coming and going, and only when it reaches @steal_thresh tasks (same
 * node) or @numa_thresh (across nodes: memory stays behind); when the
 * idlest domain is in another node and the gap is short of that, the
 * idlest domain of the busiest one's own node takes the tasks. Never more
 * than the source has queued or TOPO_MAX_MOVE.
 */
TOPO_PURE struct topo_plan topo_balance_plan(const __u32 *load,
					     const __u32 *nr_cpus,
					     const __u32 *queued,
					     const volatile __u32 *dom_node,
					     __u32 nr_doms, __u32 steal_thresh,
					     __u32 numa_thresh)
{
	struct topo_plan plan = { .from = -1, .to = -1, .nr = 0 };
	__u32 d, hi = 0, lo = 0, k;

	if (nr_doms < 2 || nr_doms > TOPO_MAX_DOMS)
		return plan;
	for (d = 1; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		if (load[d] > load[hi])
			hi = d;
		if (load[d] < load[lo])
			lo = d;
	}
	k = topo_balance_nr(load, nr_cpus, queued, hi, lo);
	if (dom_node[hi] != dom_node[lo] && k < numa_thresh) {
		/*
		 * Too little to cross nodes: even out the busiest domain with
		 * the idlest of its own node instead, else a node's domains
		 * stayed apart whenever another node had an idler one.
		 */
		lo = hi;
		for (d = 0; d < TOPO_MAX_DOMS; d++) {
			if (d >= nr_doms)
				break;
			if (dom_node[d] == dom_node[hi] && load[d] < load[lo])
				lo = d;
		}
		k = topo_balance_nr(load, nr_cpus, queued, hi, lo);
	}
	if (!k || k < steal_thresh)
		return plan;
	plan.from = hi;
	plan.to = lo;
	plan.nr = k;
	return plan;
}

/* How far a task moved between two consecutive runs. */
enum topo_mig {
	TOPO_MIG_NONE,		/* same CPU, or first run */
	TOPO_MIG_SAME_CORE,	/* an SMT sibling */
	TOPO_MIG_SAME_LLC,
	TOPO_MIG_CROSS_LLC,	/* another LLC in the same node */
	TOPO_MIG_CROSS_NODE,
};

/* Where a CPU sits; the dense ids of schedkit/topo.h. */
struct topo_cpu_ids {
	__u32 core, llc, node;
};

TOPO_PURE enum topo_mig topo_mig_class(int from_cpu, int to_cpu,
				       struct topo_cpu_ids from,
				       struct topo_cpu_ids to)
{
	if (from_cpu < 0 || from_cpu == to_cpu)
		return TOPO_MIG_NONE;
	if (from.node != to.node)
		return TOPO_MIG_CROSS_NODE;
	if (from.llc != to.llc)
		return TOPO_MIG_CROSS_LLC;
	if (from.core != to.core)
		return TOPO_MIG_SAME_LLC;
	return TOPO_MIG_SAME_CORE;
}

/*
 * Whether a wakee queued with vtime @wakee_vtime should preempt a task of
 * its domain that started running at vtime @curr_vtime and has run
 * @curr_ran ns since (at nice 0 its vtime advanced as much). Only a task
 * that has run @min_run: a wakee must not cut short another one's brief
 * turn, which buys no latency, only a context switch; and only when the
 * wakee is behind it by at least @min_run too, so equals take turns at the
 * end of their slices. This is what keeps a pipe pair beside CPU hogs
 * moving: without it each hop waits for a hog's whole slice.
 */
TOPO_PURE bool topo_wake_preempts(__u64 wakee_vtime, __u64 curr_vtime,
				  __u64 curr_ran, __u64 min_run)
{
	if (curr_ran < min_run)
		return false;
	return (__s64)(curr_vtime + curr_ran - wakee_vtime) >= (__s64)min_run;
}

/*
 * Each domain keeps its own virtual clock, so a task's vtime only means
 * something against the clock of the domain it was last queued in. Moving
 * it keeps its distance to that clock (its lag), limited to one slice of
 * credit so that a long sleep does not buy a burst of CPU time.
 */
TOPO_PURE __u64 topo_vtime_rebase(__u64 vtime, __u64 old_clock,
				  __u64 new_clock, __u64 max_credit)
{
	__u64 v = vtime - old_clock + new_clock;

	if ((__s64)(v - (new_clock - max_credit)) < 0)
		v = new_clock - max_credit;
	return v;
}

/*
 * The vtime a steady partner's wakee (topo_wake_steady()) starts from:
 * where its waker's clock is at the wake-up, @waker_vtime as of the
 * waker's last stop plus the @waker_ran ns it has run since at weight
 * @waker_weight (100 at nice 0), or its own @vtime if that is further on.
 * The two threads of a pipe pair take turns on one piece of work; with a
 * clock each, charged only for its own runs, each earns a CPU hog's share
 * while it sleeps through its partner's turn, and the pair gets twice
 * what a hog gets. Sharing the clock makes the pair one task to the
 * queue, as it is one runnable task at any time.
 */
TOPO_PURE __u64 topo_pair_vtime(__u64 vtime, __u64 waker_vtime, __u64 waker_ran, __u32 waker_weight)
{
	__u64 v = waker_vtime + waker_ran * 100 / (waker_weight ? waker_weight : 1);

	return (__s64)(v - vtime) > 0 ? v : vtime;
}

#endif /* SCHEDKIT_TOPO_POLICY_H */
