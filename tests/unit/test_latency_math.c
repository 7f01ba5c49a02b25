// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_latency's arithmetic (scheds/latency/latency_math.h), the same code
 * the BPF scheduler runs: weight scaling, the sleeper lag cap, slices that
 * shrink with criticality, the criticality estimate and its inheritance,
 * and the bounds at extreme weights, sleeps and clock values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "latency_math.h"

#define US	1000ULL
#define MS	(1000 * US)
#define SEC	(1000 * MS)

/* sched_ext's weights for nice -20, 0 and 19 */
#define W_NICE_M20	8668
#define W_NICE_0	100
#define W_NICE_19	1

static const __u64 slice_min = 250 * US, slice_max = 5 * MS;
/* the usual run of a CPU hog, for the preemption rules */
static const __u64 long_run = 50 * MS;

static void test_nice0_vtime_runs_at_wall_clock_speed(void **state)
{
	assert_int_equal(lat_scale_by_weight(3 * MS, W_NICE_0), 3 * MS);
}

static void test_heavier_tasks_are_charged_less(void **state)
{
	__u64 heavy = lat_scale_by_weight(10 * MS, W_NICE_M20);
	__u64 light = lat_scale_by_weight(10 * MS, W_NICE_19);

	assert_int_equal(heavy, 10 * MS * 100 / W_NICE_M20);
	assert_int_equal(light, 10 * MS * 100);
	assert_true(heavy < 10 * MS && light > 10 * MS);
}

static void test_weights_outside_the_kernel_range_are_clamped(void **state)
{
	assert_int_equal(lat_scale_by_weight(MS, 0), lat_scale_by_weight(MS, 1));
	assert_int_equal(lat_scale_by_weight(MS, 1000000),
			 lat_scale_by_weight(MS, LAT_WEIGHT_MAX));
}

static void test_huge_charge_at_lowest_weight_does_not_overflow(void **state)
{
	__u64 v = lat_scale_by_weight(UINT64_MAX, W_NICE_19);

	/* clamped to LAT_CHARGE_MAX_NS first, so no wrap to a small value */
	assert_int_equal(v, LAT_CHARGE_MAX_NS * 100);
	assert_true(v > LAT_CHARGE_MAX_NS);
}

static void test_long_sleeper_keeps_at_most_the_lag_cap(void **state)
{
	__u64 now = 500 * SEC, v;

	/* slept for an hour of vtime: pulled up to one slice_max behind */
	v = lat_vtime_clamp(now - 3600 * SEC, now, slice_max, LAT_LEAD_MAX_NS);
	assert_int_equal(v, now - slice_max);
	/* a little behind: keeps its credit */
	v = lat_vtime_clamp(now - MS, now, slice_max, LAT_LEAD_MAX_NS);
	assert_int_equal(v, now - MS);
}

/*
 * The credit a queued task keeps from sleeping is one slice_min: a woken
 * task lines up behind queued tasks of its kind instead of passing them
 * all, while a critical one still goes ahead of the hogs.
 */
static void test_sleeper_does_not_pass_its_equals(void **state)
{
	__u64 now = 500 * SEC, offset, queued_dl, woken_dl, hog_dl;
	__u32 crit = 3 * LAT_CRIT_MAX / 4;

	offset = lat_deadline_offset(lat_slice(crit, W_NICE_0, slice_min, slice_max), W_NICE_0);
	/* queued a moment ago, having just run: at the clock */
	queued_dl = lat_queue_vruntime(now, now, slice_min) + offset;
	/* of the same kind, woken after a long sleep */
	woken_dl = lat_queue_vruntime(now - 10 * SEC, now, slice_min) + offset;
	assert_int_equal(woken_dl, queued_dl - slice_min);
	assert_false(lat_deadline_beats(woken_dl, queued_dl, slice_min));

	/* a critical sleeper still beats a hog that started at the clock */
	woken_dl = lat_queue_vruntime(now - 10 * SEC, now, slice_min) +
		   lat_deadline_offset(slice_min, W_NICE_0);
	hog_dl = now + lat_deadline_offset(slice_max, W_NICE_0);
	assert_true(lat_deadline_beats(woken_dl, hog_dl, slice_min));

	/* a recent sleeper keeps what it is owed up to that */
	assert_int_equal(lat_queue_vruntime(now - 100 * US, now, slice_min), now - 100 * US);
}

