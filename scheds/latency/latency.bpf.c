// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_latency: a latency-aware virtual-deadline scheduler.
 *
 * Policy. Every task has a weighted virtual runtime (vruntime): while it
 * runs it advances by real time * 100 / weight, so nice and cgroup weights
 * decide how CPU time is shared. When a task is queued it gets a deadline,
 * its vruntime plus its slice in its own virtual time, and CPUs run queued
 * tasks earliest deadline first. What makes it latency-aware is the slice:
 * it runs from --slice-max-us for a batch task down to --slice-min-us for
 * the most latency-critical one, so critical tasks get early deadlines and
 * go first, while their vruntime still charges them for every nanosecond
 * they run, so being critical buys promptness, not a bigger share.
 *
 * Estimates. Latency criticality (0..1024) is learnt online from what a
 * task does, with moving averages updated whenever it blocks or uses up a
 * whole slice (latency_math.h has the formulas):
 * - how long it runs before it blocks: short runs are necessary to count as
 *   critical at all;
 * - how often it wakes up: frequent wake-ups raise it further;
 * - who wakes it: a task woken by a critical task inherits 3/4 of the
 *   waker's criticality, so the stages of a pipeline (input -> compositor ->
 *   client) move forward together. Using a full slice without blocking
 *   drops what was inherited.
 *
 * Queues. Each CPU has its own queue ordered by deadline. A CPU runs,
 * earliest deadline first, the head of its queue or its current task going
 * on; it takes the head of a neighbour's queue (SMT sibling, same LLC)
 * instead when it has nothing else or when that head is earlier by more
 * than one --slice-max-us, and when about to go idle it takes from any
 * CPU. Per CPU rather than per LLC because most machines, and every test
 * VM, have one LLC, where a per-LLC queue is the single shared queue again:
 * every CPU contends for one lock, and a queued task runs on whichever CPU
 * asks first, which costs migrations, and a CPU kicked to preempt for a
 * wakee races the others for it. With a queue per CPU a task runs where it
 * was queued unless the balance is off by more than the margin, and a
 * kicked CPU finds the wakee at the head of its own queue.
 *
 * Placement. A waking task goes to its previous CPU when that is idle,
 * else to a wholly idle core, else to an idle SMT sibling or LLC neighbour
 * of its previous CPU, else to any idle CPU, and is dispatched there
 * directly; a task queued without waking (its slice ran out, it was
 * preempted) also goes to an idle CPU when there is one, else back on its
 * own CPU's queue. With no idle CPU a waking task is queued on the CPU,
 * among its own and its neighbours, running the latest deadline that its
 * deadline beats by more than --slice-min-us, and that CPU is kicked to
 * preempt at once instead of at the end of the running slice (when it is
 * the CPU doing the wake-up, as for a timer's, the task goes straight into
 * its local queue and it reschedules without a kick); failing
 * that, on the shortest queue among its own CPU's and its neighbours', or
 * straight into the local queue of the CPU doing the wake-up when that is
 * where it would wait, nothing waits there, and both the task and that
 * CPU's current one (most likely its waker) usually run briefly (under
 * --slice-min-us): it would be next anyway, and the CPU then switches to
 * it without a round through ops.dispatch(). Only a task that usually
 * runs until its slice ends (a hog) is preempted: one that usually blocks
 * before half its slice frees the CPU on its own, and preempting it (a
 * server's worker in the middle of a request) cost request/response work
 * more throughput and tail latency than it saved the wakee. Of those, a
 * wakee clearly more critical than the running task preempts it at once,
 * one of a kind with it only once that task has run --slice-min-us, one
 * clearly less critical never; and a task that usually blocks within
 * --slice-min-us is left that long whoever wakes, since it frees the CPU
 * by then anyway. Sync wake-ups (pipes, sockets: the waker is about to
 * sleep) never preempt.
 * Each CPU publishes the deadline and criticality it runs in cpu_ctx,
 * written in ops.running(); a CPU with a preemption pending publishes
 * nothing, and a wakee queued on it then kicks it again; one between two
 * tasks is kicked only if it went idle.
 *
 * Bounds. Sleepers may not bank credit: at enqueue a vruntime more than one
 * --slice-min-us behind the global virtual clock is pulled up to it, so
 * that a task's place in line comes from its criticality, not from how
 * long it slept (with more credit every woken task of a kind with those
 * queued passed them all, and hackbench's tasks blocked and woke again
 * for a few messages at a time). The clock follows the tasks CPUs take
 * from the heads of the queues. Tasks that ran ahead (a low-weight task
 * charged a lot for one run) are pulled back to LAT_LEAD_MAX_NS ahead of
 * it. Light tasks get shorter slices so one run does not put them far
 * ahead. As a last resort, a task that has waited more than
 * LAT_STARVE_NS is moved to a CPU at once (each CPU scans its queue every
 * LAT_SCAN_INTERVAL_NS), so no mix of weights starves a task into the
 * kernel's 30 s watchdog.
 *
 * Trade-offs. Short slices mean more context switches for critical tasks
 * (they rarely use them up, so the cost is small), and preemption on
 * wake-up trades some throughput of CPU hogs for latency. Criticality is a
 * guess from past behaviour: a task that changes character is mis-placed
 * for a few wake-ups. Inheritance through the waker uses whichever task is
 * current when the wake-up happens, which for wake-ups from interrupts is
 * an unrelated task. The queues per CPU keep the deadline order exact on
 * each CPU but only within one --slice-max-us across CPUs, so hogs on an
 * overloaded CPU fall behind those elsewhere by up to that much (plus up
 * to a --slice-min-us before a busy CPU looks) before one moves, and a CPU
 * with nothing to run looks at the heads of up to LAT_NEAR_MAX
 * neighbours' queues on each dispatch. A task put straight into a local
 * queue is out of reach, for its waker's brief run, of a CPU going idle
 * and of a later wakee with an earlier deadline.
 *
 * Compared with EEVDF (the kernel's fair class since 6.6): both order by
 * virtual deadline = vruntime + slice / weight. EEVDF only runs *eligible*
 * tasks (non-negative lag against the weighted average vruntime) and keeps
 * lag across sleeps; here every queued task is eligible, the clock is the
 * latest head a CPU took, and lag is simply capped, which is cheaper in
 * BPF and slightly less fair over short windows. EEVDF balances its
 * per-CPU run queues periodically; here a CPU pulls when it dispatches.
 * EEVDF's slice is a fixed base slice unless the application sets
 * sched_attr.sched_runtime; here the slice, and so the deadline, is
 * derived automatically from behaviour.
 *
 * Shows: vtime-ordered user DSQs, one per CPU (scx_bpf_dispatch_vtime),
 * peeking at a DSQ's head with the DSQ iterator and stealing from other
 * DSQs (scx_bpf_consume), custom idle-CPU selection with
 * scx_bpf_pick_idle_cpu() and topology from user space, SCX_KICK_PREEMPT,
 * renewing a slice from ops.dispatch(), moving tasks out of a DSQ
 * (scx_bpf_dispatch_from_dsq), per-task storage, per-CPU counters and a
 * histogram for stats, scheduler, CPU and task dumps.
 */
#include <schedkit/bpf/common.bpf.h>
#include <schedkit/bpf/counters.bpf.h>
#include <schedkit/bpf/exit.bpf.h>

#include "latency.h"

char _license[] SEC("license") = "GPL";

/*
 * The starvation rescue: how long a queued task may wait before it is run
 * regardless of its deadline, how often each CPU scans its queue for such
 * tasks, and how many one scan moves. A second is far above any wait
 * the deadlines produce with sane weights and far below the watchdog.
 */
#define LAT_STARVE_NS		(1000ULL * 1000 * 1000)
#define LAT_SCAN_INTERVAL_NS	(100ULL * 1000 * 1000)
#define LAT_RESCUE_MAX		4

/*
 * Set by the loader from the options, see main.c. Globals the skeleton
 * exposes use the __u64-style names, which user space has too.
 */
const volatile __u64 slice_min_ns = 250 * 1000;
const volatile __u64 slice_max_ns = 5000 * 1000;
const volatile __u32 lat_weight = 100;
const volatile bool preempt = true;
/*
 * Whether any core has SMT siblings, from the loader. Without them the
 * search for a wholly idle core already is a search for any idle CPU, and
 * the steps after it in pick_idle() could only repeat it.
 */
const volatile bool smt = true;
/*
 * near_cpus[cpu] lists CPU ids + 1 (0 ends the list) to try after @cpu:
 * its SMT siblings, then other CPUs of its LLC. Filled from sysfs
 * topology by the loader, so the BPF side needs no cpumask plumbing.
 */
const volatile __u16 near_cpus[LAT_MAX_CPUS][LAT_NEAR_MAX];
/*
 * near_llc[cpu]: its LLC's id + 1 when near_cpus[cpu] lists all the rest
 * of that LLC, else 0. A CPU that has just looked at all its neighbours'
 * queues need not knock on them again on its way to idle.
 */
const volatile __u16 near_llc[LAT_MAX_CPUS];

/*
 * The global virtual clock: the latest vruntime of a task a CPU took from
 * the head of a queue. Updated without atomics; a lost update only delays
 * it a bit.
 */
__u64 vtime_now;

/* scx_bpf_nr_cpu_ids(), kept by ops.init() to spare a kfunc call per use. */
__u32 nr_cpus = LAT_MAX_CPUS;

SK_COUNTERS(counters, struct lat_counters);
SK_COUNTERS(delay_hist, struct lat_hist);

struct lat_task {
	u64 vruntime;
	u64 deadline;		/* vruntime + offset, computed at enqueue */
	u64 slice;		/* assigned at enqueue */
	u64 ready_at;		/* became runnable/queued; 0 while running */
	u64 run_start;		/* se.sum_exec_runtime when last charged */
	u64 burst;		/* ran since it woke or last used a slice */
	u64 avg_run;		/* average burst before blocking */
	u64 last_wake;
	u64 avg_intv;		/* average interval between wake-ups */
	u32 crit;		/* latency criticality, 0..LAT_CRIT_MAX */
	u32 inherited;		/* share of the last waker's criticality */
	bool from_queue;	/* runs next because it reached the head */
	bool sync_wake;		/* the waker said it is about to sleep */
	bool searched;		/* select_cpu() found no idle CPU for it */
	bool yielded;		/* gave up its turn: deadline one slice later */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lat_task);
} lat_tasks SEC(".maps");

/*
 * Per CPU: what it runs, for wake-up preemption, and when it last scanned
 * its queue for starving tasks. One cache line each.
 */
struct lat_cpu {
	u64 deadline;
	u64 started_at;		/* when it got the CPU or a new slice */
	u64 last_scan_at;
	u64 last_balance_at;	/* last compared its queue with neighbours' */
	u64 avg_run;		/* the running task's usual run before it blocks */
	u32 crit;
	u32 busy;		/* a task with a known deadline runs here */
	u32 preempting;		/* kicked to preempt, the wakee not yet running */
	u32 pad;
	u64 slice;		/* the running task's slice */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LAT_MAX_CPUS);
	__type(key, u32);
	__type(value, struct lat_cpu);
} cpu_ctx SEC(".maps");

