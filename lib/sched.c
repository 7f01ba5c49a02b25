// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler runner behind sk_sched_main(): checks, open, configure,
 * load, attach, the main loop with stats, detach, exit report and restart.
 *
 * Each run owns exactly one skeleton, one struct_ops link and one stats
 * server; run_once() releases all three on every path, so a failure at any
 * step leaves nothing loaded and a restart starts from scratch.
 *
 * Started by a switcher for a prepared start (schedkit/sched.h), the first
 * run stops between load and attach until the switcher says "attach"; the
 * exchange itself is in sched_ready.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include <schedkit/counters.h>
#include <schedkit/sched.h>

#include "sched_internal.h"

#ifndef SK_VERSION
#define SK_VERSION "unknown"
#endif

/* Lines of verifier log shown without --verbose. */
#define VERIFIER_TAIL_LINES	24
/* How often the main loop looks for an exit, and prints a summary. */
#define POLL_MS			100
#define SUMMARY_MS		1000
/*
 * Restarts the kernel may ask for (CPU hotplug) before we give up: more
 * than RESTART_BURST within RESTART_WINDOW_S means something keeps
 * failing, not a hotplug we should ride out.
 */
#define RESTART_BURST		8
#define RESTART_WINDOW_S	60
#define RESTART_DELAY_MS	200

struct sk_sched {
	const struct sk_sched_desc *desc;
	char prog[64];
	struct sk_cli cli;
	int nr_cpus;

	/* the current run */
	void *skel;
	struct bpf_object *obj;
	struct bpf_map *ops_map;
	struct bpf_link *link;
	struct sk_exit_info *exit;	/* mmap()ed .data.sk_exit */
	struct sk_stats_server *server;

	/*
	 * Prepared start (schedkit/sched.h): the switcher's socket until the
	 * first attach answered, then -1 for good; aborted when the switcher
	 * let go before asking for the attach.
	 */
	int ready_fd;
	bool aborted;
	/* the last error line printed, for "failed REASON" */
	char why[SK_READY_LINE_MAX - 16];