static void test_task_far_ahead_is_pulled_back_to_the_lead_cap(void **state)
{
	__u64 now = 500 * SEC;

	assert_int_equal(lat_vtime_clamp(now + 100 * SEC, now, slice_max,
					 LAT_LEAD_MAX_NS),
			 now + LAT_LEAD_MAX_NS);
	assert_int_equal(lat_vtime_clamp(now + MS, now, slice_max,
					 LAT_LEAD_MAX_NS), now + MS);
}

static void test_vtime_clamp_survives_clock_wrap(void **state)
{
	/* the clock just wrapped; a sleeper from before the wrap */
	__u64 now = 10 * MS, old = UINT64_MAX - 100 * SEC;

	assert_int_equal(lat_vtime_clamp(old, now, slice_max, LAT_LEAD_MAX_NS),
			 now - slice_max);
	/* a clock near 0 must not make a fresh task look far ahead */
	assert_int_equal(lat_vtime_clamp(0, 0, slice_max, LAT_LEAD_MAX_NS), 0);
	assert_true(lat_before(UINT64_MAX, 1));
	assert_false(lat_before(1, UINT64_MAX));
}

static void test_log2_is_exact_on_powers_and_monotonic(void **state)
{
	__u64 x, prev = 0;

	assert_int_equal(lat_log2_fp(0), 0);
	assert_int_equal(lat_log2_fp(1), 0);
	assert_int_equal(lat_log2_fp(1024), 10 << 4);
	assert_int_equal(lat_log2_fp(1ULL << 63), 63 << 4);
	assert_int_equal(lat_log2_fp(3), (1 << 4) | 8);	/* 1.5 */
	for (x = 1; x < (1ULL << 40); x = x * 3 / 2 + 1) {
		assert_true(lat_log2_fp(x) >= prev);
		prev = lat_log2_fp(x);
	}
	assert_true(lat_log2_fp(UINT64_MAX) <= (63 << 4) + 15);
}

static void test_short_runs_score_high_long_runs_low(void **state)
{
	assert_int_equal(lat_run_score(10 * US), LAT_CRIT_MAX);
	assert_int_equal(lat_run_score(20 * MS), 0);
	assert_true(lat_run_score(100 * US) > lat_run_score(1 * MS));
	assert_true(lat_run_score(1 * MS) > lat_run_score(5 * MS));
	assert_true(lat_run_score(0) == LAT_CRIT_MAX);
	assert_true(lat_run_score(UINT64_MAX) == 0);
}

static void test_frequent_wakers_score_high(void **state)
{
	assert_int_equal(lat_wake_score(100 * US), LAT_CRIT_MAX);
	assert_int_equal(lat_wake_score(5 * SEC), 0);
	assert_true(lat_wake_score(1 * MS) > lat_wake_score(100 * MS));
}

static void test_ewma_moves_a_quarter_and_converges(void **state)
{
	__u64 avg = 0;
	int i;

	assert_int_equal(lat_ewma(0, 400), 100);
	assert_int_equal(lat_ewma(400, 0), 300);
	for (i = 0; i < 64; i++)
		avg = lat_ewma(avg, 1000);
	assert_true(avg >= 996 && avg <= 1000);
	/* decays all the way to 0, no stuck remainder */
	for (i = 0; i < 64; i++)
		avg = lat_ewma(avg, 0);
	assert_int_equal(avg, 0);
	/* extreme inputs stay bounded */
	assert_true(lat_ewma(UINT64_MAX, UINT64_MAX) <= LAT_AVG_MAX_NS);
}

static void test_long_runs_cap_criticality_however_often_it_wakes(void **state)
{
	__u32 hog = lat_crit_sample(lat_run_score(5 * MS),
				    lat_wake_score(100 * US), 0);
	__u32 interactive = lat_crit_sample(lat_run_score(50 * US),
					    lat_wake_score(1 * MS), 0);

	assert_true(hog <= lat_run_score(5 * MS));
	assert_true(interactive > 800);
	assert_true(interactive > 4 * hog);
}

