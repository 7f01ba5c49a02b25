// SPDX-License-Identifier: GPL-2.0-only
/*
 * The switching engine behind `schedkit switch` and schedkitd (see
 * switcher.h). All timing comes from polling /sys/kernel/sched_ext/state
 * every millisecond: it is the one signal every sched_ext loader gives,
 * whatever language it is written in.
 *
 * Loaders built on libschedkit get a prepared start (schedkit/sched.h):
 * they load and verify while the old scheduler runs and attach when told,
 * so that the gap is the kernel's disable and enable alone. Telling them
 * apart takes a look at the file, never a run: an external loader does
 * not know SCHEDKIT_READY_FD and would try to attach while the old one is
 * still enabled.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include <schedkit/ctl.h>
#include <schedkit/config.h>
#include <schedkit/sched.h>
#include <schedkit/util.h>

#include "switcher.h"

#define POLL_NS		1000000LL	/* 1 ms between state reads */


long long sw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(long long ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Reads a small file into @buf without its trailing newline; 0 or -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

const char *sw_sysfs(void)
{
	return getenv("SCHEDKIT_SYSFS") ?: SW_SYSFS;
}

/* Reads sysfs file @name under sw_sysfs(). */
static int read_sys(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", sw_sysfs(), name);
	return read_small(path, buf, len);
}

static long long read_ll(const char *name)
{
	char buf[64];

	if (read_sys(name, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

int sw_sys_read(struct sw_sys *s)
{
	memset(s, 0, sizeof(*s));
	if (read_sys("state", s->state, sizeof(s->state))) {
		snprintf(s->state, sizeof(s->state), "unavailable");
		s->enable_seq = s->nr_rejected = s->switch_all = -1;
		return -ENOENT;
	}
	s->present = true;
	read_sys("root/ops", s->ops, sizeof(s->ops));
	s->enable_seq = read_ll("enable_seq");
	s->nr_rejected = read_ll("nr_rejected");
	s->switch_all = read_ll("switch_all");
	return 0;
}

static bool state_is(const char *want)
{
	char buf[32];

	return !read_sys("state", buf, sizeof(buf)) && !strcmp(buf, want);
}

/* Field 22 of /proc/PID/stat and whether the process is a zombie. */
static int proc_starttime(pid_t pid, unsigned long long *st, bool *zombie)
{
	char path[64], buf[1024], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)))
		return -ESRCH;
	/* comm may contain spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EPROTO;
	p += 2;
	*zombie = *p == 'Z' || *p == 'X';
	for (i = 0; i < 19 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -EPROTO;
	*st = strtoull(p, NULL, 10);
	return 0;
}

bool sw_proc_alive(const struct sw_proc *p)
{
	unsigned long long st;
	bool zombie;

	if (!p->pid || proc_starttime(p->pid, &st, &zombie))
		return false;
	return !zombie && st == p->starttime;
}

void sw_proc_clear(struct sw_proc *p)
{
	sk_strv_free(p->args);
	memset(p, 0, sizeof(*p));
}

static char **strv_dup(char *const *v)
{
	char **d;
	int n = 0, i;

	if (!v)
		return NULL;
	while (v[n])
		n++;
	d = calloc(n + 1, sizeof(*d));
	for (i = 0; d && i < n; i++) {
		d[i] = strdup(v[i]);
		if (!d[i]) {
			sk_strv_free(d);
			return NULL;
		}
	}
	return d;
}

int sw_proc_copy(struct sw_proc *dst, const struct sw_proc *src)
{
	if (dst == src)
		return 0;
	sw_proc_clear(dst);
	*dst = *src;
	dst->args = NULL;
	if (src->args) {
		dst->args = strv_dup(src->args);
		if (!dst->args)
			return -ENOMEM;
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void set_short_name(char *dst, size_t len, const char *exe)
{
	const char *b = base_name(exe);

	snprintf(dst, len, "%s", strncmp(b, "scx_", 4) ? b : b + 4);
}

/* Fills @p from /proc/PID: exe, options, start time. */
static int proc_from_pid(pid_t pid, struct sw_proc *p)
{
	char path[64], buf[8192];
	bool zombie;
	ssize_t n;
	int fd, nr = 0, i;
	char *s;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (proc_starttime(pid, &p->starttime, &zombie) || zombie)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	i = readlink(path, p->exe, sizeof(p->exe) - 1);
	if (i > 0)
		p->exe[i] = '\0';
	else
		snprintf(p->exe, sizeof(p->exe), "%.4000s", buf);
	set_short_name(p->name, sizeof(p->name), p->exe);
	for (s = buf + strlen(buf) + 1; s < buf + n; s += strlen(s) + 1)
		nr++;
	p->args = calloc(nr + 1, sizeof(*p->args));
	if (!p->args)
		return -ENOMEM;
	i = 0;
	for (s = buf + strlen(buf) + 1; s < buf + n; s += strlen(s) + 1)
		p->args[i++] = strdup(s);
	/* A discovered process: its start time is the best "since" we have. */
	{
		long long btime = 0;
		FILE *f = fopen("/proc/stat", "re");
		char line[256];

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "btime %lld", &btime) == 1)
				break;
		if (f)
			fclose(f);
		p->since = btime + (long long)(p->starttime / sysconf(_SC_CLK_TCK));
	}
	return 0;
}

