// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit-bench-wakeup: the `wakeup` workload of schedkit bench.
 *
 * A periodic task (every --period-us, default 1 ms, doing --work-us of CPU
 * work, default 50 us) runs beside --hogs CPU hogs (default two per CPU) and
 * measures how late it starts each period against an absolute schedule. Then,
 * if cyclictest is there, it runs cyclictest at SCHED_OTHER beside the same
 * hogs as a cross-check. Prints one JSON object of results on stdout.
 *
 * The schedule is absolute (t0 + k * period, clock_nanosleep TIMER_ABSTIME),
 * so delay cannot pile up unseen as it does for a probe that re-arms relative
 * to its last wake-up: every period counts from its intended start, a period
 * that begins while the previous one is still working (or waiting for a CPU)
 * counts from its own start too, and how far past that start the loop still
 * was is reported as lag. Periods whose start passed before the previous one
 * even woke up are skipped and counted as missed, so that one long stall
 * shows as one large sample plus missed periods instead of shifting every
 * later sample.
 *
 * With tracefs (root), each sample is also split at the kernel's
 * sched_waking event for the probe: before it, the timer interrupt reaching
 * a CPU, which no scheduler sees (and which under emulation is mostly the
 * host's doing); after it, the wait to run, which is the scheduler's part.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "stats.h"

/* cyclictest's histogram range in us; later samples count as overflow. */
#define CT_HIST_US 100000

struct opts {
	unsigned long seconds, hogs, period_us, work_us;
	const char *cyclictest;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: schedkit-bench-wakeup [options]\n\n"
		"  --seconds N     length of each measurement (default 5)\n"
		"  --hogs N        CPU hogs beside the probe (default 2 per CPU)\n"
		"  --period-us N   probe period (default 1000)\n"
		"  --work-us N     CPU work per period (default 50)\n"
		"  --cyclictest P  cyclictest to run as a cross-check, or 'none'\n"
		"                  (default: cyclictest from PATH when there is one)\n");
}

/*
 * The probe's sched_waking events go to a tracefs instance of its own, so
 * that it neither disturbs nor is disturbed by anyone using the main trace
 * buffer, with the CLOCK_MONOTONIC clock the probe's schedule is on. The
 * instance outlives the process unless removed: die() removes it too.
 */
static struct {
	char dir[256];
	const char *error;
} trace;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "schedkit-bench-wakeup: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	if (trace.dir[0])
		rmdir(trace.dir);
	exit(1);
}

static pid_t *hogs;
static unsigned long nr_hogs;

static void start_hogs(unsigned long n)
{
	pid_t parent = getpid();

	hogs = calloc(n, sizeof(*hogs));
	if (!hogs)
		die("%s", "out of memory");
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("cannot start a CPU hog: %s", strerror(errno));
		if (pid == 0) {
			volatile uint64_t x = 0;

			/* Hogs must not outlive a probe that is killed. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				x++;
		}
		hogs[nr_hogs++] = pid;
	}
}

static void stop_hogs(void)
{
	for (unsigned long i = 0; i < nr_hogs; i++)
		kill(hogs[i], SIGKILL);
	for (unsigned long i = 0; i < nr_hogs; i++)
		waitpid(hogs[i], NULL, 0);
	nr_hogs = 0;
}

static void put_pct_us(struct json_object *res, const char *key, const struct bench_samples *s,
		       unsigned int pct)
{
	bench_put_num(res, key, bench_us(bench_percentile_u64(s->v, s->n, pct)));
}

static int trace_write(const char *file, const char *val)
{
	char path[512];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", trace.dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

static void trace_start(uint64_t events)
{
	char filter[64], kb[32];

	snprintf(trace.dir, sizeof(trace.dir), "/sys/kernel/tracing/instances/schedkit-wakeup-%d",
		 (int)getpid());
	if (mkdir(trace.dir, 0700)) {
		trace.dir[0] = '\0';
		trace.error = errno == ENOENT ? "no tracefs at /sys/kernel/tracing" :
						"cannot make a tracefs instance (needs root)";
		return;
	}
	snprintf(filter, sizeof(filter), "pid == %d", (int)getpid());
	/* Room on each CPU for every event, at well under 64 bytes each. */
	snprintf(kb, sizeof(kb), "%llu", (unsigned long long)(events * 64 / 1024 + 1024));
	if (trace_write("buffer_size_kb", kb) || trace_write("trace_clock", "mono") ||
	    trace_write("events/sched/sched_waking/filter", filter) ||
	    trace_write("events/sched/sched_waking/enable", "1"))
		trace.error = "cannot set up the sched_waking event";
}

/*
 * Reads the instance's sched_waking times (ns, in order) and removes it.
 * The text trace prints them in microseconds, which is all the split needs.
 */
static void trace_stop(struct bench_samples *out)
{
	char path[512], line[512];
	unsigned long long in_buf = 0, written = 0;
	FILE *f = NULL;

	if (!trace.dir[0])
		return;
	trace_write("events/sched/sched_waking/enable", "0");
	snprintf(path, sizeof(path), "%s/trace", trace.dir);
	if (!trace.error && !(f = fopen(path, "re")))
		trace.error = "cannot read the trace";
	while (f && fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, ": sched_waking:"), *ts;
		unsigned long long sec, usec;

		if (line[0] == '#') {
			sscanf(line, "# entries-in-buffer/entries-written: %llu/%llu", &in_buf,
			       &written);
			continue;
		}
		if (!ev)
			continue;
		*ev = '\0';
		ts = strrchr(line, ' ');
		if (!ts || sscanf(ts, " %llu.%llu", &sec, &usec) != 2)
			continue;
		if (bench_samples_add(out, sec * NSEC_PER_SEC + usec * NSEC_PER_USEC))
			die("%s", "out of memory");
	}
	if (f)
		fclose(f);
	if (!trace.error && written > in_buf)
		trace.error = "the trace buffer overflowed";
	rmdir(trace.dir);
	trace.dir[0] = '\0';
}