	/* stats: collect() runs on the server thread and the main thread */
	pthread_mutex_t stats_lock;
	const struct sk_stat_struct *top_st;
	double *prev;			/* last summary's values, per field */
	struct timespec prev_ts;
	bool have_prev;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void *sk_sched_skel(const struct sk_sched *sk)
{
	return sk->skel;
}

const char *sk_sched_prog(const struct sk_sched *sk)
{
	return sk->prog;
}

const struct sk_cli *sk_sched_cli(const struct sk_sched *sk)
{
	return &sk->cli;
}

int sk_sched_nr_cpus(const struct sk_sched *sk)
{
	return sk->nr_cpus;
}

static double now_s(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static double elapsed_s(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * Print "prog: message" on stderr and keep the message, so that a prepared
 * start can hand the switcher the same reason in one line.
 */
__attribute__((format(printf, 2, 3)))
static void say(struct sk_sched *sk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sk->why, sizeof(sk->why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", sk->prog, sk->why);
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* no SA_RESTART: a signal must cut sleeps short */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed stdout must not kill a running scheduler */
	signal(SIGPIPE, SIG_IGN);
}

/* ---- struct_ops fields the library owns ------------------------------- */

static struct bpf_map *find_struct_ops(struct bpf_object *obj)
{
	struct bpf_map *map, *found = NULL;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		if (found)
			return NULL;	/* ambiguous; caller reports */
		found = map;
	}
	return found;
}

static int count_struct_ops(struct bpf_object *obj)
{
	struct bpf_map *map;
	int n = 0;

	bpf_object__for_each_map(map, obj)
		n += bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS;
	return n;
}

/*
 * Set integer member @field of the struct_ops value before load. The
 * library does not see struct sched_ext_ops, so the offset comes from the
 * object's BTF; libbpf maps it to the kernel's layout at load time.
 * @only_if_zero keeps a value the BPF source chose itself.
 */
static int set_ops_field(struct bpf_object *obj, struct bpf_map *map,
			 const char *field, __u64 val, bool only_if_zero)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const struct btf_member *m;
	size_t size;
	__u8 *data;
	int i;

	if (!btf)
		return -ENOENT;
	t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	data = bpf_map__initial_value(map, &size);
	if (!t || !btf_is_struct(t) || !data)
		return -EINVAL;

	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u32 off = btf_member_bit_offset(t, i) / 8;
		long msize;

		if (strcmp(btf__name_by_offset(btf, m->name_off), field))
			continue;
		msize = btf__resolve_size(btf, m->type);
		if (msize != 4 && msize != 8)
			return -EINVAL;
		if (off + (size_t)msize > size)
			return -EINVAL;
		if (msize == 4) {
			__u32 *p = (__u32 *)(data + off);

			if (!only_if_zero || !*p)
				*p = (__u32)val;
		} else {
			__u64 *p = (__u64 *)(data + off);

			if (!only_if_zero || !*p)
				*p = val;
		}
		return 0;
	}
	return -ENOENT;
}

/* ---- stats ------------------------------------------------------------- */

static const struct sk_stat_struct *find_top(const struct sk_sched_stats *st)
{
	int i;

	for (i = 0; st->structs && st->structs[i]; i++)
		if (st->structs[i]->top)
			return st->structs[i];
	return NULL;
}

/* Build the top stats object; caller holds stats_lock. */
static int build_top(struct sk_sched *sk, struct json_object **out)
{
	const struct sk_sched_stats *st = sk->desc->stats;
	struct json_object *top = NULL;
	uint64_t *vals = NULL;
	int nr_cpus, nr_counters, ret;

	if (!sk->skel)
		return -ENODEV;

	if (st->counters_map) {
		struct bpf_map *map;

		map = bpf_object__find_map_by_name(sk->obj, st->counters_map);
		if (!map)
			return -ENOENT;
		ret = sk_counters_read(map, &vals, &nr_cpus, &nr_counters);
		if (ret)
			return ret;
		ret = sk_stats_percpu_counters(st->cpu_struct, st->cpu_dict,
					       vals, nr_cpus, nr_counters, &top);
		free(vals);
		if (ret)
			return ret;
	} else {
		top = json_object_new_object();
		if (!top)
			return -ENOMEM;
	}

	if (st->extend) {
		ret = st->extend(sk, sk->skel, top);
		if (ret) {
			json_object_put(top);
			return ret;
		}
	}
	*out = top;
	return 0;
}

static int collect(void *ctx, const char *target, struct json_object *args,
		   struct json_object **out)
{
	struct sk_sched *sk = ctx;
	int ret;