/*
 * CPU @cpu's queue is user DSQ @cpu: ids below SCX_DSQ_FLAG_BUILTIN are the
 * scheduler's to choose, and the CPU id needs no table.
 */
static __always_inline u64 cpu_dsq(s32 cpu)
{
	return (u64)cpu;
}

static __always_inline struct lat_task *lookup_task(struct task_struct *p)
{
	return bpf_task_storage_get(&lat_tasks, p, NULL, 0);
}

static __always_inline struct lat_cpu *lookup_cpu(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctx, &key);
}

/*
 * Neighbour @i of @cpu, or -1 past the end of its list. A function of its
 * own so that the compiler cannot compute the address before the bounds
 * check, which the verifier would reject.
 */
static __noinline s32 near_cpu(u32 cpu, u32 i)
{
	if (cpu >= LAT_MAX_CPUS || i >= LAT_NEAR_MAX)
		return -1;
	return (s32)near_cpus[cpu][i] - 1;
}

/*
 * Most tasks may run anywhere, and for them a field read answers without
 * a kfunc call. A migration-disabled task keeps its full count while its
 * cpus_ptr points at a single CPU, so it takes the full test.
 */
static __always_inline bool cpu_allowed(struct task_struct *p, s32 cpu)
{
	if (cpu < 0)
		return false;
	if ((u32)p->nr_cpus_allowed >= nr_cpus && !p->migration_disabled)
		return (u32)cpu < nr_cpus;
	return bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/*
 * Fresh slice and deadline for @p from its estimates, after applying the
 * lag and lead caps to its vruntime. Called whenever @p is about to be
 * queued or to run on, so every deadline is relative to the current clock.
 * A task that yielded its turn gets a deadline one slice later until it
 * runs again.
 */
static void refresh_deadline(struct task_struct *p, struct lat_task *t)
{
	u32 weight = p->scx.weight;
	u64 offset;

	t->vruntime = lat_queue_vruntime(t->vruntime, vtime_now, slice_min_ns);
	t->slice = lat_slice(lat_crit_effective(t->crit, lat_weight), weight,
			     slice_min_ns, slice_max_ns);
	offset = lat_deadline_offset(t->slice, weight);
	t->deadline = t->vruntime + offset + (t->yielded ? offset : 0);
}

/* Count the slice @t was just given, for the slice statistics. */
static void count_slice(struct lat_task *t)
{
	struct lat_counters *c = sk_counters_this_cpu(counters);
	u64 range = slice_max_ns - slice_min_ns;

	if (!c)
		return;
	c->slices++;
	c->slice_ns += t->slice;
	c->crit_sum += t->crit;
	if (t->slice <= slice_min_ns + range / 4)
		c->slices_short++;
	else if (t->slice >= slice_max_ns - range / 4)
		c->slices_long++;
}

/* Charge @p for what it ran since the last charge. */
static void charge(struct task_struct *p, struct lat_task *t)
{
	u64 sum = p->se.sum_exec_runtime;
	u64 ran = sum - t->run_start;

	/* run_start is 0 only before the first ops.running() */
	if (!t->run_start || !lat_before(t->run_start, sum)) {
		t->run_start = sum;
		return;
	}
	t->run_start = sum;
	t->vruntime += lat_scale_by_weight(ran, p->scx.weight);
	t->burst += ran;
}

/*
 * A burst ended: @p blocked (@blocked) or used up a whole slice. Fold it
 * into the estimates. A full slice also counts as a long wake interval and
 * ends any inherited criticality: the task behaves like a CPU hog now.
 */
static void end_burst(struct lat_task *t, u64 now, bool blocked)
{
	u32 sample;

	t->avg_run = lat_ewma(t->avg_run, t->burst);
	t->burst = 0;
	if (!blocked) {
		t->avg_intv = lat_ewma(t->avg_intv,
				       lat_min(now - t->last_wake,
					       LAT_INTV_MAX_NS));
		t->inherited = 0;
	}
	sample = lat_crit_sample(lat_run_score(t->avg_run),
				 lat_wake_score(t->avg_intv), t->inherited);
	t->crit = lat_crit_update(t->crit, sample);
}

/* Publish what @cpu runs now: @t, or nothing preemptable when NULL. */
static void set_cpu_task(s32 cpu, struct lat_task *t)
{
	struct lat_cpu *lc = lookup_cpu(cpu);

	if (!lc)
		return;
	lc->busy = !!t;
	if (!t)
		return;
	lc->preempting = false;
	lc->deadline = t->deadline;
	lc->crit = t->crit;
	lc->avg_run = t->avg_run;
	lc->slice = t->slice;
	lc->started_at = bpf_ktime_get_ns();
}

/*
 * @cpu was kicked to preempt for a wakee: it publishes no running task, so
 * no other wakee picks it as a victim, until the wakee runs.
 */
static void set_cpu_preempting(s32 cpu)
{
	struct lat_cpu *lc = lookup_cpu(cpu);

	if (!lc)
		return;
	lc->busy = false;
	lc->preempting = true;
}

/*
 * How to kick @cpu, which a woken task that preempts no one waits for, if
 * at all (see the end of lat_enqueue()); 0 for no kick.
 */
static u64 rekick_flags(s32 cpu)
{
	struct lat_cpu *lc = lookup_cpu(cpu);

	if (!lc || lc->busy)
		return 0;
	return lc->preempting ? SCX_KICK_PREEMPT : SCX_KICK_IDLE;
}

/* An idle CPU for @p near @prev_cpu, claimed; or a negative errno. */
static s32 pick_idle(struct task_struct *p, s32 prev_cpu)
{
	u32 prev = prev_cpu;
	s32 cpu, i;

	if (cpu_allowed(p, prev_cpu) &&
	    scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;

	/* without SMT every core is "wholly idle": any idle CPU */
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, SCX_PICK_IDLE_CORE);
	if (cpu >= 0 || !smt)
		return cpu;

	/*
	 * bpf_for(), not for(): the verifier follows an open-coded iterator
	 * until its states repeat instead of walking all LAT_NEAR_MAX
	 * unrolled rounds, each branching; ops.enqueue(), which has three
	 * such loops, took 3 s of a 2-vCPU TCG guest to verify that way.
	 */
	bpf_for(i, 0, LAT_NEAR_MAX) {
		cpu = near_cpu(prev, i);
		if (cpu < 0)
			break;
		if (cpu_allowed(p, cpu) && scx_bpf_test_and_clear_cpu_idle(cpu))
			return cpu;
	}

	return scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
}

s32 SK_STRUCT_OPS(lat_select_cpu, struct task_struct *p, s32 prev_cpu,
		  u64 wake_flags)
{
	struct lat_task *t = lookup_task(p);
	s32 cpu;

	if (t)
		t->sync_wake = wake_flags & SCX_WAKE_SYNC;
	if (wake_flags & SCX_WAKE_SYNC)
		sk_counter_add(counters, sync_wakeups, 1);

	cpu = pick_idle(p, prev_cpu);
	if (cpu < 0) {
		if (t)
			t->searched = true;
		return prev_cpu;
	}

	/* ops.enqueue() is skipped for tasks dispatched here */
	if (t) {
		refresh_deadline(p, t);
		count_slice(t);
		t->from_queue = false;
		t->sync_wake = false;
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, t->slice, 0);
	} else {
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, slice_max_ns, 0);
	}
	sk_counter_add(counters, direct_dispatches, 1);
	return cpu;
}

