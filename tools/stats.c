// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit stats: print the running scheduler's statistics. It knows no
 * scheduler: everything it shows is laid out from the stats_meta the
 * scheduler publishes, so it works for any scx_stats server, schedkit's
 * or sched-ext/scx's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <schedkit/stats.h>

#define CELL		32	/* room for one formatted value */
#define MAX_COLS	64	/* per-CPU tables wider than this are cut */

struct options {
	const char *path;
	double watch;		/* seconds between samples; 0: print once */
	bool json;
	bool describe;
};

/* One struct being printed: its sample now, the one before, and layout. */
struct view {
	const struct sk_stats_meta *meta;
	struct json_object *prev;	/* the same object one sample ago */
	double dt;			/* seconds between them; 0: no rates */
	int indent;
	int name_width;
};

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("schedkit stats: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: schedkit stats [--json] [--watch SECONDS] [--socket PATH] [--describe]\n"
		"\n"
		"Print the statistics of the running sched_ext scheduler.\n"
		"\n"
		"  -j, --json            the raw stats object (one line per sample with --watch)\n"
		"  -w, --watch SECONDS   sample every SECONDS and show counters as rates\n"
		"  -s, --socket PATH     stats socket (default %s)\n"
		"  -d, --describe        list the published fields with types, units and meaning\n"
		"  -h, --help            this text\n",
		SK_STATS_DEFAULT_PATH);
}

/* ---- values ------------------------------------------------------------- */

static bool is_number(const struct sk_stat_field *f)
{
	return f->type == SK_STAT_TYPE_U64 || f->type == SK_STAT_TYPE_I64 ||
	       f->type == SK_STAT_TYPE_FLOAT;
}

static bool is_scalar_datum(const struct sk_stat_field *f)
{
	return f->shape == SK_STAT_SHAPE_DATUM && f->type != SK_STAT_TYPE_STRUCT;
}

static bool unit_is(const struct sk_stat_field *f, const char *unit)
{
	return f->unit && !strcmp(f->unit, unit);
}

static void fmt_bytes(char *buf, double b, const char *suffix)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while ((b < 0 ? -b : b) >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, CELL, i ? "%.1f%s%s" : "%.0f%s%s", b, units[i], suffix);
}

/* Formats number @v of field @f; @rate appends "/s". */
static void fmt_number(char *buf, const struct sk_stat_field *f, double v,
		       bool rate)
{
	const char *suffix = rate ? "/s" : "";

	if (unit_is(f, SK_UNIT_NS))
		sk_stat_fmt_duration(buf, CELL, v, suffix);
	else if (unit_is(f, SK_UNIT_US))
		sk_stat_fmt_duration(buf, CELL, v * 1e3, suffix);
	else if (unit_is(f, SK_UNIT_MS))
		sk_stat_fmt_duration(buf, CELL, v * 1e6, suffix);
	else if (unit_is(f, SK_UNIT_BYTES))
		fmt_bytes(buf, v, suffix);
	else if (unit_is(f, SK_UNIT_PERCENT))
		snprintf(buf, CELL, "%.1f%%%s", v, suffix);
	else if (rate || f->type == SK_STAT_TYPE_FLOAT)
		snprintf(buf, CELL, "%.*f%s%s%s", rate ? 1 : 3, v, suffix,
			 f->unit && !unit_is(f, SK_UNIT_COUNT) ? " " : "",
			 f->unit && !unit_is(f, SK_UNIT_COUNT) ? f->unit : "");
	else
		snprintf(buf, CELL, "%.0f%s%s", v,
			 f->unit && !unit_is(f, SK_UNIT_COUNT) ? " " : "",
			 f->unit && !unit_is(f, SK_UNIT_COUNT) ? f->unit : "");
}

/* Formats one scalar as a level: integers exactly, with their unit. */
static void fmt_scalar(char *buf, const struct sk_stat_field *f,
		       struct json_object *v)
{
	if (!v) {
		snprintf(buf, CELL, "-");
	} else if (!is_number(f) || json_object_is_type(v, json_type_string)) {
		snprintf(buf, CELL, "%s", json_object_get_string(v));
	} else if (json_object_is_type(v, json_type_int) && !f->unit) {
		snprintf(buf, CELL, "%s", json_object_to_json_string(v));
	} else {
		fmt_number(buf, f, json_object_get_double(v), false);
	}
}

