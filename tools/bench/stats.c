// SPDX-License-Identifier: GPL-2.0-only
/*
 * Statistics for the schedkit bench programs, see stats.h. Kept free of I/O
 * so the host unit tests can check the arithmetic alone.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int bench_samples_add(struct bench_samples *s, uint64_t x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

int bench_samples_merge(struct bench_samples *to, struct bench_samples *from)
{
	if (to->n + from->n > to->cap) {
		size_t cap = to->n + from->n;
		uint64_t *v = realloc(to->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		to->v = v;
		to->cap = cap;
	}
	if (from->n)
		memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	bench_samples_free(from);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_samples_sort(struct bench_samples *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
}

void bench_samples_free(struct bench_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* 1-based nearest rank of percentile p among n samples, clamped to 1..n. */
static uint64_t rank_of(double p, uint64_t n)
{
	double r = ceil(p / 100.0 * (double)n);

	if (r < 1)
		return 1;
	if (r > (double)n)
		return n;
	return (uint64_t)r;
}

uint64_t bench_percentile_u64(const uint64_t *sorted, size_t n, double p)
{
	if (!n)
		return 0;
	return sorted[rank_of(p, n) - 1];
}

static int cmp_bucket(const void *a, const void *b)
{
	double x = ((const struct bench_bucket *)a)->value;
	double y = ((const struct bench_bucket *)b)->value;

	return x < y ? -1 : x > y;
}

int bench_hist_percentile(struct bench_bucket *b, size_t n, uint64_t overflow,
			  double p, double *out)
{
	uint64_t total = overflow, rank, seen = 0;

	for (size_t i = 0; i < n; i++)
		total += b[i].count;
	if (!total)
		return -ENODATA;
	if (n)
		qsort(b, n, sizeof(*b), cmp_bucket);
	rank = rank_of(p, total);
	for (size_t i = 0; i < n; i++) {
		seen += b[i].count;
		if (seen >= rank) {
			*out = b[i].value;
			return 0;
		}
	}
	return -ERANGE;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_quantile(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return 0;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

int bench_summarize(double *v, size_t n, struct bench_summary *s)
{
	double sum = 0;

	memset(s, 0, sizeof(*s));
	if (!n)
		return -ENODATA;
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->q1 = bench_quantile(v, n, 0.25);
	s->median = bench_quantile(v, n, 0.5);
	s->q3 = bench_quantile(v, n, 0.75);
	s->mean = sum / (double)n;
	return 0;
}
