// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_topo: topology-aware scheduling across SMT cores, last-level caches
 * (LLCs) and NUMA nodes.
 *
 * Policy. The machine is cut into domains, one per LLC (or one per NUMA
 * node with --domain node), each with its own queue ordered by weighted
 * virtual time, so tasks share a domain's CPUs in proportion to their
 * weights. The loader sends the CPU -> core/LLC/node/domain maps in
 * rodata; nothing here assumes a CPU count.
 *
 * A waking task takes the first idle CPU found, in this order
 * (topo_policy.h): its previous CPU; a core of the previous LLC whose SMT
 * siblings are all idle; any CPU of the previous LLC; for a synchronous
 * wake-up, the waker's LLC (the data it just wrote is there), and then the
 * waker's own CPU if nothing waits in its domain: the waker is about to
 * sleep, so that CPU is as good as idle (EEVDF's wake_affine_idle()
 * reasons the same way), and the wakee is queued there rather than sent to
 * another LLC. A steady partner (the thread that woke it last time, as in
 * a pipe ping-pong) takes that step also when it would merely head the
 * queue (nothing earlier in virtual time), and goes straight onto the
 * waker's CPU's local queue: that CPU would take it from the shared queue
 * next anyway, and skipping the queue saves each round trip of a pair
 * beside hogs two callbacks and the queue's lock. The waker hands the
 * CPU over at once (a preemption, as EEVDF's wake-up preemption does)
 * rather than at its next block: the partner's answer then finds it
 * still runnable, so a round trip costs one wake-up and one sleep, not
 * two, and the waker goes back on the CPU's local queue behind the
 * wakee when it too would head the domain's queue. Only a steady partner:
 * sync is a hint, and a waker that goes on running (hackbench's senders)
 * would keep such a wakee waiting for up to a slice, where a CPU of the
 * LLC that frees up takes it from the shared queue. Then the previous
 * CPU's node; anywhere, when there is more than one node. It runs there at
 * once. With no idle CPU it joins the queue of its previous CPU's domain.
 * A cache-hot task, one that ran less than --cache-hot-us ago (0.5 ms,
 * EEVDF's sched_migration_cost), skips those last two steps and queues
 * in its LLC instead: what keeps it waiting there is usually brief (a
 * kworker, a waker about to sleep), and on an idle CPU of another LLC it
 * would start with a cold cache. So does a steady partner, however long
 * it slept: what it works on next is what its partner just wrote, in the
 * waker's LLC, and moved to another LLC it would draw its partner after
 * it at the next round trip. Unless that LLC, in the same node, has every
 * CPU idle: tried before the waker's CPU, it lets a pair that takes turns
 * on one CPU of a crowded LLC (two pairs forked into one LLC in a row)
 * move there whole and get a CPU each. Nothing else would move it: its
 * tasks wait on the waker's CPU's own queue, where neither a stealing CPU
 * nor the balancer looks, and a whole idle LLC taken is idle no more, so
 * the pair does not come back.
 * One exception: a synchronous wake-up from another LLC by the same thread
 * as last time (a steady partner, as in a pipe ping-pong) tries the
 * waker's LLC first, else a pair that started in two LLCs would stay split
 * while both CPUs idle (topo_wake_affine()); changing wakers (hackbench)
 * do not qualify.
 *
 * The two threads of a steady pair share one virtual clock
 * (topo_pair_vtime()): the wakee carries on from its waker's, the
 * waker's run so far included, at the wake-up, and again from where the
 * waker's ended when it starts on the CPU the waker has just blocked on
 * or handed over to it. Runs are charged what the kernel charges them
 * (se.sum_exec_runtime, the switch to the task included), so a pair pays
 * for its many switches as under EEVDF. At any time one of the two is
 * runnable, so to the queue the pair is one task. With a clock each,
 * charged only for its own runs, each thread earned a CPU hog's share
 * while it slept through its partner's turn, and a pipe pair beside hogs
 * got twice a hog's CPU time; EEVDF, which keeps a sleeper's lag instead
 * of crediting its sleep, gives it about one. "Does it head the queue"
 * above is asked with the shared clock.
 *
 * A new task starts on an idle CPU of the domain with the most of them
 * (its parent's on a tie), on a wholly idle core there if it has one, as
 * EEVDF's fork balancing starts it in the idlest group: next to its
 * parent, the tasks one parent forks in a row (a server's workers, a
 * benchmark's hogs) would fill its LLC before any other, and only
 * migrations across LLCs would spread them later. With no CPU idle it
 * joins the domain with the fewest queued tasks per CPU: the tasks forked
 * once the machine is full would otherwise all wait in the parent's, and
 * the tasks of the other domains get a bigger share of their CPUs for as
 * long as that lasts.
 *
 * A wakee that finds no idle CPU and is queued preempts the task of its
 * domain furthest ahead of it in virtual time, when that one has run at
 * least 1 ms and is at least 1 ms of vtime ahead (topo_wake_preempts()):
 * the kicked CPU then takes the wakee, the earliest task on the queue.
 * Without it a task that sleeps often waited behind CPU hogs for a whole
 * slice on every wake-up. A sync wake-up preempts no other CPU: its
 * waker is about to sleep and its CPU takes the head of the queue (a
 * steady partner preempts just its waker, above); and a steady
 * partner is queued in the waker's domain rather than its own, so that a
 * pipe pair beside hogs ends up in one LLC and takes turns on one CPU.
 *
 * A CPU whose task used up its slice lets it run on when nothing queued in
 * the domain is earlier in virtual time: the task is in no queue at that
 * moment, and swapping it for the head regardless would have two tasks
 * sharing a CPU take turns whatever their weights. A CPU with nothing to
 * run takes the head of its own domain's queue; with that empty it steals
 * from the busiest domain of its node if that has at least
 * --steal-threshold tasks queued, and only then from the busiest domain of
 * another node, if that has at least --numa-threshold.
 * Only a CPU about to go idle steals: one whose task used up its slice
 * keeps it when its own queue is empty: busy CPUs trading tasks across
 * LLCs at each slice end gain no CPU time and cost cache misses (the
 * README's locality table has the numbers). Nor does it steal a
 * cache-hot task (a hog that a kworker preempted a moment ago): it takes
 * the first cold one in the victim's queue. Hot tasks turn cold as they
 * wait, but idle CPUs sleep until kicked, so a busy CPU whose domain has a
 * cold task queued kicks an idle CPU of its node from ops.tick() (EEVDF's
 * nohz_balancer_kick() has busy CPUs wake an idle one to balance in the
 * same way). Stealing is immediate and cheap but only helps idle CPUs. A
 * BPF timer
 * therefore runs every --balance-ms: it samples every domain's load
 * (running + queued tasks per CPU, averaged), and when the same pair of
 * domains stays out of balance for two ticks running, moves queued tasks
 * from the busier to the idler one (topo_balance_plan()). It runs in the
 * kernel rather than in the loader because it must look at and move
 * individual queued tasks, which only BPF can do, and because a loader
 * that is descheduled under load must not delay balancing.
 *
 * CPU hotplug: there are no ops.cpu_online/offline callbacks, so the
 * kernel ejects the scheduler with a restart request when a CPU comes or
 * goes; libschedkit restarts it and the loader rebuilds the domains from
 * the new topology. Tasks fall back to the fair class meanwhile, so none
 * is lost.
 *
 * Against EEVDF's own load balancer. The fair class balances by walking
 * sched domains (SMT, MC/LLC, NUMA) from periodic ticks and on newly idle
 * CPUs, comparing group load and utilisation, with idle-CPU search on
 * wake-up limited to the LLC (select_idle_sibling) and wake-affine
 * heuristics to pull a wakee towards its waker. scx_topo keeps the same
 * levels but is simpler and more sticky: wake-ups search further (the node,
 * then everywhere) before queueing, which finds idle CPUs sooner but may
 * move a task across LLCs; queued tasks never leave their domain unless a
 * CPU there is idle enough to steal or the imbalance persists, so caches
 * stay warm at the price of some short-term unfairness between domains;
 * balancing counts tasks, not PELT utilisation, so a domain of many short
 * sleepers looks busier than it is; and within a domain one queue per LLC
 * is one lock per LLC, fine for today's LLC sizes. There is no notion of
 * capacity (big.LITTLE) or of memory placement beyond the node threshold.
 *
 * Shows: per-domain vtime DSQs, rodata maps from the loader, bpf_cpumask
 * kptrs built in ops.init(), scx_bpf_pick_idle_cpu() with
 * SCX_PICK_IDLE_CORE, stealing in ops.dispatch(), a BPF timer that moves
 * tasks between DSQs (scx_bpf_dispatch_vtime_from_dsq), hotplug by
 * restart.
 */
#include <schedkit/bpf/common.bpf.h>
#include <schedkit/bpf/counters.bpf.h>
#include <schedkit/bpf/exit.bpf.h>

#include "topo_policy.h"

char _license[] SEC("license") = "GPL";

/* uapi <linux/time.h>, which vmlinux.h does not carry */
#define CLOCK_MONOTONIC		1
/* libbpf's bpf_for_each() names its iterator ___it */
#define TOPO_DSQ_ITER		(&___it)

/* Set by the loader (main.c); __u32/__u64 because the skeleton repeats them. */
const volatile __u64 slice_ns = SCX_SLICE_DFL;
const volatile __u32 steal_thresh = 1;
const volatile __u32 numa_thresh = 4;
const volatile __u64 balance_ns = 100 * 1000 * 1000;
const volatile __u64 hot_ns = 500 * 1000;
const volatile __u32 nr_cpu_ids = 1;
const volatile __u32 nr_llcs = 1;
const volatile __u32 nr_nodes = 1;
const volatile __u32 nr_doms = 1;
const volatile bool dom_is_node;
const volatile bool smt;
const volatile __u32 cpu_to_core[TOPO_MAX_CPUS];
const volatile __u32 cpu_to_llc[TOPO_MAX_CPUS];
const volatile __u32 cpu_to_node[TOPO_MAX_CPUS];
const volatile __u32 cpu_to_dom[TOPO_MAX_CPUS];
const volatile __u32 dom_to_node[TOPO_MAX_DOMS];
const volatile __u32 dom_nr_cpus[TOPO_MAX_DOMS];

/*
 * Per-domain state the loader reads for stats (bss is mmap()ed). Virtual
 * clocks and busy flags are written without atomics by whichever CPU gets
 * there: a lost update only makes a clock lag by one task's run.
 */
__u64 dom_vtime[TOPO_MAX_DOMS];
__u32 dom_load[TOPO_MAX_DOMS];		/* thousandths of a task per CPU */
__u32 dom_queued[TOPO_MAX_DOMS];	/* at the last balancer tick */
__u32 cpu_busy[TOPO_MAX_CPUS];		/* a task runs there */
/* what it runs: its vtime and the time when it started, for preemption */
__u64 cpu_run_vtime[TOPO_MAX_CPUS];
__u64 cpu_run_start[TOPO_MAX_CPUS];
/*
 * The task that last blocked there or handed it to its partner, and its
 * vtime then: see ops.running()
 */
__u32 cpu_left_pid[TOPO_MAX_CPUS];
__u64 cpu_left_vtime[TOPO_MAX_CPUS];
__u64 balance_ticks;

SK_COUNTERS(counters, struct topo_counters);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TOPO_MAX_DOMS);
	__type(key, u32);
	__type(value, struct topo_dom_events);
} dom_events SEC(".maps");

struct topo_task {
	s32 last_cpu;		/* where it last ran, -1 before its first run */
	u32 dom;		/* the domain whose clock its vtime follows */
	u64 started_at;		/* when it last started running */
	u64 exec_at;		/* its se.sum_exec_runtime then */
	u64 stopped_at;		/* and stopped, for topo_cache_hot() */
	u32 last_waker;		/* thread that last woke it synchronously */
	u32 last_wakee;		/* steady partner it last handed its CPU to */
	bool sync_wake;		/* this wake-up's waker is about to sleep */
	bool handed_over;	/* preempted by that partner, not yet queued */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct topo_task);
} topo_tasks SEC(".maps");

struct topo_mask {
	struct bpf_cpumask __kptr *mask;
};

/* The CPUs of each LLC and node; a domain is one or the other. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TOPO_MAX_DOMS);
	__type(key, u32);
	__type(value, struct topo_mask);
} llc_masks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TOPO_MAX_NODES);
	__type(key, u32);
	__type(value, struct topo_mask);
} node_masks SEC(".maps");

/*
 * One scratch mask per CPU for "this LLC AND the task's allowed CPUs".
 * Used only from select_cpu(), enqueue() and tick(), which run with
 * interrupts off, so two users never share a CPU's mask at once.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TOPO_MAX_CPUS);
	__type(key, u32);
	__type(value, struct topo_mask);
} scratch_masks SEC(".maps");

/*
 * Scratch for a count per domain and the domain a pure function picks from
 * them, kept here for the verifier as balance_tick() keeps its plan:
 * queue lengths for topo_pick_victim() in dispatch(), idle CPUs for
 * topo_fork_dom() in select_cpu(). Per CPU; the two never nest, both
 * running with interrupts off.
 */
struct topo_dom_scratch {
	u32 count[TOPO_MAX_DOMS];
	u32 cpus[TOPO_MAX_DOMS];
	s32 pick;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct topo_dom_scratch);
} dom_scratch SEC(".maps");

/* The balancer's timer and what it remembers between ticks. */
struct topo_balancer {
	struct bpf_timer timer;
	s32 last_from, last_to;
	struct topo_plan plan;		/* this tick's, see balance_tick() */
	u32 nr_cpus[TOPO_MAX_DOMS];
	u32 running[TOPO_MAX_DOMS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct topo_balancer);
} balancer SEC(".maps");

/* ---- map lookups ------------------------------------------------------ */

static __always_inline bool cpu_valid(s32 cpu)
{
	return cpu >= 0 && (u32)cpu < nr_cpu_ids && cpu < TOPO_MAX_CPUS;
}

/*
 * Domain of @cpu. Only online CPUs run tasks and hotplug restarts us, so
 * SK_TOPO_NONE cannot come up; fold it to 0 anyway for the verifier and
 * against a CPU appearing before the restart request lands.
 */
static __always_inline u32 dom_of(s32 cpu)
{
	u32 d;

	if (!cpu_valid(cpu))
		return 0;
	d = cpu_to_dom[cpu];
	return d < nr_doms && d < TOPO_MAX_DOMS ? d : 0;
}

static __always_inline struct topo_cpu_ids ids_of(s32 cpu)
{
	struct topo_cpu_ids ids = { TOPO_NONE, TOPO_NONE,
				    TOPO_NONE };

	if (cpu_valid(cpu)) {
		ids.core = cpu_to_core[cpu];
		ids.llc = cpu_to_llc[cpu];
		ids.node = cpu_to_node[cpu];
	}
	return ids;
}

static __always_inline struct bpf_cpumask *lookup_mask(void *map, u32 id)
{
	struct topo_mask *m = bpf_map_lookup_elem(map, &id);

	return m ? m->mask : NULL;
}

static __always_inline struct bpf_cpumask *dom_mask(u32 dom)
{
	return dom_is_node ? lookup_mask(&node_masks, dom) :
			     lookup_mask(&llc_masks, dom);
}

/*
 * Tasks queued in domain @dom. The kernel answers -ENOENT once it has
 * destroyed the queues on the way out while a last balancer tick runs;
 * as a u32 that would be a queue of four billion (seen in the stats).
 */
static __always_inline u32 dom_nr_queued(u32 dom)
{
	s32 n = scx_bpf_dsq_nr_queued(dom);

	return n > 0 ? n : 0;
}

static __always_inline struct topo_task *task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&topo_tasks, p, NULL, 0);
}

