/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scx_latency's arithmetic: weighted virtual time, the lag and lead caps,
 * the latency-criticality estimate and the slice and deadline it leads to.
 *
 * Everything here is a pure function of its arguments so that the same code
 * runs in the BPF scheduler (latency.bpf.c) and in the host unit test
 * (tests/unit/test_latency_math.c), which checks the bounds BPF cannot
 * afford to check at run time: no overflow at the extreme weights, after
 * very long sleeps or runs, and across a wrapping virtual clock.
 *
 * Only unsigned 64-bit arithmetic: BPF ISA v3 has no signed division, and
 * wrap-safe comparisons come from the sign of a difference instead.
 * Units: ns for times; virtual time is ns scaled by 100 / weight, so a
 * nice-0 task's vtime advances at wall-clock speed while it runs.
 */
#ifndef SCHEDKIT_LATENCY_MATH_H
#define SCHEDKIT_LATENCY_MATH_H

#ifndef __bpf__
#include <stdbool.h>
#include <linux/types.h>
#endif

/* sched_ext weights: nice 0 is 100, nice -20 is 8668, nice 19 is 1. */
#define LAT_WEIGHT_NORMAL	100U
#define LAT_WEIGHT_MIN		1U
#define LAT_WEIGHT_MAX		10000U

/*
 * Longest single run charged at once. Runs are charged at least once per
 * slice (see the slice refill in latency.bpf.c), so this only guards the
 * multiplication below: 2^36 ns * 100 stays far below 2^64.
 */
#define LAT_CHARGE_MAX_NS	(1ULL << 36)

/*
 * How far ahead of the global virtual clock a task's vruntime may be when
 * it is queued, and the longest deadline offset. Together they bound how
 * long a task can sit behind heavier ones in vtime terms: the clock
 * advances at least 100/LAT_WEIGHT_MAX ns per ns per busy CPU, so 100 ms of
 * vtime is at most 10 s of waiting behind nice -20 hogs, a third of the
 * kernel's 30 s watchdog. The starvation rescue in latency.bpf.c covers the
 * rest (many hogs sharing one CPU slow the clock further).
 */
#define LAT_LEAD_MAX_NS		(50ULL * 1000 * 1000)
#define LAT_DL_MAX_NS		(50ULL * 1000 * 1000)

/* Latency criticality runs from 0 (batch) to LAT_CRIT_MAX (most urgent). */
#define LAT_CRIT_MAX		1024U

/*
 * Run-length score: runs of 2^15 ns (~33 us) or less before blocking score
 * LAT_CRIT_MAX, runs of 2^23 ns (~8.4 ms) or more score 0, log-linear in
 * between, because run lengths span orders of magnitude.
 */
#define LAT_RUN_SHORT_LOG2	15U
#define LAT_RUN_LONG_LOG2	23U

/*
 * Wake-interval score: waking every 2^19 ns (~0.5 ms, ~1900 Hz) or more
 * often scores LAT_CRIT_MAX, once every 2^30 ns (~1.07 s) or less scores 0.
 */
#define LAT_WAKE_FAST_LOG2	19U
#define LAT_WAKE_SLOW_LOG2	30U

/* Averages are clamped here, which keeps every product below 2^64. */
#define LAT_AVG_MAX_NS		(1ULL << 40)
/* Longest wake interval worth remembering; also a new task's estimate. */
#define LAT_INTV_MAX_NS		(1ULL << 32)

/*
 * A wakee this much more critical than the running task preempts it at
 * once, this much less critical never (see lat_crit_allows_preempt()).
 */
#define LAT_PREEMPT_CRIT_GAP	256U

/* A wakee inherits this share of its waker's criticality. */
#define LAT_INHERIT_NUM		3U
#define LAT_INHERIT_DEN		4U

/*
 * Runnable-to-running delay histogram: bucket 0 counts delays below
 * 2^LAT_HIST_SHIFT ns (~1 us), bucket i counts [2^(SHIFT+i-1),
 * 2^(SHIFT+i)) ns, and the last bucket everything from ~4.3 s up.
 */
#define LAT_HIST_SHIFT		10U
#define LAT_HIST_BUCKETS	24U

/* Wrap-safe "a is before b" for virtual and real clocks. */
static inline bool lat_before(__u64 a, __u64 b)
{
	return (__s64)(a - b) < 0;
}