static void test_wakee_inherits_part_of_a_critical_wakers_criticality(void **state)
{
	__u32 batch_self = lat_crit_sample(lat_run_score(10 * MS),
					   lat_wake_score(2 * SEC), 0);
	__u32 woken = lat_crit_sample(lat_run_score(10 * MS),
				      lat_wake_score(2 * SEC),
				      lat_inherit(1000));

	assert_int_equal(batch_self, 0);
	assert_int_equal(lat_inherit(1000), 750);
	assert_int_equal(woken, 750);
	/* inheriting from a non-critical waker changes nothing */
	assert_int_equal(lat_crit_sample(lat_run_score(50 * US),
					 lat_wake_score(1 * MS), lat_inherit(0)),
			 lat_crit_sample(lat_run_score(50 * US),
					 lat_wake_score(1 * MS), 0));
	/* never above the maximum, whatever is passed in */
	assert_int_equal(lat_inherit(UINT32_MAX), LAT_CRIT_MAX * 3 / 4);
	assert_true(lat_crit_sample(UINT32_MAX, UINT32_MAX, UINT32_MAX) <=
		    LAT_CRIT_MAX);
}

static void test_criticality_follows_behaviour_within_a_few_samples(void **state)
{
	__u32 crit = 0, s_inter, s_hog;
	int i;

	s_inter = lat_crit_sample(lat_run_score(50 * US), lat_wake_score(MS), 0);
	s_hog = lat_crit_sample(lat_run_score(5 * MS),
				lat_wake_score(LAT_INTV_MAX_NS), 0);
	for (i = 0; i < 8; i++)
		crit = lat_crit_update(crit, s_inter);
	assert_true(crit > s_inter * 85 / 100);
	for (i = 0; i < 8; i++)
		crit = lat_crit_update(crit, s_hog);
	assert_true(crit < s_hog + s_inter * 15 / 100);
	assert_true(lat_crit_update(UINT32_MAX, UINT32_MAX) <= LAT_CRIT_MAX);
}

static void test_slice_shrinks_from_max_to_min_with_criticality(void **state)
{
	__u64 prev = UINT64_MAX, s;
	__u32 c;

	assert_int_equal(lat_slice(0, W_NICE_0, slice_min, slice_max), slice_max);
	assert_int_equal(lat_slice(LAT_CRIT_MAX, W_NICE_0, slice_min, slice_max),
			 slice_min);
	for (c = 0; c <= LAT_CRIT_MAX; c += 64) {
		s = lat_slice(c, W_NICE_0, slice_min, slice_max);
		assert_true(s <= prev && s >= slice_min && s <= slice_max);
		prev = s;
	}
}

static void test_lat_weight_zero_gives_plain_weighted_fair_slices(void **state)
{
	assert_int_equal(lat_crit_effective(LAT_CRIT_MAX, 0), 0);
	assert_int_equal(lat_slice(lat_crit_effective(LAT_CRIT_MAX, 0), W_NICE_0,
				   slice_min, slice_max), slice_max);
	assert_int_equal(lat_crit_effective(512, 100), 512);
	assert_int_equal(lat_crit_effective(512, 400), LAT_CRIT_MAX);
}

static void test_light_tasks_get_shorter_slices_never_below_min(void **state)
{
	assert_int_equal(lat_slice(0, 50, slice_min, slice_max), slice_max / 2);
	assert_int_equal(lat_slice(0, W_NICE_19, slice_min, slice_max), slice_min);
	/* heavy tasks keep the full slice; their deadlines come sooner */
	assert_int_equal(lat_slice(0, W_NICE_M20, slice_min, slice_max), slice_max);
}

static void test_slice_tolerates_min_above_max(void **state)
{
	__u64 s = lat_slice(512, W_NICE_0, 10 * MS, 1 * MS);

	assert_int_equal(s, 10 * MS);
}