	(void)target;	/* the server only routes "top" to us */
	(void)args;
	pthread_mutex_lock(&sk->stats_lock);
	ret = build_top(sk, out);
	pthread_mutex_unlock(&sk->stats_lock);
	return ret;
}

static bool summary_field(const struct sk_sched_stats *st,
			  const struct sk_stat_field *f)
{
	int i;

	if (f->shape != SK_STAT_SHAPE_DATUM ||
	    (f->type != SK_STAT_TYPE_U64 && f->type != SK_STAT_TYPE_I64 &&
	     f->type != SK_STAT_TYPE_FLOAT))
		return false;
	if (!st->summary)
		return true;
	for (i = 0; st->summary[i]; i++)
		if (!strcmp(st->summary[i], f->name))
			return true;
	return false;
}

/*
 * One line: counters as rates since the previous call, levels as they
 * are. The first call after attach only takes the sample the rates start
 * from and prints nothing.
 */
static void print_summary(struct sk_sched *sk)
{
	const struct sk_stat_struct *st = sk->top_st;
	struct json_object *top, *val;
	struct timespec ts;
	char line[1024];
	size_t len = 0;
	double dt;
	int i;

	if (!st || collect(sk, "top", NULL, &top))
		return;
	now_s(&ts);
	dt = sk->have_prev ? elapsed_s(&sk->prev_ts, &ts) : 0;

	len = snprintf(line, sizeof(line), "%s:", sk->prog);
	for (i = 0; i < st->nr_fields && len < sizeof(line); i++) {
		const struct sk_stat_field *f = &st->fields[i];
		double v;

		if (!summary_field(sk->desc->stats, f) ||
		    !json_object_object_get_ex(top, f->name, &val))
			continue;
		v = f->type == SK_STAT_TYPE_U64 ?
			(double)json_object_get_uint64(val) :
		    f->type == SK_STAT_TYPE_I64 ?
			(double)json_object_get_int64(val) :
			json_object_get_double(val);

		if (f->kind == SK_STAT_KIND_COUNTER) {
			double prev = sk->prev[i];

			sk->prev[i] = v;
			if (dt <= 0)
				continue;
			len += snprintf(line + len, sizeof(line) - len,
					" %s=%.0f/s", f->name, (v - prev) / dt);
		} else if (f->type == SK_STAT_TYPE_FLOAT) {
			len += snprintf(line + len, sizeof(line) - len,
					" %s=%.2f", f->name, v);
		} else {
			len += snprintf(line + len, sizeof(line) - len,
					" %s=%.0f", f->name, v);
		}
	}
	json_object_put(top);
	sk->prev_ts = ts;
	if (sk->have_prev)
		printf("%s\n", line);
	sk->have_prev = true;
}

static void start_stats(struct sk_sched *sk)
{
	const struct sk_sched_stats *st = sk->desc->stats;
	struct sk_stats_server_opts opts = {
		.path = sk->cli.stats_socket,
		.structs = st->structs,
		.collect = collect,
		.ctx = sk,
	};
	int ret;

	ret = sk_stats_server_start(&opts, &sk->server);
	if (ret) {
		sk->server = NULL;
		fprintf(stderr, "%s: warning: no stats server on %s: %s (choose another path with --stats-socket)\n",
			sk->prog, sk->cli.stats_socket, strerror(-ret));
	}
}

/* ---- one run: open to destroy ----------------------------------------- */

/* libbpf's last words, unless --verbose already showed everything. */
static void show_libbpf_tail(struct sk_sched *sk)
{
	const char *tail;
	size_t len;

	if (sk->cli.verbose)
		return;
	sk_log_last_lines(sk_log_text(), 4, &tail, &len);
	if (len)
		fprintf(stderr, "%.*s\n", (int)len, tail);
}

/*
 * The verifier's reason among the last lines of its log: the last line
 * that is not one of the statistics it prints after giving up.
 */
static void verifier_verdict(const char *tail, size_t len, char *out,
			     size_t out_len)
{
	static const char *const stats[] = {
		"processed ", "verification time", "stack depth", "max_states",
	};
	const char *end = tail + len;

	snprintf(out, out_len, "see the end of its log");
	while (end > tail) {
		const char *line = end, *eol = end;
		size_t i, n;
		bool skip = false;

		while (line > tail && line[-1] != '\n')
			line--;
		end = line > tail ? line - 1 : tail;
		n = eol - line;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
			skip |= !strncmp(line, stats[i], strlen(stats[i]));
		if (!skip) {
			snprintf(out, out_len, "%.*s", (int)n, line);
			return;
		}
	}
}

static void report_load_failure(struct sk_sched *sk, int err)
{
	const char *text = sk_log_text(), *tail;
	char prog[128], verdict[256];
	size_t len;

	if (sk_log_verifier_tail(text, VERIFIER_TAIL_LINES, prog, sizeof(prog),
				 &tail, &len)) {
		verifier_verdict(tail, len, verdict, sizeof(verdict));
		if (sk->cli.verbose) {
			say(sk, "the BPF verifier rejected program '%s'; its whole log is above",
			    prog);
		} else {
			fprintf(stderr, "%s: the BPF verifier rejected program '%s' (%s); the end of its log:\n%.*s\n",
				sk->prog, prog, strerror(-err), (int)len, tail);
			fprintf(stderr, "%s: run with --verbose to see the whole verifier log\n",
				sk->prog);
		}
		/* what a switcher shows in its one line */
		snprintf(sk->why, sizeof(sk->why),
			 "the BPF verifier rejected program '%s': %s", prog, verdict);
		return;
	}

	show_libbpf_tail(sk);
	say(sk, "loading the BPF scheduler failed: %s (run with --verbose for details)",
	    strerror(-err));
}

static void report_attach_failure(struct sk_sched *sk, int err)
{
	char msg[512];

	if (err == -EBUSY &&
	    sk_sys_check(SK_SYSFS_SCHED_EXT, msg, sizeof(msg)) == -EBUSY) {
		say(sk, "%s", msg);
		return;
	}
	if (err == -EPERM || err == -EACCES) {
		say(sk, "not allowed to attach a sched_ext scheduler: run as root");
		return;
	}
	say(sk, "attaching the scheduler failed: %s (see 'dmesg' for the kernel's reason)",
	    strerror(-err));
}

static int open_skel(struct sk_sched *sk)
{
	const struct sk_skel_ops *ops = sk->desc->skel;
	struct bpf_map *exit_map;
	__u64 seq;
	int ret;

	errno = 0;
	sk->skel = ops->open(NULL);
	if (!sk->skel) {
		ret = errno ? -errno : -EINVAL;
		show_libbpf_tail(sk);
		say(sk, "opening the BPF object failed: %s", strerror(-ret));
		return ret;
	}
	sk->obj = ops->object(sk->skel);

	sk->ops_map = find_struct_ops(sk->obj);
	if (!sk->ops_map) {
		say(sk, "the BPF object has %d struct_ops maps; it needs exactly one SEC(\".struct_ops.link\") struct sched_ext_ops",
		    count_struct_ops(sk->obj));
		return -EINVAL;
	}
	/*
	 * We attach it ourselves to keep the link. libbpf >= 1.5 would also
	 * attach it from bpf_object__attach_skeleton(); older ones do not
	 * know struct_ops maps there and lack the setter.
	 */
#if LIBBPF_MAJOR_VERSION > 1 || LIBBPF_MINOR_VERSION >= 5
	bpf_map__set_autoattach(sk->ops_map, false);
#endif

	exit_map = bpf_object__find_map_by_name(sk->obj, SK_EXIT_SEC);
	if (!exit_map || bpf_map__value_size(exit_map) != sizeof(struct sk_exit_info)) {
		say(sk, "the BPF object has no usable %s section: include schedkit/bpf/exit.bpf.h and record the exit from ops.exit",
		    SK_EXIT_SEC);
		return -EINVAL;
	}

	/* so that the whole debug dump fits in sk_exit_info.dump */
	ret = set_ops_field(sk->obj, sk->ops_map, "exit_dump_len",
			    SK_EXIT_DUMP_LEN, false);
	if (ret && sk->cli.verbose)
		fprintf(stderr, "%s: cannot set exit_dump_len: %s\n", sk->prog,
			strerror(-ret));
	/*
	 * With hotplug_seq set, a CPU coming or going between now and the
	 * attach makes the kernel eject us with a restart request instead of
	 * running with a stale view of the CPUs.
	 */
	if (!sk_sys_hotplug_seq(SK_SYSFS_SCHED_EXT, &seq)) {
		ret = set_ops_field(sk->obj, sk->ops_map, "hotplug_seq", seq,
				    true);
		if (ret && sk->cli.verbose)
			fprintf(stderr, "%s: cannot set hotplug_seq: %s\n",
				sk->prog, strerror(-ret));
	}
	return 0;
}

static int load_skel(struct sk_sched *sk)
{
	struct bpf_map *exit_map;
	size_t size = 0;
	int ret;

	sk_log_clear();
	ret = bpf_object__load_skeleton(sk->desc->skel->skeleton(sk->skel));
	if (ret) {
		report_load_failure(sk, ret);
		return ret;
	}

	exit_map = bpf_object__find_map_by_name(sk->obj, SK_EXIT_SEC);
	sk->exit = bpf_map__initial_value(exit_map, &size);
	if (!sk->exit || size != sizeof(*sk->exit)) {
		say(sk, "%s is not memory-mapped; is it a global variable?",
		    SK_EXIT_SEC);
		sk->exit = NULL;
		return -EINVAL;
	}
	return 0;
}

static int attach(struct sk_sched *sk)
{
	int ret;

	/* programs other than struct_ops (tracepoints...) if the object has any */
	ret = bpf_object__attach_skeleton(sk->desc->skel->skeleton(sk->skel));
	if (ret) {
		say(sk, "attaching the BPF programs failed: %s", strerror(-ret));
		return ret;
	}

	sk->link = bpf_map__attach_struct_ops(sk->ops_map);
	if (!sk->link) {
		ret = -errno;
		report_attach_failure(sk, ret);
		return ret;
	}
	return 0;
}

static int exit_kind(const struct sk_sched *sk)
{
	return __atomic_load_n(&sk->exit->kind, __ATOMIC_ACQUIRE);
}

static void main_loop(struct sk_sched *sk)
{
	int since_summary = 0;

	if (sk->top_st && !sk->cli.quiet)
		print_summary(sk);	/* first sample for rates */

	while (!stop_signal && exit_kind(sk) == SK_EXIT_NONE) {
		struct timespec nap = { 0, POLL_MS * 1000000L };

		nanosleep(&nap, NULL);
		since_summary += POLL_MS;
		if (since_summary < SUMMARY_MS)
			continue;
		since_summary = 0;

		/*
		 * An object whose ops.exit does not record anything never
		 * changes kind; sysfs still tells that we were ejected.
		 */
		if (exit_kind(sk) == SK_EXIT_NONE &&
		    sk_sys_enabled(SK_SYSFS_SCHED_EXT) == 0)
			break;
		if (sk->top_st && !sk->cli.quiet)
			print_summary(sk);
	}
}

/* Release everything of the current run, in reverse order of creation. */
static void teardown(struct sk_sched *sk)
{
	sk_stats_server_stop(sk->server);
	sk->server = NULL;
	bpf_link__destroy(sk->link);
	sk->link = NULL;

	pthread_mutex_lock(&sk->stats_lock);
	if (sk->skel)
		sk->desc->skel->destroy(sk->skel);
	sk->skel = NULL;
	sk->obj = NULL;
	sk->ops_map = NULL;
	sk->exit = NULL;
	pthread_mutex_unlock(&sk->stats_lock);
}

/*
 * From "loaded" to the attach of a prepared start the machine is, or is
 * about to be, without a sched_ext scheduler, and that gap should be the
 * attach alone, not the attach plus a wait behind CPU hogs for the
 * default scheduler to run us. So wait and attach as SCHED_FIFO, above
 * every fair and sched_ext task, then return to the policy we had;
 * SCHED_RESET_ON_FORK keeps anything we start out of it. Failing to get
 * it (no privilege) only costs time.
 */
static bool rt_boost(int *policy, struct sched_param *param)
{
	struct sched_param rt = { .sched_priority = 1 };

	*policy = sched_getscheduler(0);
	return *policy >= 0 && !sched_getparam(0, param) &&
	       !sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &rt);
}

