// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit top: a curses monitor of the running sched_ext scheduler.
 *
 * The header comes from /sys/kernel/sched_ext and schedkitd, the CPU bars
 * from /proc/stat, pressure from /proc/pressure, and the statistics from
 * the scheduler's scx_stats socket, laid out from the metadata it
 * publishes: no code here knows any scheduler. Everything it reads is
 * readable without root; whatever it cannot read is said on screen, and
 * any of the sources may vanish or change under it (a switch, a stop, a
 * server that answers garbage) without taking it down.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <curses.h>
#include <json-c/json.h>

#include <schedkit/ctl.h>
#include <schedkit/stats.h>

#include "switcher.h"

#define HIST		64	/* samples kept for sparklines */
#define MAX_CPUS	1024
#define MAX_FIELDS	128
#define CELL		32

struct hist {
	double v[HIST];
	int n;			/* valid samples, newest at v[(head - 1) % HIST] */
	int head;
};

struct cpu {
	unsigned long long busy, total;
	double util;		/* 0..1, -1 before two samples */
	struct hist h;
};

struct field_hist {
	char name[64];
	struct hist h;
};

struct top {
	const char *stats_path;
	double interval;
	bool paused, help;
	int sort_col;			/* table sort: 0 = key, n = column n */
	bool utf8;
	char msg[256];			/* bottom-line message */
	long long msg_until;

	/* sources */
	struct sw_sys sys;
	struct sw_proc proc;
	char daemon[512];		/* schedkitd's health, or why it is not shown */
	char psi[3][96];
	int nr_cpus;
	struct cpu cpus[MAX_CPUS];

	struct sk_stats_client *client;
	struct sk_stats_meta *meta;
	struct json_object *cur, *prev;
	double dt;
	long long last_sample_ns;
	long long seen_seq;
	char seen_ops[128];
	char stats_err[256];
	bool stats_absent;		/* nobody serves at stats_path */
	dev_t sock_dev;			/* the socket file the client connected to */
	ino_t sock_ino;
	struct field_hist fh[MAX_FIELDS];
	int nr_fh;
};

static void hist_push(struct hist *h, double v)
{
	h->v[h->head] = v;
	h->head = (h->head + 1) % HIST;
	if (h->n < HIST)
		h->n++;
}

__attribute__((format(printf, 2, 3)))
static void say(struct top *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_until = sw_now_ns() + 5000000000LL;
}

/* ---- sources ---------------------------------------------------------------- */

static void read_cpus(struct top *t)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[512];
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[10] = { 0 }, busy, total;
		int cpu, i;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 5 ||
		    n >= MAX_CPUS)
			continue;
		for (total = 0, i = 0; i < 8; i++)
			total += v[i];
		busy = total - v[3] - v[4];	/* idle and iowait */
		if (t->cpus[n].total && total > t->cpus[n].total) {
			t->cpus[n].util = (double)(busy - t->cpus[n].busy) /
					  (double)(total - t->cpus[n].total);
			if (t->cpus[n].util < 0 || t->cpus[n].util > 1)
				t->cpus[n].util = t->cpus[n].util < 0 ? 0 : 1;
			hist_push(&t->cpus[n].h, t->cpus[n].util);
		} else if (!t->cpus[n].total) {
			t->cpus[n].util = -1;
		}
		t->cpus[n].busy = busy;
		t->cpus[n].total = total;
		n++;
	}
	fclose(f);
	t->nr_cpus = n;
}

static void read_psi(struct top *t)
{
	static const char *const res[] = { "cpu", "memory", "io" };
	int i;

	for (i = 0; i < 3; i++) {
		char path[64], line[256];
		double some = -1, full = -1;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/pressure/%s", res[i]);
		f = fopen(path, "re");
		if (!f) {
			snprintf(t->psi[i], sizeof(t->psi[i]), "%s: n/a", res[i]);
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			double a;

			if (sscanf(line, "some avg10=%lf", &a) == 1)
				some = a;
			else if (sscanf(line, "full avg10=%lf", &a) == 1)
				full = a;
		}
		fclose(f);
		if (full >= 0)
			snprintf(t->psi[i], sizeof(t->psi[i]), "%s some %.1f%% full %.1f%%",
				 res[i], some, full);
		else
			snprintf(t->psi[i], sizeof(t->psi[i]), "%s some %.1f%%", res[i], some);
	}
}

