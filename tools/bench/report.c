// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit-bench-report: the bookkeeping half of schedkit bench.
 *
 *   record OUT [--update] [--metrics FILE] [--metric K=V]... [K=STRING | K:=NUMBER]...
 *	writes one JSON object (or adds to it with --update): a run's result or
 *	the benchmark's metadata, so the shell driver never has to quote JSON
 *	itself. A run that says it is ok but brought back no results is turned
 *	into a failed one.
 *   summary META [--json OUT] RUN...
 *	reads the metadata and every run's file, prints the comparison table
 *	and writes all of it, raw runs and summary, to OUT.
 *
 * Every run is accounted for: a failed run shows in its scheduler's column
 * and in the list of failures, and only successful runs enter the medians.
 * A run with status "n/a" (a workload that does not apply to a scheduler,
 * such as switch under eevdf) is neither: its column says n/a.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "stats.h"

#define BASELINE "eevdf"

static const char *prog = "schedkit-bench-report";

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("%s", "out of memory");
	return p;
}

/* A whole string that is a finite number; numbers only, not "nan"/"inf". */
static bool parse_number(const char *s, double *out)
{
	char *end;

	if (!*s || !strchr("+-.0123456789", *s))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !errno && !*end && isfinite(*out);
}

static struct json_object *new_number(double v)
{
	if (v == (double)(int64_t)v && fabs(v) < 9e15)
		return json_object_new_int64((int64_t)v);
	return json_object_new_double(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool str_is(struct json_object *o, const char *key, const char *want)
{
	const char *v = get_str(o, key);

	return v && !strcmp(v, want);
}

static void fail_run(struct json_object *run, const char *failure, const char *error)
{
	if (str_is(run, "status", "failed"))
		return;
	json_object_object_add(run, "status", json_object_new_string("failed"));
	json_object_object_add(run, "failure", json_object_new_string(failure));
	json_object_object_add(run, "error", json_object_new_string(error));
}

static int write_json(const char *path, struct json_object *o)
{
	json_c_set_serialization_double_format("%.10g", JSON_C_OPTION_GLOBAL);
	return json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY |
				       JSON_C_TO_STRING_NOSLASHESCAPE);
}

static int cmd_record(int argc, char **argv)
{
	struct json_object *o = json_object_new_object(), *metrics = NULL;
	const char *out;
	int i;

	if (argc < 2)
		die("%s", "record: usage: record OUT [--update] [--metrics FILE] [--metric K=V]... [K=V | K:=N]...");
	out = argv[1];
	i = 2;
	if (argc > 2 && !strcmp(argv[2], "--update")) {
		json_object_put(o);
		o = json_object_from_file(out);
		if (!o || !json_object_is_type(o, json_type_object))
			die("record: cannot update %s: not a JSON object", out);
		i++;
	}
	for (; i < argc; i++) {
		char *arg = argv[i], *eq;
		double v;

		if (!strcmp(arg, "--metrics") && i + 1 < argc) {
			struct json_object *m = json_object_from_file(argv[++i]);

			if (!m || !json_object_is_type(m, json_type_object)) {
				json_object_put(m);
				continue;
			}
			if (metrics) {
				json_object_object_foreach(m, k, val)
					json_object_object_add(metrics, k, json_object_get(val));
				json_object_put(m);
			} else {
				metrics = m;
			}
			continue;
		}
		if (!strcmp(arg, "--metric") && i + 1 < argc) {
			arg = argv[++i];
			eq = strchr(arg, '=');
			if (!eq)
				die("record: --metric takes NAME=NUMBER, not '%s'", arg);
			*eq = '\0';
			if (!metrics)
				metrics = json_object_new_object();
			if (parse_number(eq + 1, &v))
				json_object_object_add(metrics, arg, new_number(v));
			continue;
		}
		eq = strchr(arg, '=');
		if (!eq || eq == arg)
			die("record: arguments are KEY=VALUE or KEY:=NUMBER, not '%s'", arg);
		*eq = '\0';
		if (eq[-1] == ':') {
			eq[-1] = '\0';
			if (!parse_number(eq + 1, &v))
				die("record: '%s' is not a number", eq + 1);
			json_object_object_add(o, arg, new_number(v));
		} else {
			json_object_object_add(o, arg, json_object_new_string(eq + 1));
		}
	}
	/* --bpf-stats on reqresp: the BPF time per request */
	if (metrics) {
		struct json_object *ms, *req;

		if (json_object_object_get_ex(metrics, "bpf_ms", &ms) &&
		    json_object_object_get_ex(metrics, "requests", &req) &&
		    json_object_get_double(req) > 0)
			json_object_object_add(metrics, "bpf_us_per_req",
					       new_number(json_object_get_double(ms) * 1000 /
							  json_object_get_double(req)));
	}
	/* A run that says it is ok must have brought back results. */
	if (str_is(o, "status", "ok")) {
		if (!metrics || !json_object_object_length(metrics))
			fail_run(o, "workload", "the workload reported no results");
	}
	if (metrics)
		json_object_object_add(o, "metrics", metrics);
	if (write_json(out, o))
		die("record: cannot write %s", out);
	json_object_put(o);
	return 0;
}

/* --- summary ------------------------------------------------------------ */

struct metric_info {
	const char *workload, *key, *label;
	int better;		/* -1: lower is better, +1: higher, 0: neither */
};

static const char *better_word(int better)
{
	return better < 0 ? "lower" : better > 0 ? "higher" : "";
}

/* The table's rows; every numeric result still goes to the JSON summary. */
static const struct metric_info headline[] = {
	{ "wakeup", "wake_p50_us", "wake-up p50 (us)", -1 },
	{ "wakeup", "wake_p99_us", "wake-up p99 (us)", -1 },
	{ "wakeup", "wake_max_us", "wake-up max (us)", -1 },
	{ "wakeup", "wake_timer_p50_us", "timer part p50 (us)", -1 },
	{ "wakeup", "wake_timer_p99_us", "timer part p99 (us)", -1 },
	{ "wakeup", "wake_sched_p50_us", "sched part p50 (us)", -1 },
	{ "wakeup", "wake_sched_p99_us", "sched part p99 (us)", -1 },
	{ "wakeup", "lag_max_us", "schedule lag max (us)", -1 },
	{ "wakeup", "missed_periods", "missed periods", -1 },
	{ "wakeup", "cyclictest_p50_us", "cyclictest p50 (us)", -1 },
	{ "wakeup", "cyclictest_p99_us", "cyclictest p99 (us)", -1 },
	{ "wakeup", "cyclictest_max_us", "cyclictest max (us)", -1 },
	{ "wakeup", "cyclictest_skipped_periods", "cyclictest skipped periods", -1 },
	{ "hackbench", "time_s", "time (s)", -1 },
	{ "reqresp", "rps", "requests/s", +1 },
	{ "reqresp", "req_p50_us", "request p50 (us)", -1 },
	{ "reqresp", "req_p99_us", "request p99 (us)", -1 },
	{ "reqresp", "wake_p99_us", "worker wake-up p99 (us)", -1 },
	{ "reqresp", "involuntary_cs_per_req", "preempted per request", -1 },
	{ "reqresp", "idle_pct", "CPU idle (%)", -1 },
	{ "locality", "few_local_wake_pct", "few: wake-ups in LLC (%)", +1 },
	{ "locality", "few_cross_llc_per_1k", "few: x-LLC migr./1k wakes", -1 },
	{ "locality", "few_cross_node_per_1k", "few: x-node migr./1k wakes", -1 },
	{ "locality", "few_trips_per_s", "few: pair round trips/s", +1 },
	{ "locality", "many_local_wake_pct", "many: wake-ups in LLC (%)", +1 },
	{ "locality", "many_cross_llc_per_1k", "many: x-LLC migr./1k wakes", -1 },
	{ "locality", "many_cross_llc_wake_per_1k", "many: x-LLC at wake-up/1k", -1 },
	{ "locality", "many_cross_node_per_1k", "many: x-node migr./1k", -1 },
	{ "locality", "many_trips_per_s", "many: pair round trips/s", +1 },
	{ "locality", "many_hog_loops_per_s", "many: hog loops/s", +1 },
	{ "locality", "many_pair_cpu_pct", "many: pairs' CPU (%)", 0 },
	{ "locality", "many_hog_cpu_pct", "many: hogs' CPU (%)", 0 },
	{ "locality", "many_trips_per_cpu_s", "many: trips/CPU-s", +1 },
	{ "locality", "many_hog_loops_per_cpu_s", "many: hog loops/CPU-s", +1 },
	{ "locality", "many_hog_preempt_per_cpu_s", "many: hog preemptions/CPU-s", -1 },
	{ "locality", "many_ipi_per_s", "many: IPIs/s", -1 },
	{ "locality", "many_imbalance", "many: LLC busy max/min", -1 },
	{ "locality", "many_idle_pct", "many: CPU idle (%)", -1 },
	{ "switch", "gap_p50_ms", "gap p50 (ms)", -1 },
	{ "switch", "gap_p99_ms", "gap p99 (ms)", -1 },
	{ "switch", "gap_max_ms", "gap max (ms)", -1 },
	{ "switch", "attach_p50_ms", "attach p50 (ms)", -1 },
	{ "switch", "stop_p50_ms", "old one's stop p50 (ms)", -1 },
	{ "switch", "load_p50_ms", "load, outside the gap (ms)", -1 },
	{ "switch", "failed_switches", "failed switches", -1 },
	/* --bpf-stats, any workload: what the scheduler's callbacks cost */
	{ "reqresp", "bpf_us_per_req", "BPF per request (us)", -1 },
	{ "*", "bpf_ms", "BPF time (ms)", -1 },
	{ "*", "bpf_select_cpu_us", "BPF select_cpu (us/call)", -1 },
	{ "*", "bpf_enqueue_us", "BPF enqueue (us/call)", -1 },
	{ "*", "bpf_dispatch_us", "BPF dispatch (us/call)", -1 },
	{ "*", "bpf_running_us", "BPF running (us/call)", -1 },
	{ "*", "bpf_stopping_us", "BPF stopping (us/call)", -1 },
};

/* Whether headline row @h belongs in @workload's table. */
static bool headline_for(size_t h, const char *workload)
{
	return !strcmp(headline[h].workload, "*") || !strcmp(headline[h].workload, workload);
}

static const struct metric_info *find_headline(const char *workload, const char *key)
{
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++)
		if (headline_for(i, workload) && !strcmp(headline[i].key, key))
			return &headline[i];
	return NULL;
}