static __always_inline void count_dom_event(u32 dom, int what)
{
	struct topo_dom_events *e = bpf_map_lookup_elem(&dom_events, &dom);

	if (!e)
		return;
	if (what == 0)
		e->steals_out++;
	else if (what == 1)
		e->moved_out++;
	else
		e->moved_in++;
}

/*
 * An idle CPU among @group AND the task's allowed CPUs; @flags as for
 * scx_bpf_pick_idle_cpu(). Claims the CPU it returns. -1 if none.
 */
static __always_inline s32 pick_idle_in(struct task_struct *p,
					struct bpf_cpumask *group, u64 flags)
{
	struct bpf_cpumask *tmp;

	if (!group)
		return -1;
	tmp = lookup_mask(&scratch_masks, bpf_get_smp_processor_id());
	if (!tmp)
		return -1;
	bpf_cpumask_and(tmp, p->cpus_ptr, sk_cpumask(group));
	return scx_bpf_pick_idle_cpu(sk_cpumask(tmp), flags);
}

/*
 * Whether some CPU @p may use is idle. One look at the idle mask instead
 * of the several searches that would each come back empty on a saturated
 * machine; the answer may be stale at once, which only costs what any
 * search would lose to the same race: the task is queued, and a CPU
 * that goes idle takes it from the queue.
 */