static void read_daemon(struct top *t)
{
	struct json_object *reply, *st, *d, *v;
	char err[256];
	int ret;

	ret = sk_ctl_call(NULL, "{\"req\":\"status\"}\n", 300, &reply, err, sizeof(err));
	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		snprintf(t->daemon, sizeof(t->daemon), "schedkitd not running");
		return;
	}
	if (ret) {
		snprintf(t->daemon, sizeof(t->daemon), "schedkitd: %s", err);
		return;
	}
	if (json_object_object_get_ex(reply, "status", &st) &&
	    json_object_object_get_ex(st, "daemon", &d) &&
	    json_object_object_get_ex(d, "health", &v))
		snprintf(t->daemon, sizeof(t->daemon), "schedkitd: %s",
			 json_object_get_string(v));
	else
		snprintf(t->daemon, sizeof(t->daemon), "schedkitd: no health in its answer");
	json_object_put(reply);
}

static void drop_stats(struct top *t)
{
	sk_stats_client_close(t->client);
	t->client = NULL;
	sk_stats_meta_free(t->meta);
	t->meta = NULL;
	json_object_put(t->cur);
	json_object_put(t->prev);
	t->cur = t->prev = NULL;
	t->nr_fh = 0;
}

/* Whether stats_path still names the socket file the client connected to. */
static bool same_socket(const struct top *t)
{
	struct stat st;

	return !stat(t->stats_path, &st) && st.st_dev == t->sock_dev &&
	       st.st_ino == t->sock_ino;
}

static void read_stats(struct top *t)
{
	struct stat st;
	struct json_object *obj;
	long long now;
	int ret;

	/* Another scheduler, or the same one restarted: new metadata, no rates. */
	if (t->sys.enable_seq != t->seen_seq || strcmp(t->sys.ops, t->seen_ops)) {
		drop_stats(t);
		t->seen_seq = t->sys.enable_seq;
		snprintf(t->seen_ops, sizeof(t->seen_ops), "%s", t->sys.ops);
	}
	/*
	 * A new server binds a new socket file at the path. The old one may
	 * still answer on our connection for a while (its loader is on its
	 * way out, or we connected between the kernel naming the new
	 * scheduler and its server starting): its stats are not the
	 * running scheduler's.
	 */
	if (t->client && !same_socket(t))
		drop_stats(t);
	if (!t->client) {
		ret = stat(t->stats_path, &st) ? -errno : 0;
		if (!ret)
			ret = sk_stats_client_connect(t->stats_path, 500, &t->client);
		t->stats_absent = ret == -ENOENT || ret == -ECONNREFUSED;
		if (ret) {
			snprintf(t->stats_err, sizeof(t->stats_err), "no stats at %s: %s%s",
				 t->stats_path, strerror(-ret),
				 ret == -ENOENT ? " (the scheduler serves none)" :
				 ret == -EACCES ? " (not allowed to connect)" : "");
			return;
		}
		t->sock_dev = st.st_dev;
		t->sock_ino = st.st_ino;
		/* Replaced while we connected: which one we reached is unknown. */
		if (!same_socket(t)) {
			drop_stats(t);
			snprintf(t->stats_err, sizeof(t->stats_err),
				 "the stats server at %s changed; reconnecting", t->stats_path);
			return;
		}
		ret = sk_stats_client_meta(t->client, &t->meta);
		if (ret) {
			snprintf(t->stats_err, sizeof(t->stats_err), "stats_meta failed: %s",
				 sk_stats_client_error(t->client)[0] ?
				 sk_stats_client_error(t->client) : strerror(-ret));
			drop_stats(t);
			return;
		}
	}
	ret = sk_stats_client_stats(t->client, NULL, &obj);
	if (ret || !json_object_is_type(obj, json_type_object)) {
		snprintf(t->stats_err, sizeof(t->stats_err), "stats request failed: %s",
			 ret ? (sk_stats_client_error(t->client)[0] ?
				sk_stats_client_error(t->client) : strerror(-ret)) :
			 "the answer is not an object");
		if (!ret)
			json_object_put(obj);
		drop_stats(t);
		return;
	}
	t->stats_err[0] = '\0';
	now = sw_now_ns();
	json_object_put(t->prev);
	t->prev = t->cur;
	t->cur = obj;
	t->dt = t->prev ? (now - t->last_sample_ns) / 1e9 : 0;
	t->last_sample_ns = now;
}