/* Splits "a,b,c" into a NULL-terminated array (the string is modified). */
static char **split(char *s, size_t *n)
{
	char **v = xcalloc(strlen(s) + 2, sizeof(*v));

	*n = 0;
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ","))
		v[(*n)++] = tok;
	return v;
}

static struct json_object *str_array(char **v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static bool run_is(struct json_object *run, const char *workload, const char *sched)
{
	const char *w = get_str(run, "workload"), *s = get_str(run, "sched");

	return w && s && !strcmp(w, workload) && (!sched || !strcmp(s, sched));
}

static bool run_ok(struct json_object *run)
{
	const char *st = get_str(run, "status");

	return st && !strcmp(st, "ok");
}

/* Not applicable to its scheduler: neither a result nor a failure. */
static bool run_na(struct json_object *run)
{
	const char *st = get_str(run, "status");

	return st && !strcmp(st, "n/a");
}

static bool metric_of(struct json_object *run, const char *key, double *v)
{
	struct json_object *m, *x;

	if (!json_object_object_get_ex(run, "metrics", &m) ||
	    !json_object_object_get_ex(m, key, &x) ||
	    !(json_object_is_type(x, json_type_double) || json_object_is_type(x, json_type_int)))
		return false;
	*v = json_object_get_double(x);
	return true;
}

/* Short, aligned numbers for the table: three or so significant digits. */
static void fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (a >= 100 || v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

/* One table row: a label and one cell of text per scheduler. */
struct row {
	const char *label, *better;
	char (*cell)[96];
};

static void print_table(struct row *rows, size_t nrows, char **scheds, size_t nsched)
{
	size_t *width = xcalloc(nsched, sizeof(*width));

	for (size_t s = 0; s < nsched; s++) {
		width[s] = strlen(scheds[s]);
		for (size_t r = 0; r < nrows; r++)
			if (strlen(rows[r].cell[s]) > width[s])
				width[s] = strlen(rows[r].cell[s]);
	}
	printf("  %-26s %-6s", "", "");
	for (size_t s = 0; s < nsched; s++)
		printf("  %-*s", s + 1 < nsched ? (int)width[s] : 0, scheds[s]);
	printf("\n");
	for (size_t r = 0; r < nrows; r++) {
		printf("  %-26s %-6s", rows[r].label, rows[r].better);
		for (size_t s = 0; s < nsched; s++)
			printf("  %-*s", s + 1 < nsched ? (int)width[s] : 0, rows[r].cell[s]);
		printf("\n");
	}
	free(width);
}

/* The numeric results the successful runs of @workload report, in order. */
static struct json_object *metric_keys(const char *workload, struct json_object *runs)
{
	struct json_object *keys = json_object_new_array();

	for (size_t r = 0; r < json_object_array_length(runs); r++) {
		struct json_object *run = json_object_array_get_idx(runs, r), *m;

		if (!run_is(run, workload, NULL) || !run_ok(run) ||
		    !json_object_object_get_ex(run, "metrics", &m))
			continue;
		json_object_object_foreach(m, k, v) {
			bool seen = false;

			if (!json_object_is_type(v, json_type_double) &&
			    !json_object_is_type(v, json_type_int))
				continue;
			for (size_t i = 0; i < json_object_array_length(keys); i++)
				seen |= !strcmp(json_object_get_string(
						json_object_array_get_idx(keys, i)), k);
			if (!seen)
				json_object_array_add(keys, json_object_new_string(k));
		}
	}
	return keys;
}

static void summarize_workload(const char *workload, struct json_object *runs,
			       char **scheds, size_t nsched, const char *about,
			       struct json_object *summary)
{
	size_t nruns = json_object_array_length(runs), base = nsched, nkeys, nrows = 0;
	struct json_object *wsum = json_object_new_object();
	struct json_object *counts = json_object_new_object();
	struct json_object *msum = json_object_new_object();
	struct json_object *keys = metric_keys(workload, runs);
	size_t *ok = xcalloc(nsched, sizeof(*ok)), *total = xcalloc(nsched, sizeof(*total));
	size_t *na = xcalloc(nsched, sizeof(*na));
	double *vals = xcalloc(nruns, sizeof(*vals));
	struct bench_summary *sums;
	struct row *rows;

	nkeys = json_object_array_length(keys);
	sums = xcalloc(nkeys * nsched, sizeof(*sums));
	rows = xcalloc(nkeys + 1, sizeof(*rows));

	for (size_t s = 0; s < nsched; s++) {
		struct json_object *c = json_object_new_object();

		if (!strcmp(scheds[s], BASELINE))
			base = s;
		for (size_t r = 0; r < nruns; r++) {
			struct json_object *run = json_object_array_get_idx(runs, r);

			if (!run_is(run, workload, scheds[s]))
				continue;
			total[s]++;
			ok[s] += run_ok(run);
			na[s] += run_na(run);
		}
		json_object_object_add(c, "runs", json_object_new_int64((int64_t)total[s]));
		json_object_object_add(c, "ok", json_object_new_int64((int64_t)ok[s]));
		json_object_object_add(c, "failed",
				       json_object_new_int64((int64_t)(total[s] - ok[s] - na[s])));
		if (na[s])
			json_object_object_add(c, "n/a", json_object_new_int64((int64_t)na[s]));
		json_object_object_add(counts, scheds[s], c);
	}

	for (size_t k = 0; k < nkeys; k++) {
		const char *key = json_object_get_string(json_object_array_get_idx(keys, k));
		const struct metric_info *info = find_headline(workload, key);
		struct json_object *per = json_object_new_object();
		struct bench_summary *ks = &sums[k * nsched];

		if (info && info->better)
			json_object_object_add(per, "better",
					       json_object_new_string(better_word(info->better)));
		for (size_t s = 0; s < nsched; s++) {
			size_t n = 0;

			for (size_t r = 0; r < nruns; r++) {
				struct json_object *run = json_object_array_get_idx(runs, r);

				if (run_is(run, workload, scheds[s]) && run_ok(run) &&
				    metric_of(run, key, &vals[n]))
					n++;
			}
			bench_summarize(vals, n, &ks[s]);
		}
		for (size_t s = 0; s < nsched; s++) {
			struct json_object *o = json_object_new_object();
			struct bench_summary *x = &ks[s];

			json_object_object_add(o, "n", json_object_new_int64((int64_t)x->n));
			if (x->n) {
				json_object_object_add(o, "median", json_object_new_double(x->median));
				json_object_object_add(o, "min", json_object_new_double(x->min));
				json_object_object_add(o, "q1", json_object_new_double(x->q1));
				json_object_object_add(o, "q3", json_object_new_double(x->q3));
				json_object_object_add(o, "max", json_object_new_double(x->max));
				json_object_object_add(o, "mean", json_object_new_double(x->mean));
			}
			if (x->n && base < nsched && ks[base].n && ks[base].median != 0)
				json_object_object_add(o, "ratio_to_eevdf", json_object_new_double(
							x->median / ks[base].median));
			json_object_object_add(per, scheds[s], o);
		}
		json_object_object_add(msum, key, per);
	}

	/* The table: the headline results in a fixed order, then run counts. */
	for (size_t h = 0; h < sizeof(headline) / sizeof(headline[0]); h++) {
		struct bench_summary *ks = NULL;

		if (!headline_for(h, workload))
			continue;
		for (size_t k = 0; k < nkeys; k++)
			if (!strcmp(json_object_get_string(json_object_array_get_idx(keys, k)),
				    headline[h].key))
				ks = &sums[k * nsched];
		if (!ks)
			continue;
		rows[nrows].label = headline[h].label;
		rows[nrows].better = better_word(headline[h].better);
		rows[nrows].cell = xcalloc(nsched, sizeof(*rows[nrows].cell));
		for (size_t s = 0; s < nsched; s++) {
			char med[32], lo[32], hi[32], *c = rows[nrows].cell[s];
			struct bench_summary *x = &ks[s];
			int len;

			if (!x->n) {
				strcpy(c, na[s] && na[s] == total[s] ? "n/a" : "-");
				continue;
			}
			fmt_num(med, sizeof(med), x->median);
			fmt_num(lo, sizeof(lo), x->min);
			fmt_num(hi, sizeof(hi), x->max);
			len = snprintf(c, 96, "%s (%s-%s)", med, lo, hi);
			if (s != base && base < nsched && ks[base].n && ks[base].median != 0)
				snprintf(c + len, 96 - len, " x%.2f", x->median / ks[base].median);
		}
		nrows++;
	}
	rows[nrows].label = "runs ok";
	rows[nrows].better = "";
	rows[nrows].cell = xcalloc(nsched, sizeof(*rows[nrows].cell));
	for (size_t s = 0; s < nsched; s++) {
		size_t failed = total[s] - ok[s] - na[s];

		if (na[s] && na[s] == total[s])
			snprintf(rows[nrows].cell[s], 96, "n/a");
		else if (!failed)
			snprintf(rows[nrows].cell[s], 96, "%zu/%zu", ok[s], total[s] - na[s]);
		else
			snprintf(rows[nrows].cell[s], 96, "%zu/%zu, %zu FAILED", ok[s],
				 total[s] - na[s], failed);
	}
	nrows++;

	printf("\n%s%s%s\n", workload, about ? ": " : "", about ?: "");
	print_table(rows, nrows, scheds, nsched);

	json_object_object_add(wsum, "runs", counts);
	json_object_object_add(wsum, "metrics", msum);
	json_object_object_add(summary, workload, wsum);
	json_object_put(keys);
	for (size_t r = 0; r < nrows; r++)
		free(rows[r].cell);
	free(rows);
	free(ok);
	free(total);
	free(na);
	free(vals);
	free(sums);
}

static int64_t run_order(const void *p)
{
	struct json_object *run = *(struct json_object * const *)p, *v;

	return json_object_object_get_ex(run, "order", &v) ? json_object_get_int64(v) : 0;
}

static int cmp_order(const void *a, const void *b)
{
	int64_t x = run_order(a), y = run_order(b);

	return x < y ? -1 : x > y;
}

static int cmd_summary(int argc, char **argv)
{
	struct json_object *meta, *runs = json_object_new_array(), *summary, *doc, *v;
	const char *json_out = NULL, *kernel, *cpus = NULL, *nruns = NULL, *secs = NULL;
	const char *where = "", *icount;
	char *sched_list, *workload_list;
	char **scheds, **workloads;
	size_t nsched, nwork, nfail = 0, nrun;
	char key[64];
	int i = 2;

	if (argc < 2)
		die("%s", "summary: usage: summary META [--json OUT] RUN...");
	meta = json_object_from_file(argv[1]);
	if (!meta)
		die("summary: cannot read %s", argv[1]);
	if (i + 1 < argc && !strcmp(argv[i], "--json")) {
		json_out = argv[i + 1];
		i += 2;
	}
	for (; i < argc; i++) {
		struct json_object *run = json_object_from_file(argv[i]);

		if (!run)
			die("summary: cannot read %s", argv[i]);
		json_object_array_add(runs, run);
	}
	/* Runs in the order they ran, whatever order the files came in. */
	json_object_array_sort(runs, cmp_order);
	nrun = json_object_array_length(runs);
	if (!get_str(meta, "scheds") || !get_str(meta, "workloads"))
		die("summary: %s lacks scheds or workloads", argv[1]);
	sched_list = strdup(get_str(meta, "scheds"));
	workload_list = strdup(get_str(meta, "workloads"));
	if (!sched_list || !workload_list)
		die("%s", "out of memory");
	scheds = split(sched_list, &nsched);
	workloads = split(workload_list, &nwork);

	kernel = get_str(meta, "kernel");
	if (json_object_object_get_ex(meta, "cpus", &v))
		cpus = json_object_get_string(v);
	if (json_object_object_get_ex(meta, "runs", &v))
		nruns = json_object_get_string(v);
	if (json_object_object_get_ex(meta, "seconds", &v))
		secs = json_object_get_string(v);
	if (str_is(meta, "vm", "yes"))
		where = str_is(meta, "host_rt", "yes") ?
				" (in a VM, its main loop real-time on the host)" :
				" (in a VM)";
	icount = get_str(meta, "icount");
	printf("schedkit bench: kernel %s, %s CPUs, runs per scheduler: %s, seconds per measurement: %s%s\n",
	       kernel ?: "?", cpus ?: "?", nruns ?: "?", secs ?: "?", where);
	if (icount && *icount)
		printf("guest clock counted in instructions (schedkit vm --icount %s): times are the guest's\n",
		       icount);
	printf("cells: median (min-max) of the successful runs");
	for (size_t s = 0; s < nsched; s++)
		if (!strcmp(scheds[s], BASELINE))
			printf("; xR = median / eevdf's median");
	printf("\n");
	if (json_object_object_get_ex(meta, "bpf_stats", &v) && json_object_get_int(v))
		printf("BPF statistics on (kernel.bpf_stats_enabled): every run a little slower\n");

	summary = json_object_new_object();
	for (size_t w = 0; w < nwork; w++) {
		snprintf(key, sizeof(key), "about_%s", workloads[w]);
		summarize_workload(workloads[w], runs, scheds, nsched, get_str(meta, key), summary);
	}

	for (size_t r = 0; r < nrun; r++) {
		struct json_object *run = json_object_array_get_idx(runs, r);

		nfail += !run_ok(run) && !run_na(run);
	}
	if (nfail) {
		printf("\nfailed runs (%zu of %zu):\n", nfail, nrun);
		for (size_t r = 0; r < nrun; r++) {
			struct json_object *run = json_object_array_get_idx(runs, r), *n;

			if (run_ok(run) || run_na(run))
				continue;
			json_object_object_get_ex(run, "run", &n);
			printf("  %s under %s, run %s: %s\n", get_str(run, "workload") ?: "?",
			       get_str(run, "sched") ?: "?", n ? json_object_get_string(n) : "?",
			       get_str(run, "error") ?: "failed");
		}
	}

	if (json_out) {
		doc = json_object_new_object();
		json_object_object_add(meta, "scheds", str_array(scheds, nsched));
		json_object_object_add(meta, "workloads", str_array(workloads, nwork));
		json_object_object_add(doc, "meta", meta);
		json_object_object_add(doc, "runs", runs);
		json_object_object_add(doc, "summary", summary);
		if (write_json(json_out, doc))
			die("summary: cannot write %s", json_out);
		json_object_put(doc);
	} else {
		json_object_put(meta);
		json_object_put(runs);
		json_object_put(summary);
	}
	free(scheds);
	free(workloads);
	free(sched_list);
	free(workload_list);
	return nfail ? 3 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: %s record OUT [--update] [--metrics FILE] [--metric K=V]... [K=V | K:=N]...\n"
		       "       %s summary META [--json OUT] RUN...\n", prog, prog);
		return argc < 2;
	}
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "summary"))
		return cmd_summary(argc - 1, argv + 1);
	die("unknown command '%s' (record or summary)", argv[1]);
	return 1;
}