void SK_STRUCT_OPS(lat_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_struct *waker;
	struct lat_task *t, *wt;
	u64 now = bpf_ktime_get_ns();

	t = lookup_task(p);
	if (!t)
		return;
	t->ready_at = now;
	if (!(enq_flags & SCX_ENQ_WAKEUP))
		return;

	sk_counter_add(counters, wakeups, 1);
	if (t->last_wake)
		t->avg_intv = lat_ewma(t->avg_intv,
				       lat_min(now - t->last_wake,
					       LAT_INTV_MAX_NS));
	t->last_wake = now;

	/*
	 * The current task is the waker for wake-ups from task context; the
	 * idle task (pid 0) and tasks outside sched_ext have no storage.
	 */
	t->inherited = 0;
	waker = bpf_get_current_task_btf();
	if (!waker->pid)
		return;
	wt = lookup_task(waker);
	if (!wt || !wt->crit)
		return;
	t->inherited = lat_inherit(wt->crit);
	if (t->inherited > t->crit)
		sk_counter_add(counters, inherited, 1);
}

/*
 * The CPU, among @p's own and its neighbours, running the latest deadline
 * that @p's beats and may preempt (lat_deadline_beats(),
 * lat_crit_allows_preempt()); -1 when there is none.
 */
static s32 find_victim(struct task_struct *p, struct lat_task *t)
{
	s32 cpu = scx_bpf_task_cpu(p), victim = -1, c;
	u64 victim_dl = 0, now = bpf_ktime_get_ns();
	struct lat_cpu *lc;
	u32 base = cpu;
	s32 i;

	bpf_for(i, 0, LAT_NEAR_MAX + 1) {
		c = i ? near_cpu(base, i - 1) : cpu;
		if (c < 0)
			break;
		lc = lookup_cpu(c);
		if (!lc || !lc->busy || !cpu_allowed(p, c))
			continue;
		if (!lat_deadline_beats(t->deadline, lc->deadline, slice_min_ns) ||
		    !lat_crit_allows_preempt(t->crit, lc->crit, now - lc->started_at, lc->avg_run,
					     lc->slice, slice_min_ns))
			continue;
		if (victim < 0 || lat_before(victim_dl, lc->deadline)) {
			victim = c;
			victim_dl = lc->deadline;
		}
	}
	return victim;
}