/*
 * Prepared start: tell the switcher that the object is loaded and wait
 * for its word. Returns 1 to attach; 0 when a signal came or the switcher
 * let go (sk->aborted), both meaning "exit without attaching"; -EPROTO
 * after refusing anything but "attach".
 */
static int wait_for_attach(struct sk_sched *sk)
{
	char line[SK_READY_LINE_MAX];
	int ret;

	ret = sk_ready_send(sk->ready_fd, "loaded", SK_READY_MARKER);
	while (!ret || ret == -ETIMEDOUT || ret == -EINTR) {
		if (stop_signal)
			return 0;
		ret = sk_ready_recv(sk->ready_fd, line, sizeof(line), POLL_MS);
		if (ret == 1 && !strcmp(line, "attach"))
			return 1;
		if (ret == 1) {
			say(sk, "the switcher sent '%.64s' where only \"attach\" is understood",
			    line);
			return -EPROTO;
		}
		if (!ret) {
			/* EOF: the switcher called the switch off */
			sk->aborted = true;
			return 0;
		}
	}
	if (ret == -EPIPE || ret == -ECONNRESET) {
		sk->aborted = true;
		return 0;
	}
	say(sk, "the switcher's socket (%s) failed: %s", SK_READY_ENV,
	    strerror(-ret));
	return -EPROTO;
}