static __always_inline bool any_idle_in(const struct cpumask *mask)
{
	const struct cpumask *idle = scx_bpf_get_idle_cpumask();
	bool ret = bpf_cpumask_intersects(idle, mask);

	scx_bpf_put_idle_cpumask(idle);
	return ret;
}

static __always_inline bool any_idle(struct task_struct *p)
{
	return any_idle_in(p->cpus_ptr);
}

static __always_inline bool task_hot(struct topo_task *t, u64 now)
{
	return t && topo_cache_hot(now, t->stopped_at, hot_ns);
}

/* @p's vtime against @dom's clock, from the domain it was last queued in */
static __always_inline u64 vtime_in(struct task_struct *p, struct topo_task *t, u32 dom)
{
	if (!t)
		return p->scx.dsq_vtime;
	return topo_vtime_rebase(p->scx.dsq_vtime, dom_vtime[t->dom & (TOPO_MAX_DOMS - 1)],
				 dom_vtime[dom], slice_ns);
}

/*
 * Charges @p for what it ran since running() or its last charge. The
 * kernel's own count, not a clock read in running(): it also holds the
 * switch to the task (the kernel dates a start back to the schedule() that
 * picked it, dispatch() included), as EEVDF's vruntime does, so a task
 * that switches often pays for its switches. Timed from running(), a pipe
 * pair beside hogs got about a tenth more CPU than its one clock said.
 */
static __always_inline void charge(struct task_struct *p, struct topo_task *t)
{
	u64 ran = p->se.sum_exec_runtime - t->exec_at;

	t->exec_at = p->se.sum_exec_runtime;
	sk_counter_add(counters, busy_ns, ran);
	/* weight is 100 at nice 0: heavier tasks age slower */
	p->scx.dsq_vtime += ran * 100 / (p->scx.weight ?: 1);
}

/*
 * Whether @p would be the head of @dom's queue if queued there now: the
 * queue is empty or its head is no earlier in virtual time.
 */
static __always_inline bool wakee_is_next(struct task_struct *p, struct topo_task *t, u32 dom)
{
	u64 vtime = vtime_in(p, t, dom);
	struct task_struct *q;

	bpf_for_each(scx_dsq, q, dom, 0)
		return !sk_time_before(q->scx.dsq_vtime, vtime);
	return true;
}

/* ---- wake-up placement ------------------------------------------------ */

/*
 * A steady partner's wakee carries on from its waker's clock
 * (topo_pair_vtime()), the waker's run so far included: the waker is the
 * task running here, which has not been charged for it yet. Only within
 * one domain, whose clock both vtimes are measured against. Returns the
 * waker's context, for hand_over().
 */