/*
 * Where @p waits when no CPU is idle: the CPU it last ran on (or was woken
 * to), whose cache it may still have; another CPU it may use if its
 * affinity changed.
 */
static s32 home_cpu(struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if (cpu_allowed(p, cpu))
		return cpu;
	cpu = scx_bpf_pick_any_cpu(p->cpus_ptr, 0);
	return cpu >= 0 ? cpu : scx_bpf_task_cpu(p);
}

/*
 * Where a woken task that preempts no one waits: the shortest queue among
 * its home CPU's and its neighbours', the home CPU on a tie. Several
 * wakees queued on one busy CPU would otherwise wait for it in turn while
 * a neighbour works through a shorter queue of its own: every CPU only
 * steals when its queue is empty, or the deadline gap is large.
 */
static s32 shortest_queue(struct task_struct *p)
{
	s32 home = home_cpu(p), best = home, c;
	s32 best_nr = scx_bpf_dsq_nr_queued(cpu_dsq(home)), nr;
	s32 i;

	bpf_for(i, 0, LAT_NEAR_MAX) {
		if (best_nr <= 0)
			break;
		c = near_cpu(home, i);
		if (c < 0)
			break;
		if (!cpu_allowed(p, c))
			continue;
		nr = scx_bpf_dsq_nr_queued(cpu_dsq(c));
		if (nr >= 0 && nr < best_nr) {
			best = c;
			best_nr = nr;
		}
	}
	return best;
}