/* A counter's rate needs a previous sample and must not have gone back. */
static bool counter_rate(const struct view *vw, const struct sk_stat_field *f,
			 struct json_object *cur, struct json_object *prev,
			 double *rate)
{
	double a, b;

	if (f->kind != SK_STAT_KIND_COUNTER || !is_number(f) || vw->dt <= 0 ||
	    !cur || !prev)
		return false;
	a = json_object_get_double(cur);
	b = json_object_get_double(prev);
	if (a < b)
		return false;	/* reset: the scheduler restarted */
	*rate = (a - b) / vw->dt;
	return true;
}

/* A table cell: the rate for counters once there is one, else the level. */
static void fmt_cell(char *buf, const struct view *vw,
		     const struct sk_stat_field *f, struct json_object *cur,
		     struct json_object *prev)
{
	double rate;

	if (counter_rate(vw, f, cur, prev, &rate))
		fmt_number(buf, f, rate, true);
	else
		fmt_scalar(buf, f, cur);
}

static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/* ---- layout ------------------------------------------------------------- */

static void print_struct(const struct view *vw, const struct sk_stat_struct *st,
			 struct json_object *obj);

static void print_table(const struct view *vw, const struct sk_stat_field *f,
			const struct sk_stat_struct *st, struct json_object *dict,
			struct json_object *prev_dict)
{
	int nr_rows = json_object_object_length(dict), nr_cols = 1, r = 0, c, i;
	const struct sk_stat_field *cols[MAX_COLS];	/* cols[c - 1] is column c */
	int width[MAX_COLS + 1];
	char *cells;

	for (i = 0; i < st->nr_fields && nr_cols <= MAX_COLS; i++)
		if (is_scalar_datum(&st->fields[i]))
			cols[nr_cols++ - 1] = &st->fields[i];
	cells = calloc((size_t)(nr_rows + 1) * nr_cols, CELL);
	if (!cells)
		die("out of memory");
#define CELLP(row, col) (cells + ((size_t)(row) * nr_cols + (col)) * CELL)

	snprintf(CELLP(0, 0), CELL, "%s", st->om_label ? st->om_label : "key");
	for (c = 1; c < nr_cols; c++)
		snprintf(CELLP(0, c), CELL, "%s", cols[c - 1]->name);
	json_object_object_foreach(dict, key, entry) {
		struct json_object *prev = member(prev_dict, key);

		r++;
		snprintf(CELLP(r, 0), CELL, "%s", key);
		for (c = 1; c < nr_cols; c++)
			fmt_cell(CELLP(r, c), vw, cols[c - 1],
				 member(entry, cols[c - 1]->name),
				 member(prev, cols[c - 1]->name));
	}
	for (c = 0; c < nr_cols; c++) {
		width[c] = 0;
		for (r = 0; r <= nr_rows; r++)
			if ((int)strlen(CELLP(r, c)) > width[c])
				width[c] = strlen(CELLP(r, c));
	}

	printf("%*s%s:\n", vw->indent, "", f->name);
	for (r = 0; r <= nr_rows; r++) {
		printf("%*s", vw->indent + 2, "");
		for (c = 0; c < nr_cols; c++)
			printf("%s%*s", c ? "  " : "", width[c], CELLP(r, c));
		putchar('\n');
	}
#undef CELLP
	free(cells);
}

static void print_array(const struct view *vw, const struct sk_stat_field *f,
			struct json_object *arr)
{
	size_t i, n = json_object_array_length(arr);
	char cell[CELL];

	printf("%*s%-*s  [", vw->indent, "", vw->name_width, f->name);
	for (i = 0; i < n; i++) {
		fmt_scalar(cell, f, json_object_array_get_idx(arr, i));
		printf("%s%s", i ? ", " : "", cell);
	}
	printf("]\n");
}

static void print_nested(const struct view *vw, const struct sk_stat_field *f,
			 struct json_object *val)
{
	const struct sk_stat_struct *st = sk_stats_meta_find(vw->meta,
							     f->struct_name);
	struct view inner = *vw;

