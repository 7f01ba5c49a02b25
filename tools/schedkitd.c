// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkitd: the daemon that owns the machine's sched_ext scheduler.
 *
 * It starts the configured default scheduler, switches on request from
 * its control socket (include/schedkit/ctl.h), and supervises the loader
 * process: a loader that dies with an error is restarted with backoff,
 * and after restart_max failures the machine falls back to the kernel's
 * default scheduler, which `schedkit status` then reports.
 *
 * The loader runs in its own session and outlives the daemon: stopping
 * or killing schedkitd never changes the scheduler, and the next
 * schedkitd adopts the running loader (from the state file in the run
 * directory, or by looking for the scx_* process behind
 * /sys/kernel/sched_ext/root/ops).
 *
 * One thread, one poll loop. A switch runs to completion inside the loop
 * (a few seconds at most); clients that talk meanwhile wait in the
 * socket backlog, each with its own deadline on the client side.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include <schedkit/config.h>
#include <schedkit/ctl.h>

#include "switcher.h"

#define MAX_CLIENTS		16
#define CLIENT_IDLE_NS		(30 * 1000000000LL)
#define STABLE_NS		(60 * 1000000000LL)	/* up this long: restart count resets */
#define LOG_MAX_BYTES		(1 << 20)
#define START_TIMEOUT_MS	60000

struct client {
	int fd;			/* -1: free slot */
	uid_t uid;
	pid_t pid;
	char buf[SK_CTL_MAX_LINE + 1];
	size_t len;
	long long last_ns;
};

struct daemon {
	const char *config_path;
	const char *socket_path;
	bool no_default;
	struct sk_config *cfg;
	int lfd, sigfd;
	struct client clients[MAX_CLIENTS];

	struct sw_proc cur;	/* the supervised loader; pid 0: none */
	int pidfd;		/* on cur, -1 if none */
	char mode[64];

	/* supervision */
	struct sw_proc restart_of;	/* pid 0 */
	unsigned int restarts;
	long long restart_at;		/* monotonic ns; 0: none pending */
	char health[1024];
	char last_event[1024];
	double last_gap_ms;

	bool quit;
};

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("schedkitd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

__attribute__((format(printf, 2, 3)))
static void event(struct daemon *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->last_event, sizeof(d->last_event), fmt, ap);
	va_end(ap);
	logmsg("%s", d->last_event);
}

static void set_health(struct daemon *d, const char *s)
{
	snprintf(d->health, sizeof(d->health), "%s", s);
}

