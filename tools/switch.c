// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit switch / stop / status / list: change or show the machine's
 * sched_ext scheduler. One program, installed under four names; it picks
 * the command from the name it was run as.
 *
 * When schedkitd answers on its control socket the request goes there, so
 * the daemon stays the one owner of the active scheduler. Without a
 * daemon the program does the job itself with the same engine
 * (switcher.c), and leaves the new loader running in its own session.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <schedkit/config.h>
#include <schedkit/ctl.h>

#include "switcher.h"

#define LOCK_FILE	sk_ctl_run_path(SK_CTL_RUN_LOCK)

enum cmd { CMD_SWITCH, CMD_STOP, CMD_STATUS, CMD_LIST };

static const char *cmd_names[] = { "switch", "stop", "status", "list" };

struct options {
	enum cmd cmd;
	bool json;
	bool direct;
	const char *socket;
	const char *config;
	int timeout_s;
	int settle_ms;		/* -1: from the config */
	const char *name;
	char **args;		/* after "--"; NULL when no "--" was given */
};

static const char *prog = "schedkit";

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *out, enum cmd cmd)
{
	switch (cmd) {
	case CMD_SWITCH:
		fprintf(out,
			"usage: schedkit switch [--direct] [--json] [--timeout S] [--settle-ms MS] NAME [-- OPTIONS...]\n\n"
			"Make NAME the running sched_ext scheduler: a mode from schedkit.conf, or\n"
			"a scheduler binary scx_NAME on PATH. OPTIONS go to the scheduler (default:\n"
			"the mode's or schedkit.conf's options.NAME). If NAME fails to start or dies\n"
			"within the settle time, the previous scheduler is started again.\n\n"
			"  --direct         do it here even if schedkitd runs\n"
			"  --json           print the result (pid, gap_ms, stop_ms, start_ms...) as JSON\n"
			"  --timeout S      wait at most S seconds for the kernel to enable it (60)\n"
			"  --settle-ms MS   it must stay up this long (schedkit.conf settle_ms, 2000)\n"
			"  --socket PATH    schedkitd's control socket (%s)\n"
			"  --config PATH    configuration (%s)\n", sk_ctl_run_path(SK_CTL_RUN_CONTROL),
			SK_CONFIG_DEFAULT_PATH);
		break;
	case CMD_STOP:
		fprintf(out,
			"usage: schedkit stop [--direct]\n\n"
			"Stop the sched_ext scheduler: back to the kernel's default scheduler.\n");
		break;
	case CMD_STATUS:
		fprintf(out,
			"usage: schedkit status [--json]\n\n"
			"Show the running sched_ext scheduler, its loader and schedkitd's view.\n");
		break;
	case CMD_LIST:
		fprintf(out,
			"usage: schedkit list [--json]\n\n"
			"List the schedulers on PATH (scx_*) and the modes of schedkit.conf.\n");
		break;
	}
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "direct", no_argument, NULL, 'D' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "settle-ms", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, dashdash = -1, i;
	char *end;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		}
	if (dashdash >= 0) {
		o->args = argv + dashdash + 1;
		argc = dashdash;
	}
	while ((c = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'D':
			o->direct = true;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 't':
			o->timeout_s = strtol(optarg, &end, 10);
			if (*end || o->timeout_s <= 0 || o->timeout_s > 3600)
				die("--timeout takes seconds from 1 to 3600");
			break;
		case 'S':
			o->settle_ms = strtol(optarg, &end, 10);
			if (*end || o->settle_ms < 0 || o->settle_ms > 600000)
				die("--settle-ms takes milliseconds from 0 to 600000");
			break;
		case 'h':
			usage(stdout, o->cmd);
			exit(0);
		default:
			usage(stderr, o->cmd);
			exit(2);
		}
	}
	if (o->cmd == CMD_SWITCH) {
		if (optind != argc - 1) {
			usage(stderr, o->cmd);
			exit(2);
		}
		o->name = argv[optind];
	} else if (optind != argc || o->args) {
		fprintf(stderr, "%s: takes no arguments (see --help)\n", prog);
		exit(2);
	}
	if (o->json && o->cmd == CMD_STOP)
		die("--json is for switch, status and list");
}

/* ---- output -------------------------------------------------------------- */

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static long long jint(struct json_object *o, const char *key, long long dflt)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_int64(v);
}