static void test_critical_task_gets_an_earlier_deadline(void **state)
{
	__u64 v = 42 * SEC;
	__u64 crit_dl = v + lat_deadline_offset(
		lat_slice(LAT_CRIT_MAX, W_NICE_0, slice_min, slice_max), W_NICE_0);
	__u64 batch_dl = v + lat_deadline_offset(
		lat_slice(0, W_NICE_0, slice_min, slice_max), W_NICE_0);

	assert_int_equal(crit_dl, v + slice_min);
	assert_int_equal(batch_dl, v + slice_max);
	assert_true(lat_deadline_beats(crit_dl, batch_dl, slice_min));
	assert_false(lat_deadline_beats(batch_dl, crit_dl, slice_min));
}

static void test_preemption_needs_more_than_the_margin(void **state)
{
	__u64 cur = 100 * MS;

	assert_false(lat_deadline_beats(cur - 100 * US, cur, 250 * US));
	assert_false(lat_deadline_beats(cur - 250 * US, cur, 250 * US));
	assert_true(lat_deadline_beats(cur - 251 * US, cur, 250 * US));
	/* across a wrap of the virtual clock */
	assert_true(lat_deadline_beats(UINT64_MAX - MS, 5 * MS, 250 * US));
	assert_false(lat_deadline_beats(5 * MS, UINT64_MAX - MS, 250 * US));
}

static void test_critical_wakee_preempts_a_hog_at_once(void **state)
{
	/* a hog that has only just got the CPU */
	assert_true(lat_crit_allows_preempt(900, 48, 0, long_run, slice_max, slice_min));
	assert_true(lat_crit_allows_preempt(48 + LAT_PREEMPT_CRIT_GAP, 48, 0, long_run, slice_max,
					    slice_min));
}

/*
 * Tasks of a kind that run until their slices end: a wakee waits for the
 * running one's first --slice-min-us, then its deadline decides.
 */
static void test_wakee_of_a_kind_waits_for_the_running_task_to_run_a_bit(void **state)
{
	assert_false(lat_crit_allows_preempt(800, 800, 0, long_run, slice_max, slice_min));
	assert_false(
		lat_crit_allows_preempt(800, 800, slice_min - 1, long_run, slice_max, slice_min));
	assert_true(lat_crit_allows_preempt(800, 800, slice_min, long_run, slice_max, slice_min));
	assert_false(lat_crit_allows_preempt(800, 800 - LAT_PREEMPT_CRIT_GAP + 1, 100 * US,
					     long_run, slice_max, slice_min));
	/* a hog whose criticality the estimate got wrong is still cut short */
	assert_true(lat_crit_allows_preempt(200, 48, 5 * MS, long_run, slice_max, slice_min));
}

static void test_clearly_less_critical_wakee_never_preempts(void **state)
{
	assert_true(lat_crit_allows_preempt(700, 700 + LAT_PREEMPT_CRIT_GAP - 1, SEC, long_run,
					    slice_max, slice_min));
	assert_false(lat_crit_allows_preempt(700, 700 + LAT_PREEMPT_CRIT_GAP, SEC, long_run,
					     slice_max, slice_min));
	/* a hog never preempts a critical task, however long it has run */
	assert_false(
		lat_crit_allows_preempt(0, LAT_CRIT_MAX, 10 * SEC, long_run, slice_max, slice_min));
	/* out-of-range criticality is clamped, not wrapped */
	assert_true(lat_crit_allows_preempt(UINT32_MAX, 0, 0, long_run, slice_max, slice_min));
	assert_false(lat_crit_allows_preempt(0, UINT32_MAX, SEC, long_run, slice_max, slice_min));
	assert_false(lat_crit_allows_preempt(UINT32_MAX - 100, LAT_CRIT_MAX, 0, long_run, slice_max,
					     slice_min));
}

/*
 * A task that usually blocks within --slice-min-us (a worker serving a
 * short request, a waker about to block) keeps the CPU for that long,
 * whoever wakes; past it, or when its usual run is long, the rules above.
 * With a slice under twice its usual run, so that the rule below leaves
 * it to this one.
 */