/* The deadline of the task at the head of @cpu's queue, if it has one. */
static bool queue_head(s32 cpu, u64 *deadline)
{
	struct task_struct *p;
	bool found = false;

	if (scx_bpf_dsq_nr_queued(cpu_dsq(cpu)) <= 0)
		return false;
	bpf_for_each(scx_dsq, p, cpu_dsq(cpu), 0) {
		*deadline = p->scx.dsq_vtime;
		found = true;
		break;
	}
	return found;
}

/*
 * @p, woken on this CPU and queued for it, preempts the task running here
 * (find_victim() chose this CPU): put it straight into the local queue
 * with SCX_ENQ_PREEMPT, which reschedules on the way out of the wake-up's
 * interrupt. A kick, even of this CPU, is an irq_work first, a self-IPI
 * that the emulator delivered 0.5-3 ms late to a quarter of the slowest
 * wake-ups traced, and then the CPU still has to find @p through
 * ops.dispatch(). Timer wake-ups land on the CPU that armed the timer, the
 * task's own, so this is the usual case for a periodic task. Not when a
 * task queued here has an earlier deadline: the local queue goes first.
 */
static bool preempt_here(struct task_struct *p, struct lat_task *t, s32 victim, u64 enq_flags)
{
	u64 head;

	if (victim != (s32)bpf_get_smp_processor_id() || victim != scx_bpf_task_cpu(p))
		return false;
	if (queue_head(victim, &head) && lat_before(head, t->deadline))
		return false;
	scx_bpf_dispatch(p, SCX_DSQ_LOCAL_ON | victim, t->slice, enq_flags | SCX_ENQ_PREEMPT);
	sk_counter_add(counters, preempted_here, 1);
	return true;
}

/*
 * Whether @p, which waits for busy CPU @cpu, goes straight into @cpu's
 * local queue rather than its deadline-ordered one (lat_skip_queue()).
 */
static bool skip_queue(struct lat_task *t, s32 cpu)
{
	bool here = cpu == (s32)bpf_get_smp_processor_id();
	struct lat_cpu *lc;

	/* the common cases without the two queue lookups */
	if (!here || t->avg_run >= slice_min_ns)
		return false;
	lc = lookup_cpu(cpu);
	return lc && lat_skip_queue(t->avg_run,
				    scx_bpf_dsq_nr_queued(cpu_dsq(cpu)),
				    scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu),
				    here, lc->busy, lc->avg_run, slice_min_ns);
}