static void sample(struct top *t)
{
	sw_sys_read(&t->sys);
	sw_proc_clear(&t->proc);
	if (t->sys.present)
		sw_find_active(&t->sys, &t->proc);
	read_cpus(t);
	read_psi(t);
	read_daemon(t);
	/*
	 * Asked even when sched_ext is off: a stale server says nothing
	 * wrong, and a test or a remote socket may serve without it.
	 */
	read_stats(t);
	if (t->stats_err[0] && t->stats_absent && strcmp(t->sys.state, "enabled"))
		snprintf(t->stats_err, sizeof(t->stats_err), "%s",
			 t->sys.present ? "no sched_ext scheduler is running" :
			 "this kernel has no sched_ext, and nothing serves stats");
}

/* ---- formatting --------------------------------------------------------------- */

static bool is_number(const struct sk_stat_field *f)
{
	return f->type == SK_STAT_TYPE_U64 || f->type == SK_STAT_TYPE_I64 ||
	       f->type == SK_STAT_TYPE_FLOAT;
}

static bool unit_is(const struct sk_stat_field *f, const char *u)
{
	return f->unit && !strcmp(f->unit, u);
}

static void fmt_number(char *buf, const struct sk_stat_field *f, double v, bool rate)
{
	const char *sfx = rate ? "/s" : "";
	double ns = unit_is(f, SK_UNIT_NS) ? v : unit_is(f, SK_UNIT_US) ? v * 1e3 :
		    unit_is(f, SK_UNIT_MS) ? v * 1e6 : NAN;

	if (!isnan(ns)) {
		sk_stat_fmt_duration(buf, CELL, ns, sfx);
	} else if (unit_is(f, SK_UNIT_BYTES)) {
		static const char *const u[] = { "B", "K", "M", "G", "T" };
		int i = 0;

		while (fabs(v) >= 1024 && i < 4) {
			v /= 1024;
			i++;
		}
		snprintf(buf, CELL, "%.*f%s%s", i ? 1 : 0, v, u[i], sfx);
	} else if (unit_is(f, SK_UNIT_PERCENT)) {
		snprintf(buf, CELL, "%.1f%%%s", v, sfx);
	} else if (rate || f->type == SK_STAT_TYPE_FLOAT || fabs(v) >= 1e15) {
		snprintf(buf, CELL, "%.*f%s", rate && fabs(v) < 100 ? 1 : 0, v, sfx);
	} else {
		snprintf(buf, CELL, "%.0f", v);
	}
}

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* The value to show for a numeric field: a rate for counters. */
static bool field_value(const struct top *t, const struct sk_stat_field *f,
			struct json_object *cur, struct json_object *prev,
			double *v, bool *rate)
{
	if (!cur || !is_number(f) ||
	    !(json_object_is_type(cur, json_type_int) ||
	      json_object_is_type(cur, json_type_double)))
		return false;
	*rate = false;
	*v = json_object_get_double(cur);
	if (f->kind == SK_STAT_KIND_COUNTER && prev && t->dt > 0) {
		double p = json_object_get_double(prev);

		if (*v >= p) {
			*v = (*v - p) / t->dt;
			*rate = true;
		}
	} else if (f->kind == SK_STAT_KIND_COUNTER) {
		return false;	/* no rate yet */
	}
	return isfinite(*v);
}

static void fmt_cell(const struct top *t, char *buf, const struct sk_stat_field *f,
		     struct json_object *cur, struct json_object *prev)
{
	double v;
	bool rate;

	if (!cur)
		snprintf(buf, CELL, "-");
	else if (field_value(t, f, cur, prev, &v, &rate))
		fmt_number(buf, f, v, rate);
	else if (f->kind == SK_STAT_KIND_COUNTER && is_number(f))
		snprintf(buf, CELL, "...");
	else
		snprintf(buf, CELL, "%.*s", CELL - 1, json_object_get_string(cur));
}