/*
 * Each executed period's waking is the last one of the probe after the
 * previous period began to run and no later than this one did; a period
 * that found its start already passed never slept and has none.
 */
static void split(const uint64_t *intended, const uint64_t *woke, size_t n,
		  const struct bench_samples *waking, struct json_object *res)
{
	struct bench_samples timer = { 0 }, sched = { 0 };
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t after = i ? woke[i - 1] : 0, at = 0;
		bool found = false;

		while (w < waking->n && waking->v[w] <= woke[i]) {
			if (waking->v[w] > after) {
				at = waking->v[w];
				found = true;
			}
			w++;
		}
		if (!found)
			continue;
		/* The trace's microseconds can put it a hair before the timer. */
		if (bench_samples_add(&timer, at > intended[i] ? at - intended[i] : 0) ||
		    bench_samples_add(&sched, woke[i] - at))
			die("%s", "out of memory");
	}
	bench_samples_sort(&timer);
	bench_samples_sort(&sched);
	bench_put_int(res, "split_periods", (int64_t)timer.n);
	put_pct_us(res, "wake_timer_p50_us", &timer, 50);
	put_pct_us(res, "wake_timer_p99_us", &timer, 99);
	put_pct_us(res, "wake_sched_p50_us", &sched, 50);
	put_pct_us(res, "wake_sched_p99_us", &sched, 99);
	bench_samples_free(&timer);
	bench_samples_free(&sched);
}