void SK_STRUCT_OPS(lat_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct lat_task *t = lookup_task(p);
	s32 idle, victim = -1, target;
	u64 kick;
	bool sync;

	/*
	 * Tasks that did not come through select_cpu() (slice expired,
	 * preempted, pinned): an idle CPU gets them, near where they ran.
	 * A wake-up that select_cpu() just searched for in vain only looks
	 * for a CPU that went idle since, anywhere: a rare race, not worth
	 * repeating the whole search, whose every step is a kfunc call.
	 */
	if (t && t->searched && (enq_flags & SCX_ENQ_WAKEUP))
		idle = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	else
		idle = pick_idle(p, scx_bpf_task_cpu(p));
	if (t)
		t->searched = false;

	if (!t) {
		target = idle >= 0 ? idle : home_cpu(p);
		scx_bpf_dispatch_vtime(p, cpu_dsq(target), slice_max_ns,
				       vtime_now, enq_flags);
		if (idle >= 0)
			scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
		return;
	}

	/* requeued after its slice or a preemption: waiting starts now */
	if (!t->ready_at)
		t->ready_at = bpf_ktime_get_ns();
	refresh_deadline(p, t);
	count_slice(t);
	t->from_queue = true;
	/* select_cpu() noted it for this wake-up only; pinned tasks skip it */
	sync = t->sync_wake;
	t->sync_wake = false;

	/*
	 * A sync wake-up (pipes, sockets) says the waker is about to sleep
	 * and free its CPU. Preempting another CPU instead would turn a
	 * producer/consumer pair into a context switch per message.
	 */
	if (idle < 0 && preempt && (enq_flags & SCX_ENQ_WAKEUP) && !sync)
		victim = find_victim(p, t);

	if (victim >= 0 && preempt_here(p, t, victim, enq_flags)) {
		set_cpu_preempting(victim);
		sk_counter_add(counters, preemptions, 1);
		return;
	}

	if (idle >= 0)
		target = idle;
	else if (victim >= 0)
		target = victim;
	else if (enq_flags & SCX_ENQ_WAKEUP)
		target = shortest_queue(p);
	else
		/* slice used up or preempted: back in line where it ran */
		target = home_cpu(p);
	if (idle < 0 && victim < 0 && skip_queue(t, target)) {
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL_ON | target, t->slice,
				 enq_flags);
		sk_counter_add(counters, skipped_queue, 1);
	} else {
		scx_bpf_dispatch_vtime(p, cpu_dsq(target), t->slice,
				       t->deadline, enq_flags);
		sk_counter_add(counters, queued, 1);
	}

	if (idle >= 0) {
		scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
	} else if (victim >= 0) {
		/* one kick per CPU: ops.running() re-arms it for the next task */
		set_cpu_preempting(victim);
		scx_bpf_kick_cpu(victim, SCX_KICK_PREEMPT);
		sk_counter_add(counters, preemptions, 1);
	} else if ((enq_flags & SCX_ENQ_WAKEUP) && !sync && preempt &&
		   (kick = rekick_flags(target))) {
		/*
		 * @target publishes no running task. When a wakee already
		 * preempts it: that preemption was seen to land only at the
		 * end of the running slice, milliseconds later, with this
		 * wakee stuck behind it and nothing left to preempt; kicking
		 * again is harmless when the first kick did land, and costs
		 * no IPI when @target is this CPU, where most timer wake-ups
		 * happen. When it is between two tasks, it is about to look
		 * at its queue, unless it just looked and is going idle:
		 * it needs a wake-up then, not a preemption, and a CPU that
		 * did not go idle is spared the IPI.
		 */
		scx_bpf_kick_cpu(target, kick);
	}
}

/*
 * The neighbour of @cpu (SMT sibling or LLC) whose queue has the earliest
 * head, and that deadline; -1 when their queues are all empty. This and
 * rescue_starved() are global functions: the verifier then checks each
 * once instead of once per path through ops.dispatch(), which halved the
 * time it took to load (measured with the verifier's own statistics).
 */
__noinline s32 earliest_neighbour(s32 cpu, u64 *deadline)
{
	s32 best = -1, c;
	u64 best_dl = 0, dl = 0;
	u32 i;

	if (!deadline)
		return -1;
	bpf_for(i, 0, LAT_NEAR_MAX) {
		c = near_cpu(cpu, i);
		if (c < 0)
			break;
		if (!queue_head(c, &dl))
			continue;
		if (best < 0 || lat_before(dl, best_dl)) {
			best = c;
			best_dl = dl;
		}
	}
	*deadline = best_dl;
	return best;
}

/*
 * About to go idle: take anything queued on another CPU that may run
 * here, from any LLC. Unbounded by the LLC so that no queue is left
 * behind while a CPU idles. Each look at a queue is a kfunc call and a
 * hash lookup of the queue's id, so with @looked (earliest_neighbour()
 * just found all of this CPU's LLC empty) the LLC is skipped: on a
 * machine of one small LLC, every other CPU.
 */
static bool steal_any(s32 cpu, bool looked)
{
	u32 nr = lat_min(nr_cpus, LAT_MAX_CPUS), i, llc = 0;

	if (looked && cpu >= 0 && cpu < LAT_MAX_CPUS)
		llc = near_llc[cpu];
	bpf_for(i, 0, nr) {
		if (i >= LAT_MAX_CPUS)
			break;
		if (i == (u32)cpu || (llc && near_llc[i] == llc))
			continue;
		if (scx_bpf_consume(cpu_dsq(i)))
			return true;
	}
	return false;
}

/*
 * Move tasks that waited in @cpu's queue longer than LAT_STARVE_NS to a
 * CPU: to @cpu, which is dispatching, when they may run there, else to
 * their own CPU, preempting it. The scan walks from the latest deadline
 * back, where starving tasks sit. Returns true if @cpu got a task.
 */