static __always_inline struct topo_task *follow_waker(struct task_struct *p, struct topo_task *t,
							s32 this_cpu)
{
	struct task_struct *waker = bpf_get_current_task_btf();
	struct topo_task *wt = task_ctx(waker);
	u64 now = bpf_ktime_get_ns();
	u32 dom = dom_of(this_cpu);

	if (!wt || !wt->started_at || now <= wt->started_at || wt->dom != dom)
		return wt;
	p->scx.dsq_vtime = topo_pair_vtime(vtime_in(p, t, dom), waker->scx.dsq_vtime,
					   now - wt->started_at, waker->scx.weight);
	t->dom = dom;
	return wt;
}

/*
 * The waker of steady partner @p (@wt, as follow_waker() found it) gives
 * @p its CPU at once rather than at its own next block, as EEVDF's
 * wake-up preemption does. The partner's answer then finds the waker
 * still runnable, not asleep: a round trip costs one wake-up instead of
 * two. enqueue() puts the waker back on its CPU behind @p when it would
 * head the queue anyway.
 */
static __always_inline void hand_over(struct task_struct *p, struct topo_task *wt)
{
	if (!wt)
		return;
	wt->last_wakee = p->pid;
	wt->handed_over = true;
}

/*
 * An idle CPU @p may use in an LLC of @node whose CPUs are all idle
 * (topo_step IDLE_LLC); -1 when there is none. The first one found:
 * any would do, and once the pair is there it is idle no more.
 */
static __always_inline s32 idle_llc_cpu(struct task_struct *p, u32 node)
{
	struct bpf_cpumask *m, *found = NULL;
	const struct cpumask *idle;
	s32 first;
	u32 l;

	idle = scx_bpf_get_idle_cpumask();
	for (l = 0; l < TOPO_MAX_DOMS; l++) {
		if (l >= nr_llcs)
			break;
		m = lookup_mask(&llc_masks, l);
		if (!m)
			continue;
		first = bpf_cpumask_first(sk_cpumask(m));
		if (!cpu_valid(first) || cpu_to_node[first] != node)
			continue;
		if (bpf_cpumask_subset(sk_cpumask(m), idle) &&
		    bpf_cpumask_intersects(sk_cpumask(m), p->cpus_ptr)) {
			found = m;
			break;
		}
	}
	scx_bpf_put_idle_cpumask(idle);
	return found ? pick_idle_in(p, found, 0) : -1;
}

static __always_inline s32 try_step(struct task_struct *p, struct topo_task *t, enum topo_step step,
				    s32 prev_cpu, s32 this_cpu, u32 waker_llc, bool steady)
{
	struct topo_cpu_ids prev = ids_of(prev_cpu);
	u32 dom;

	switch (step) {
	case TOPO_STEP_PREV:
		if (bpf_cpumask_test_cpu(prev_cpu, p->cpus_ptr) &&
		    scx_bpf_test_and_clear_cpu_idle(prev_cpu))
			return prev_cpu;
		return -1;
	case TOPO_STEP_LLC_CORE:
		return pick_idle_in(p, lookup_mask(&llc_masks, prev.llc),
				    SCX_PICK_IDLE_CORE);
	case TOPO_STEP_LLC:
		return pick_idle_in(p, lookup_mask(&llc_masks, prev.llc), 0);
	case TOPO_STEP_WAKER_LLC:
		return pick_idle_in(p, lookup_mask(&llc_masks, waker_llc), 0);
	case TOPO_STEP_IDLE_LLC:
		return idle_llc_cpu(p, prev.node);
	case TOPO_STEP_WAKER_CPU:
		if (!bpf_cpumask_test_cpu(this_cpu, p->cpus_ptr))
			return -1;
		dom = dom_of(this_cpu);
		if (steady ? wakee_is_next(p, t, dom) : !dom_nr_queued(dom))
			return this_cpu;
		return -1;
	case TOPO_STEP_NODE:
		return pick_idle_in(p, lookup_mask(&node_masks, prev.node), 0);
	case TOPO_STEP_ANY:
		return scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	default:
		return -1;
	}
}

static __always_inline void count_step(enum topo_step step)
{
	switch (step) {
	case TOPO_STEP_PREV:
		sk_counter_add(counters, wake_prev, 1);
		break;
	case TOPO_STEP_LLC_CORE:
		sk_counter_add(counters, wake_llc_core, 1);
		break;
	case TOPO_STEP_LLC:
		sk_counter_add(counters, wake_llc, 1);
		break;
	case TOPO_STEP_WAKER_LLC:
		sk_counter_add(counters, wake_waker_llc, 1);
		break;
	case TOPO_STEP_IDLE_LLC:
		sk_counter_add(counters, wake_idle_llc, 1);
		break;
	case TOPO_STEP_WAKER_CPU:
		sk_counter_add(counters, wake_waker_cpu, 1);
		break;
	case TOPO_STEP_NODE:
		sk_counter_add(counters, wake_node, 1);
		break;
	case TOPO_STEP_ANY:
		sk_counter_add(counters, wake_any, 1);
		break;
	default:
		sk_counter_add(counters, wake_queued, 1);
		break;
	}
}

/*
 * An idle CPU for a new task in the domain with the most idle CPUs it may
 * use (topo_fork_dom()), on a wholly idle core there if there is one; -1
 * when none is idle.
 */
static __always_inline s32 fork_cpu(struct task_struct *p, s32 parent_cpu)
{
	struct bpf_cpumask *tmp, *group;
	struct topo_dom_scratch *s;
	const struct cpumask *idle;
	u32 zero = 0, d;
	s32 cpu = -1;
	int dom;

	s = bpf_map_lookup_elem(&dom_scratch, &zero);
	tmp = lookup_mask(&scratch_masks, bpf_get_smp_processor_id());
	if (!s || !tmp || !any_idle(p))
		return -1;
	/* per domain, not per CPU: a few cpumask words each on a big machine */
	idle = scx_bpf_get_idle_cpumask();
	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		s->count[d] = 0;
		group = dom_mask(d);
		if (!group)
			continue;
		bpf_cpumask_and(tmp, p->cpus_ptr, sk_cpumask(group));
		if (bpf_cpumask_and(tmp, sk_cpumask(tmp), idle))
			s->count[d] = bpf_cpumask_weight(sk_cpumask(tmp));
	}
	scx_bpf_put_idle_cpumask(idle);
	s->pick = topo_fork_dom(s->count, nr_doms, dom_of(parent_cpu));
	dom = READ_ONCE(s->pick);
	if (dom < 0 || dom >= TOPO_MAX_DOMS)
		return -1;
	if (smt)
		cpu = pick_idle_in(p, dom_mask(dom), SCX_PICK_IDLE_CORE);
	if (cpu < 0)
		cpu = pick_idle_in(p, dom_mask(dom), 0);
	return cpu;
}

