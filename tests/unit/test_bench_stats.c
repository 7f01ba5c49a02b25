// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for schedkit bench's statistics (tools/bench/stats.c): the
 * percentiles the workloads report and the medians and spreads the table
 * is made of.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stats.h"

static void test_percentile_is_nearest_rank(void **state)
{
	uint64_t v[100];

	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)(i + 1) * 10;
	assert_int_equal(bench_percentile_u64(v, 100, 50), 500);
	assert_int_equal(bench_percentile_u64(v, 100, 99), 990);
	assert_int_equal(bench_percentile_u64(v, 100, 99.5), 1000);
	assert_int_equal(bench_percentile_u64(v, 100, 100), 1000);
	assert_int_equal(bench_percentile_u64(v, 100, 0.1), 10);
}

static void test_percentile_of_few_samples_is_a_seen_value(void **state)
{
	uint64_t v[] = { 3, 7, 1000 };

	/* Nearest rank never invents a value between samples. */
	assert_int_equal(bench_percentile_u64(v, 3, 50), 7);
	assert_int_equal(bench_percentile_u64(v, 3, 99), 1000);
	assert_int_equal(bench_percentile_u64(v, 1, 99), 3);
	assert_int_equal(bench_percentile_u64(v, 0, 50), 0);
}

static void test_samples_sort_and_merge_keep_every_sample(void **state)
{
	struct bench_samples a = { 0 }, b = { 0 };

	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(bench_samples_add(&a, 3000 - i), 0);
	for (uint64_t i = 0; i < 5; i++)
		assert_int_equal(bench_samples_add(&b, 10000 + i), 0);
	assert_int_equal(bench_samples_merge(&a, &b), 0);
	assert_int_equal(a.n, 3005);
	assert_int_equal(b.n, 0);
	assert_null(b.v);
	bench_samples_sort(&a);
	assert_int_equal(a.v[0], 1);
	assert_int_equal(a.v[2999], 3000);
	assert_int_equal(a.v[3004], 10004);
	assert_int_equal(bench_percentile_u64(a.v, a.n, 100), 10004);
	bench_samples_free(&a);
}

static void test_hist_percentile_sorts_buckets(void **state)
{
	struct bench_bucket b[] = { { 30, 1 }, { 10, 50 }, { 20, 49 } };
	double p = -1;

	assert_int_equal(bench_hist_percentile(b, 3, 0, 50, &p), 0);
	assert_true(p == 10);
	assert_int_equal(bench_hist_percentile(b, 3, 0, 99, &p), 0);
	assert_true(p == 20);
	assert_int_equal(bench_hist_percentile(b, 3, 0, 100, &p), 0);
	assert_true(p == 30);
}

static void test_hist_percentile_in_overflow_is_erange(void **state)
{
	struct bench_bucket b[] = { { 5, 97 } };
	double p = -1;

	/* 3 of 100 samples lie beyond the histogram: p99 is among them. */
	assert_int_equal(bench_hist_percentile(b, 1, 3, 99, &p), -ERANGE);
	assert_int_equal(bench_hist_percentile(b, 1, 3, 97, &p), 0);
	assert_true(p == 5);
	assert_int_equal(bench_hist_percentile(NULL, 0, 0, 50, &p), -ENODATA);
}

static void test_summary_median_of_even_count_is_mean_of_middle(void **state)
{
	double v[] = { 9, 1, 4, 2 };
	struct bench_summary s;

	assert_int_equal(bench_summarize(v, 4, &s), 0);
	assert_int_equal(s.n, 4);
	assert_true(s.min == 1 && s.max == 9);
	assert_true(s.median == 3);
	assert_true(s.mean == 4);
	/* Linear interpolation: positions 0.75 and 2.25 of 1, 2, 4, 9. */
	assert_true(s.q1 == 1.75);
	assert_true(s.q3 == 5.25);
}

static void test_summary_of_odd_count_and_single_value(void **state)
{
	double v[] = { 5, 3, 1, 2, 4 }, one[] = { 7 };
	struct bench_summary s;

	assert_int_equal(bench_summarize(v, 5, &s), 0);
	assert_true(s.median == 3 && s.q1 == 2 && s.q3 == 4);
	assert_int_equal(bench_summarize(one, 1, &s), 0);
	assert_true(s.min == 7 && s.median == 7 && s.max == 7 && s.q1 == 7);
}

static void test_summary_of_nothing_is_enodata(void **state)
{
	struct bench_summary s = { .n = 99, .median = 1 };

	assert_int_equal(bench_summarize(NULL, 0, &s), -ENODATA);
	assert_int_equal(s.n, 0);
	assert_true(s.median == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_is_nearest_rank),
		cmocka_unit_test(test_percentile_of_few_samples_is_a_seen_value),
		cmocka_unit_test(test_samples_sort_and_merge_keep_every_sample),
		cmocka_unit_test(test_hist_percentile_sorts_buckets),
		cmocka_unit_test(test_hist_percentile_in_overflow_is_erange),
		cmocka_unit_test(test_summary_median_of_even_count_is_mean_of_middle),
		cmocka_unit_test(test_summary_of_odd_count_and_single_value),
		cmocka_unit_test(test_summary_of_nothing_is_enodata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
