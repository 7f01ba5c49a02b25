/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the schedkit bench workload programs: clocks, CPU-time
 * busy work, option parsing and the JSON result they print.
 */
#ifndef SK_BENCH_H
#define SK_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_SEC 1000000000ULL

static inline uint64_t bench_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_mono(void)
{
	return bench_now(CLOCK_MONOTONIC);
}

static inline struct timespec bench_ts(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};

	return ts;
}

/*
 * Burns @ns of this thread's CPU time. Counting CPU time rather than wall
 * time keeps the amount of work fixed when the thread is preempted halfway,
 * so a scheduler that interrupts it more does not also get less work to do.
 */
static inline void bench_spin_cpu(uint64_t ns)
{
	uint64_t end = bench_now(CLOCK_THREAD_CPUTIME_ID) + ns;
	volatile uint64_t x = 0;

	while (bench_now(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 200; i++)
			x += (uint64_t)i;
}

static inline double bench_us(uint64_t ns)
{
	return (double)ns / (double)NSEC_PER_USEC;
}

/* Parses a whole positive decimal number of at most @max; -EINVAL otherwise. */
static inline int bench_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static inline void bench_put_num(struct json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(v));
}

static inline void bench_put_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* Prints @o on stdout as one JSON document and drops it; 0 or -EIO. */
static inline int bench_print_json(struct json_object *o)
{
	int ret = 0;

	json_c_set_serialization_double_format("%.10g", JSON_C_OPTION_GLOBAL);
	if (printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ||
	    fflush(stdout))
		ret = -EIO;
	json_object_put(o);
	return ret;
}

#endif