static int state_load(struct sw_proc *p)
{
	struct json_object *o = json_object_from_file(SW_STATE_FILE), *v, *a;
	size_t i, n;

	memset(p, 0, sizeof(*p));
	if (!o)
		return -ENOENT;
	if (!json_object_is_type(o, json_type_object))
		goto bad;
	if (json_object_object_get_ex(o, "pid", &v))
		p->pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "starttime", &v))
		p->starttime = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "since", &v))
		p->since = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "exe", &v))
		snprintf(p->exe, sizeof(p->exe), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "name", &v))
		snprintf(p->name, sizeof(p->name), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "args", &a) &&
	    json_object_is_type(a, json_type_array)) {
		n = json_object_array_length(a);
		p->args = calloc(n + 1, sizeof(*p->args));
		for (i = 0; p->args && i < n; i++)
			p->args[i] = strdup(json_object_get_string(
				json_object_array_get_idx(a, i)) ?: "");
	}
	json_object_put(o);
	if (p->pid <= 0 || !p->exe[0] || !sw_proc_alive(p)) {
		sw_proc_clear(p);
		return -ESRCH;
	}
	return 0;
bad:
	json_object_put(o);
	return -EINVAL;
}

static struct json_object *args_json(char *const *args)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; args && args[i]; i++)
		json_object_array_add(a, json_object_new_string(args[i]));
	return a;
}

int sw_state_save(const struct sw_proc *p)
{
	struct json_object *o = json_object_new_object();
	const char *tmp = sk_ctl_run_path(SK_CTL_RUN_STATE_TMP);
	int ret = 0;

	mkdir(SW_LOG_DIR, 0755);
	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "starttime", json_object_new_uint64(p->starttime));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "exe", json_object_new_string(p->exe));
	json_object_object_add(o, "args", args_json(p->args));
	json_object_object_add(o, "since", json_object_new_int64(p->since));
	/* Written then renamed: a crash never leaves half a file to adopt. */
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN) ||
	    rename(tmp, SW_STATE_FILE))
		ret = -errno ?: -EIO;
	json_object_put(o);
	return ret;
}

void sw_state_clear(void)
{
	unlink(SW_STATE_FILE);
}

int sw_find_active(const struct sw_sys *sys, struct sw_proc *p)
{
	struct sw_proc cand = { 0 };
	struct dirent *e;
	int nr_scx = 0;
	DIR *d;

	if (!state_load(p))
		return 0;
	d = opendir("/proc");
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char path[64], exe[PATH_MAX];
		pid_t pid = atoi(e->d_name);
		const char *b;
		ssize_t n;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		n = readlink(path, exe, sizeof(exe) - 1);
		if (n <= 0)
			continue;
		exe[n] = '\0';
		b = base_name(exe);
		if (strncmp(b, "scx_", 4))
			continue;
		nr_scx++;
		/* root/ops is the name the scheduler registered, e.g. "fifo". */
		if (sys->ops[0] && !strncmp(sys->ops, b + 4, strlen(b + 4))) {
			sw_proc_clear(&cand);
			closedir(d);
			return proc_from_pid(pid, p);
		}
		if (!cand.pid)
			cand.pid = pid;
	}
	closedir(d);
	if (nr_scx == 1 && !strcmp(sys->state, "enabled"))
		return proc_from_pid(cand.pid, p);
	return -ENOENT;
}

int sw_resolve(const char *name, char *exe, size_t exe_len, char *short_name,
	       size_t short_len)
{
	const char *path = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
	char want[SK_CTL_MAX_NAME + 8];
	const char *p, *end;

	if (name[0] == '/') {
		if (access(name, X_OK))
			return -ENOENT;
		snprintf(exe, exe_len, "%s", name);
		set_short_name(short_name, short_len, name);
		return 0;
	}
	if (!sk_ctl_name_valid(name))
		return -EINVAL;
	snprintf(want, sizeof(want), "%s%s", strncmp(name, "scx_", 4) ? "scx_" : "",
		 name);
	for (p = path; *p; p = *end ? end + 1 : end) {
		struct stat st;

		end = strchrnul(p, ':');
		if (end == p)
			continue;
		snprintf(exe, exe_len, "%.*s/%s", (int)(end - p), p, want);
		if (!stat(exe, &st) && S_ISREG(st.st_mode) && !access(exe, X_OK)) {
			set_short_name(short_name, short_len, want);
			return 0;
		}
	}
	exe[0] = '\0';
	return -ENOENT;
}

static int cmp_name(const void *a, const void *b)
{
	struct json_object *x = *(struct json_object *const *)a;
	struct json_object *y = *(struct json_object *const *)b;
	struct json_object *nx, *ny;

	json_object_object_get_ex(x, "name", &nx);
	json_object_object_get_ex(y, "name", &ny);
	return strcmp(json_object_get_string(nx), json_object_get_string(ny));
}