static void test_brief_task_is_not_preempted_within_its_brief_run(void **state)
{
	__u64 brief = 200 * US, slice = slice_min + 50 * US;

	assert_false(lat_crit_allows_preempt(LAT_CRIT_MAX, 0, 0, brief, slice, slice_min));
	assert_false(lat_crit_allows_preempt(900, 600, slice_min - 1, brief, slice, slice_min));
	assert_false(lat_crit_allows_preempt(900, 600, 0, slice_min - 1, slice, slice_min));
	/* it overran its habit: treated as any other */
	assert_true(lat_crit_allows_preempt(900, 600, slice_min, brief, slice, slice_min));
	/* a usual run of --slice-min-us or more is not brief */
	assert_true(lat_crit_allows_preempt(900, 600, 0, slice_min, slice, slice_min));
}

/*
 * Only a task that runs until its slice ends, as a hog does, is preempted:
 * one that usually blocks before half its slice is left to block, however
 * critical the wakee and however long it has run (its slice bounds that).
 * Figures of request/response work: a worker of criticality 684, usual
 * run 479 us, 115 us into a request, and a message thread waking.
 */
static void test_task_that_blocks_within_half_its_slice_is_not_preempted(void **state)
{
	__u64 worker_slice = lat_slice(684, W_NICE_0, slice_min, slice_max);
	__u64 hog_slice = lat_slice(48, W_NICE_0, slice_min, slice_max);

	assert_false(
		lat_crit_allows_preempt(990, 684, 115 * US, 479 * US, worker_slice, slice_min));
	assert_false(
		lat_crit_allows_preempt(LAT_CRIT_MAX, 0, SEC, 479 * US, worker_slice, slice_min));
	/* a hog's usual run is its slice: preempted at once, as before */
	assert_true(lat_crit_allows_preempt(900, 48, 0, hog_slice, hog_slice, slice_min));
	/* the line is half the slice */
	assert_true(lat_crit_allows_preempt(900, 48, 0, MS, 2 * MS, slice_min));
	assert_false(lat_crit_allows_preempt(900, 48, 0, MS - 1, 2 * MS, slice_min));
	/* no slice published: the other rules alone */
	assert_true(lat_crit_allows_preempt(900, 48, 0, long_run, 0, slice_min));
}

static void test_idle_cpu_always_steals(void **state)
{
	/* nothing of its own: any queued task, however late its deadline */
	assert_true(lat_should_steal(UINT64_MAX / 2, 0, false, slice_max));
	assert_true(lat_should_steal(10 * SEC, 0, false, slice_max));
}

static void test_busy_cpu_steals_only_beyond_the_margin(void **state)
{
	__u64 own = 100 * MS;

	/* an earlier head elsewhere, but within one batch slice: stay local */
	assert_false(lat_should_steal(own - slice_max, own, true, slice_max));
	assert_false(lat_should_steal(own + MS, own, true, slice_max));
	assert_true(lat_should_steal(own - slice_max - 1, own, true, slice_max));
	/* across a wrap of the virtual clock */
	assert_true(lat_should_steal(UINT64_MAX - 10 * MS, 5 * MS, true,
				     slice_max));
}

static void test_busy_cpu_compares_queues_once_per_interval(void **state)
{
	__u64 last = 10 * SEC, interval = slice_min;

	/* nothing of its own: every dispatch looks */
	assert_true(lat_balance_due(last, last, interval, false));
	/* busy: not again within the interval, then again */
	assert_false(lat_balance_due(last + interval - 1, last, interval, true));
	assert_true(lat_balance_due(last + interval, last, interval, true));
	/* never looked (last 0) */
	assert_true(lat_balance_due(interval, 0, interval, true));
}

