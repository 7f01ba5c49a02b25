// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit-bench-bpfcost: what the loaded scheduler's BPF programs cost
 * during a run, from the kernel's own accounting (kernel.bpf_stats_enabled,
 * which schedkit bench --bpf-stats switches on).
 *
 *   schedkit-bench-bpfcost > BEFORE
 *	the run time and run count of every struct_ops program now loaded;
 *   schedkit-bench-bpfcost --before BEFORE
 *	what they added since: total run time (bpf_ms), calls (bpf_calls),
 *	and per callback its time per call and its calls (bpf_<op>_us,
 *	bpf_<op>_calls), one JSON object for the run's metrics.
 *
 * A callback is named after its program with the scheduler's prefix cut
 * off at the first '_' ("lat_select_cpu" is select_cpu), the convention of
 * the kernel's examples, of sched-ext/scx and of ours, so that one row of
 * the table compares the same callback across schedulers. Programs loaded
 * or unloaded in between (another scheduler) are left out: only what ran
 * in both snapshots is a difference.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bench.h"

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "schedkit-bench-bpfcost: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* Every struct_ops program, keyed by its id: {name, ns, calls}. */
static struct json_object *snapshot(void)
{
	struct json_object *all = json_object_new_object();
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		struct json_object *p;
		char key[16];
		int fd, err;

		fd = bpf_prog_get_fd_by_id(id);
		/* unloaded since, or not ours to see */
		if (fd < 0)
			continue;
		err = bpf_prog_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err || info.type != BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(info.name));
		json_object_object_add(p, "ns", json_object_new_int64((int64_t)info.run_time_ns));
		json_object_object_add(p, "calls", json_object_new_int64((int64_t)info.run_cnt));
		snprintf(key, sizeof(key), "%u", id);
		json_object_object_add(all, key, p);
	}
	if (errno != ENOENT)
		die("cannot list BPF programs: %s (needs root)", strerror(errno));
	return all;
}

static int64_t get_i64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

/* The callback a program implements: its name past the first '_'. */
static const char *op_of(const char *name)
{
	const char *u = strchr(name, '_');

	return u && u[1] ? u + 1 : name;
}

static struct json_object *difference(struct json_object *before, struct json_object *after)
{
	struct json_object *res = json_object_new_object();
	int64_t total_ns = 0, total_calls = 0;

	json_object_object_foreach(after, id, p) {
		struct json_object *b, *name;
		int64_t ns, calls;
		const char *op;
		char key[64];

		if (!json_object_object_get_ex(before, id, &b))
			continue;
		ns = get_i64(p, "ns") - get_i64(b, "ns");
		calls = get_i64(p, "calls") - get_i64(b, "calls");
		if (ns < 0 || calls <= 0)
			continue;
		total_ns += ns;
		total_calls += calls;
		if (!json_object_object_get_ex(p, "name", &name))
			continue;
		op = op_of(json_object_get_string(name));
		snprintf(key, sizeof(key), "bpf_%s_us", op);
		bench_put_num(res, key, bench_us((uint64_t)ns) / (double)calls);
		snprintf(key, sizeof(key), "bpf_%s_calls", op);
		bench_put_int(res, key, calls);
	}
	bench_put_num(res, "bpf_ms", (double)total_ns / 1e6);
	bench_put_int(res, "bpf_calls", total_calls);
	return res;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "before", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *before = NULL, *now, *out;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			before = json_object_from_file(optarg);
			if (!before || !json_object_is_type(before, json_type_object))
				die("%s is not a snapshot of this program", optarg);
			break;
		case 'h':
			printf("usage: %s [--before SNAPSHOT]\n", argv[0]);
			return 0;
		default:
			die("%s", "bad option (see --help)");
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);

	now = snapshot();
	out = before ? difference(before, now) : json_object_get(now);
	json_object_put(now);
	json_object_put(before);
	return bench_print_json(out) ? 1 : 0;
}