/*
 * With no CPU idle, a CPU of the domain whose queue is shortest for its
 * CPUs (topo_fork_dom_busy()), for enqueue() to queue the new task there;
 * -1 when it may run in none.
 */
static __always_inline s32 fork_cpu_busy(struct task_struct *p, s32 parent_cpu)
{
	struct topo_dom_scratch *s;
	struct bpf_cpumask *group;
	u32 zero = 0, d;
	int dom;

	s = bpf_map_lookup_elem(&dom_scratch, &zero);
	if (!s)
		return -1;
	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		group = dom_mask(d);
		s->cpus[d] = 0;
		if (!group || !bpf_cpumask_intersects(sk_cpumask(group), p->cpus_ptr))
			continue;
		s->cpus[d] = dom_nr_cpus[d];
		s->count[d] = dom_nr_queued(d);
	}
	s->pick = topo_fork_dom_busy(s->count, s->cpus, nr_doms, dom_of(parent_cpu));
	dom = READ_ONCE(s->pick);
	if (dom < 0 || dom >= TOPO_MAX_DOMS)
		return -1;
	group = dom_mask(dom);
	if (!group)
		return -1;
	return bpf_cpumask_any_and_distribute(sk_cpumask(group), p->cpus_ptr);
}

s32 SK_STRUCT_OPS(topo_select_cpu, struct task_struct *p, s32 prev_cpu,
		  u64 wake_flags)
{
	s32 this_cpu = bpf_get_smp_processor_id(), cpu = -1;
	u32 waker_llc = TOPO_NONE, waker = 0, dom;
	struct topo_task *t = task_ctx(p), *wt = NULL;
	struct topo_wake w = { .smt = smt, .nr_nodes = nr_nodes };
	bool sync, steady = false;
	enum topo_step step;
	int i;

	if (!cpu_valid(prev_cpu))
		return prev_cpu;
	if (wake_flags & SCX_WAKE_FORK) {
		cpu = fork_cpu(p, prev_cpu);
		if (cpu >= 0) {
			sk_counter_add(counters, fork_idle, 1);
			scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_ns, 0);
			return cpu;
		}
		cpu = fork_cpu_busy(p, prev_cpu);
		if (cpu_valid(cpu)) {
			sk_counter_add(counters, fork_queued, 1);
			return cpu;
		}
	}
	sync = (wake_flags & SCX_WAKE_SYNC) && cpu_valid(this_cpu);
	if (sync) {
		w.sync = true;
		waker_llc = cpu_to_llc[this_cpu];
		w.other_llc = waker_llc != cpu_to_llc[prev_cpu];
		/* select_cpu() runs in the waker's context */
		waker = (u32)bpf_get_current_pid_tgid();
	}
	if (t) {
		w.affine = topo_wake_affine(sync, waker_llc,
					    cpu_to_llc[prev_cpu], waker,
					    t->last_waker);
		steady = topo_wake_steady(sync, waker, t->last_waker);
		w.steady = steady;
		t->last_waker = waker;
		t->sync_wake = sync;
	}
	if (steady)
		wt = follow_waker(p, t, this_cpu);
	w.none_idle = !any_idle(p);
	/* with no CPU idle the walk never reaches the steps it gates */
	if (hot_ns && !w.none_idle)
		w.hot = task_hot(t, bpf_ktime_get_ns());

	step = topo_step_first(&w);
	for (i = 0; i < TOPO_NR_STEPS; i++) {
		if (step == TOPO_STEP_QUEUE)
			break;
		cpu = try_step(p, t, step, prev_cpu, this_cpu, waker_llc, steady);
		if (cpu >= 0)
			break;
		step = topo_step_next(step, &w);
	}

	if (cpu < 0) {
		count_step(TOPO_STEP_QUEUE);
		/*
		 * enqueue() queues it on the domain of the CPU returned. A
		 * steady partner from another LLC waits in the waker's, whose
		 * CPU is about to free up and take it (the waker sleeps), so
		 * the pair ends up in one LLC even when no CPU is idle.
		 */
		if (w.affine && bpf_cpumask_test_cpu(this_cpu, p->cpus_ptr))
			return this_cpu;
		return prev_cpu;
	}
	count_step(step);
	if (step == TOPO_STEP_WAKER_CPU) {
		/*
		 * Any other waker may go on running: queue the wakee in its
		 * domain, where the waker's CPU takes it next, or a sibling
		 * that frees up first.
		 */
		if (!steady || !t)
			return cpu;
		/*
		 * A steady partner sleeps next and the wakee would head the
		 * queue, so the waker's CPU would take it from there at once.
		 * Put straight on that CPU, it runs there without enqueue(),
		 * dispatch() or the queue's lock, which are most of the cost
		 * of a pipe round trip beside hogs.
		 */
		dom = dom_of(cpu);
		p->scx.dsq_vtime = vtime_in(p, t, dom);
		t->dom = dom;
		t->sync_wake = false;
		hand_over(p, wt);
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_ns, SCX_ENQ_PREEMPT);
		return cpu;
	}
	scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cpu;
}

/* ---- queueing --------------------------------------------------------- */

/*
 * A task of @dom ran this long before a wakee queued behind it may
 * preempt it (topo_wake_preempts()). EEVDF's wake-up preemption lets a
 * task run about as long before a waking one with an earlier deadline
 * takes over.
 */
#define TOPO_PREEMPT_MIN_NS	(1000ULL * 1000)

/*
 * @p woke, found no idle CPU and was queued on @dom with @vtime: preempt
 * the task of @dom furthest ahead of it in virtual time, if one is far
 * enough ahead and has run long enough. The wakee is then the earliest
 * task on the domain's queue and the kicked CPU takes it at once; without
 * this, a task that sleeps often (a pipe, a request) waits behind CPU hogs
 * for a whole slice on every wake-up. One kick per running task: clearing
 * its start time keeps the next wakee from choosing the same CPU before it
 * has switched (ops.running() sets it again).
 */