static void test_brief_wakee_skips_the_queue_of_its_wakers_cpu(void **state)
{
	__u64 brief = slice_min, run = brief / 2;

	/* a worker woken by a message thread on the thread's CPU */
	assert_true(lat_skip_queue(run, 0, 0, true, true, run, brief));
	/* that CPU between two tasks publishes none */
	assert_true(lat_skip_queue(run, 0, 0, true, false, slice_max, brief));
	/* another CPU: the wakee must stay where an idle CPU can take it */
	assert_false(lat_skip_queue(run, 0, 0, false, true, run, brief));
	/* anything already waiting there keeps its place */
	assert_false(lat_skip_queue(run, 1, 0, true, true, run, brief));
	assert_false(lat_skip_queue(run, 0, 1, true, true, run, brief));
	/* a dispatch queue's error (negative) is not "empty" */
	assert_false(lat_skip_queue(run, -22, 0, true, true, run, brief));
	/* a hog would hold the local queue, and a CPU running a hog would
	 * hold the wakee, out of reach of a CPU going idle */
	assert_false(lat_skip_queue(brief, 0, 0, true, true, run, brief));
	assert_false(lat_skip_queue(run, 0, 0, true, true, brief, brief));
	assert_false(lat_skip_queue(slice_max, 0, 0, true, false, run, brief));
}

/*
 * A CPU whose hog used up its slice, with a critical task that just woke
 * (lag-capped vruntime, shortest slice) queued on another CPU: it takes
 * the wakee rather than run its hog on.
 */
static void test_critical_wakee_is_stolen_from_a_busy_cpu(void **state)
{
	__u64 v = 10 * SEC;
	__u64 hog_next = v + lat_deadline_offset(
		lat_slice(0, W_NICE_0, slice_min, slice_max), W_NICE_0);
	__u64 wakee = lat_vtime_clamp(0, v, slice_max, LAT_LEAD_MAX_NS) +
		lat_deadline_offset(lat_slice(LAT_CRIT_MAX, W_NICE_0,
					      slice_min, slice_max), W_NICE_0);

	assert_true(lat_should_steal(wakee, hog_next, true, slice_max));
	/* a hog with the same deadline elsewhere is not worth a migration */
	assert_false(lat_should_steal(hog_next, hog_next, true, slice_max));
}

static void test_deadline_offset_is_bounded_at_extreme_weights(void **state)
{
	__u64 light = lat_deadline_offset(
		lat_slice(0, W_NICE_19, slice_min, slice_max), W_NICE_19);
	__u64 heavy = lat_deadline_offset(
		lat_slice(0, W_NICE_M20, slice_min, slice_max), W_NICE_M20);

	/* nice 19: slice_min * 100 = 25 ms of vtime, below the cap */
	assert_int_equal(light, slice_min * 100);
	assert_true(light <= LAT_DL_MAX_NS);
	assert_int_equal(heavy, slice_max * 100 / W_NICE_M20);
	/* whatever the inputs, never past the cap */
	assert_int_equal(lat_deadline_offset(UINT64_MAX, 0), LAT_DL_MAX_NS);
}

/*
 * The wait bound the caps promise: a task at the lead cap with the longest
 * deadline offset is reached once the clock moves LAT_LEAD_MAX_NS +
 * LAT_DL_MAX_NS, which nice -20 hogs on one CPU do within 10 s.
 */
static void test_worst_wait_behind_nice_m20_hogs_stays_under_watchdog(void **state)
{
	__u64 vtime_needed = LAT_LEAD_MAX_NS + LAT_DL_MAX_NS;
	/* a CPU running weight-10000 tasks advances vtime at 1/100 */
	__u64 wall = vtime_needed * LAT_WEIGHT_MAX / LAT_WEIGHT_NORMAL;

	assert_true(wall <= 10 * SEC);
}

static void test_hist_buckets_are_log2_and_bounded(void **state)
{
	assert_int_equal(lat_hist_bucket(0), 0);
	assert_int_equal(lat_hist_bucket(1023), 0);
	assert_int_equal(lat_hist_bucket(1024), 1);
	assert_int_equal(lat_hist_bucket(2047), 1);
	assert_int_equal(lat_hist_bucket(2048), 2);
	assert_int_equal(lat_hist_bucket(UINT64_MAX), LAT_HIST_BUCKETS - 1);
	assert_int_equal(lat_hist_lower_ns(1), 1024);
	assert_int_equal(lat_hist_lower_ns(2), 2048);
	assert_int_equal(lat_hist_bucket(lat_hist_lower_ns(LAT_HIST_BUCKETS - 1)),
			 LAT_HIST_BUCKETS - 1);
}