struct json_object *sw_list_json(void)
{
	const char *path = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
	struct json_object *arr = json_object_new_array();
	const char *p, *end;

	for (p = path; *p; p = *end ? end + 1 : end) {
		char dir[PATH_MAX], file[PATH_MAX * 2];
		struct dirent *e;
		DIR *d;

		end = strchrnul(p, ':');
		if (end == p || end - p >= (long)sizeof(dir))
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)(end - p), p);
		d = opendir(dir);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			struct stat st;
			size_t i;
			bool dup = false;

			if (strncmp(e->d_name, "scx_", 4) || !e->d_name[4] ||
			    !sk_ctl_name_valid(e->d_name))
				continue;
			snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
			if (stat(file, &st) || !S_ISREG(st.st_mode) || access(file, X_OK))
				continue;
			for (i = 0; i < json_object_array_length(arr); i++) {
				struct json_object *n;

				json_object_object_get_ex(json_object_array_get_idx(arr, i),
							  "name", &n);
				if (!strcmp(json_object_get_string(n), e->d_name + 4))
					dup = true;
			}
			if (dup)
				continue;
			{
				struct json_object *o = json_object_new_object();

				json_object_object_add(o, "name",
						       json_object_new_string(e->d_name + 4));
				json_object_object_add(o, "path", json_object_new_string(file));
				json_object_array_add(arr, o);
			}
		}
		closedir(d);
	}
	json_object_array_sort(arr, cmp_name);
	return arr;
}

/* Reaps @p if it is our child and has exited; true when it is gone. */
static bool proc_gone(struct sw_proc *p, int *status)
{
	if (p->child) {
		pid_t r = waitpid(p->pid, status, WNOHANG);

		if (r == p->pid || (r < 0 && errno == ECHILD))
			return true;
		return false;
	}
	return !sw_proc_alive(p);
}

/*
 * Stopping a loader: SIGINT, then SIGTERM after 3 s and SIGKILL after 10 s
 * while it is still there; given up after 20 s.
 */
struct stopping {
	struct sw_proc *p;
	long long t0;		/* when SIGINT went */
	bool gone, term, killed;
};

static void stop_begin(struct stopping *s, struct sw_proc *p)
{
	s->p = p;
	s->t0 = sw_now_ns();
	s->gone = !p || !p->pid;
	s->term = s->killed = false;
	if (!s->gone)
		kill(p->pid, SIGINT);
}

/* Reaps or escalates, as time @now asks. */
static void stop_poll(struct stopping *s, long long now)
{
	int status;

	if (!s->gone)
		s->gone = proc_gone(s->p, &status);
	if (!s->gone && !s->term && now - s->t0 > 3000000000LL) {
		kill(s->p->pid, SIGTERM);
		s->term = true;
	}
	if (!s->gone && !s->killed && now - s->t0 > 10000000000LL) {
		kill(s->p->pid, SIGKILL);
		s->killed = true;
	}
}

static int stop_timed_out(const struct stopping *s, long long now, char *err,
			  size_t err_len)
{
	if (now - s->t0 <= 20000000000LL)
		return 0;
	sk_set_err(err, err_len, s->gone ?
		"sched_ext did not return to disabled within 20 s after the loader exited" :
		"scx_%s (pid %d) did not exit within 20 s, even after SIGKILL",
		s->p ? s->p->name : "?", s->p ? (int)s->p->pid : 0);
	return -ETIMEDOUT;
}

int sw_stop(struct sw_proc *cur, struct sw_timing *t, long long *left_ns,
	    char *err, size_t err_len)
{
	struct stopping s;
	long long now;
	int ret;

	*left_ns = 0;
	stop_begin(&s, cur);
	for (;;) {
		bool enabled = state_is("enabled");

		now = sw_now_ns();
		if (!enabled && !*left_ns)
			*left_ns = now;
		stop_poll(&s, now);
		if (s.gone && state_is("disabled"))
			break;
		ret = stop_timed_out(&s, now, err, err_len);
		if (ret)
			return ret;
		sleep_ns(POLL_NS);
	}
	if (t)
		t->stop_ms = (now - s.t0) / 1e6;
	return 0;
}

/*
 * Why the loader behind @log stopped, in one line, into @buf: libschedkit's
 * exit report ("stopped: KIND" and its message) when there is one, else
 * the last two lines the loader printed under its own name, else its last
 * line. The debug dump and per-second summaries would drown the reason.
 */