	if (!st || !json_object_is_type(val, json_type_object)) {
		printf("%*s%s: %s\n", vw->indent, "", f->name,
		       json_object_to_json_string(val));
		return;
	}
	if (f->shape == SK_STAT_SHAPE_DICT) {
		print_table(vw, f, st, val, member(vw->prev, f->name));
		return;
	}
	printf("%*s%s:\n", vw->indent, "", f->name);
	inner.indent += 2;
	inner.prev = member(vw->prev, f->name);
	print_struct(&inner, st, val);
}

static int print_field(const struct sk_stat_field *f, struct json_object *val,
		       void *ctx)
{
	const struct view *vw = ctx;
	char cell[CELL], rate_cell[CELL] = "";
	double rate;

	if (!val)
		return 0;
	if (f->type == SK_STAT_TYPE_STRUCT && f->shape != SK_STAT_SHAPE_ARRAY) {
		print_nested(vw, f, val);
		return 0;
	}
	if (f->shape == SK_STAT_SHAPE_ARRAY &&
	    json_object_is_type(val, json_type_array)) {
		print_array(vw, f, val);
		return 0;
	}
	if (f->shape != SK_STAT_SHAPE_DATUM) {
		printf("%*s%-*s  %s\n", vw->indent, "", vw->name_width, f->name,
		       json_object_to_json_string(val));
		return 0;
	}
	fmt_scalar(cell, f, val);
	if (counter_rate(vw, f, val, member(vw->prev, f->name), &rate))
		fmt_number(rate_cell, f, rate, true);
	printf("%*s%-*s  %14s", vw->indent, "", vw->name_width, f->name, cell);
	if (rate_cell[0])
		printf("  %14s", rate_cell);
	putchar('\n');
	return 0;
}

static void print_struct(const struct view *vw, const struct sk_stat_struct *st,
			 struct json_object *obj)
{
	struct view inner = *vw;
	int i, len;

	inner.name_width = 0;
	for (i = 0; i < st->nr_fields; i++) {
		len = strlen(st->fields[i].name);
		if (len > inner.name_width)
			inner.name_width = len;
	}
	if (sk_stats_for_each_field(st, obj, print_field, &inner))
		printf("%*s%s\n", vw->indent, "", json_object_to_json_string(obj));
}

static void print_sample(const struct sk_stats_meta *meta,
			 struct json_object *cur, struct json_object *prev,
			 double dt)
{
	const struct sk_stat_struct *top = sk_stats_meta_top(meta);
	struct view vw = { .meta = meta, .prev = prev, .dt = dt, .indent = 2 };

	if (!top) {
		/* Without a schema all we can do is show the data. */
		puts(json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PRETTY));
		return;
	}
	printf("%s%s%s\n", top->name, top->desc ? ": " : "",
	       top->desc ? top->desc : "");
	print_struct(&vw, top, cur);
}

/* ---- --describe ------------------------------------------------------------ */

static void fmt_type(char *buf, size_t sz, const struct sk_stat_field *f)
{
	const char *elem = f->type == SK_STAT_TYPE_STRUCT ? f->struct_name :
			   sk_stat_type_name(f->type);

	if (f->shape == SK_STAT_SHAPE_ARRAY)
		snprintf(buf, sz, "[%s]", elem);
	else if (f->shape == SK_STAT_SHAPE_DICT)
		snprintf(buf, sz, "{%s: %s}", sk_stat_type_name(f->key_type), elem);
	else
		snprintf(buf, sz, "%s", elem);
}

static void describe(const struct sk_stats_meta *meta)
{
	const struct sk_stat_struct *st;
	char type[96], unit[48];
	int i, j;

	for (i = 0; i < sk_stats_meta_nr_structs(meta); i++) {
		st = sk_stats_meta_struct(meta, i);
		printf("%s%s%s%s\n", i ? "\n" : "", st->name,
		       st->top ? " (top)" : "", st->desc ? ":" : "");
		if (st->desc)
			printf("  %s\n", st->desc);
		for (j = 0; j < st->nr_fields; j++) {
			const struct sk_stat_field *f = &st->fields[j];

			fmt_type(type, sizeof(type), f);
			snprintf(unit, sizeof(unit), "%s%s%s",
				 f->kind == SK_STAT_KIND_COUNTER ? "counter" :
				 f->kind == SK_STAT_KIND_GAUGE ? "gauge" : "",
				 f->kind && f->unit ? ", " : "",
				 f->unit ? f->unit : "");
			printf("  %-20s %-24s %-18s %s\n", f->name, type, unit,
			       f->desc ? f->desc : "");
		}
	}
}