static void spark(const struct top *t, const struct hist *h, int width, double max)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-:=+*#";
	int i, n = h->n < width ? h->n : width;

	if (max <= 0) {
		for (i = 0; i < h->n; i++)
			if (h->v[i] > max)
				max = h->v[i];
	}
	for (i = 0; i < n; i++) {
		double v = h->v[(h->head - n + i + HIST) % HIST];
		int lvl = max > 0 ? (int)(v / max * 7.999) : 0;

		lvl = lvl < 0 ? 0 : lvl > 7 ? 7 : lvl;
		if (t->utf8)
			addstr(blocks[lvl]);
		else
			addch(ascii[lvl]);
	}
}

static struct hist *field_hist(struct top *t, const char *name)
{
	int i;

	for (i = 0; i < t->nr_fh; i++)
		if (!strcmp(t->fh[i].name, name))
			return &t->fh[i].h;
	if (t->nr_fh == MAX_FIELDS)
		return NULL;
	snprintf(t->fh[t->nr_fh].name, sizeof(t->fh[0].name), "%s", name);
	memset(&t->fh[t->nr_fh].h, 0, sizeof(struct hist));
	return &t->fh[t->nr_fh++].h;
}

/* ---- drawing ----------------------------------------------------------------------- */

static void fmt_age(char *buf, size_t len, long long s)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
}

/*
 * Line @y, cut at the right edge: curses would wrap the rest onto the next
 * line, over whatever is drawn there. The bottom line is the key bar's.
 */
__attribute__((format(printf, 2, 3)))
static void put_line(int y, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (y < 0 || y >= LINES - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mvaddnstr(y, 0, buf, COLS);
}

static void draw_header(struct top *t, int *y)
{
	char age[32], loader[160] = "";

	if (t->proc.pid) {
		fmt_age(age, sizeof(age), time(NULL) - t->proc.since);
		snprintf(loader, sizeof(loader), "  [scx_%s pid %d, up %s]", t->proc.name,
			 (int)t->proc.pid, age);
	} else if (!strcmp(t->sys.state, "enabled")) {
		/* Other users' /proc/PID/exe is unreadable: the scan finds nothing. */
		snprintf(loader, sizeof(loader), "  [loader not found%s]",
			 geteuid() ? ": finding it needs root, or schedkit's state file" : "");
	}
	attron(A_BOLD);
	put_line((*y)++, "schedkit top  scheduler: %s%s",
		 t->sys.ops[0] ? t->sys.ops : "none (kernel default)", loader);
	attroff(A_BOLD);
	if (t->sys.present)
		put_line((*y)++, "state: %s  enable_seq: %lld  rejected: %lld  switch_all: %lld%s",
			 t->sys.state, t->sys.enable_seq, t->sys.nr_rejected,
			 t->sys.switch_all, t->paused ? "  [PAUSED]" : "");
	else
		put_line((*y)++, "state: unavailable (this kernel has no sched_ext)%s",
			 t->paused ? "  [PAUSED]" : "");
	put_line((*y)++, "%s", t->daemon);
	put_line((*y)++, "pressure (avg10): %s | %s | %s", t->psi[0], t->psi[1], t->psi[2]);
	(*y)++;
}

static void draw_cpus(struct top *t, int *y)
{
	int i, barw = COLS / 2 - 16, cols = t->nr_cpus > 8 && COLS >= 100 ? 2 : 1;
	int rows = (t->nr_cpus + cols - 1) / cols, sw = COLS / cols >= 60 ? 16 : 0;

	if (cols == 2)
		barw = COLS / 2 - 30;
	if (barw < 10)
		barw = 10;
	/* "cpuN   [" + bar + "] 100% " + sparkline, within the column */
	if (barw > COLS / cols - 16 - sw)
		barw = COLS / cols - 16 - sw > 0 ? COLS / cols - 16 - sw : 0;
	for (i = 0; i < t->nr_cpus && *y + i % rows < LINES - 4; i++) {
		int x = (i / rows) * (COLS / cols), fill, j;
		double u = t->cpus[i].util;

		move(*y + i % rows, x);
		printw("cpu%-3d [", i);
		fill = u > 0 ? (int)(u * barw + 0.5) : 0;
		attron(COLOR_PAIR(u > 0.8 ? 2 : 1));
		for (j = 0; j < barw; j++)
			addch(j < fill ? '|' : ' ');
		attroff(COLOR_PAIR(1) | COLOR_PAIR(2));
		if (u < 0)
			printw("]    - ");
		else
			printw("] %3.0f%% ", u * 100);
		spark(t, &t->cpus[i].h, sw, 1.0);
	}
	if (LINES - 4 - *y > 0)
		*y += rows < LINES - 4 - *y ? rows : LINES - 4 - *y;
	(*y)++;
}

struct row {
	char key[CELL];
	double sortv;
	char cells[16][CELL];
};

static int sort_col_g;

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (sort_col_g == 0) {
		long long kx = atoll(x->key), ky = atoll(y->key);

		return kx != ky ? (kx < ky ? -1 : 1) : strcmp(x->key, y->key);
	}
	return x->sortv < y->sortv ? 1 : x->sortv > y->sortv ? -1 : 0;
}