static inline __u64 lat_min(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

static inline __u64 lat_max(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

static inline __u32 lat_weight_clamp(__u32 weight)
{
	if (weight < LAT_WEIGHT_MIN)
		return LAT_WEIGHT_MIN;
	if (weight > LAT_WEIGHT_MAX)
		return LAT_WEIGHT_MAX;
	return weight;
}

/*
 * Virtual time for @ns of real time at @weight: heavier tasks are charged
 * less, so they run more for the same vtime. Also turns a slice into the
 * deadline span the task is allowed in vtime.
 */
static inline __u64 lat_scale_by_weight(__u64 ns, __u32 weight)
{
	return lat_min(ns, LAT_CHARGE_MAX_NS) * LAT_WEIGHT_NORMAL /
	       lat_weight_clamp(weight);
}

/*
 * Keep @vruntime within [@vtime_now - @lag_max, @vtime_now + @lead_max].
 * The floor is the sleeper cap: a task that slept for an hour may not come
 * back with an hour of credit and monopolise a CPU. The ceiling bounds how
 * long a task that ran ahead (a low weight task charged a lot for one run)
 * waits before it is ordered among the others again. Wrap-safe.
 */
static inline __u64 lat_vtime_clamp(__u64 vruntime, __u64 vtime_now,
				    __u64 lag_max, __u64 lead_max)
{
	if (lat_before(vruntime, vtime_now - lag_max))
		return vtime_now - lag_max;
	if (lat_before(vtime_now + lead_max, vruntime))
		return vtime_now + lead_max;
	return vruntime;
}

/*
 * @vruntime as it stands when its task is queued: a sleeper keeps at most
 * one @slice_min of credit (lat_vtime_clamp()). Its place in line then
 * comes from its slice, that is from its criticality, and not from how
 * long it slept. A critical wakee still goes ahead of the batch tasks,
 * whose deadlines lie a whole batch slice after the clock, while one of a
 * kind with the tasks already queued lines up behind them instead of
 * passing them all. With one --slice-max-us of credit, every task that
 * slept jumped the queue: in hackbench the tasks ran as soon as a few
 * messages had arrived and blocked again, 29k voluntary context switches
 * per `hackbench -g 4 -l 500` against EEVDF's 15-20k and 11-12k with this
 * credit, and hackbench took x1.12 of EEVDF's time instead of x0.96
 * (schedkit bench, 5 interleaved runs).
 */
static inline __u64 lat_queue_vruntime(__u64 vruntime, __u64 vtime_now, __u64 slice_min)
{
	return lat_vtime_clamp(vruntime, vtime_now, slice_min, LAT_LEAD_MAX_NS);
}

/* Index of the most significant set bit of @x; 0 for @x <= 1. */
static inline __u32 lat_ilog2(__u64 x)
{
	__u32 msb = 0;

	/* no builtins: BPF has no count-leading-zeros instruction */
	if (x >> 32) {
		msb += 32;
		x >>= 32;
	}
	if (x >> 16) {
		msb += 16;
		x >>= 16;
	}
	if (x >> 8) {
		msb += 8;
		x >>= 8;
	}
	if (x >> 4) {
		msb += 4;
		x >>= 4;
	}
	if (x >> 2) {
		msb += 2;
		x >>= 2;
	}
	if (x >> 1)
		msb += 1;
	return msb;
}

/*
 * log2(@x) in fixed point with 4 fractional bits (log2(1024) = 160), the
 * fraction taken from the 4 bits below the top one, i.e. interpolated
 * linearly between powers of two. 0 for @x <= 1.
 */
static inline __u32 lat_log2_fp(__u64 x)
{
	__u32 whole = lat_ilog2(x);
	__u64 frac;

	if (whole >= 4)
		frac = (x >> (whole - 4)) & 15;
	else
		frac = (x << (4 - whole)) & 15;
	return (whole << 4) | (__u32)frac;
}

/*
 * A score falling from LAT_CRIT_MAX at @x <= 2^@lo_log2 to 0 at
 * @x >= 2^@hi_log2, linear in log2(@x) between.
 */
static inline __u32 lat_score_log(__u64 x, __u32 lo_log2, __u32 hi_log2)
{
	__u32 l = lat_log2_fp(x), lo = lo_log2 << 4, hi = hi_log2 << 4;

	if (l <= lo)
		return LAT_CRIT_MAX;
	if (l >= hi)
		return 0;
	return (hi - l) * LAT_CRIT_MAX / (hi - lo);
}

/* Higher for tasks whose runs before blocking are short. */
static inline __u32 lat_run_score(__u64 avg_run_ns)
{
	return lat_score_log(avg_run_ns, LAT_RUN_SHORT_LOG2, LAT_RUN_LONG_LOG2);
}

/* Higher for tasks that wake often. */
static inline __u32 lat_wake_score(__u64 avg_wake_interval_ns)
{
	return lat_score_log(avg_wake_interval_ns, LAT_WAKE_FAST_LOG2,
			     LAT_WAKE_SLOW_LOG2);
}

/*
 * Exponentially weighted moving average, the new sample weighing 1/4: a
 * task's estimate follows a change of behaviour within a few wake-ups yet
 * one odd run does not flip it. Inputs are clamped to LAT_AVG_MAX_NS.
 */
static inline __u64 lat_ewma(__u64 avg, __u64 sample)
{
	avg = lat_min(avg, LAT_AVG_MAX_NS);
	sample = lat_min(sample, LAT_AVG_MAX_NS);
	return (3 * avg + sample) >> 2;
}

/* What a task woken by a task of criticality @waker_crit inherits. */
static inline __u32 lat_inherit(__u32 waker_crit)
{
	return lat_min(waker_crit, LAT_CRIT_MAX) * LAT_INHERIT_NUM /
	       LAT_INHERIT_DEN;
}

/*
 * One criticality sample from a task's own behaviour and what it
 * inherited. Short runs are necessary: a task that runs long is not
 * latency-critical however often it wakes, so the run score caps the
 * result, and waking often lifts it towards that cap. Inheritance can only
 * raise it: a server woken by an interactive client is on that client's
 * critical path even if it also does batch work.
 */
static inline __u32 lat_crit_sample(__u32 run_score, __u32 wake_score,
				    __u32 inherited)
{
	__u32 self;

	run_score = lat_min(run_score, LAT_CRIT_MAX);
	wake_score = lat_min(wake_score, LAT_CRIT_MAX);
	self = lat_min(run_score, (run_score + wake_score) / 2);
	return lat_max(self, lat_min(inherited, LAT_CRIT_MAX));
}

/* Fold @sample into criticality @crit. */
static inline __u32 lat_crit_update(__u32 crit, __u32 sample)
{
	return lat_ewma(lat_min(crit, LAT_CRIT_MAX),
			lat_min(sample, LAT_CRIT_MAX));
}

/*
 * Criticality as the slice sees it: scaled by --lat-weight (percent; 0
 * turns the latency bias off and leaves plain weighted-fair deadlines).
 */
static inline __u32 lat_crit_effective(__u32 crit, __u32 lat_weight_pct)
{
	return lat_min((__u64)lat_min(crit, LAT_CRIT_MAX) * lat_weight_pct /
		       100, LAT_CRIT_MAX);
}

/*
 * The slice a task gets: @slice_max for crit 0 shrinking linearly to
 * @slice_min at LAT_CRIT_MAX. A shorter slice means an earlier deadline,
 * which is what moves critical tasks forward; they rarely need a long one.
 * Tasks lighter than nice 0 also get slices shortened by their weight
 * (never below @slice_min): their vtime advances fast, and one long run
 * would otherwise put them far ahead and make their next turn wait long.
 */
static inline __u64 lat_slice(__u32 crit_eff, __u32 weight, __u64 slice_min,
			      __u64 slice_max)
{
	__u64 slice;

	if (slice_max < slice_min)
		slice_max = slice_min;
	slice_max = lat_min(slice_max, LAT_CHARGE_MAX_NS);
	slice_min = lat_min(slice_min, slice_max);
	crit_eff = lat_min(crit_eff, LAT_CRIT_MAX);

	slice = slice_max - (slice_max - slice_min) * crit_eff / LAT_CRIT_MAX;
	weight = lat_weight_clamp(weight);
	if (weight < LAT_WEIGHT_NORMAL)
		slice = lat_max(slice * weight / LAT_WEIGHT_NORMAL, slice_min);
	return slice;
}

/*
 * How far after its vruntime a task's deadline lies: its slice in its own
 * virtual time (EEVDF's r_i / w_i), capped at LAT_DL_MAX_NS.
 */
static inline __u64 lat_deadline_offset(__u64 slice, __u32 weight)
{
	return lat_min(lat_scale_by_weight(slice, weight), LAT_DL_MAX_NS);
}

/*
 * Whether a woken task's @deadline beats the @cur_deadline of a running
 * task by more than @margin, so that near-equal tasks do not bounce a CPU
 * between them for a gain smaller than the switch. Wrap-safe.
 */
static inline bool lat_deadline_beats(__u64 deadline, __u64 cur_deadline,
				      __u64 margin)
{
	return lat_before(deadline + margin, cur_deadline);
}

/*
 * Whether a woken task of criticality @crit whose deadline beats the
 * running task's (lat_deadline_beats()) may preempt it, given that task's
 * @cur_crit, how long it has run since it got the CPU (@cur_ran), how
 * long it usually runs before it blocks (@cur_avg_run) and its slice
 * (@cur_slice).
 * - Usually blocks before half its slice: never. Preemption is for tasks
 *   that run until their slice ends (a hog's usual run is its slice),
 *   which would keep a wakee waiting for all of it. One that blocks on its
 *   own first makes a wakee wait for one of its usual runs at most, its
 *   slice at worst. In request/response work these are the workers, which
 *   the message threads (clearly more critical) otherwise preempted about
 *   once per 25 requests, 100 us into one, and each of those preemptions
 *   cost far more than it bought under TCG: sparing the workers gave 2-5%
 *   more requests per second and a 6-10% lower p99 request latency, while
 *   the wake-up probe still found a hog to preempt on all but 8 of its
 *   4608 wake-ups (schedkit bench, scheds/latency/README.md "Session 23").
 * - Brief by habit (@cur_avg_run under @min_run) and not yet past
 *   @min_run: never. It frees the CPU within @min_run anyway, so the
 *   wakee gains less than that, and the preemption costs two context
 *   switches and the running task's own promptness. In request/response
 *   work this is a worker in the middle of its request, or the waker
 *   itself about to block (a futex wake-up is not a sync one); sparing
 *   them gave 7% more requests per second and an 11% lower p99 request
 *   latency (schedkit bench reqresp, 5 interleaved runs).
 * - Clearly more critical (by LAT_PREEMPT_CRIT_GAP): at once. This is a
 *   latency-critical task waking beside CPU hogs, what preemption is for.
 * - Of a kind with it: once it has run @min_run, like EEVDF's run to
 *   parity. A worker woken while another worker serves a short request
 *   waits for it rather than interrupt it: that buys no latency, only a
 *   context switch, while a hog's long run is cut short whatever the
 *   wakee's criticality (which, estimated from run times, is inflated by
 *   host stalls in a VM). The early deadline did the rest.
 * - Clearly less critical: never. Its early deadline can only come from
 *   sleeper credit, which is worth the head of the queue, not the CPU of a
 *   latency-critical task in the middle of its short run.
 * Raw criticality, not scaled by --lat-weight, so that plain weighted-fair
 * deadlines still preempt hogs.
 */
static inline bool lat_crit_allows_preempt(__u32 crit, __u32 cur_crit, __u64 cur_ran,
					   __u64 cur_avg_run, __u64 cur_slice, __u64 min_run)
{
	if (cur_avg_run < cur_slice / 2)
		return false;
	if (cur_avg_run < min_run && cur_ran < min_run)
		return false;
	crit = lat_min(crit, LAT_CRIT_MAX);
	cur_crit = lat_min(cur_crit, LAT_CRIT_MAX);
	if (crit >= cur_crit + LAT_PREEMPT_CRIT_GAP)
		return true;
	if (crit + LAT_PREEMPT_CRIT_GAP <= cur_crit)
		return false;
	return cur_ran >= min_run;
}

/*
 * Whether a CPU whose own next task has deadline @own_dl (@have_own false:
 * it has nothing of its own to run) should rather take the head of another
 * CPU's queue, with deadline @other_dl. With nothing of its own it always
 * should: work conservation. Otherwise only when the other head is earlier
 * by more than @margin: tasks stay on the CPU whose cache and queue they
 * are on, and the deadline order across CPUs is kept within @margin.
 */
static inline bool lat_should_steal(__u64 other_dl, __u64 own_dl,
				    bool have_own, __u64 margin)
{
	return !have_own || lat_before(other_dl + margin, own_dl);
}

/*
 * Whether a CPU compares its queue with its neighbours' on this dispatch,
 * having last done so at @last. The comparison peeks at the head of every
 * non-empty queue, a lock each, and ops.dispatch() runs at every context
 * switch. A CPU with work of its own (@busy) only takes a neighbour's head
 * that is a whole batch slice earlier than its own, and noticing that
 * within @interval (a --slice-min-us) is soon enough; one with nothing of
 * its own always looks.
 */
static inline bool lat_balance_due(__u64 now, __u64 last, __u64 interval,
				   bool busy)
{
	return !busy || now - last >= interval;
}

/*
 * Whether a task that found no idle CPU and preempts no one may skip the
 * deadline-ordered queue of the CPU it waits for and go straight into that
 * CPU's local queue, where the kernel runs it next without asking
 * ops.dispatch(). Only when it would be next anyway: nothing waits in
 * either queue (@queued, @local_queued). And only when that commitment is
 * cheap, since a task in a local queue can no longer be taken by a CPU
 * that goes idle: the CPU must be the one doing the wake-up (@here), and
 * both the task (@avg_run, its usual run before it blocks) and what that
 * CPU runs now (@cur_avg_run; @cur_busy false when it publishes no running
 * task, being between two) must run for less than @brief, so that the
 * task waits for its waker to block, a brief run at most. Committed to
 * another busy CPU, it waited there while this one went idle: in
 * request/response work the CPUs were idle 3% of the time instead of
 * 0.4%. The dispatch round this spares (the callback and the move out of
 * a user queue) was the largest part of scx_latency's BPF time per
 * request in that work, where workers and their message threads wake
 * each other on busy CPUs all the time. Its cost: a task woken later
 * with an earlier deadline waits behind one brief run.
 */
static inline bool lat_skip_queue(__u64 avg_run, __s32 queued,
				  __s32 local_queued, bool here, bool cur_busy,
				  __u64 cur_avg_run, __u64 brief)
{
	if (!here || queued != 0 || local_queued != 0 || avg_run >= brief)
		return false;
	return !cur_busy || cur_avg_run < brief;
}

/* Histogram bucket of a runnable-to-running delay of @ns. */
static inline __u32 lat_hist_bucket(__u64 ns)
{
	if (ns < (1ULL << LAT_HIST_SHIFT))
		return 0;
	/* [2^l, 2^(l+1)) is bucket l - SHIFT + 1 */
	return lat_min(lat_ilog2(ns) - LAT_HIST_SHIFT + 1,
		       LAT_HIST_BUCKETS - 1);
}

#ifndef __bpf__
/* Lower bound in ns of histogram bucket @i. */
static inline __u64 lat_hist_lower_ns(__u32 i)
{
	return i ? 1ULL << (LAT_HIST_SHIFT + i - 1) : 0;
}

/*
 * The @pct percentile (0 < pct <= 100) of the delays in @hist
 * (LAT_HIST_BUCKETS counts), in ns, interpolated linearly inside its
 * bucket. The open-ended last bucket reports its lower bound. 0 when the
 * histogram is empty.
 */
static inline double lat_hist_percentile(const __u64 *hist, double pct)
{
	__u64 total = 0, seen = 0;
	double rank, lo, hi;
	__u32 i;

	for (i = 0; i < LAT_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total)
		return 0;

	rank = pct / 100.0 * (double)total;
	for (i = 0; i < LAT_HIST_BUCKETS; i++) {
		if (!hist[i] || (double)(seen + hist[i]) < rank) {
			seen += hist[i];
			continue;
		}
		lo = (double)lat_hist_lower_ns(i);
		if (i == LAT_HIST_BUCKETS - 1)
			return lo;
		hi = (double)lat_hist_lower_ns(i + 1);
		return lo + (hi - lo) * (rank - (double)seen) / (double)hist[i];
	}
	return (double)lat_hist_lower_ns(LAT_HIST_BUCKETS - 1);
}
#endif /* !__bpf__ */

#endif /* SCHEDKIT_LATENCY_MATH_H */