/*
 * One life of the scheduler. Returns 0 with *@ei filled once it ran and
 * stopped (or with ei->kind == SK_EXIT_NONE if a signal came, or a
 * prepared start was called off, before the attach), or a negative errno
 * after printing why it never ran.
 */
static int run_once(struct sk_sched *sk, struct sk_exit_info *ei)
{
	int ret;

	memset(ei, 0, sizeof(*ei));
	sk->have_prev = false;
	sk_log_clear();

	ret = open_skel(sk);
	if (ret)
		goto out;
	if (sk->desc->configure) {
		ret = sk->desc->configure(sk, sk->skel);
		if (ret)
			goto out;
	}
	if (stop_signal)
		goto out;
	ret = load_skel(sk);
	if (ret || stop_signal)
		goto out;
	if (sk->ready_fd >= 0) {
		struct sched_param param;
		int policy;
		bool boosted = rt_boost(&policy, &param), attached = false;

		/* 0: called off, before any attach */
		ret = wait_for_attach(sk);
		if (ret > 0) {
			ret = attach(sk);
			attached = !ret;
		}
		if (boosted)
			sched_setscheduler(0, policy, &param);
		if (!attached)
			goto out;
		/* the first attach only: restarts are ours alone */
		sk_ready_send(sk->ready_fd, "attached", NULL);
		close(sk->ready_fd);
		sk->ready_fd = -1;
	} else {
		ret = attach(sk);
		if (ret)
			goto out;
	}

	if (sk->desc->stats)
		start_stats(sk);
	main_loop(sk);

	/* stop serving before the maps go away, then unregister */
	sk_stats_server_stop(sk->server);
	sk->server = NULL;
	bpf_link__destroy(sk->link);
	sk->link = NULL;
	/* the unregister waited for ops.exit, so the record is complete */
	memcpy(ei, sk->exit, sizeof(*ei));
out:
	teardown(sk);
	return ret;
}

