// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit-bench-reqresp: the `reqresp` workload of schedkit bench, a
 * request/response server in the manner of schbench.
 *
 * Each message thread repeatedly hands one request to each of its worker
 * threads at once (a futex wake per worker), and waits until all of them have
 * answered before sending the next batch. A worker wakes, burns --work-us of
 * CPU time and answers. With more workers than CPUs the batch queues, so both
 * how fast the wakees get a CPU and how fairly they share it show up in:
 * requests per second (throughput) and request latency, from the moment the
 * request was posted to the answer (wake-up + queueing + work).
 * Where throughput goes is shown by two scheduler-independent figures:
 * this process's context switches per request (voluntary ones are the
 * futex waits; involuntary ones are preemptions) and the share of the
 * machine's CPU time left idle while requests were waiting.
 * Prints one JSON object of results on stdout.
 */
#include <getopt.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "stats.h"

struct msg;

struct worker {
	pthread_t thread;
	struct msg *m;
	_Atomic uint32_t req;		/* futex word: bumped per request */
	_Atomic uint64_t posted;	/* when the current request was posted */
	struct bench_samples lat;	/* post -> answer, ns */
	struct bench_samples wake;	/* post -> running, ns */
	int oom;
};

struct msg {
	pthread_t thread;
	struct worker *w;
	unsigned long nr;
	_Atomic uint32_t pending;	/* futex word: unanswered requests */
	uint64_t rounds;
};

static atomic_int stop, exiting;
static uint64_t work_ns;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "schedkit-bench-reqresp: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void futex_wait(_Atomic uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/*
 * Idle and total time of all CPUs so far, in /proc/stat ticks; 0 or a
 * negative errno.
 */
static int cpu_ticks(unsigned long long *idle, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		return -EINVAL;
	/* idle and iowait: nothing ran */
	*idle = v[3] + v[4];
	*total = 0;
	for (int i = 0; i < 8; i++)
		*total += v[i];
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint32_t seen = 0, cur;

	for (;;) {
		uint64_t start, posted;

		while ((cur = atomic_load(&w->req)) == seen)
			futex_wait(&w->req, seen);
		seen = cur;
		if (atomic_load(&exiting))
			break;
		start = bench_mono();
		posted = atomic_load(&w->posted);
		bench_spin_cpu(work_ns);
		if (bench_samples_add(&w->wake, start - posted) ||
		    bench_samples_add(&w->lat, bench_mono() - posted))
			w->oom = 1;
		if (atomic_fetch_sub(&w->m->pending, 1) == 1)
			futex_wake(&w->m->pending);
	}
	return NULL;
}