static void test_percentiles_interpolate_within_their_bucket(void **state)
{
	__u64 hist[LAT_HIST_BUCKETS] = {};
	double p50, p99;

	assert_true(lat_hist_percentile(hist, 50) == 0);

	/* 100 delays in [4096, 8192) ns and 1 in [1 s, 2 s) */
	hist[lat_hist_bucket(5000)] = 100;
	hist[lat_hist_bucket(SEC + 1)] = 1;
	p50 = lat_hist_percentile(hist, 50);
	p99 = lat_hist_percentile(hist, 99);
	assert_true(p50 >= 4096 && p50 < 8192);
	assert_true(p99 >= 4096 && p99 < 8192);
	assert_true(p99 > p50);
	assert_true(lat_hist_percentile(hist, 100) >= lat_hist_lower_ns(
		lat_hist_bucket(SEC + 1)));

	/* the open-ended last bucket reports its lower bound */
	hist[LAT_HIST_BUCKETS - 1] = 1000;
	assert_true(lat_hist_percentile(hist, 99) ==
		    (double)lat_hist_lower_ns(LAT_HIST_BUCKETS - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice0_vtime_runs_at_wall_clock_speed),
		cmocka_unit_test(test_heavier_tasks_are_charged_less),
		cmocka_unit_test(test_weights_outside_the_kernel_range_are_clamped),
		cmocka_unit_test(test_huge_charge_at_lowest_weight_does_not_overflow),
		cmocka_unit_test(test_long_sleeper_keeps_at_most_the_lag_cap),
		cmocka_unit_test(test_sleeper_does_not_pass_its_equals),
		cmocka_unit_test(test_task_far_ahead_is_pulled_back_to_the_lead_cap),
		cmocka_unit_test(test_vtime_clamp_survives_clock_wrap),
		cmocka_unit_test(test_log2_is_exact_on_powers_and_monotonic),
		cmocka_unit_test(test_short_runs_score_high_long_runs_low),
		cmocka_unit_test(test_frequent_wakers_score_high),
		cmocka_unit_test(test_ewma_moves_a_quarter_and_converges),
		cmocka_unit_test(test_long_runs_cap_criticality_however_often_it_wakes),
		cmocka_unit_test(test_wakee_inherits_part_of_a_critical_wakers_criticality),
		cmocka_unit_test(test_criticality_follows_behaviour_within_a_few_samples),
		cmocka_unit_test(test_slice_shrinks_from_max_to_min_with_criticality),
		cmocka_unit_test(test_lat_weight_zero_gives_plain_weighted_fair_slices),
		cmocka_unit_test(test_light_tasks_get_shorter_slices_never_below_min),
		cmocka_unit_test(test_slice_tolerates_min_above_max),
		cmocka_unit_test(test_critical_task_gets_an_earlier_deadline),
		cmocka_unit_test(test_preemption_needs_more_than_the_margin),
		cmocka_unit_test(test_critical_wakee_preempts_a_hog_at_once),
		cmocka_unit_test(test_wakee_of_a_kind_waits_for_the_running_task_to_run_a_bit),
		cmocka_unit_test(test_clearly_less_critical_wakee_never_preempts),
		cmocka_unit_test(test_brief_task_is_not_preempted_within_its_brief_run),
		cmocka_unit_test(test_task_that_blocks_within_half_its_slice_is_not_preempted),
		cmocka_unit_test(test_idle_cpu_always_steals),
		cmocka_unit_test(test_busy_cpu_steals_only_beyond_the_margin),
		cmocka_unit_test(test_busy_cpu_compares_queues_once_per_interval),
		cmocka_unit_test(test_critical_wakee_is_stolen_from_a_busy_cpu),
		cmocka_unit_test(test_brief_wakee_skips_the_queue_of_its_wakers_cpu),
		cmocka_unit_test(test_deadline_offset_is_bounded_at_extreme_weights),
		cmocka_unit_test(test_worst_wait_behind_nice_m20_hogs_stays_under_watchdog),
		cmocka_unit_test(test_hist_buckets_are_log2_and_bounded),
		cmocka_unit_test(test_percentiles_interpolate_within_their_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