static void probe(const struct opts *o, struct json_object *res)
{
	uint64_t period = o->period_us * NSEC_PER_USEC;
	uint64_t work = o->work_us * NSEC_PER_USEC;
	uint64_t t0, deadline, periods, k = 0, lag_max = 0, missed = 0, sum = 0;
	struct bench_samples lat = { 0 }, waking = { 0 };
	uint64_t *intended_at, *woke_at;

	/* Start on a period boundary a little ahead so the first wait is real. */
	t0 = (bench_mono() / period + 2) * period;
	periods = o->seconds * NSEC_PER_SEC / period;
	deadline = t0 + periods * period;
	intended_at = calloc(periods, sizeof(*intended_at));
	woke_at = calloc(periods, sizeof(*woke_at));
	if (!intended_at || !woke_at)
		die("%s", "out of memory");
	trace_start(periods);
	while (k < periods) {
		uint64_t intended = t0 + k * period, woke, done, next;
		struct timespec ts = bench_ts(intended);

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		woke = bench_mono();
		intended_at[lat.n] = intended;
		woke_at[lat.n] = woke;
		if (bench_samples_add(&lat, woke - intended))
			die("%s", "out of memory");
		sum += woke - intended;
		bench_spin_cpu(work);
		done = bench_mono();

		/*
		 * Periods whose start passed before this one even woke up are
		 * missed, like cyclictest skips them; one that starts while
		 * this one still works (or waits for a CPU) runs late instead,
		 * and that backlog is the lag.
		 */
		next = k + 1;
		if (woke >= t0 + next * period)
			next = (woke - t0) / period + 1;
		if (next > periods)
			next = periods;
		missed += next - k - 1;
		if (next < periods && done > t0 + next * period &&
		    done - (t0 + next * period) > lag_max)
			lag_max = done - (t0 + next * period);
		k = next;
		if (done >= deadline)
			break;
	}
	/* A loop stalled past the end still owes the periods it never ran. */
	missed += periods - k;
	trace_stop(&waking);
	if (trace.error)
		json_object_object_add(res, "split_error", json_object_new_string(trace.error));
	else
		split(intended_at, woke_at, lat.n, &waking, res);
	bench_samples_free(&waking);
	free(intended_at);
	free(woke_at);

	bench_samples_sort(&lat);
	bench_put_int(res, "periods", (int64_t)periods);
	bench_put_int(res, "executed_periods", (int64_t)lat.n);
	bench_put_int(res, "missed_periods", (int64_t)missed);
	put_pct_us(res, "wake_p50_us", &lat, 50);
	put_pct_us(res, "wake_p99_us", &lat, 99);
	put_pct_us(res, "wake_max_us", &lat, 100);
	bench_put_num(res, "wake_mean_us", lat.n ? bench_us(sum / lat.n) : 0);
	bench_put_num(res, "lag_max_us", bench_us(lag_max));
	bench_samples_free(&lat);
}

/*
 * cyclictest's --json file -> cyclictest_* fields; a note on failure.
 * cyclictest skips the periods it is too late for rather than running them
 * late, so its latencies leave out the backlog: the periods it skipped are
 * counted here from how many it ran in the time it had.
 */
static void read_cyclictest(const struct opts *o, const char *path, struct json_object *res)
{
	struct json_object *doc = json_object_from_file(path), *thr, *hist, *v;
	struct bench_bucket *b = NULL;
	uint64_t expected = o->seconds * 1000000 / o->period_us, cycles, in_hist = 0;
	size_t n = 0;
	double p;

	if (!doc || !json_object_object_get_ex(doc, "thread", &thr) ||
	    !json_object_object_get_ex(thr, "0", &thr) ||
	    !json_object_object_get_ex(thr, "histogram", &hist) ||
	    !json_object_object_get_ex(thr, "cycles", &v)) {
		json_object_object_add(res, "cyclictest_error",
				       json_object_new_string("no results in cyclictest's JSON"));
		json_object_put(doc);
		return;
	}
	cycles = (uint64_t)json_object_get_int64(v);
	b = calloc(json_object_object_length(hist) + 1, sizeof(*b));
	if (!b)
		die("%s", "out of memory");
	json_object_object_foreach(hist, key, cnt) {
		b[n].value = strtod(key, NULL);
		b[n].count = (uint64_t)json_object_get_int64(cnt);
		in_hist += b[n].count;
		n++;
	}
	/* cyclictest counts samples beyond the histogram only in "cycles". */
	bench_put_int(res, "cyclictest_cycles", (int64_t)cycles);
	bench_put_int(res, "cyclictest_skipped_periods",
		      (int64_t)(expected > cycles ? expected - cycles : 0));
	bench_put_int(res, "cyclictest_overflows",
		      (int64_t)(cycles > in_hist ? cycles - in_hist : 0));
	if (!bench_hist_percentile(b, n, cycles > in_hist ? cycles - in_hist : 0, 50, &p))
		bench_put_num(res, "cyclictest_p50_us", p);
	else
		bench_put_num(res, "cyclictest_p50_us", CT_HIST_US);
	if (!bench_hist_percentile(b, n, cycles > in_hist ? cycles - in_hist : 0, 99, &p))
		bench_put_num(res, "cyclictest_p99_us", p);
	else
		bench_put_num(res, "cyclictest_p99_us", CT_HIST_US);
	if (json_object_object_get_ex(thr, "max", &v))
		bench_put_num(res, "cyclictest_max_us", json_object_get_double(v));
	free(b);
	json_object_put(doc);
}