static __always_inline void wake_preempt(struct task_struct *p, u32 dom,
					 u64 vtime)
{
	u64 now = bpf_ktime_get_ns(), best_vtime = 0, start, ran, at;
	s32 best = -1;
	u32 i;

	bpf_for(i, 0, nr_cpu_ids) {
		if (i >= TOPO_MAX_CPUS)
			break;
		if (cpu_to_dom[i] != dom || !cpu_busy[i])
			continue;
		start = cpu_run_start[i];
		if (!start || now <= start)
			continue;
		ran = now - start;
		if (!topo_wake_preempts(vtime, cpu_run_vtime[i], ran,
					TOPO_PREEMPT_MIN_NS) ||
		    !bpf_cpumask_test_cpu(i, p->cpus_ptr))
			continue;
		/* where its vtime is now, at nice 0 */
		at = cpu_run_vtime[i] + ran;
		if (best < 0 || sk_time_before(best_vtime, at)) {
			best = i;
			best_vtime = at;
		}
	}
	if (best < 0 || best >= TOPO_MAX_CPUS)
		return;
	cpu_run_start[best] = 0;
	scx_bpf_kick_cpu(best, SCX_KICK_PREEMPT);
	sk_counter_add(counters, preempts, 1);
}

void SK_STRUCT_OPS(topo_enqueue, struct task_struct *p, u64 enq_flags)
{
	s32 cpu = scx_bpf_task_cpu(p), idle;
	struct topo_task *t = task_ctx(p);
	u32 dom = dom_of(cpu), node;
	u64 vtime = p->scx.dsq_vtime;
	/* select_cpu() noted it for this wake-up only */
	bool sync = t && t->sync_wake;

	if (t)
		t->sync_wake = false;

	/*
	 * A task whose affinity just changed may sit on a CPU it can no
	 * longer use; queue it where it can run so that CPUs there find it
	 * without having to steal.
	 */
	if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
		cpu = bpf_cpumask_any_distribute(p->cpus_ptr);
		dom = dom_of(cpu);
	}

	if (t) {
		vtime = vtime_in(p, t, dom);
		t->dom = dom;
	}
	/* it handed this CPU to its partner (hand_over()): next in line */
	if (t && t->handed_over) {
		t->handed_over = false;
		p->scx.dsq_vtime = vtime;
		if (!(enq_flags & SCX_ENQ_WAKEUP) && cpu == (s32)bpf_get_smp_processor_id() &&
		    wakee_is_next(p, t, dom)) {
			scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
			sk_counter_add(counters, enqueued, 1);
			return;
		}
	}
	scx_bpf_dispatch_vtime(p, dom, slice_ns, vtime, enq_flags);
	sk_counter_add(counters, enqueued, 1);

	/*
	 * Only CPUs passing through dispatch() look at queues. A task that
	 * did not come through select_cpu() (slice expired, preempted, new)
	 * needs an idle CPU woken for it: one in its domain, else one in its
	 * node that may steal it. Not for a sync wake-up: its waker's CPU
	 * frees up and takes it, and a CPU woken in another LLC would only
	 * race it for the task. Nor for a cache-hot one, which that CPU
	 * would not steal (tick() kicks one once it has gone cold).
	 */
	idle = -1;
	if (any_idle(p)) {
		idle = pick_idle_in(p, dom_mask(dom), 0);
		if (idle < 0 && !sync && !task_hot(t, bpf_ktime_get_ns()) &&
		    scx_bpf_dsq_nr_queued(dom) >= (s32)steal_thresh) {
			node = dom_to_node[dom];
			idle = pick_idle_in(p, lookup_mask(&node_masks, node), 0);
		}
	}
	if (idle >= 0)
		scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
	else if ((enq_flags & SCX_ENQ_WAKEUP) && !sync)
		/* a sync waker sleeps next, and its CPU takes the queue head */
		wake_preempt(p, dom, vtime);
}

/*
 * Take the first task of @victim's queue whose cache has gone cold
 * (topo_cache_hot()) onto this CPU. The hot ones get a CPU of their own
 * LLC soon, or turn cold while they wait and are taken then.
 */
static __always_inline bool steal_cold(u32 victim, s32 cpu)
{
	u64 now = bpf_ktime_get_ns();
	struct task_struct *p;

	bpf_for_each(scx_dsq, p, victim, 0) {
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr) || task_hot(task_ctx(p), now))
			continue;
		if (scx_bpf_dispatch_from_dsq(TOPO_DSQ_ITER, p, SCX_DSQ_LOCAL, 0))
			return true;
	}
	return false;
}

/*
 * @p starts a run on @cpu of @dom with the vtime it has now, from
 * running() or from a renewed slice: the domain's clock follows it, and
 * wake_preempt() may measure its run from here.
 */
static __always_inline void clock_in(struct task_struct *p, struct topo_task *t, s32 cpu, u32 dom)
{
	if (sk_time_before(dom_vtime[dom], p->scx.dsq_vtime))
		dom_vtime[dom] = p->scx.dsq_vtime;
	t->started_at = bpf_ktime_get_ns();
	if (cpu_valid(cpu)) {
		cpu_run_vtime[cpu] = p->scx.dsq_vtime;
		cpu_run_start[cpu] = t->started_at;
	}
}

/*
 * @prev used up its slice and may run on, but it is in no queue while
 * dispatch() runs, so taking the queue's head regardless would put the
 * head first even when @prev is the earlier: two tasks sharing a CPU would
 * take turns slice for slice, whatever their weights. Charged for the slice
 * it used, it gets another when nothing queued in its domain is earlier.
 */
static __always_inline bool renew_prev(struct task_struct *prev, s32 cpu, u32 dom)
{
	struct topo_task *t = task_ctx(prev);

	if (!t || !t->started_at || !cpu_valid(cpu))
		return false;
	charge(prev, t);
	if (!wakee_is_next(prev, t, dom))
		return false;
	prev->scx.slice = slice_ns;
	clock_in(prev, t, cpu, dom);
	sk_counter_add(counters, renewed, 1);
	return true;
}

void SK_STRUCT_OPS(topo_dispatch, s32 cpu, struct task_struct *prev)
{
	struct topo_dom_scratch *s;
	u32 dom = dom_of(cpu), d, zero = 0;
	int victim;

	if (prev && (prev->scx.flags & SCX_TASK_QUEUED) && renew_prev(prev, cpu, dom))
		return;
	if (scx_bpf_consume(dom))
		return;
	/*
	 * Only a CPU about to go idle steals. One whose task used up its
	 * slice keeps running it: taking another domain's task instead
	 * would move that one across LLCs and queue this one, for no more
	 * CPU time in all; lasting imbalances between busy domains are the
	 * balancer's job.
	 */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED))
		return;

	s = bpf_map_lookup_elem(&dom_scratch, &zero);
	if (!s)
		return;
	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		s->count[d] = d == dom ? 0 : dom_nr_queued(d);
	}
	s->pick = topo_pick_victim(s->count, dom_to_node,
				   nr_doms, dom, steal_thresh, numa_thresh);
	victim = READ_ONCE(s->pick);
	if (victim < 0 || victim >= TOPO_MAX_DOMS)
		return;
	if (steal_cold(victim, cpu)) {
		sk_counter_add(counters, steals_in, 1);
		if (dom_to_node[victim] != dom_to_node[dom])
			sk_counter_add(counters, numa_steals, 1);
		count_dom_event(victim, 0);
	}
}