__noinline int rescue_starved(s32 cpu, u64 now)
{
	struct lat_cpu *lc = lookup_cpu(cpu);
	struct task_struct *p;
	u32 moved = 0;
	bool here = false;

	if (!lc || now - lc->last_scan_at < LAT_SCAN_INTERVAL_NS)
		return false;
	lc->last_scan_at = now;

	bpf_for_each(scx_dsq, p, cpu_dsq(cpu), SCX_DSQ_ITER_REV) {
		struct lat_task *t;
		s32 target;

		/*
		 * No cap on the tasks visited: a counter would make every
		 * iteration a new state for the verifier. The walk only sees
		 * tasks queued when it began, and runs once per interval.
		 */
		if (moved >= LAT_RESCUE_MAX)
			break;
		t = lookup_task(p);
		if (!t || !t->ready_at || now - t->ready_at < LAT_STARVE_NS)
			continue;
		target = cpu_allowed(p, cpu) ? cpu : scx_bpf_task_cpu(p);
		/* not the head: must not drive the clock */
		t->from_queue = false;
		/* the libbpf iterator macro names its iterator ___it */
		if (!scx_bpf_dispatch_from_dsq(&___it, p,
					       SCX_DSQ_LOCAL_ON | target,
					       target == cpu ? 0 :
					       SCX_ENQ_PREEMPT))
			continue;
		moved++;
		here |= target == cpu;
	}
	if (moved)
		sk_counter_add(counters, rescued, moved);
	return here;
}

/*
 * @prev used up its slice and nothing earlier is queued: renew the slice
 * here, as if it stopped and started again, so that it gets a slice of
 * its own length rather than the kernel's 20 ms default. dispatch() has
 * charged it and given it its next deadline.
 */
static void refill(struct task_struct *p, struct lat_task *t)
{
	if (!t) {
		p->scx.slice = slice_max_ns;
		return;
	}
	count_slice(t);
	t->yielded = false;
	p->scx.slice = t->slice;
	set_cpu_task(bpf_get_smp_processor_id(), t);
	sk_counter_add(counters, refills, 1);
}

/* lat_balance_due() for @cpu, noting the time when it is. */
static bool balance_due(s32 cpu, u64 now, bool busy)
{
	struct lat_cpu *lc = lookup_cpu(cpu);

	if (!lc)
		return true;
	if (!lat_balance_due(now, lc->last_balance_at, slice_min_ns, busy))
		return false;
	lc->last_balance_at = now;
	return true;
}

/*
 * What @cpu runs next, earliest deadline first among: the head of its own
 * queue, @prev going on (if its slice ran out while it still wants the
 * CPU), and the earliest head among its neighbours' queues, which it takes
 * only when it has nothing else or that head is earlier by more than a
 * batch slice (lat_should_steal(), looked at per lat_balance_due()).
 * Going idle, it takes from anywhere. Its own queue's head is only peeked
 * at when there is something to compare it with.
 */
void SK_STRUCT_OPS(lat_dispatch, s32 cpu, struct task_struct *prev)
{
	u64 now = bpf_ktime_get_ns(), q_dl = 0, prev_dl = 0, dl = 0;
	bool have_q, prev_on, own_q, peeked = false, looked = false;
	struct lat_task *pt = NULL;
	s32 other;

	if (rescue_starved(cpu, now))
		return;

	prev_on = prev && (prev->scx.flags & SCX_TASK_QUEUED);
	if (prev_on) {
		pt = lookup_task(prev);
		if (pt) {
			charge(prev, pt);
			if (pt->burst >= pt->slice)
				end_burst(pt, now, false);
			refresh_deadline(prev, pt);
			prev_dl = pt->deadline;
		} else {
			prev_dl = vtime_now + slice_max_ns;
		}
	}
	have_q = scx_bpf_dsq_nr_queued(cpu_dsq(cpu)) > 0;
	if (have_q && prev_on)
		peeked = have_q = queue_head(cpu, &q_dl);
	/* ties go to the queue: @prev has had its turn */
	own_q = have_q && (!prev_on || !lat_before(prev_dl, q_dl));

	if (balance_due(cpu, now, have_q || prev_on)) {
		other = earliest_neighbour(cpu, &dl);
		looked = other < 0;
		if (other >= 0 && own_q && !peeked)
			own_q = queue_head(cpu, &q_dl);
		if (other >= 0 &&
		    lat_should_steal(dl, own_q ? q_dl : prev_dl,
				     own_q || prev_on, slice_max_ns) &&
		    scx_bpf_consume(cpu_dsq(other))) {
			sk_counter_add(counters, stolen, 1);
			return;
		}
	}
	if (own_q && scx_bpf_consume(cpu_dsq(cpu))) {
		sk_counter_add(counters, consumed, 1);
		return;
	}
	if (prev_on) {
		refill(prev, pt);
		return;
	}
	if (steal_any(cpu, looked))
		sk_counter_add(counters, stolen, 1);
}