static bool restart_allowed(struct sk_sched *sk, double *stamps, int *nr)
{
	struct timespec ts;
	double now = now_s(&ts);

	if (*nr == RESTART_BURST) {
		if (now - stamps[0] < RESTART_WINDOW_S) {
			fprintf(stderr, "%s: the kernel asked for %d restarts within %d s; giving up\n",
				sk->prog, RESTART_BURST, RESTART_WINDOW_S);
			return false;
		}
		memmove(stamps, stamps + 1, (RESTART_BURST - 1) * sizeof(*stamps));
		(*nr)--;
	}
	stamps[(*nr)++] = now;
	return true;
}

static int run(struct sk_sched *sk)
{
	double stamps[RESTART_BURST];
	struct sk_exit_info *ei;
	int nr_restarts = 0, status;

	ei = malloc(sizeof(*ei));
	if (!ei) {
		fprintf(stderr, "%s: out of memory\n", sk->prog);
		return 1;
	}

	for (;;) {
		struct timespec delay = { 0, RESTART_DELAY_MS * 1000000L };

		if (run_once(sk, ei)) {
			status = stop_signal ? 0 : 1;
			break;
		}
		if (ei->kind == SK_EXIT_NONE && (stop_signal || sk->aborted)) {
			status = 0;	/* interrupted before attaching */
			break;
		}
		sk_exit_report(stderr, sk->prog, ei, sk->cli.verbose);
		status = sk_exit_status(ei);

		if (stop_signal || !sk_exit_wants_restart(ei))
			break;
		if (!restart_allowed(sk, stamps, &nr_restarts)) {
			status = 1;
			break;
		}
		fprintf(stderr, "%s: restarting as the kernel asked\n", sk->prog);
		nanosleep(&delay, NULL);
	}
	free(ei);
	return status;
}

/* ---- entry point -------------------------------------------------------- */

static int check_system(struct sk_sched *sk)
{
	char msg[512];
	int ret;

	ret = sk_sys_check(SK_SYSFS_SCHED_EXT, msg, sizeof(msg));
	/* a prepared start loads beside the scheduler it is to replace */
	if (ret == -EBUSY && sk->ready_fd >= 0)
		ret = 0;
	if (ret) {
		say(sk, "%s", msg);
		return ret;
	}
	if (geteuid() != 0) {
		say(sk, "loading a scheduler needs root: run it with sudo");
		return -EPERM;
	}
	return 0;
}