static int find_in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";

	while (*path) {
		size_t l = strcspn(path, ":");

		snprintf(out, len, "%.*s/%s", (int)l, path, name);
		if (l && !access(out, X_OK))
			return 0;
		path += l + (path[l] == ':');
	}
	return -ENOENT;
}

static void run_cyclictest(const struct opts *o, struct json_object *res)
{
	char tmpl[] = "/tmp/schedkit-bench-ct.XXXXXX", json[64], dur[32], intv[32];
	char found[4096], hist[32];
	const char *bin = o->cyclictest;
	int status;
	pid_t pid;

	if (bin && !strcmp(bin, "none"))
		return;
	if (!bin) {
		if (find_in_path("cyclictest", found, sizeof(found))) {
			json_object_object_add(res, "cyclictest_error",
					       json_object_new_string("cyclictest not installed"));
			return;
		}
		bin = found;
	}
	if (!mkdtemp(tmpl))
		die("cannot make a temporary directory: %s", strerror(errno));
	snprintf(json, sizeof(json), "--json=%s/ct.json", tmpl);
	snprintf(dur, sizeof(dur), "%lus", o->seconds);
	snprintf(intv, sizeof(intv), "%lu", o->period_us);
	snprintf(hist, sizeof(hist), "%d", CT_HIST_US);
	pid = fork();
	if (pid < 0)
		die("cannot start cyclictest: %s", strerror(errno));
	if (pid == 0) {
		/* Its summary and histogram would mix with our JSON on stdout. */
		freopen("/dev/null", "w", stdout);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* -m needs root (or a memlock limit); the sample is tiny anyway. */
		if (geteuid() == 0)
			execl(bin, bin, "-m", "-q", "-i", intv, "-D", dur, "--policy", "other",
			      "-h", hist, "--histfile=/dev/null", json, (char *)NULL);
		else
			execl(bin, bin, "-q", "-i", intv, "-D", dur, "--policy", "other",
			      "-h", hist, "--histfile=/dev/null", json, (char *)NULL);
		fprintf(stderr, "schedkit-bench-wakeup: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		json_object_object_add(res, "cyclictest_error",
				       json_object_new_string("cyclictest failed"));
	} else {
		snprintf(found, sizeof(found), "%s/ct.json", tmpl);
		read_cyclictest(o, found, res);
	}
	snprintf(found, sizeof(found), "%s/ct.json", tmpl);
	unlink(found);
	rmdir(tmpl);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "hogs", required_argument, NULL, 'H' },
		{ "period-us", required_argument, NULL, 'p' },
		{ "work-us", required_argument, NULL, 'w' },
		{ "cyclictest", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct opts o = {
		.seconds = 5, .hogs = 2 * (unsigned long)(ncpus > 0 ? ncpus : 1),
		.period_us = 1000, .work_us = 50,
	};
	struct json_object *res;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (bench_parse_uint(optarg, 86400, &o.seconds))
				die("--seconds needs a whole number of seconds, not '%s'", optarg);
			break;
		case 'H':
			if (bench_parse_uint(optarg, 4096, &o.hogs))
				die("--hogs needs a number from 1 to 4096, not '%s'", optarg);
			break;
		case 'p':
			if (bench_parse_uint(optarg, 1000000, &o.period_us))
				die("--period-us needs a number of microseconds, not '%s'", optarg);
			break;
		case 'w':
			if (bench_parse_uint(optarg, 1000000, &o.work_us))
				die("--work-us needs a number of microseconds, not '%s'", optarg);
			break;
		case 'c':
			o.cyclictest = optarg;
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
	if (o.work_us >= o.period_us)
		die("%s", "--work-us must be shorter than --period-us");

	res = json_object_new_object();
	bench_put_int(res, "cpus", ncpus);
	bench_put_int(res, "hogs", (int64_t)o.hogs);
	bench_put_int(res, "seconds", (int64_t)o.seconds);
	bench_put_int(res, "period_us", (int64_t)o.period_us);
	bench_put_int(res, "work_us", (int64_t)o.work_us);

	start_hogs(o.hogs);
	probe(&o, res);
	run_cyclictest(&o, res);
	stop_hogs();
	return bench_print_json(res) ? 1 : 0;
}