static int pidfd_open_pid(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

/* Starts watching d->cur (already filled in). */
static void watch_cur(struct daemon *d)
{
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = d->cur.pid ? pidfd_open_pid(d->cur.pid) : -1;
	if (d->cur.pid && d->pidfd < 0)
		logmsg("cannot watch pid %d: %s", (int)d->cur.pid, strerror(errno));
}

static void unwatch(struct daemon *d)
{
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = -1;
}

/* ---- config ----------------------------------------------------------------- */

static int load_config(struct daemon *d, char *err, size_t err_len)
{
	struct sk_config *cfg;
	int ret;

	ret = sk_config_load(d->config_path, &cfg, err, err_len);
	if (ret == -ENOENT)
		ret = sk_config_parse("", 0, d->config_path, &cfg, err, err_len);
	if (ret)
		return ret;
	sk_config_free(d->cfg);
	d->cfg = cfg;
	return 0;
}

/* ---- switching ---------------------------------------------------------------- */

static void cancel_restart(struct daemon *d)
{
	d->restart_at = 0;
	sw_proc_clear(&d->restart_of);
}

/*
 * Switches to @name with @args (NULL: configured). On failure returns a
 * negative errno with the reason in @err; d->cur is then what runs.
 */
static int do_switch(struct daemon *d, const char *name, char *const *args,
		     struct json_object *reply, char *err, size_t err_len)
{
	struct sw_timing t;
	struct sw_plan plan;
	bool rb;
	int ret;

	ret = sw_plan(d->cfg, name, args, &plan, err, err_len);
	if (ret)
		return ret;
	cancel_restart(d);
	unwatch(d);
	ret = sw_switch(&d->cur, plan.exe, plan.name, plan.args, START_TIMEOUT_MS,
			d->cfg->settle_ms, &t, &rb, err, err_len);
	watch_cur(d);
	if (ret) {
		event(d, "switch to %s failed: %s", name, err);
		set_health(d, rb ? "ok (the last switch failed; the previous scheduler runs)" :
			   "no sched_ext scheduler: the last switch failed");
		if (!rb)
			d->mode[0] = '\0';
		sw_plan_clear(&plan);
		return ret;
	}
	d->restarts = 0;
	d->last_gap_ms = t.gap_ms;
	snprintf(d->mode, sizeof(d->mode), "%s", plan.mode);
	set_health(d, "ok");
	if (t.gap_ms >= 0)
		event(d, "switched to %s (pid %d): %.1f ms without a sched_ext scheduler",
		      plan.name, (int)d->cur.pid, t.gap_ms);
	else
		event(d, "started %s (pid %d) in %.1f ms", plan.name, (int)d->cur.pid,
		      t.start_ms);
	if (reply) {
		json_object_object_add(reply, "scheduler", json_object_new_string(plan.name));
		json_object_object_add(reply, "pid", json_object_new_int(d->cur.pid));
		if (plan.mode[0])
			json_object_object_add(reply, "mode", json_object_new_string(plan.mode));
		if (t.gap_ms >= 0)
			json_object_object_add(reply, "gap_ms", json_object_new_double(t.gap_ms));
		json_object_object_add(reply, "stop_ms", json_object_new_double(t.stop_ms));
		json_object_object_add(reply, "start_ms", json_object_new_double(t.start_ms));
	}
	sw_plan_clear(&plan);
	return 0;
}

static int do_stop(struct daemon *d, char *err, size_t err_len)
{
	struct sw_sys sys;
	long long left;
	int ret;

	cancel_restart(d);
	sw_sys_read(&sys);
	if (!d->cur.pid && !strcmp(sys.state, "enabled")) {
		snprintf(err, err_len,
			 "sched_ext runs '%s' from a loader schedkitd does not know; stop that loader",
			 sys.ops);
		return -EBUSY;
	}
	unwatch(d);
	ret = sw_stop(&d->cur, NULL, &left, err, err_len);
	if (ret) {
		watch_cur(d);
		return ret;
	}
	if (d->cur.pid)
		event(d, "stopped %s: the kernel's default scheduler runs", d->cur.name);
	sw_proc_clear(&d->cur);
	sw_state_clear();
	d->mode[0] = '\0';
	d->restarts = 0;
	set_health(d, "ok (stopped on request)");
	return 0;
}

/* ---- supervision ------------------------------------------------------------------ */

static void log_path(const struct sw_proc *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/scx_%s.log", sk_ctl_run_dir(), p->name);
}

/* The supervised loader is gone; @status is valid when @known. */
static void loader_died(struct daemon *d, bool known, int status)
{
	char how[64], tail[512];
	unsigned int backoff;

	unwatch(d);
	if (known && WIFEXITED(status))
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	else if (known && WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exit status unknown");
	sw_log_tail(&d->cur, tail, sizeof(tail));

	if (known && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		/* Stopped on request (a signal from outside, sysrq): respect it. */
		event(d, "scx_%s exited normally; the kernel's default scheduler runs",
		      d->cur.name);
		set_health(d, "ok (the scheduler was stopped outside schedkitd)");
		sw_proc_clear(&d->cur);
		sw_state_clear();
		d->mode[0] = '\0';
		return;
	}
	if (d->restarts >= d->cfg->restart_max) {
		snprintf(d->health, sizeof(d->health),
			 "fell back to the kernel's default scheduler: scx_%s failed %u time(s), last %s%s%s",
			 d->cur.name, d->restarts + 1, how, tail[0] ? ": " : "", tail);
		event(d, "%s", d->health);
		sw_proc_clear(&d->cur);
		sw_state_clear();
		d->mode[0] = '\0';
		return;
	}
	backoff = d->cfg->restart_backoff_ms << (d->restarts < 16 ? d->restarts : 16);
	d->restarts++;
	sw_proc_copy(&d->restart_of, &d->cur);
	sw_proc_clear(&d->cur);
	d->restart_at = sw_now_ns() + (long long)backoff * 1000000LL;
	snprintf(d->health, sizeof(d->health),
		 "restarting scx_%s in %u ms (attempt %u of %u) after %s%s%s",
		 d->restart_of.name, backoff, d->restarts, d->cfg->restart_max, how,
		 tail[0] ? ": " : "", tail);
	event(d, "%s", d->health);
}

static void do_restart(struct daemon *d)
{
	struct sw_proc p = { 0 };
	struct sw_timing t;
	char err[1024];
	long long left;
	int ret;

	d->restart_at = 0;
	/* The dead loader's scheduler may still be on its way out. */
	sw_stop(&p, NULL, &left, err, sizeof(err));
	ret = sw_start(d->restart_of.exe, d->restart_of.name, d->restart_of.args,
		       START_TIMEOUT_MS, d->cfg->settle_ms, 0, &p, &t, err, sizeof(err));
	if (ret) {
		/* Counts as another death of the same scheduler. */
		sw_proc_copy(&d->cur, &d->restart_of);
		d->cur.pid = 0;
		snprintf(d->last_event, sizeof(d->last_event), "%s", err);
		logmsg("restart failed: %s", err);
		loader_died(d, true, 1 << 8);
		return;
	}
	sw_proc_clear(&d->cur);
	d->cur = p;
	sw_state_save(&d->cur);
	watch_cur(d);
	event(d, "restarted scx_%s (pid %d), attempt %u", d->cur.name, (int)d->cur.pid,
	      d->restarts);
	snprintf(d->health, sizeof(d->health), "ok (restarted %u time(s))", d->restarts);
	sw_proc_clear(&d->restart_of);
}

static void reap(struct daemon *d)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (d->cur.pid && pid == d->cur.pid)
			loader_died(d, true, status);
}

static void check_cur(struct daemon *d)
{
	if (!d->cur.pid)
		return;
	if (d->cur.child) {
		reap(d);
		return;
	}
	if (!sw_proc_alive(&d->cur))
		loader_died(d, false, 0);
}

/* ---- requests ------------------------------------------------------------------------- */

static struct json_object *status_json(struct daemon *d)
{
	struct json_object *st, *dm = json_object_new_object();
	struct sw_sys sys;

	sw_sys_read(&sys);
	st = sw_status_json(&sys, &d->cur);
	json_object_object_add(dm, "pid", json_object_new_int(getpid()));
	json_object_object_add(dm, "mode", json_object_new_string(d->mode));
	json_object_object_add(dm, "health", json_object_new_string(d->health));
	if (d->last_event[0])
		json_object_object_add(dm, "last_event", json_object_new_string(d->last_event));
	if (d->last_gap_ms >= 0)
		json_object_object_add(dm, "last_gap_ms", json_object_new_double(d->last_gap_ms));
	json_object_object_add(dm, "restarts", json_object_new_int(d->restarts));
	json_object_object_add(dm, "config", json_object_new_string(d->config_path));
	json_object_object_add(st, "daemon", dm);
	return st;
}

static struct json_object *list_json(struct daemon *d)
{
	struct json_object *l = json_object_new_object(), *modes = json_object_new_array();
	int i, j;

	json_object_object_add(l, "schedulers", sw_list_json());
	for (i = 0; i < d->cfg->nr_modes; i++) {
		const struct sk_config_entry *e = &d->cfg->modes[i];
		struct json_object *m = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(m, "name", json_object_new_string(e->name));
		json_object_object_add(m, "scheduler", json_object_new_string(e->sched));
		for (j = 0; j < e->nr_args; j++)
			json_object_array_add(a, json_object_new_string(e->args[j]));
		json_object_object_add(m, "args", a);
		json_object_array_add(modes, m);
	}
	json_object_object_add(l, "modes", modes);
	return l;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/* Replies never block the daemon: a client that does not read is dropped. */
static void client_send(struct client *c, char *line)
{
	size_t len = line ? strlen(line) : 0;

	if (!line || send(c->fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len)
		client_close(c);
	free(line);
}

static void reply_error(struct client *c, int err, const char *msg)
{
	char *line;

	if (!sk_ctl_reply_error(err, msg, &line))
		client_send(c, line);
	else
		client_close(c);
}

static void handle_request(struct daemon *d, struct client *c, const char *line,
			   size_t len)
{
	struct sk_ctl_request *r;
	struct json_object *body;
	char err[2048], *out;
	int ret;

	ret = sk_ctl_request_parse(line, len, &r, err, sizeof(err));
	if (ret) {
		reply_error(c, -ret, err);
		return;
	}
	if ((r->req == SK_CTL_SWITCH || r->req == SK_CTL_STOP || r->req == SK_CTL_RELOAD) &&
	    c->uid != 0) {
		/* Checked on every request: credentials are the connecting process's. */
		snprintf(err, sizeof(err),
			 "%s needs root: run schedkit %s as root (uid %u is not allowed)",
			 sk_ctl_req_name(r->req), sk_ctl_req_name(r->req), (unsigned int)c->uid);
		logmsg("refused %s from uid %u (pid %d)", sk_ctl_req_name(r->req),
		       (unsigned int)c->uid, (int)c->pid);
		reply_error(c, EPERM, err);
		sk_ctl_request_free(r);
		return;
	}
	body = json_object_new_object();
	ret = 0;
	switch (r->req) {
	case SK_CTL_SWITCH:
		logmsg("switch to %s requested by pid %d", r->name, (int)c->pid);
		ret = do_switch(d, r->name, r->args, body, err, sizeof(err));
		break;
	case SK_CTL_STOP:
		ret = do_stop(d, err, sizeof(err));
		break;
	case SK_CTL_STATUS:
		check_cur(d);
		json_object_object_add(body, "status", status_json(d));
		break;
	case SK_CTL_LIST:
		json_object_object_add(body, "list", list_json(d));
		break;
	case SK_CTL_RELOAD:
		ret = load_config(d, err, sizeof(err));
		if (ret)
			logmsg("reload failed, keeping the old configuration: %s", err);
		else
			event(d, "reloaded %s", d->config_path);
		break;
	}
	sk_ctl_request_free(r);
	if (ret) {
		json_object_put(body);
		reply_error(c, -ret, err);
		return;
	}
	if (sk_ctl_reply_ok(body, &out))
		client_close(c);
	else
		client_send(c, out);
}

static void client_read(struct daemon *d, struct client *c)
{
	ssize_t n;
	char *nl;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_close(c);
		return;
	}
	if (n < 0)
		return;
	c->len += n;
	c->last_ns = sw_now_ns();
	while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
		size_t line_len = nl - c->buf;

		handle_request(d, c, c->buf, line_len);
		if (c->fd < 0)
			return;
		memmove(c->buf, nl + 1, c->len - line_len - 1);
		c->len -= line_len + 1;
	}
	if (c->len >= sizeof(c->buf) - 1) {
		reply_error(c, EMSGSIZE, "request line too long");
		client_close(c);
	}
}

static void accept_client(struct daemon *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, i;

	fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		close(fd);
		return;
	}
	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd < 0)
			break;
	if (i == MAX_CLIENTS) {
		struct client tmp = { .fd = fd };

		reply_error(&tmp, EBUSY, "schedkitd is busy with too many clients; try again");
		client_close(&tmp);
		return;
	}
	d->clients[i].fd = fd;
	d->clients[i].uid = cred.uid;
	d->clients[i].pid = cred.pid;
	d->clients[i].len = 0;
	d->clients[i].last_ns = sw_now_ns();
}