/* ---- running ---------------------------------------------------------- */

void SK_STRUCT_OPS(topo_running, struct task_struct *p)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct topo_task *t = task_ctx(p);
	u32 dom = dom_of(cpu), old;
	enum topo_mig mig;

	if (cpu_valid(cpu)) {
		cpu_busy[cpu] = 1;
		/* preemptable on wake-up only once its vtime is known below */
		cpu_run_start[cpu] = 0;
	}
	sk_counter_add(counters, runs, 1);
	if (!t)
		return;

	old = t->dom & (TOPO_MAX_DOMS - 1);
	if (old != dom) {
		p->scx.dsq_vtime = topo_vtime_rebase(p->scx.dsq_vtime,
						     dom_vtime[old],
						     dom_vtime[dom], slice_ns);
		t->dom = dom;
		sk_counter_add(counters, remote_dispatches, 1);
	} else {
		sk_counter_add(counters, local_dispatches, 1);
		/*
		 * Its steady partner has just left this CPU to it: blocked
		 * after waking it or after being handed the CPU, or handed
		 * the CPU over itself (hand_over()). Carry on from where the
		 * partner's clock ended, the partner's whole run included as
		 * the kernel charged it, which select_cpu() could only guess
		 * and enqueue() could not see (topo_pair_vtime()).
		 */
		if (cpu_valid(cpu) && cpu_left_pid[cpu] &&
		    (cpu_left_pid[cpu] == t->last_waker || cpu_left_pid[cpu] == t->last_wakee))
			p->scx.dsq_vtime =
				topo_pair_vtime(p->scx.dsq_vtime, cpu_left_vtime[cpu], 0, 100);
	}
	mig = topo_mig_class(t->last_cpu, cpu, ids_of(t->last_cpu),
			     ids_of(cpu));
	switch (mig) {
	case TOPO_MIG_SAME_CORE:
		sk_counter_add(counters, mig_same_core, 1);
		break;
	case TOPO_MIG_SAME_LLC:
		sk_counter_add(counters, mig_same_llc, 1);
		break;
	case TOPO_MIG_CROSS_LLC:
		sk_counter_add(counters, mig_cross_llc, 1);
		break;
	case TOPO_MIG_CROSS_NODE:
		sk_counter_add(counters, mig_cross_node, 1);
		break;
	default:
		break;
	}
	t->last_cpu = cpu;
	t->exec_at = p->se.sum_exec_runtime;
	clock_in(p, t, cpu, dom);
}

void SK_STRUCT_OPS(topo_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct topo_task *t = task_ctx(p);
	u64 now = bpf_ktime_get_ns();

	if (cpu_valid(cpu))
		cpu_busy[cpu] = 0;
	if (!t || !t->started_at || now <= t->started_at)
		return;
	charge(p, t);
	t->started_at = 0;
	t->stopped_at = now;
	if (!runnable)
		t->handed_over = false;
	if (cpu_valid(cpu)) {
		cpu_left_pid[cpu] = runnable && !t->handed_over ? 0 : p->pid;
		cpu_left_vtime[cpu] = p->scx.dsq_vtime;
	}
}

/*
 * Queued tasks too hot to steal turn cold while they wait, and the idle
 * CPUs that could take them sleep until kicked: kick one of the node for
 * the first cold task of this CPU's domain, and it steals that one.
 */
void SK_STRUCT_OPS(topo_tick, struct task_struct *curr)
{
	s32 cpu = bpf_get_smp_processor_id(), idle;
	u32 dom = dom_of(cpu);
	struct bpf_cpumask *node;
	struct task_struct *p;
	u64 now;

	if (!hot_ns || dom_nr_queued(dom) < steal_thresh)
		return;
	/*
	 * The node's idle CPUs, not those @curr may use: a kworker pinned
	 * here says nothing about where the queued tasks could go.
	 */
	node = lookup_mask(&node_masks, dom_to_node[dom]);
	if (!node || !any_idle_in(sk_cpumask(node)))
		return;
	now = bpf_ktime_get_ns();
	bpf_for_each(scx_dsq, p, dom, 0) {
		if (task_hot(task_ctx(p), now))
			continue;
		idle = pick_idle_in(p, node, 0);
		if (idle >= 0)
			scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
		break;
	}
}

void SK_STRUCT_OPS(topo_enable, struct task_struct *p)
{
	struct topo_task *t = task_ctx(p);
	u32 dom = dom_of(scx_bpf_task_cpu(p));

	p->scx.dsq_vtime = dom_vtime[dom];
	if (t)
		t->dom = dom;
}

s32 SK_STRUCT_OPS_SLEEPABLE(topo_init_task, struct task_struct *p,
			    struct scx_init_task_args *args)
{
	struct topo_task *t;