static void draw_table(struct top *t, const struct sk_stat_field *f, int *y)
{
	const struct sk_stat_struct *st = sk_stats_meta_find(t->meta, f->struct_name);
	struct json_object *dict = member(t->cur, f->name);
	struct json_object *pdict = member(t->prev, f->name);
	const struct sk_stat_field *cols[16];
	int nc = 0, nr = 0, i, c, w = 12;
	struct row *rows;

	if (!st || !dict || !json_object_is_type(dict, json_type_object))
		return;
	for (i = 0; i < st->nr_fields && nc < 16; i++)
		if (st->fields[i].shape == SK_STAT_SHAPE_DATUM &&
		    st->fields[i].type != SK_STAT_TYPE_STRUCT)
			cols[nc++] = &st->fields[i];
	rows = calloc(json_object_object_length(dict) + 1, sizeof(*rows));
	if (!rows)
		return;
	json_object_object_foreach(dict, key, ent) {
		struct json_object *pent = member(pdict, key);

		snprintf(rows[nr].key, CELL, "%.*s", CELL - 1, key);
		for (c = 0; c < nc; c++) {
			double v = 0;
			bool rate;

			fmt_cell(t, rows[nr].cells[c], cols[c], member(ent, cols[c]->name),
				 member(pent, cols[c]->name));
			if (c + 1 == t->sort_col &&
			    field_value(t, cols[c], member(ent, cols[c]->name),
					member(pent, cols[c]->name), &v, &rate))
				rows[nr].sortv = v;
		}
		nr++;
	}
	sort_col_g = t->sort_col <= nc ? t->sort_col : 0;
	qsort(rows, nr, sizeof(*rows), cmp_rows);
	if (*y >= LINES - 3)
		goto out;
	attron(A_BOLD);
	put_line((*y)++, "%s (%s)", f->name, st->name);
	attroff(A_BOLD);
	if (*y >= LINES - 3)
		goto out;
	attron(A_UNDERLINE);
	mvprintw(*y, 0, "%-8.8s", st->om_label ? st->om_label : "key");
	for (c = 0; c < nc && 8 + (c + 1) * (w + 1) < COLS; c++) {
		if (c + 1 == t->sort_col)
			attron(A_REVERSE);
		printw(" %*.*s", w, w, cols[c]->name);
		if (c + 1 == t->sort_col)
			attroff(A_REVERSE);
	}
	attroff(A_UNDERLINE);
	(*y)++;
	for (i = 0; i < nr && *y < LINES - 2; i++) {
		mvprintw((*y)++, 0, "%-8.8s", rows[i].key);
		for (c = 0; c < nc && 8 + (c + 1) * (w + 1) < COLS; c++)
			printw(" %*.*s", w, w, rows[i].cells[c]);
	}
	(*y)++;
out:
	free(rows);
}