/* ---- setup ----------------------------------------------------------------------------- */

static int listen_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		logmsg("socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* We hold the lock, so whatever socket file is there is stale. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    /*
	     * Everyone may connect: status and list are for all, and a
	     * non-root client gets a clear EPERM answer for the rest
	     * instead of a bare "permission denied" on connect.
	     */
	    chmod(path, 0666) || listen(fd, 16)) {
		logmsg("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void adopt(struct daemon *d)
{
	struct sw_sys sys;

	if (sw_sys_read(&sys)) {
		set_health(d, "this kernel has no sched_ext");
		logmsg("this kernel has no sched_ext (no %s); switching will fail", sw_sysfs());
		return;
	}
	if (!sw_find_active(&sys, &d->cur)) {
		watch_cur(d);
		sw_state_save(&d->cur);
		set_health(d, "ok");
		event(d, "adopted scx_%s (pid %d), which was already running", d->cur.name,
		      (int)d->cur.pid);
		return;
	}
	if (!strcmp(sys.state, "enabled")) {
		set_health(d, "sched_ext runs a scheduler whose loader schedkitd cannot find");
		event(d, "sched_ext runs '%s' from an unknown loader; leaving it alone", sys.ops);
		return;
	}
	set_health(d, "ok");
	if (d->cfg->default_name && !d->no_default) {
		char err[2048];

		if (do_switch(d, d->cfg->default_name, NULL, NULL, err, sizeof(err)))
			snprintf(d->health, sizeof(d->health),
				 "the default scheduler failed to start: %.900s", err);
	}
}

static int take_lock(void)
{
	const char *lock = sk_ctl_run_path(SK_CTL_RUN_LOCK);
	int fd;

	mkdir(sk_ctl_run_dir(), 0755);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		logmsg("cannot open %s: %s", lock, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		logmsg("another schedkitd, or a schedkit switch, holds %s: not starting", lock);
		close(fd);
		return -1;
	}
	return fd;
}

static void housekeeping(struct daemon *d)
{
	char path[PATH_MAX];
	struct stat st;

	if (!d->cur.pid)
		return;
	/* Loaders print a line a second; keep their logs from filling /run. */
	log_path(&d->cur, path, sizeof(path));
	if (!stat(path, &st) && st.st_size > LOG_MAX_BYTES)
		truncate(path, 0);
	if (d->restarts && time(NULL) - d->cur.since > STABLE_NS / 1000000000LL) {
		d->restarts = 0;
		set_health(d, "ok");
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: schedkitd [--config PATH] [--socket PATH] [--no-default]\n\n"
		"Own the sched_ext scheduler: start the configured default, switch on\n"
		"request (schedkit switch/stop), restart a scheduler that dies.\n\n"
		"  --config PATH   configuration (%s)\n"
		"  --socket PATH   control socket (%s)\n"
		"  --no-default    do not start the default scheduler\n\n"
		"$%s moves the run directory (%s): socket, lock, state, logs.\n",
		SK_CONFIG_DEFAULT_PATH, sk_ctl_run_path(SK_CTL_RUN_CONTROL), SK_CTL_RUN_DIR_ENV,
		SK_CTL_RUN_DIR);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "no-default", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct daemon dd;
	struct daemon *d = &dd;
	struct pollfd pfd[MAX_CLIENTS + 3];
	char err[1024];
	sigset_t mask;
	int c, i, n, lockfd;

	d->config_path = getenv("SCHEDKIT_CONFIG") ?: SK_CONFIG_DEFAULT_PATH;
	d->socket_path = sk_ctl_run_path(SK_CTL_RUN_CONTROL);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d->config_path = optarg;
			break;
		case 's':
			d->socket_path = optarg;
			break;
		case 'n':
			d->no_default = true;
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
	if (sk_ctl_run_dir_check(err, sizeof(err))) {
		logmsg("%s", err);
		return 2;
	}
	if (geteuid()) {
		logmsg("must run as root: it starts and stops sched_ext schedulers");
		return 1;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (load_config(d, err, sizeof(err))) {
		logmsg("%s", err);
		return 1;
	}
	lockfd = take_lock();
	if (lockfd < 0)
		return 1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->lfd = listen_socket(d->socket_path);
	if (d->lfd < 0 || d->sigfd < 0)
		return 1;
	d->pidfd = -1;
	d->last_gap_ms = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d->clients[i].fd = -1;
	logmsg("listening on %s (config %s)", d->socket_path, d->config_path);
	adopt(d);

	while (!d->quit) {
		long long now = sw_now_ns(), wait = 1000000000LL;
		int cidx[MAX_CLIENTS];

		n = 0;
		pfd[n++] = (struct pollfd){ .fd = d->lfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->pidfd, .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (d->clients[i].fd < 0)
				continue;
			cidx[n - 3] = i;
			pfd[n++] = (struct pollfd){ .fd = d->clients[i].fd, .events = POLLIN };
		}
		if (d->restart_at && d->restart_at - now < wait)
			wait = d->restart_at - now > 0 ? d->restart_at - now : 0;
		if (poll(pfd, n, (int)(wait / 1000000) + 1) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					reap(d);
				} else if (si.ssi_signo == SIGHUP) {
					if (load_config(d, err, sizeof(err)))
						logmsg("reload failed, keeping the old configuration: %s",
						       err);
					else
						event(d, "reloaded %s", d->config_path);
				} else {
					d->quit = true;
				}
			}
		}
		if (pfd[2].fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP)))
			check_cur(d);
		for (i = 3; i < n; i++) {
			struct client *cl = &d->clients[cidx[i - 3]];

			if (cl->fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				client_read(d, cl);
		}
		if (pfd[0].revents & POLLIN)
			accept_client(d);
		now = sw_now_ns();
		for (i = 0; i < MAX_CLIENTS; i++)
			if (d->clients[i].fd >= 0 && now - d->clients[i].last_ns > CLIENT_IDLE_NS)
				client_close(&d->clients[i]);
		if (d->restart_at && now >= d->restart_at)
			do_restart(d);
		housekeeping(d);
	}
	/* The loader keeps running; the next schedkitd adopts it. */
	logmsg("exiting; %s keeps running", d->cur.pid ? d->cur.name : "the kernel's default scheduler");
	for (i = 0; i < MAX_CLIENTS; i++)
		client_close(&d->clients[i]);
	unlink(d->socket_path);
	close(lockfd);
	sk_config_free(d->cfg);
	sw_proc_clear(&d->cur);
	return 0;
}