	t = bpf_task_storage_get(&topo_tasks, p, NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return -ENOMEM;
	t->last_cpu = -1;
	return 0;
}

/* ---- periodic balancer ------------------------------------------------ */

/* Move up to @nr queued tasks that may run in @to from @from's queue. */
static __always_inline u32 move_tasks(u32 from, u32 to, u32 nr)
{
	struct bpf_cpumask *to_mask = dom_mask(to);
	struct task_struct *p;
	struct topo_task *t;
	u32 moved = 0;
	u64 vtime;
	s32 cpu;

	if (!to_mask || from >= TOPO_MAX_DOMS || to >= TOPO_MAX_DOMS)
		return 0;
	bpf_for_each(scx_dsq, p, from, 0) {
		if (moved >= nr || moved >= TOPO_MAX_MOVE)
			break;
		if (!bpf_cpumask_intersects(sk_cpumask(to_mask), p->cpus_ptr))
			continue;
		t = task_ctx(p);
		vtime = topo_vtime_rebase(p->scx.dsq_vtime, dom_vtime[from],
					  dom_vtime[to], slice_ns);
		scx_bpf_dispatch_from_dsq_set_vtime(TOPO_DSQ_ITER, vtime);
		if (!scx_bpf_dispatch_vtime_from_dsq(TOPO_DSQ_ITER, p, to,
						     0))
			continue;
		/*
		 * A CPU of @to may already run it and have rebased from
		 * @from; then this write is late and its next enqueue
		 * rebases from @to's clock once more, a one-off skew.
		 */
		if (t)
			t->dom = to;
		moved++;
	}
	if (moved) {
		cpu = scx_bpf_pick_idle_cpu(sk_cpumask(to_mask), 0);
		if (cpu >= 0)
			scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	}
	return moved;
}

/*
 * Timer callbacks run outside the RCU read section the scheduling
 * callbacks get for free; the DSQ iterator and the cpumask kptrs need one.
 */
static int balance_tick(void *map, int *key, struct topo_balancer *b)
{
	u32 d, sample, moved, from, to;
	struct topo_dom_events *e;
	s32 cpu;

	__sync_fetch_and_add(&balance_ticks, 1);
	bpf_rcu_read_lock();

	for (d = 0; d < TOPO_MAX_DOMS; d++)
		b->running[d] = 0;
	bpf_for(cpu, 0, (s32)nr_cpu_ids) {
		if (cpu >= TOPO_MAX_CPUS)
			break;
		d = cpu_to_dom[cpu];
		if (d < TOPO_MAX_DOMS && cpu_busy[cpu])
			b->running[d]++;
	}

	for (d = 0; d < TOPO_MAX_DOMS; d++) {
		if (d >= nr_doms)
			break;
		dom_queued[d] = dom_nr_queued(d);
		b->nr_cpus[d] = dom_nr_cpus[d];
		if (!b->nr_cpus[d])
			continue;
		sample = (b->running[d] + dom_queued[d]) * 1000 /
			 b->nr_cpus[d];
		/* average over about four ticks */
		dom_load[d] = (dom_load[d] * 3 + sample) / 4;
	}

	/*
	 * The plan goes through map memory, which the verifier does not
	 * track: read back, its domains are unknown numbers, so what follows
	 * is verified once instead of once for every (busiest, idlest) pair
	 * the loop in topo_balance_plan() can produce, a cost that grows with
	 * the square of the domains and that every load and hotplug restart
	 * pays.
	 */
	b->plan = topo_balance_plan(dom_load, b->nr_cpus, dom_queued,
				    dom_to_node, nr_doms,
				    steal_thresh, numa_thresh);
	from = READ_ONCE(b->plan.from);
	to = READ_ONCE(b->plan.to);
	if ((s32)from < 0 || (s32)from != b->last_from ||
	    (s32)to != b->last_to) {
		/* act only on an imbalance seen twice in a row */
		b->last_from = from;
		b->last_to = to;
		goto out;
	}
	b->last_from = -1;
	b->last_to = -1;
	if (from >= TOPO_MAX_DOMS || to >= TOPO_MAX_DOMS)
		goto out;
	moved = move_tasks(from, to, READ_ONCE(b->plan.nr));
	if (moved) {
		e = bpf_map_lookup_elem(&dom_events, &from);
		if (e)
			e->moved_out += moved;
		e = bpf_map_lookup_elem(&dom_events, &to);
		if (e)
			e->moved_in += moved;
	}
out:
	bpf_rcu_read_unlock();
	bpf_timer_start(&b->timer, balance_ns, 0);
	return 0;
}

/* ---- set-up ----------------------------------------------------------- */

/* Store a new empty mask in @map[@id]. */
static __always_inline int new_mask(void *map, u32 id)
{
	struct bpf_cpumask *m, *old;
	struct topo_mask *slot;

	slot = bpf_map_lookup_elem(map, &id);
	if (!slot)
		return -ENOENT;
	m = bpf_cpumask_create();
	if (!m)
		return -ENOMEM;
	old = bpf_kptr_xchg(&slot->mask, m);
	if (old)
		bpf_cpumask_release(old);
	return 0;
}

s32 SK_STRUCT_OPS_SLEEPABLE(topo_init)
{
	struct topo_balancer *b;
	struct bpf_cpumask *m;
	u32 zero = 0, i;
	s32 cpu;
	int ret;

	bpf_for(i, 0, nr_doms) {
		ret = scx_bpf_create_dsq(i, -1);
		if (ret)
			return ret;
	}
	bpf_for(i, 0, nr_llcs) {
		ret = new_mask(&llc_masks, i);
		if (ret)
			return ret;
	}
	bpf_for(i, 0, nr_nodes) {
		ret = new_mask(&node_masks, i);
		if (ret)
			return ret;
	}
	bpf_for(cpu, 0, (s32)nr_cpu_ids) {
		ret = new_mask(&scratch_masks, cpu);
		if (ret)
			return ret;
	}

	bpf_rcu_read_lock();
	bpf_for(cpu, 0, (s32)nr_cpu_ids) {
		if (cpu >= TOPO_MAX_CPUS)
			break;
		m = lookup_mask(&llc_masks, cpu_to_llc[cpu]);
		if (m)
			bpf_cpumask_set_cpu(cpu, m);
		m = lookup_mask(&node_masks, cpu_to_node[cpu]);
		if (m)
			bpf_cpumask_set_cpu(cpu, m);
	}
	bpf_rcu_read_unlock();

	b = bpf_map_lookup_elem(&balancer, &zero);
	if (!b)
		return -ENOENT;
	b->last_from = -1;
	b->last_to = -1;
	ret = bpf_timer_init(&b->timer, &balancer, CLOCK_MONOTONIC);
	if (ret)
		return ret;
	ret = bpf_timer_set_callback(&b->timer, balance_tick);
	if (ret)
		return ret;
	return bpf_timer_start(&b->timer, balance_ns, 0);
}

void SK_STRUCT_OPS(topo_dump, struct scx_dump_ctx *dctx)
{
	u32 d;

	bpf_for(d, 0, nr_doms) {
		if (d >= TOPO_MAX_DOMS)
			break;
		sk_dump("topo: domain %u (node %u): %d queued, load %u/1000 per CPU",
			d, dom_to_node[d], scx_bpf_dsq_nr_queued(d),
			dom_load[d]);
	}
}

SK_EXIT_OPS(topo_exit);

SEC(".struct_ops.link")
struct sched_ext_ops topo_ops = {
	.select_cpu	= (void *)topo_select_cpu,
	.enqueue	= (void *)topo_enqueue,
	.dispatch	= (void *)topo_dispatch,
	.running	= (void *)topo_running,
	.stopping	= (void *)topo_stopping,
	.tick		= (void *)topo_tick,
	.enable		= (void *)topo_enable,
	.init_task	= (void *)topo_init_task,
	.dump		= (void *)topo_dump,
	.init		= (void *)topo_init,
	.exit		= (void *)topo_exit,
	.name		= "topo",
};