static void log_tail(const char *log, const char *prog, char *buf, size_t len)
{
	static char data[8192];
	char *lines[256], *s, *save;
	int n = 0, i, stopped = -1, msg = -1, own[2] = { -1, -1 };
	size_t plen = strlen(prog);
	ssize_t got;
	off_t size;
	int fd = open(log, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(data) - 1 ? size - (off_t)sizeof(data) + 1 : 0,
	      SEEK_SET);
	got = read(fd, data, sizeof(data) - 1);
	close(fd);
	if (got <= 0)
		return;
	data[got] = '\0';
	for (s = strtok_r(data, "\n", &save); s && n < 256; s = strtok_r(NULL, "\n", &save))
		lines[n++] = s;
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		if (strstr(lines[i], ": stopped: ")) {
			stopped = i;
			msg = -1;
		} else if (stopped >= 0 && msg < 0 &&
			   (strstr(lines[i], "message: ") || strstr(lines[i], "kernel says: "))) {
			msg = i;
		}
		if (!strncmp(lines[i], prog, plen) && lines[i][plen] == ':' &&
		    !strstr(lines[i], "dump")) {
			own[0] = own[1];
			own[1] = i;
		}
	}
	if (stopped >= 0 && msg >= 0)
		snprintf(buf, len, "%s / %s", lines[stopped], lines[msg]);
	else if (stopped >= 0)
		snprintf(buf, len, "%s", lines[stopped]);
	else if (own[0] >= 0)
		snprintf(buf, len, "%s / %s", lines[own[0]], lines[own[1]]);
	else if (own[1] >= 0)
		snprintf(buf, len, "%s", lines[own[1]]);
	else
		snprintf(buf, len, "%s", lines[n - 1]);
}

static void describe_status(char *buf, size_t len, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "ended");
}

/* Stops our child @pid: @sig, then SIGKILL after 5 s; reaps it. */
static void kill_child(pid_t pid, int sig, int *status)
{
	long long t0 = sw_now_ns();

	kill(pid, sig);
	while (waitpid(pid, status, WNOHANG) == 0) {
		if (sw_now_ns() - t0 > 5000000000LL) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return;
		}
		sleep_ns(10 * POLL_NS);
	}
}

extern char **environ;

/*
 * The loader's environment: ours without SK_READY_ENV, plus @ready (e.g.
 * "SCHEDKIT_READY_FD=3") when not NULL. Built before fork(), as the
 * child may only exec. NULL on ENOMEM.
 */
static char **loader_env(const char *ready)
{
	size_t n = 0, i, k = 0, plen = strlen(SK_READY_ENV "=");
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], SK_READY_ENV "=", plen))
			env[k++] = environ[i];
	if (ready)
		env[k++] = (char *)ready;
	return env;
}

/*
 * Starts @exe in its own session with output to @log. @ready_sock >= 0:
 * a prepared start, the loader gets that socket as fd 3 and SK_READY_ENV=3.
 */