static void fmt_age(char *buf, size_t len, long long s)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 172800)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static void print_status(struct json_object *st)
{
	struct json_object *args, *d;
	const char *sched = jstr(st, "scheduler"), *state = jstr(st, "state");
	char age[32];
	size_t i;

	if (sched)
		printf("scheduler:  %s (%s, pid %lld)\n", sched, jstr(st, "exe") ?: "?",
		       jint(st, "pid", 0));
	else if (state && !strcmp(state, "enabled"))
		printf("scheduler:  %s (loader not found)\n", jstr(st, "ops") ?: "?");
	else
		printf("scheduler:  none (the kernel's default scheduler)\n");
	printf("state:      %s", state ?: "?");
	if (state && !strcmp(state, "unavailable"))
		printf(" (this kernel has no sched_ext)");
	if (jint(st, "enable_seq", -1) >= 0)
		printf(" (enable_seq %lld, %lld task(s) rejected)", jint(st, "enable_seq", 0),
		       jint(st, "nr_rejected", 0));
	putchar('\n');
	if (jstr(st, "ops") && *jstr(st, "ops"))
		printf("ops:        %s\n", jstr(st, "ops"));
	if (sched && jint(st, "since", 0) > 0) {
		fmt_age(age, sizeof(age), time(NULL) - jint(st, "since", 0));
		printf("up:         %s\n", age);
	}
	if (sched && json_object_object_get_ex(st, "args", &args) &&
	    json_object_array_length(args)) {
		printf("options:   ");
		for (i = 0; i < json_object_array_length(args); i++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(args, i)));
		putchar('\n');
	}
	if (json_object_object_get_ex(st, "daemon", &d) && d) {
		printf("schedkitd:  running (pid %lld)%s%s\n", jint(d, "pid", 0),
		       jstr(d, "mode") && *jstr(d, "mode") ? ", mode " : "",
		       jstr(d, "mode") ?: "");
		if (jstr(d, "health"))
			printf("health:     %s\n", jstr(d, "health"));
		if (jstr(d, "last_event"))
			printf("last event: %s\n", jstr(d, "last_event"));
		if (jint(d, "last_gap_ms", -1) >= 0)
			printf("last gap:   %lld ms\n", jint(d, "last_gap_ms", 0));
	} else {
		printf("schedkitd:  not running\n");
	}
}

static void print_list(struct json_object *list, const char *active)
{
	struct json_object *scheds, *modes;
	size_t i;

	if (json_object_object_get_ex(list, "schedulers", &scheds)) {
		printf("schedulers:\n");
		for (i = 0; i < json_object_array_length(scheds); i++) {
			struct json_object *e = json_object_array_get_idx(scheds, i);
			const char *name = jstr(e, "name");

			printf("  %c %-16s %s\n",
			       active && name && !strcmp(active, name) ? '*' : ' ',
			       name, jstr(e, "path") ?: "");
		}
		if (!json_object_array_length(scheds))
			printf("  (no scx_* binary on PATH)\n");
	}
	if (json_object_object_get_ex(list, "modes", &modes) &&
	    json_object_array_length(modes)) {
		printf("modes:\n");
		for (i = 0; i < json_object_array_length(modes); i++) {
			struct json_object *e = json_object_array_get_idx(modes, i), *a;
			size_t j;

			printf("    %-16s %s", jstr(e, "name"), jstr(e, "scheduler"));
			if (json_object_object_get_ex(e, "args", &a))
				for (j = 0; j < json_object_array_length(a); j++)
					printf(" %s", json_object_get_string(
						json_object_array_get_idx(a, j)));
			putchar('\n');
		}
	}
}

static void print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* ---- talking to schedkitd ------------------------------------------------- */

/*
 * Sends @req to the daemon. Returns 1 and the reply in *@out when it
 * answered, 0 when no daemon runs (the caller does the job itself), and
 * dies on other errors.
 */
static int daemon_call(const struct options *o, enum sk_ctl_req req,
		       struct json_object **out)
{
	char *line, err[512];
	int ret;