static void draw_stats(struct top *t, int *y)
{
	const struct sk_stat_struct *top;
	int i, namew = 8;

	if (*y >= LINES - 2)
		return;
	if (t->stats_err[0] || !t->meta || !t->cur) {
		put_line((*y)++, "stats: %s",
			 t->stats_err[0] ? t->stats_err : "waiting for the first sample");
		return;
	}
	top = sk_stats_meta_top(t->meta);
	if (!top) {
		put_line((*y)++, "stats: the server's metadata names no top-level struct");
		return;
	}
	attron(A_BOLD);
	put_line((*y)++, "%s%s%s", top->name, top->desc ? ": " : "",
		 top->desc ? top->desc : "");
	attroff(A_BOLD);
	for (i = 0; i < top->nr_fields; i++)
		if ((int)strlen(top->fields[i].name) > namew)
			namew = strlen(top->fields[i].name);
	if (namew > 28)
		namew = 28;
	/* Scalars first, then nested structs and tables below them. */
	for (i = 0; i < top->nr_fields && *y < LINES - 2; i++) {
		const struct sk_stat_field *f = &top->fields[i];
		struct json_object *cur = member(t->cur, f->name);
		char cell[CELL];
		struct hist *h;
		double v;
		bool rate;

		if (f->shape != SK_STAT_SHAPE_DATUM || f->type == SK_STAT_TYPE_STRUCT || !cur)
			continue;
		fmt_cell(t, cell, f, cur, member(t->prev, f->name));
		put_line(*y, "  %-*.*s %14s  ", namew, namew, f->name, cell);
		h = field_hist(t, f->name);
		if (h && COLS - namew - 22 > 0 &&
		    field_value(t, f, cur, member(t->prev, f->name), &v, &rate))
			spark(t, h, COLS - namew - 22 > 40 ? 40 : COLS - namew - 22, 0);
		(*y)++;
	}
	(*y)++;
	for (i = 0; i < top->nr_fields && *y < LINES - 3; i++) {
		const struct sk_stat_field *f = &top->fields[i];

		if (f->type != SK_STAT_TYPE_STRUCT)
			continue;
		if (f->shape == SK_STAT_SHAPE_DICT)
			draw_table(t, f, y);
		else if (f->shape == SK_STAT_SHAPE_DATUM && member(t->cur, f->name))
			put_line((*y)++, "  %s: %.900s", f->name,
				 json_object_to_json_string(member(t->cur, f->name)));
	}
}

/* Records this sample's top-level numbers for the sparklines. */
static void push_history(struct top *t)
{
	const struct sk_stat_struct *top = t->meta ? sk_stats_meta_top(t->meta) : NULL;
	int i;

	if (!top || !t->cur)
		return;
	for (i = 0; i < top->nr_fields; i++) {
		const struct sk_stat_field *f = &top->fields[i];
		struct hist *h;
		double v;
		bool rate;

		if (f->shape != SK_STAT_SHAPE_DATUM ||
		    !field_value(t, f, member(t->cur, f->name), member(t->prev, f->name),
				 &v, &rate))
			continue;
		h = field_hist(t, f->name);
		if (h)
			hist_push(h, v);
	}
}

static void draw_help(void)
{
	static const char *const lines[] = {
		"schedkit top: keys",
		"",
		"  h ?     this help (any key closes it)",
		"  p space pause / resume sampling",
		"  s       sort tables by the next column (key, then each column)",
		"  w       switch scheduler through schedkitd (needs root)",
		"  x       stop the scheduler through schedkitd (needs root)",
		"  q       quit",
		"",
		"Counters are shown as rates per second, gauges as they are.",
	};
	int i, w = COLS < 70 ? COLS : 70, h = sizeof(lines) / sizeof(lines[0]) + 2;
	int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	for (i = 0; i < h; i++)
		mvprintw(y0 + i, x0, "%-*s", w, "");
	for (i = 0; i < h - 2; i++)
		mvprintw(y0 + 1 + i, x0 + 2, "%.*s", w > 4 ? w - 4 : 0, lines[i]);
}

static void draw(struct top *t)
{
	int y = 0;

	erase();
	draw_header(t, &y);
	draw_cpus(t, &y);
	draw_stats(t, &y);
	if (t->help)
		draw_help();
	attron(A_REVERSE);
	mvprintw(LINES - 1, 0, "%-*.*s", COLS, COLS,
		 t->msg[0] && sw_now_ns() < t->msg_until ? t->msg :
		 " h help  p pause  s sort  w switch  x stop  q quit");
	attroff(A_REVERSE);
	refresh();
}

/* ---- switching from the keyboard ------------------------------------------------------ */