static pid_t spawn(const char *exe, const char *name, char *const *args,
		   const char *log, int ready_sock)
{
	char **argv, **env;
	int n = 0, i, fd;
	pid_t pid;
	sigset_t all;

	while (args && args[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	env = loader_env(ready_sock >= 0 ? SK_READY_ENV "=3" : NULL);
	if (!argv || !env) {
		free(argv);
		free(env);
		return -ENOMEM;
	}
	argv[0] = (char *)exe;
	for (i = 0; i < n; i++)
		argv[i + 1] = args[i];
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/*
		 * Its own session: the loader must outlive the switch command
		 * and the daemon (a kill -9 of the daemon leaves it running),
		 * and a terminal's ^C must not reach it.
		 */
		setsid();
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (i = 1; i < NSIG; i++)
			signal(i, SIG_DFL);
		dup2(null, 0);
		dup2(fd >= 0 ? fd : null, 1);
		dup2(fd >= 0 ? fd : null, 2);
		/* the caller keeps ready_sock above 2, so 0-2 are safe */
		if (ready_sock == 3)
			fcntl(3, F_SETFD, 0);
		else if (ready_sock >= 0)
			dup2(ready_sock, 3);
		syscall(SYS_close_range, ready_sock >= 0 ? 4 : 3, ~0U, 0);
		execve(exe, argv, env);
		dprintf(2, "schedkit: cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	(void)name;
	if (fd >= 0)
		close(fd);
	free(argv);
	free(env);
	return pid < 0 ? -errno : pid;
}

int sw_start(const char *exe, const char *name, char *const *args,
	     int timeout_ms, unsigned int settle_ms, long long left_ns,
	     struct sw_proc *out, struct sw_timing *t, char *err,
	     size_t err_len)
{
	char log[PATH_MAX], tail[600], how[64], prog[80];
	long long t0, now, enabled_at = 0;
	int status = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	mkdir(SW_LOG_DIR, 0755);
	snprintf(log, sizeof(log), "%s/scx_%s.log", SW_LOG_DIR, name);
	snprintf(prog, sizeof(prog), "%s", strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe);
	t0 = sw_now_ns();
	pid = spawn(exe, name, args, log, -1);
	if (pid < 0) {
		sk_set_err(err, err_len, "cannot start %s: %s", exe, strerror(-pid));
		return pid;
	}
	out->pid = pid;
	out->child = true;
	snprintf(out->exe, sizeof(out->exe), "%s", exe);
	snprintf(out->name, sizeof(out->name), "%s", name);
	for (;;) {
		now = sw_now_ns();
		if (!enabled_at && state_is("enabled")) {
			enabled_at = now;
			if (t) {
				t->start_ms = (now - t0) / 1e6;
				t->gap_ms = left_ns > 0 ? (now - left_ns) / 1e6 : -1;
			}
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			describe_status(how, sizeof(how), status);
			log_tail(log, prog, tail, sizeof(tail));
			sk_set_err(err, err_len, "scx_%s %s (%s)%s%s", name,
				enabled_at ? "stopped right after it was enabled" :
				"failed to start", how, tail[0] ? ": " : "", tail);
			out->pid = 0;
			return -ECANCELED;
		}
		if (enabled_at && now - enabled_at >= (long long)settle_ms * 1000000LL)
			break;
		if (!enabled_at && now - t0 > (long long)timeout_ms * 1000000LL) {
			kill_child(pid, SIGKILL, &status);
			log_tail(log, prog, tail, sizeof(tail));
			sk_set_err(err, err_len, "scx_%s did not enable sched_ext within %d s%s%s",
				name, timeout_ms / 1000, tail[0] ? ": " : "", tail);
			out->pid = 0;
			return -ETIMEDOUT;
		}
		sleep_ns(enabled_at ? 20 * POLL_NS : POLL_NS);
	}
	if (!state_is("enabled")) {
		kill_child(pid, SIGINT, &status);
		sk_set_err(err, err_len, "scx_%s was ejected by the kernel within %u ms of starting",
			name, settle_ms);
		out->pid = 0;
		return -ECANCELED;
	}
	{
		bool zombie;

		proc_starttime(pid, &out->starttime, &zombie);
	}
	out->args = strv_dup(args);
	out->since = time(NULL) - (now - enabled_at) / 1000000000LL;
	return 0;
}

bool sw_speaks_ready(const char *exe)
{
	static const char marker[] = SK_READY_MARKER;
	const size_t mlen = sizeof(marker) - 1;
	const char *env = getenv("SCHEDKIT_SWITCH_PREPARED");
	char buf[65536];
	size_t keep = 0;
	bool found = false;
	ssize_t n;
	int fd;

	if (env && !strcmp(env, "0"))
		return false;
	fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!found && (n = read(fd, buf + keep, sizeof(buf) - keep)) > 0) {
		size_t have = keep + n;

		found = memmem(buf, have, marker, mlen) != NULL;
		/* a marker cut by the end of this read is whole in the next */
		keep = have < mlen - 1 ? have : mlen - 1;
		memmove(buf, buf + have - keep, keep);
	}
	close(fd);
	return found;
}

/*
 * The gap is timed by this process reading sysfs every millisecond. On a
 * loaded machine its own wake-ups would wait behind the CPU hogs, for a
 * whole round of them under a FIFO-like BPF scheduler, and blur both ends
 * of the gap. As SCHED_FIFO it is above every fair and sched_ext task for
 * that while; SCHED_RESET_ON_FORK keeps a loader started meanwhile out of
 * it. Without the privilege it times as well as it can.
 *
 * Most of the gap itself is the kernel waiting for RCU grace periods:
 * detaching takes the fork and cgroup rwsems for writing (an rcu_sync
 * grace period each) and calls synchronize_rcu(), attaching takes the
 * rwsems again. Traced in a loaded 2-CPU guest, those waits were 54 of
 * the 68 ms scx_ops_disable_workfn() took. Expedited grace periods cost
 * an IPI to each CPU instead of waiting for every CPU to pass through a
 * quiescent state, so the switch asks for them (/sys/kernel/rcu_expedited,
 * next to sched_ext in sysfs) and puts the old value back after.
 */
struct gap_boost {
	int policy;
	struct sched_param param;
	bool on;
	char rcu_path[PATH_MAX];
	char rcu_old[16];	/* "" when we did not change it */
};

static void gap_boost(struct gap_boost *b)
{
	struct sched_param rt = { .sched_priority = 1 };
	const char *sys = sw_sysfs(), *slash = strrchr(sys, '/');
	int fd;

	b->policy = sched_getscheduler(0);
	b->on = b->policy >= 0 && !sched_getparam(0, &b->param) &&
		!sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &rt);

	b->rcu_old[0] = '\0';
	snprintf(b->rcu_path, sizeof(b->rcu_path), "%.*s/rcu_expedited",
		 slash ? (int)(slash - sys) : 0, sys);
	if (read_small(b->rcu_path, b->rcu_old, sizeof(b->rcu_old)) ||
	    strcmp(b->rcu_old, "0")) {
		/* absent, or already expedited by someone else: leave it */
		b->rcu_old[0] = '\0';
		return;
	}
	fd = open(b->rcu_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		b->rcu_old[0] = '\0';
	if (fd >= 0)
		close(fd);
}

static void gap_unboost(struct gap_boost *b)
{
	int fd;

	if (b->on)
		sched_setscheduler(0, b->policy, &b->param);
	b->on = false;
	if (!b->rcu_old[0])
		return;
	fd = open(b->rcu_path, O_WRONLY | O_CLOEXEC);
	/* it took our "1" a moment ago: nothing useful to do if not this */
	if (fd >= 0) {
		if (write(fd, b->rcu_old, strlen(b->rcu_old)) < 0)
			b->rcu_old[0] = '\0';
		close(fd);
	}
	b->rcu_old[0] = '\0';
}

/* Waits up to @ms for our child @pid to exit on its own, then kills it. */
static void reap_child(pid_t pid, int ms, int *status)
{
	long long end = sw_now_ns() + ms * 1000000LL;

	while (waitpid(pid, status, WNOHANG) == 0) {
		if (sw_now_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return;
		}
		sleep_ns(10 * POLL_NS);
	}
}

/*
 * The new scheduler failed after @old was stopped (or none ran): start
 * @old again with its own options. @cur is cleared, then holds the
 * restarted loader. Explains in @err, starting with @why; returns @ret.
 */
static int roll_back(struct sw_proc *cur, const struct sw_proc *old,
		     const char *why, int ret, int timeout_ms,
		     bool *rolled_back, char *err, size_t err_len)
{
	struct sw_proc none = { 0 };
	struct sw_timing rb_t;
	char rb_err[512];
	long long l;

	sw_proc_clear(cur);
	if (!old->pid) {
		sk_set_err(err, err_len, "%s; the kernel's default scheduler is running", why);
		sw_state_clear();
		return ret;
	}
	/*
	 * A loader that died after enabling leaves the kernel disabling it
	 * for a moment, and the old loader would refuse to start meanwhile.
	 */
	sw_stop(&none, NULL, &l, rb_err, sizeof(rb_err));
	if (!sw_start(old->exe, old->name, old->args, timeout_ms, 0, 0, cur, &rb_t,
		      rb_err, sizeof(rb_err))) {
		*rolled_back = true;
		sw_state_save(cur);
		sk_set_err(err, err_len, "%s; rolled back to scx_%s", why, old->name);
	} else {
		sw_state_clear();
		sk_set_err(err, err_len, "%s; rolling back to scx_%s failed too (%s); the kernel's default scheduler is running",
			why, old->name, rb_err);
	}
	return ret;
}

/* Why a prepared loader sent no "loaded"/"attached": its line or its log. */
static void prepared_why(char *buf, size_t len, int got, const char *line,
			 int status, const char *log, const char *prog)
{
	char tail[600], how[64];

	describe_status(how, sizeof(how), status);
	if (got == 1 && !strncmp(line, "failed ", 7)) {
		snprintf(buf, len, "(%s): %s", how, line + 7);
		return;
	}
	log_tail(log, prog, tail, sizeof(tail));
	if (got == 1)
		snprintf(buf, len, "(%s; it answered '%.80s')%s%s", how, line,
			 tail[0] ? ": " : "", tail);
	else
		snprintf(buf, len, "(%s)%s%s", how, tail[0] ? ": " : "", tail);
}

/*
 * sw_switch() for a loader that speaks the prepared start: start it,
 * wait for "loaded", stop @cur only as far as sched_ext reading
 * "disabled", send "attach", and take the gap from the state changes
 * (sampled every millisecond, and at once when "attached" comes).
 */
static int switch_prepared(struct sw_proc *cur, const char *exe,
			   const char *name, char *const *args, int timeout_ms,
			   unsigned int settle_ms, struct sw_timing *t,
			   bool *rolled_back, char *err, size_t err_len)
{
	char log[PATH_MAX], prog[80], line[SK_READY_LINE_MAX], why[1024];
	struct sw_proc old = { 0 }, next = { 0 };
	long long t0, t_attach, enabled_at = 0, left = 0, now;
	long long limit = (long long)timeout_ms * 1000000LL;
	struct stopping stop;
	struct gap_boost boost;
	int sv[2], i, got, status = 0, ret;
	bool was_enabled = false;
	pid_t pid;

	t->prepared = true;
	mkdir(SW_LOG_DIR, 0755);
	snprintf(log, sizeof(log), "%s/scx_%s.log", SW_LOG_DIR, name);
	snprintf(prog, sizeof(prog), "%s", strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		ret = -errno;
		sk_set_err(err, err_len, "cannot make a socket pair: %s", strerror(-ret));
		return ret;
	}
	/* spawn() puts the loader's stdio on 0-2: keep the socket above */
	for (i = 0; i < 2; i++) {
		if (sv[i] > 2)
			continue;
		ret = fcntl(sv[i], F_DUPFD_CLOEXEC, 3);
		close(sv[i]);
		sv[i] = ret;
	}
	if (sv[0] < 0 || sv[1] < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		sk_set_err(err, err_len, "cannot make a socket pair: %s", strerror(-ret));
		return ret;
	}
	t0 = sw_now_ns();
	pid = spawn(exe, name, args, log, sv[1]);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		sk_set_err(err, err_len, "cannot start %s: %s", exe, strerror(-pid));
		return pid;
	}

	/* 1. load and verify while the old scheduler runs */
	do
		got = sk_ready_recv(sv[0], line, sizeof(line), timeout_ms);
	while (got == -EINTR);
	if (got != 1 || strncmp(line, "loaded", 6)) {
		close(sv[0]);
		if (got == -ETIMEDOUT) {
			kill_child(pid, SIGKILL, &status);
			log_tail(log, prog, why, sizeof(why));
			sk_set_err(err, err_len, "scx_%s did not load within %d s%s%s",
				name, timeout_ms / 1000, why[0] ? ": " : "", why);
			*rolled_back = cur->pid != 0;
			return -ETIMEDOUT;
		}
		/* it is on its way out, or exits 0 on the EOF we just gave it */
		reap_child(pid, 5000, &status);
		prepared_why(why, sizeof(why), got, line, status, log, prog);
		*rolled_back = cur->pid != 0;
		if (cur->pid)
			sk_set_err(err, err_len, "scx_%s failed to load %s; scx_%s kept running (it was never stopped)",
				name, why, cur->name);
		else
			sk_set_err(err, err_len, "scx_%s failed to load %s; the kernel's default scheduler is running",
				name, why);
		return -ECANCELED;
	}
	now = sw_now_ns();
	t->load_ms = (now - t0) / 1e6;

	/* 2. the old one goes, as far as the kernel is concerned */
	if (sw_proc_copy(&old, cur)) {
		close(sv[0]);
		reap_child(pid, 5000, &status);
		return -ENOMEM;
	}
	gap_boost(&boost);
	stop_begin(&stop, cur);
	for (;;) {
		char state[32];

		read_sys("state", state, sizeof(state));
		now = sw_now_ns();
		/* no gap to measure when nothing was enabled to begin with */
		if (!strcmp(state, "enabled"))
			was_enabled = true;
		else if (was_enabled && !left)
			left = now;
		if (!strcmp(state, "disabled"))
			break;
		stop_poll(&stop, now);
		ret = stop_timed_out(&stop, now, err, err_len);
		if (ret) {
			gap_unboost(&boost);
			close(sv[0]);
			reap_child(pid, 5000, &status);
			sw_proc_clear(&old);
			return ret;
		}
		sleep_ns(POLL_NS);
	}
	t->stop_ms = (now - stop.t0) / 1e6;

	/* 3. attach: the only work left inside the gap */
	t_attach = sw_now_ns();
	got = sk_ready_send(sv[0], "attach", NULL);
	if (!got) {
		do {
			got = sk_ready_recv(sv[0], line, sizeof(line), 1);
			now = sw_now_ns();
			if (!enabled_at && state_is("enabled"))
				enabled_at = now;
		} while ((got == -ETIMEDOUT || got == -EINTR) && now - t_attach <= limit);
	} else {
		got = 0;	/* it is gone: read as EOF */
	}
	gap_unboost(&boost);
	close(sv[0]);
	if (got == 1 && !strcmp(line, "attached") && !enabled_at &&
	    state_is("enabled"))
		enabled_at = sw_now_ns();
	if (got == 1 && !strcmp(line, "attached") && enabled_at) {
		t->attach_ms = (enabled_at - t_attach) / 1e6;
		t->start_ms = (enabled_at - t0) / 1e6;
		t->gap_ms = left > 0 ? (enabled_at - left) / 1e6 : -1;
	}

	/* the old loader finishes its teardown meanwhile; see that it ends */
	while (!stop.gone) {
		now = sw_now_ns();
		stop_poll(&stop, now);
		if (stop_timed_out(&stop, now, why, sizeof(why)))
			break;
		sleep_ns(10 * POLL_NS);
	}
	sw_proc_clear(cur);

	if (got != 1 || strcmp(line, "attached") || !enabled_at) {
		if (got == -ETIMEDOUT) {
			kill_child(pid, SIGKILL, &status);
			snprintf(why, sizeof(why), "scx_%s did not attach within %d s",
				 name, timeout_ms / 1000);
		} else {
			reap_child(pid, 5000, &status);
			if (got == 1 && !strcmp(line, "attached"))
				snprintf(why, sizeof(why),
					 "scx_%s attached but sched_ext did not enable it", name);
			else {
				char how[800];

				prepared_why(how, sizeof(how), got, line, status, log, prog);
				snprintf(why, sizeof(why), "scx_%s failed to attach %s", name, how);
			}
		}
		ret = roll_back(cur, &old, why, -ECANCELED, timeout_ms, rolled_back,
				err, err_len);
		sw_proc_clear(&old);
		return ret;
	}

	/* 4. it must stay up for the settle time, as in sw_start() */
	next.pid = pid;
	next.child = true;
	snprintf(next.exe, sizeof(next.exe), "%s", exe);
	snprintf(next.name, sizeof(next.name), "%s", name);
	for (;;) {
		now = sw_now_ns();
		if (waitpid(pid, &status, WNOHANG) == pid) {
			char how[64], tail[600];

			describe_status(how, sizeof(how), status);
			log_tail(log, prog, tail, sizeof(tail));
			snprintf(why, sizeof(why), "scx_%s stopped right after it was enabled (%s)%s%s",
				 name, how, tail[0] ? ": " : "", tail);
			ret = roll_back(cur, &old, why, -ECANCELED, timeout_ms,
					rolled_back, err, err_len);
			sw_proc_clear(&old);
			return ret;
		}
		if (now - enabled_at >= (long long)settle_ms * 1000000LL)
			break;
		sleep_ns(20 * POLL_NS);
	}
	if (!state_is("enabled")) {
		kill_child(pid, SIGINT, &status);
		snprintf(why, sizeof(why), "scx_%s was ejected by the kernel within %u ms of starting",
			 name, settle_ms);
		ret = roll_back(cur, &old, why, -ECANCELED, timeout_ms, rolled_back,
				err, err_len);
		sw_proc_clear(&old);
		return ret;
	}
	{
		bool zombie;

		proc_starttime(pid, &next.starttime, &zombie);
	}
	next.args = strv_dup(args);
	next.since = time(NULL) - (now - enabled_at) / 1000000000LL;
	*cur = next;
	sw_state_save(cur);
	sw_proc_clear(&old);
	return 0;
}

int sw_switch(struct sw_proc *cur, const char *exe, const char *name,
	      char *const *args, int timeout_ms, unsigned int settle_ms,
	      struct sw_timing *t, bool *rolled_back, char *err,
	      size_t err_len)
{
	struct sw_proc old = { 0 }, next = { 0 };
	struct gap_boost boost;
	char why[1024];
	long long left;
	int ret;

	*rolled_back = false;
	t->stop_ms = t->start_ms = t->gap_ms = -1;
	t->load_ms = t->attach_ms = -1;
	t->prepared = false;
	if (!cur->pid && state_is("enabled")) {
		struct sw_sys sys;

		sw_sys_read(&sys);
		sk_set_err(err, err_len,
			"sched_ext runs '%s' from a loader schedkit cannot find; stop that loader first",
			sys.ops);
		return -EBUSY;
	}
	if (sw_speaks_ready(exe))
		return switch_prepared(cur, exe, name, args, timeout_ms, settle_ms,
				       t, rolled_back, err, err_len);

	if (sw_proc_copy(&old, cur))
		return -ENOMEM;
	/* timed the same way as a prepared switch, to compare the two */
	gap_boost(&boost);
	ret = sw_stop(cur, t, &left, err, err_len);
	if (ret) {
		gap_unboost(&boost);
		sw_proc_clear(&old);
		return ret;
	}
	ret = sw_start(exe, name, args, timeout_ms, settle_ms, left, &next, t,
		       why, sizeof(why));
	gap_unboost(&boost);
	if (!ret) {
		sw_proc_clear(&old);
		sw_proc_clear(cur);
		*cur = next;
		sw_state_save(cur);
		return 0;
	}
	ret = roll_back(cur, &old, why, ret, timeout_ms, rolled_back, err, err_len);
	sw_proc_clear(&old);
	return ret;
}

struct json_object *sw_status_json(const struct sw_sys *sys,
				   const struct sw_proc *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state", json_object_new_string(sys->state));
	json_object_object_add(o, "ops", json_object_new_string(sys->ops));
	json_object_object_add(o, "enable_seq", json_object_new_int64(sys->enable_seq));
	json_object_object_add(o, "nr_rejected", json_object_new_int64(sys->nr_rejected));
	json_object_object_add(o, "switch_all", json_object_new_int64(sys->switch_all));
	if (p && p->pid) {
		json_object_object_add(o, "scheduler", json_object_new_string(p->name));
		json_object_object_add(o, "pid", json_object_new_int(p->pid));
		json_object_object_add(o, "exe", json_object_new_string(p->exe));
		json_object_object_add(o, "args", args_json(p->args));
		json_object_object_add(o, "since", json_object_new_int64(p->since));
	} else {
		json_object_object_add(o, "scheduler", NULL);
	}
	return o;
}

int sw_plan(const struct sk_config *cfg, const char *name, char *const *args,
	    struct sw_plan *plan, char *err, size_t err_len)
{
	const struct sk_config_entry *mode = sk_config_mode(cfg, name), *opts;
	const char *sched = mode ? mode->sched : name;
	int ret;

	memset(plan, 0, sizeof(*plan));
	ret = sw_resolve(sched, plan->exe, sizeof(plan->exe), plan->name,
			 sizeof(plan->name));
	if (ret == -EINVAL) {
		sk_set_err(err, err_len, "'%s' is not a scheduler name", sched);
		return ret;
	}
	if (ret) {
		sk_set_err(err, err_len, "no scheduler '%s': scx_%s is not on PATH (see schedkit list)",
			sched, strncmp(sched, "scx_", 4) ? sched : sched + 4);
		return ret;
	}
	if (mode)
		snprintf(plan->mode, sizeof(plan->mode), "%s", mode->name);
	opts = sk_config_options(cfg, plan->name);
	if (!args)
		args = mode ? mode->args : opts ? opts->args : NULL;
	plan->args = strv_dup(args);
	if (args && !plan->args)
		return -ENOMEM;
	return 0;
}

void sw_plan_clear(struct sw_plan *plan)
{
	sk_strv_free(plan->args);
	plan->args = NULL;
}

void sw_log_tail(const struct sw_proc *p, char *buf, size_t len)
{
	char log[PATH_MAX];

	snprintf(log, sizeof(log), "%s/scx_%s.log", SW_LOG_DIR, p->name);
	log_tail(log, base_name(p->exe), buf, len);
}