/* ---- main ---------------------------------------------------------------------- */

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "socket", required_argument, NULL, 's' },
		{ "describe", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	int opt;

	o->path = SK_STATS_DEFAULT_PATH;
	opterr = 0;	/* our own messages, without the libexec path */
	while ((opt = getopt_long(argc, argv, ":jw:s:dh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			o->json = true;
			break;
		case 'w':
			o->watch = strtod(optarg, &end);
			if (*end || end == optarg || !(o->watch > 0) ||
			    o->watch > 86400)
				die("--watch takes a number of seconds above 0, not '%s'",
				    optarg);
			break;
		case 's':
			o->path = optarg;
			break;
		case 'd':
			o->describe = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			die("%s needs a value (see schedkit stats --help)",
			    argv[optind - 1]);
		default:
			die("unknown option '%s' (see schedkit stats --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see schedkit stats --help)",
		    argv[optind]);
}

static struct sk_stats_client *connect_or_die(const char *path)
{
	struct sk_stats_client *c;
	int err;

	err = sk_stats_client_connect(path, 0, &c);
	switch (err) {
	case 0:
		return c;
	case -ENOENT:
	case -ECONNREFUSED:
		die("no scheduler is serving stats at %s (is one running?)", path);
	case -EACCES:
		die("permission denied on %s; run as root", path);
	case -ETIMEDOUT:
		die("the stats server at %s did not answer; the scheduler may be stuck",
		    path);
	default:
		die("cannot connect to %s: %s", path, strerror(-err));
	}
}

static void request_failed(struct sk_stats_client *c, const char *path,
			   const char *what, int err)
{
	if (err == -ECONNRESET || err == -EPIPE || err == -ENOTCONN)
		die("the scheduler stopped serving stats at %s", path);
	die("%s from %s failed: %s", what, path, *sk_stats_client_error(c) ?
	    sk_stats_client_error(c) : strerror(-err));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t };

	ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void print_json(struct json_object *cur, bool one_line)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (one_line ? JSON_C_TO_STRING_PLAIN :
		     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);

	puts(json_object_to_json_string_ext(cur, flags));
}

static void print_timestamp(void)
{
	char buf[32];
	time_t t = time(NULL);

	strftime(buf, sizeof(buf), "%H:%M:%S", localtime(&t));
	printf("--- %s ---\n", buf);
}

int main(int argc, char **argv)
{
	struct json_object *cur, *prev = NULL;
	struct sk_stats_meta *meta = NULL;
	struct sk_stats_client *c;
	struct options o = {};
	double t, prev_t = 0, next;
	int err;

	parse_args(argc, argv, &o);
	c = connect_or_die(o.path);
	if (!o.json || o.describe) {
		err = sk_stats_client_meta(c, &meta);
		if (err)
			request_failed(c, o.path, "reading stats_meta", err);
	}
	if (o.describe) {
		describe(meta);
		goto out;
	}

	next = now_s();
	for (;;) {
		err = sk_stats_client_stats(c, NULL, &cur);
		if (err)
			request_failed(c, o.path, "reading stats", err);
		t = now_s();
		if (o.json) {
			print_json(cur, o.watch > 0);
		} else {
			if (o.watch > 0)
				print_timestamp();
			print_sample(meta, cur, prev, prev ? t - prev_t : 0);
		}
		fflush(stdout);
		json_object_put(prev);
		prev = cur;
		prev_t = t;
		if (!(o.watch > 0))
			break;
		next += o.watch;
		sleep_until(next);
	}
	json_object_put(prev);
out:
	sk_stats_meta_free(meta);
	sk_stats_client_close(c);
	return 0;
}