	if (o->direct)
		return 0;
	ret = sk_ctl_request_encode(req, o->name, (const char *const *)o->args, &line);
	if (ret == -EINVAL)
		die("'%s' is not a valid scheduler name, or the options are too long", o->name);
	if (ret)
		die("out of memory");
	/*
	 * A switch may wait for a loader that takes long to verify (twice:
	 * the new one, then the rollback); the rest answer at once unless
	 * the daemon is busy switching for someone else.
	 */
	ret = sk_ctl_call(o->socket, line, req == SK_CTL_SWITCH || req == SK_CTL_STOP ?
			  (o->timeout_s ?: 60) * 1000 * 2 + 30000 : 90000,
			  out, err, sizeof(err));
	free(line);
	if (ret == -ENOENT || ret == -ECONNREFUSED)
		return 0;
	if (ret == -EACCES)
		die("permission denied on %s: changing the scheduler needs root (try sudo)",
		    o->socket ?: sk_ctl_run_path(SK_CTL_RUN_CONTROL));
	if (ret)
		die("%s", err);
	return 1;
}

/* ---- doing it ourselves ---------------------------------------------------- */

static struct sk_config *load_config(const struct options *o)
{
	const char *path = o->config ?: getenv("SCHEDKIT_CONFIG") ?: SK_CONFIG_DEFAULT_PATH;
	struct sk_config *cfg;
	char err[512];
	int ret;

	ret = sk_config_load(path, &cfg, err, sizeof(err));
	if (ret == -ENOENT && !o->config)
		ret = sk_config_parse("", 0, path, &cfg, err, sizeof(err));
	if (ret)
		die("%s", err);
	return cfg;
}

/* One switcher at a time; schedkitd holds this lock for its whole life. */
static int take_lock(void)
{
	int fd;

	mkdir(sk_ctl_run_dir(), 0755);
	fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot open %s: %s", LOCK_FILE, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB))
		die("another schedkit switch, or schedkitd, is changing the scheduler; try again, or use schedkit stop/switch without --direct");
	return fd;
}

static void need_root(void)
{
	if (geteuid())
		die("changing the scheduler needs root (try sudo), or a running schedkitd");
}

static int direct_switch(const struct options *o)
{
	struct sk_config *cfg;
	struct sw_proc cur = { 0 };
	struct sw_timing t;
	struct sw_plan plan;
	struct sw_sys sys;
	char err[2048];
	bool rb;
	int ret;

	need_root();
	cfg = load_config(o);
	if (sw_plan(cfg, o->name, o->args, &plan, err, sizeof(err)))
		die("%s", err);
	if (sw_sys_read(&sys))
		die("this kernel has no sched_ext (no %s)", sw_sysfs());
	take_lock();
	sw_find_active(&sys, &cur);
	ret = sw_switch(&cur, plan.exe, plan.name, plan.args,
			(o->timeout_s ?: 60) * 1000,
			o->settle_ms >= 0 ? (unsigned int)o->settle_ms : cfg->settle_ms,
			&t, &rb, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (o->json) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "scheduler", json_object_new_string(plan.name));
		json_object_object_add(r, "pid", json_object_new_int(cur.pid));
		if (t.gap_ms >= 0)
			json_object_object_add(r, "gap_ms", json_object_new_double(t.gap_ms));
		json_object_object_add(r, "stop_ms", json_object_new_double(t.stop_ms));
		json_object_object_add(r, "start_ms", json_object_new_double(t.start_ms));
		json_object_object_add(r, "prepared", json_object_new_boolean(t.prepared));
		if (t.prepared) {
			json_object_object_add(r, "load_ms", json_object_new_double(t.load_ms));
			json_object_object_add(r, "attach_ms", json_object_new_double(t.attach_ms));
		}
		json_object_object_add(r, "via", json_object_new_string("direct"));
		print_json(r);
		json_object_put(r);
	} else {
		printf("switched to %s (pid %d)", plan.name, (int)cur.pid);
		if (t.gap_ms >= 0 && t.prepared)
			printf(": %.1f ms without a sched_ext scheduler (loaded in %.1f ms beforehand; stop %.1f ms, attach %.1f ms)",
			       t.gap_ms, t.load_ms, t.stop_ms, t.attach_ms);
		else if (t.gap_ms >= 0)
			printf(": %.1f ms without a sched_ext scheduler (stop %.1f ms, start %.1f ms)",
			       t.gap_ms, t.stop_ms, t.start_ms);
		putchar('\n');
	}
	sw_plan_clear(&plan);
	sw_proc_clear(&cur);
	sk_config_free(cfg);
	return 0;
}