/*
 * Take the prepared-start socket from the environment, if any, and keep
 * it from the environment and the fds of anything we might run.
 */
static int ready_setup(struct sk_sched *sk)
{
	const char *val = getenv(SK_READY_ENV);
	char copy[32];
	int ret;

	if (!val)
		return 0;
	snprintf(copy, sizeof(copy), "%s", val);
	unsetenv(SK_READY_ENV);
	if (!copy[0])
		return 0;
	ret = sk_ready_parse_fd(copy, &sk->ready_fd);
	if (ret) {
		say(sk, "%s=%s is not an open socket (%s); it is only for schedkit switch",
		    SK_READY_ENV, copy, strerror(-ret));
		return ret;
	}
	fcntl(sk->ready_fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

static int check_desc(const struct sk_sched_desc *desc)
{
	const struct sk_skel_ops *o = desc->skel;

	if (!desc->name || !o || !o->open || !o->skeleton || !o->object ||
	    !o->destroy)
		return -EINVAL;
	if (desc->stats && !find_top(desc->stats))
		return -EINVAL;
	if (desc->stats && desc->stats->counters_map && !desc->stats->cpu_struct)
		return -EINVAL;
	return 0;
}

int sk_sched_main(const struct sk_sched_desc *desc, int argc, char **argv)
{
	struct sk_sched *sk;
	char err[512];
	int status;

	if (check_desc(desc)) {
		fprintf(stderr, "schedkit: invalid scheduler description (name, skeleton or stats missing)\n");
		return 1;
	}
	sk = calloc(1, sizeof(*sk));
	if (!sk) {
		fprintf(stderr, "scx_%s: out of memory\n", desc->name);
		return 1;
	}
	sk->desc = desc;
	sk->ready_fd = -1;
	snprintf(sk->prog, sizeof(sk->prog), "scx_%s", desc->name);
	pthread_mutex_init(&sk->stats_lock, NULL);

	if (ready_setup(sk)) {
		status = 2;
		goto out;
	}
	if (sk_opts_parse(desc->opts, argc, argv, &sk->cli, err, sizeof(err))) {
		say(sk, "%s (see %s --help)", err, sk->prog);
		status = 2;
		goto out;
	}
	if (!sk->cli.help && !sk->cli.version && desc->check_opts &&
	    desc->check_opts(err, sizeof(err))) {
		if (!err[0])
			snprintf(err, sizeof(err), "these options do not go together");
		say(sk, "%s (see %s --help)", err, sk->prog);
		status = 2;
		goto out;
	}
	if (sk->cli.help) {
		sk_opts_usage(stdout, sk->prog, desc->description, desc->opts);
		status = 0;
		goto out;
	}
	if (sk->cli.version) {
		printf("%s %s (schedkit %s)\n", sk->prog,
		       desc->version ? desc->version : SK_VERSION, SK_VERSION);
		status = 0;
		goto out;
	}

	if (check_system(sk)) {
		status = 1;
		goto out;
	}

	sk->nr_cpus = libbpf_num_possible_cpus();
	if (desc->stats) {
		sk->top_st = find_top(desc->stats);
		sk->prev = calloc(sk->top_st->nr_fields + 1, sizeof(*sk->prev));
		if (!sk->prev) {
			fprintf(stderr, "%s: out of memory\n", sk->prog);
			status = 1;
			goto out;
		}
	}

	/* summaries must show up promptly even when piped into a log */
	setvbuf(stdout, NULL, _IOLBF, 0);
	install_signals();
	sk_log_start(sk->cli.verbose);
	status = run(sk);
	sk_log_stop();
out:
	if (sk->ready_fd >= 0) {
		/* never attached: say why, unless the switcher called it off */
		if (status)
			sk_ready_send(sk->ready_fd, "failed", sk->why[0] ? sk->why :
				      "the loader stopped before attaching (see its log)");
		close(sk->ready_fd);
	}
	free(sk->prev);
	pthread_mutex_destroy(&sk->stats_lock);
	free(sk);
	return status;
}