void SK_STRUCT_OPS(lat_running, struct task_struct *p)
{
	struct lat_counters *c;
	struct lat_hist *h;
	struct lat_task *t;
	u64 now, delay;
	u32 b;

	t = lookup_task(p);
	if (!t)
		return;

	if (t->ready_at) {
		now = bpf_ktime_get_ns();
		delay = now - t->ready_at;
		if (lat_before(t->ready_at, now)) {
			c = sk_counters_this_cpu(counters);
			if (c) {
				c->delays++;
				c->delay_ns += delay;
			}
			h = sk_counters_this_cpu(delay_hist);
			b = lat_hist_bucket(delay);
			if (h && b < LAT_HIST_BUCKETS)
				h->buckets[b]++;
		}
		t->ready_at = 0;
	}

	t->run_start = p->se.sum_exec_runtime;
	if (t->from_queue && lat_before(vtime_now, t->vruntime))
		vtime_now = t->vruntime;
	t->from_queue = false;
	t->yielded = false;
	set_cpu_task(bpf_get_smp_processor_id(), t);
}

void SK_STRUCT_OPS(lat_stopping, struct task_struct *p, bool runnable)
{
	struct lat_task *t;

	set_cpu_task(bpf_get_smp_processor_id(), NULL);
	t = lookup_task(p);
	if (!t)
		return;
	charge(p, t);
	if (!runnable)
		end_burst(t, bpf_ktime_get_ns(), true);
	else if (t->burst >= t->slice)
		end_burst(t, bpf_ktime_get_ns(), false);
}

/*
 * sched_yield(): give up the place in line, not just the CPU: without a
 * later deadline the yielder would often still hold the earliest one and
 * be picked again at once. Only this turn's deadline moves, as in EEVDF,
 * not the vruntime: a task calling sched_yield() in a loop would
 * otherwise be charged a slice per call it did not run, reach the lead
 * cap, and wait behind everyone for as long as the clock takes to catch
 * up (the starvation rescue, under load).
 */
bool SK_STRUCT_OPS(lat_yield, struct task_struct *from, struct task_struct *to)
{
	struct lat_task *t = lookup_task(from);

	if (t)
		t->yielded = true;
	from->scx.slice = 0;
	sk_counter_add(counters, yields, 1);
	return false;
}

s32 SK_STRUCT_OPS_SLEEPABLE(lat_init_task, struct task_struct *p,
			    struct scx_init_task_args *args)
{
	struct lat_task *t;

	/* allocate here, where sleeping is allowed, not on the wake-up path */
	t = bpf_task_storage_get(&lat_tasks, p, NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return -ENOMEM;
	/*
	 * A new task starts at the clock, unproven: no criticality, runs
	 * assumed long and wake-ups rare until it shows otherwise.
	 */
	t->vruntime = vtime_now;
	t->avg_run = slice_max_ns;
	t->avg_intv = LAT_INTV_MAX_NS;
	t->slice = slice_max_ns;
	return 0;
}

void SK_STRUCT_OPS(lat_dump, struct scx_dump_ctx *dctx)
{
	sk_dump("latency: vtime_now %llu, slice %llu..%llu ns", vtime_now,
		slice_min_ns, slice_max_ns);
}

void SK_STRUCT_OPS(lat_dump_cpu, struct scx_dump_ctx *dctx, s32 cpu, bool idle)
{
	struct lat_cpu *lc = lookup_cpu(cpu);

	if (!lc)
		return;
	sk_dump("latency: %d queued, running deadline %llu crit %u%s",
		scx_bpf_dsq_nr_queued(cpu_dsq(cpu)), lc->deadline, lc->crit,
		lc->busy ? "" : " (not preemptable)");
}

void SK_STRUCT_OPS(lat_dump_task, struct scx_dump_ctx *dctx,
		   struct task_struct *p)
{
	struct lat_task *t = lookup_task(p);

	if (!t)
		return;
	sk_dump("latency: crit %u inherited %u vruntime %llu deadline %llu slice %llu",
		t->crit, t->inherited, t->vruntime, t->deadline, t->slice);
}

/* One deadline-ordered queue per possible CPU. */
s32 SK_STRUCT_OPS_SLEEPABLE(lat_init)
{
	u32 nr = scx_bpf_nr_cpu_ids(), i;
	s32 ret;

	nr_cpus = nr;
	bpf_for(i, 0, nr) {
		ret = scx_bpf_create_dsq(cpu_dsq(i), -1);
		if (ret) {
			sk_error("cannot create the queue of CPU %u: %d", i, ret);
			return ret;
		}
	}
	return 0;
}

SK_EXIT_OPS(lat_exit);

SEC(".struct_ops.link")
struct sched_ext_ops latency_ops = {
	.select_cpu	= (void *)lat_select_cpu,
	.enqueue	= (void *)lat_enqueue,
	.dispatch	= (void *)lat_dispatch,
	.runnable	= (void *)lat_runnable,
	.running	= (void *)lat_running,
	.stopping	= (void *)lat_stopping,
	.yield		= (void *)lat_yield,
	.init_task	= (void *)lat_init_task,
	.dump		= (void *)lat_dump,
	.dump_cpu	= (void *)lat_dump_cpu,
	.dump_task	= (void *)lat_dump_task,
	.init		= (void *)lat_init,
	.exit		= (void *)lat_exit,
	.name		= "latency",
};
