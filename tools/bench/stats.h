/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Statistics shared by the schedkit bench programs: percentiles of latency
 * samples, percentiles of a histogram (cyclictest's), and the per-scheduler
 * summary of repeated runs (median, quartiles, range). Private to tools/bench.
 */
#ifndef SK_BENCH_STATS_H
#define SK_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* A growable array of samples, e.g. latencies in nanoseconds. */
struct bench_samples {
	uint64_t *v;
	size_t n;
	size_t cap;
};

/* Appends @x; returns 0 or -ENOMEM (the samples so far are kept). */
int bench_samples_add(struct bench_samples *s, uint64_t x);

/*
 * Appends the samples of @from to @to and frees @from's. Returns 0, or
 * -ENOMEM with both left as they were.
 */
int bench_samples_merge(struct bench_samples *to, struct bench_samples *from);

/* Sorts the samples ascending, for bench_percentile_u64(). */
void bench_samples_sort(struct bench_samples *s);

void bench_samples_free(struct bench_samples *s);

/*
 * Nearest-rank percentile @p (0 < p <= 100) of @n ascending samples: the
 * smallest sample with at least p% of the samples at or below it, so p100 is
 * the maximum and every answer is a value that was really seen. Returns 0
 * for an empty set.
 */
uint64_t bench_percentile_u64(const uint64_t *sorted, size_t n, double p);

/* One histogram bucket: @count samples of value @value. */
struct bench_bucket {
	double value;
	uint64_t count;
};

/*
 * Nearest-rank percentile @p of a histogram with buckets in any order (they
 * are sorted in place) plus @overflow samples known only to lie above the last
 * bucket. Stores the value in *@out and returns 0, or returns -ERANGE when the
 * percentile falls among the overflow samples and -ENODATA when there are no
 * samples at all.
 */
int bench_hist_percentile(struct bench_bucket *b, size_t n, uint64_t overflow,
			  double p, double *out);

/* How one scheduler did on one metric over its successful runs. */
struct bench_summary {
	size_t n;
	double min, q1, median, q3, max, mean;
};

/*
 * Summarises @n values (sorted in place). Quartiles interpolate linearly
 * between neighbours, so the median of an even count is the mean of the two
 * middle values. Returns 0, or -ENODATA for n == 0 (@s then zeroed).
 */
int bench_summarize(double *v, size_t n, struct bench_summary *s);

/* Quantile @q (0..1) of @n ascending values, interpolated as above. */
double bench_quantile(const double *sorted, size_t n, double q);

#endif