static int direct_stop(void)
{
	struct sw_proc cur = { 0 };
	struct sw_timing t;
	struct sw_sys sys;
	char err[512];
	long long left;

	need_root();
	if (sw_sys_read(&sys))
		die("this kernel has no sched_ext (no %s)", sw_sysfs());
	take_lock();
	if (sw_find_active(&sys, &cur)) {
		if (!strcmp(sys.state, "enabled"))
			die("sched_ext runs '%s' but schedkit cannot find its loader; stop it with its own tools",
			    sys.ops);
		sw_state_clear();
		printf("no sched_ext scheduler is running\n");
		return 0;
	}
	if (sw_stop(&cur, &t, &left, err, sizeof(err)))
		die("%s", err);
	sw_state_clear();
	printf("stopped %s: the kernel's default scheduler runs\n", cur.name);
	sw_proc_clear(&cur);
	return 0;
}

static struct json_object *direct_status(void)
{
	struct sw_proc cur = { 0 };
	struct sw_sys sys;
	struct json_object *st;

	sw_sys_read(&sys);
	if (sys.present)
		sw_find_active(&sys, &cur);
	st = sw_status_json(&sys, &cur);
	json_object_object_add(st, "daemon", NULL);
	sw_proc_clear(&cur);
	return st;
}

static struct json_object *direct_list(const struct options *o)
{
	struct sk_config *cfg = load_config(o);
	struct json_object *l = json_object_new_object(), *modes = json_object_new_array();
	int i, j;

	json_object_object_add(l, "schedulers", sw_list_json());
	for (i = 0; i < cfg->nr_modes; i++) {
		struct json_object *m = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(m, "name", json_object_new_string(cfg->modes[i].name));
		json_object_object_add(m, "scheduler", json_object_new_string(cfg->modes[i].sched));
		for (j = 0; j < cfg->modes[i].nr_args; j++)
			json_object_array_add(a, json_object_new_string(cfg->modes[i].args[j]));
		json_object_object_add(m, "args", a);
		json_object_array_add(modes, m);
	}
	json_object_object_add(l, "modes", modes);
	sk_config_free(cfg);
	return l;
}

int main(int argc, char **argv)
{
	struct options o = { .settle_ms = -1 };
	struct json_object *reply = NULL, *v;
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	static char progbuf[64];
	char err[256];
	unsigned int i;
	int ret = 0;

	o.cmd = CMD_SWITCH;
	for (i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "schedkit-%s", cmd_names[i]);
		if (!strcmp(base, want))
			o.cmd = i;
	}
	snprintf(progbuf, sizeof(progbuf), "schedkit %s", cmd_names[o.cmd]);
	prog = progbuf;
	parse_args(argc, argv, &o);
	if (sk_ctl_run_dir_check(err, sizeof(err)))
		die("%s", err);

	switch (o.cmd) {
	case CMD_SWITCH:
		if (daemon_call(&o, SK_CTL_SWITCH, &reply) && o.json) {
			json_object_object_del(reply, "ok");
			json_object_object_add(reply, "via", json_object_new_string("schedkitd"));
			print_json(reply);
			break;
		}
		if (reply) {
			printf("switched to %s", jstr(reply, "scheduler") ?: o.name);
			if (jint(reply, "pid", 0))
				printf(" (pid %lld)", jint(reply, "pid", 0));
			if (json_object_object_get_ex(reply, "gap_ms", &v) && v)
				printf(": %.1f ms without a sched_ext scheduler",
				       json_object_get_double(v));
			printf(" [schedkitd]\n");
			break;
		}
		ret = direct_switch(&o);
		break;
	case CMD_STOP:
		if (daemon_call(&o, SK_CTL_STOP, &reply)) {
			printf("stopped: the kernel's default scheduler runs [schedkitd]\n");
			break;
		}
		ret = direct_stop();
		break;
	case CMD_STATUS:
		if (daemon_call(&o, SK_CTL_STATUS, &reply)) {
			json_object_object_get_ex(reply, "status", &v);
			v = json_object_get(v);
		} else {
			v = direct_status();
		}
		if (o.json)
			print_json(v);
		else
			print_status(v);
		json_object_put(v);
		break;
	case CMD_LIST: {
		struct json_object *st = NULL;

		if (daemon_call(&o, SK_CTL_LIST, &reply)) {
			json_object_object_get_ex(reply, "list", &v);
			v = json_object_get(v);
		} else {
			v = direct_list(&o);
		}
		if (o.json) {
			print_json(v);
		} else {
			st = direct_status();
			print_list(v, jstr(st, "scheduler"));
		}
		json_object_put(st);
		json_object_put(v);
		break;
	}
	}
	json_object_put(reply);
	return ret;
}