static void control(struct top *t, enum sk_ctl_req req)
{
	char name[SK_CTL_MAX_NAME] = "", *line, err[512];
	struct json_object *reply;
	int ret;

	if (req == SK_CTL_SWITCH) {
		mvprintw(LINES - 1, 0, "%-*s", COLS, "");
		mvprintw(LINES - 1, 0, "switch to (scheduler or mode): ");
		echo();
		curs_set(1);
		timeout(-1);
		getnstr(name, sizeof(name) - 1);
		noecho();
		curs_set(0);
		if (!name[0])
			return;
	}
	if (sk_ctl_request_encode(req, name, NULL, &line)) {
		say(t, "'%s' is not a scheduler or mode name", name);
		return;
	}
	say(t, "asking schedkitd...");
	draw(t);
	ret = sk_ctl_call(NULL, line, 120000, &reply, err, sizeof(err));
	free(line);
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		say(t, "schedkitd is not running: use schedkit switch/stop as root");
	else if (ret)
		say(t, "%s", err);
	else
		say(t, req == SK_CTL_SWITCH ? "switched to %s" : "stopped%s",
		    req == SK_CTL_SWITCH ? name : "");
	json_object_put(reply);
}

/* ---- main ----------------------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: schedkit top [--interval SECONDS] [--socket PATH]\n\n"
		"Watch the running sched_ext scheduler: state, CPU use, pressure and its\n"
		"statistics (from its scx_stats socket). Press h for keys.\n\n"
		"  -d, --interval SECONDS  between samples (default 1)\n"
		"  -s, --socket PATH       stats socket (default %s)\n", SK_STATS_DEFAULT_PATH);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct top tt;
	struct top *t = &tt;
	long long next = 0;
	char *end;
	int c;

	t->stats_path = SK_STATS_DEFAULT_PATH;
	t->interval = 1;
	t->seen_seq = -2;
	while ((c = getopt_long(argc, argv, "d:s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			t->interval = strtod(optarg, &end);
			if (*end || !(t->interval >= 0.1 && t->interval <= 3600)) {
				fprintf(stderr, "schedkit top: --interval takes 0.1 to 3600 seconds\n");
				return 2;
			}
			break;
		case 's':
			t->stats_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sk_ctl_run_dir_check(t->msg, sizeof(t->msg))) {
		fprintf(stderr, "schedkit top: %s\n", t->msg);
		return 2;
	}
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "schedkit top: needs a terminal (use schedkit stats --watch for a log)\n");
		return 1;
	}
	setlocale(LC_ALL, "");
	t->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_RED, -1);
	}
	for (;;) {
		long long now = sw_now_ns(), wait_ms;
		int key;

		if (!t->paused && now >= next) {
			sample(t);
			push_history(t);
			next = now + (long long)(t->interval * 1e9);
			/*
			 * A sample may take longer than the interval (a slow
			 * stats server, a loaded machine): still leave the
			 * keyboard a moment rather than sampling back to back.
			 */
			if (next < sw_now_ns() + 100000000LL)
				next = sw_now_ns() + 100000000LL;
		}
		draw(t);
		/* Never negative: curses takes that as "wait for a key". */
		wait_ms = t->paused ? 1000 : (next - sw_now_ns()) / 1000000 + 1;
		timeout(wait_ms < 0 ? 0 : (int)wait_ms);
		key = getch();
		if (key == ERR || key == KEY_RESIZE)
			continue;
		if (t->help) {
			t->help = false;
			continue;
		}
		switch (key) {
		case 'q':
		case 'Q':
			goto out;
		case 'h':
		case '?':
			t->help = true;
			break;
		case 'p':
		case ' ':
			t->paused = !t->paused;
			say(t, t->paused ? "paused" : "resumed");
			break;
		case 's':
			t->sort_col = (t->sort_col + 1) % 17;
			if (t->sort_col)
				say(t, "tables sorted by column %d, largest first", t->sort_col);
			else
				say(t, "tables sorted by key");
			break;
		case 'w':
			control(t, SK_CTL_SWITCH);
			next = 0;
			break;
		case 'x':
			control(t, SK_CTL_STOP);
			next = 0;
			break;
		}
	}
out:
	endwin();
	drop_stats(t);
	sw_proc_clear(&t->proc);
	return 0;
}