static void *msg_main(void *arg)
{
	struct msg *m = arg;
	uint32_t p;

	while (!atomic_load(&stop)) {
		uint64_t now = bench_mono();

		atomic_store(&m->pending, (uint32_t)m->nr);
		for (unsigned long i = 0; i < m->nr; i++) {
			atomic_store(&m->w[i].posted, now);
			atomic_fetch_add(&m->w[i].req, 1);
			futex_wake(&m->w[i].req);
		}
		while ((p = atomic_load(&m->pending)) != 0)
			futex_wait(&m->pending, p);
		m->rounds++;
	}
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: schedkit-bench-reqresp [options]\n\n"
		"  --seconds N          length of the run (default 5)\n"
		"  --message-threads N  request senders (default 2)\n"
		"  --workers N          workers per message thread (default: CPUs)\n"
		"  --work-us N          CPU work per request (default 100)\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "message-threads", required_argument, NULL, 'm' },
		{ "workers", required_argument, NULL, 'w' },
		{ "work-us", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long seconds = 5, nmsg = 2, nwork = ncpus > 0 ? (unsigned long)ncpus : 1;
	unsigned long work_us = 100;
	struct bench_samples lat = { 0 }, wake = { 0 };
	unsigned long long idle0 = 0, total0 = 0, idle1 = 0, total1 = 0;
	uint64_t t0, elapsed, rounds = 0;
	struct rusage ru0, ru1;
	int ticks_err;
	struct json_object *res;
	struct msg *msgs;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (bench_parse_uint(optarg, 86400, &seconds))
				die("--seconds needs a whole number of seconds, not '%s'", optarg);
			break;
		case 'm':
			if (bench_parse_uint(optarg, 256, &nmsg))
				die("--message-threads needs a number from 1 to 256, not '%s'", optarg);
			break;
		case 'w':
			if (bench_parse_uint(optarg, 1024, &nwork))
				die("--workers needs a number from 1 to 1024, not '%s'", optarg);
			break;
		case 'u':
			if (bench_parse_uint(optarg, 1000000, &work_us))
				die("--work-us needs a number of microseconds, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			die("%s", "bad option (see --help)");
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	work_ns = work_us * NSEC_PER_USEC;

	msgs = calloc(nmsg, sizeof(*msgs));
	if (!msgs)
		die("%s", "out of memory");
	for (unsigned long i = 0; i < nmsg; i++) {
		msgs[i].nr = nwork;
		msgs[i].w = calloc(nwork, sizeof(*msgs[i].w));
		if (!msgs[i].w)
			die("%s", "out of memory");
		for (unsigned long j = 0; j < nwork; j++) {
			msgs[i].w[j].m = &msgs[i];
			err = pthread_create(&msgs[i].w[j].thread, NULL, worker_main, &msgs[i].w[j]);
			if (err)
				die("cannot start a worker thread: %s", strerror(err));
		}
	}
	getrusage(RUSAGE_SELF, &ru0);
	ticks_err = cpu_ticks(&idle0, &total0);
	t0 = bench_mono();
	for (unsigned long i = 0; i < nmsg; i++) {
		err = pthread_create(&msgs[i].thread, NULL, msg_main, &msgs[i]);
		if (err)
			die("cannot start a message thread: %s", strerror(err));
	}
	{
		struct timespec ts = bench_ts(t0 + seconds * NSEC_PER_SEC);

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	/* Message threads finish their batch (workers still answer), then workers go. */
	atomic_store(&stop, 1);
	for (unsigned long i = 0; i < nmsg; i++)
		pthread_join(msgs[i].thread, NULL);
	elapsed = bench_mono() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	ticks_err |= cpu_ticks(&idle1, &total1);
	atomic_store(&exiting, 1);
	for (unsigned long i = 0; i < nmsg; i++) {
		for (unsigned long j = 0; j < nwork; j++) {
			struct worker *w = &msgs[i].w[j];

			atomic_fetch_add(&w->req, 1);
			futex_wake(&w->req);
			pthread_join(w->thread, NULL);
			if (w->oom || bench_samples_merge(&lat, &w->lat) ||
			    bench_samples_merge(&wake, &w->wake))
				die("%s", "out of memory for latency samples");
		}
		rounds += msgs[i].rounds;
	}
	bench_samples_sort(&lat);
	bench_samples_sort(&wake);

	res = json_object_new_object();
	bench_put_int(res, "cpus", ncpus);
	bench_put_int(res, "message_threads", (int64_t)nmsg);
	bench_put_int(res, "workers", (int64_t)(nmsg * nwork));
	bench_put_int(res, "work_us", (int64_t)work_us);
	bench_put_num(res, "seconds", (double)elapsed / NSEC_PER_SEC);
	bench_put_int(res, "requests", (int64_t)lat.n);
	bench_put_int(res, "rounds", (int64_t)rounds);
	bench_put_num(res, "rps", (double)lat.n * NSEC_PER_SEC / (double)elapsed);
	bench_put_num(res, "req_p50_us", bench_us(bench_percentile_u64(lat.v, lat.n, 50)));
	bench_put_num(res, "req_p99_us", bench_us(bench_percentile_u64(lat.v, lat.n, 99)));
	bench_put_num(res, "req_max_us", bench_us(bench_percentile_u64(lat.v, lat.n, 100)));
	bench_put_num(res, "wake_p50_us", bench_us(bench_percentile_u64(wake.v, wake.n, 50)));
	bench_put_num(res, "wake_p99_us", bench_us(bench_percentile_u64(wake.v, wake.n, 99)));
	if (lat.n) {
		bench_put_num(res, "voluntary_cs_per_req",
			      (double)(ru1.ru_nvcsw - ru0.ru_nvcsw) / (double)lat.n);
		bench_put_num(res, "involuntary_cs_per_req",
			      (double)(ru1.ru_nivcsw - ru0.ru_nivcsw) / (double)lat.n);
	}
	/* without /proc/stat the field is left out, and the smoke test says so */
	if (!ticks_err && total1 > total0)
		bench_put_num(res, "idle_pct",
			      100.0 * (double)(idle1 - idle0) / (double)(total1 - total0));
	bench_samples_free(&lat);
	bench_samples_free(&wake);
	return bench_print_json(res) ? 1 : 0;
}
