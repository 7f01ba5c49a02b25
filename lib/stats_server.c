// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stats server: answers scx_stats requests on a Unix socket from its own
 * thread. It is built so that no client, slow, idle or hostile, can cost the
 * scheduler anything: one poll loop over non-blocking sockets, bounded
 * request lines, bounded unsent output, a bounded number of clients, and
 * signals kept on the scheduler's threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <schedkit/stats.h>
#include "stats_internal.h"

/* Request buffer: the longest line plus its newline plus a NUL for json-c. */
#define IN_LIMIT		(SK_STATS_MAX_REQUEST + 1)
#define IN_INITIAL		1024
/* Lines served per client per wakeup, so a chatty client can't starve others. */
#define LINES_PER_TURN		8
#define ACCEPTS_PER_TURN	16
/* Out of file descriptors: wait for some to close instead of spinning. */
#define ACCEPT_BACKOFF_MS	100
#define LISTEN_BACKLOG		64

struct conn {
	int fd;
	bool eof;		/* peer finished sending */
	char *in;		/* unparsed input is in[in_off, in_len) */
	size_t in_off, in_len, in_cap;
	char *out;		/* unsent output is out[out_off, out_len) */
	size_t out_off, out_len, out_cap;
	int64_t out_progress_ms; /* last send progress while output pending */
};

struct sk_stats_server {
	char *path;
	dev_t dev;		/* identity of our socket file, so stop never */
	ino_t ino;		/* removes one another server put there */
	int listen_fd;
	int wake_fd;
	pthread_t thread;
	bool running;

	char **targets;
	sk_stats_collect_fn collect;
	void *ctx;
	char *meta_line;	/* the stats_meta answer never changes */
	size_t meta_len;

	struct json_tokener *tok;
	struct conn *conns;
	struct pollfd *pfds;
	int nr_conns;
	int max_conns;
	size_t max_output;
	int64_t stall_ms;
	int64_t now_ms;
	int64_t accept_resume_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t pending_output(const struct conn *c)
{
	return c->out_len - c->out_off;
}

static char *find_newline(const struct conn *c)
{
	if (c->in_len == c->in_off)
		return NULL;	/* in may still be NULL */
	return memchr(c->in + c->in_off, '\n', c->in_len - c->in_off);
}

/* A request is ready now: a full line, or the last bytes before EOF. */
static bool conn_has_work(const struct conn *c)
{
	return find_newline(c) || (c->eof && c->in_len > c->in_off);
}

static void conn_close(struct sk_stats_server *srv, int idx)
{
	struct conn *c = &srv->conns[idx];

	close(c->fd);
	free(c->in);
	free(c->out);
	*c = srv->conns[--srv->nr_conns];
}

static int out_append(struct sk_stats_server *srv, struct conn *c,
		      const char *buf, size_t len)
{
	size_t need, cap;
	char *p;

	if (!pending_output(c))
		c->out_progress_ms = srv->now_ms;
	if (c->out_off && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending_output(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	need = c->out_len + len;
	if (need > c->out_cap) {
		cap = c->out_cap ? c->out_cap : 4096;
		while (cap < need)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return -ENOMEM;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return 0;
}

static int conn_flush(struct sk_stats_server *srv, struct conn *c)
{
	ssize_t n;

	while (pending_output(c)) {
		/* MSG_NOSIGNAL: a vanished client must not SIGPIPE the scheduler. */
		n = send(c->fd, c->out + c->out_off, pending_output(c),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		c->out_off += n;
		c->out_progress_ms = srv->now_ms;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Queues one response line; takes @resp. */
static int reply(struct sk_stats_server *srv, struct conn *c, int err,
		 struct json_object *resp)
{
	struct json_object *msg = sk_stats_response(err, resp);
	const char *s;
	size_t len;
	int ret = -ENOMEM;

	if (!msg)
		return -ENOMEM;
	s = json_object_to_json_string_length(msg, SK_STATS_JSON_FLAGS, &len);
	if (s) {
		ret = out_append(srv, c, s, len);
		if (!ret)
			ret = out_append(srv, c, "\n", 1);
	}
	json_object_put(msg);
	return ret;
}

__attribute__((format(printf, 4, 5)))
static int reply_error(struct sk_stats_server *srv, struct conn *c, int err,
		       const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply(srv, c, err, json_object_new_string(msg));
}

static bool known_target(const struct sk_stats_server *srv, const char *target)
{
	char **t;

	for (t = srv->targets; *t; t++)
		if (!strcmp(*t, target))
			return true;
	return false;
}

static int handle_stats(struct sk_stats_server *srv, struct conn *c,
			struct json_object *args)
{
	struct json_object *out = NULL, *v;
	const char *target = "top";
	char buf[128];
	int ret;

	if (args && json_object_object_get_ex(args, "target", &v))
		target = json_object_get_string(v);
	if (!known_target(srv, target))
		return reply_error(srv, c, EINVAL, "unknown stats target \"%.64s\"",
				   target);

	ret = srv->collect(srv->ctx, target, args, &out);
	if (ret < 0) {
		json_object_put(out);
		return reply_error(srv, c, -ret, "collecting \"%s\" failed: %s",
				   target, strerror_r(-ret, buf, sizeof(buf)));
	}
	if (!out)
		return reply_error(srv, c, EIO, "collecting \"%s\" gave nothing",
				   target);
	return reply(srv, c, 0, out);
}

/* scx_stats decodes "args" as a map of strings; accept exactly that. */
static bool args_valid(struct json_object *args)
{
	if (!json_object_is_type(args, json_type_object))
		return false;
	json_object_object_foreach(args, key, val) {
		(void)key;
		if (!json_object_is_type(val, json_type_string))
			return false;
	}
	return true;
}

static bool only_space(const char *s, size_t len)
{
	for (; len; s++, len--)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* @line is NUL-terminated at @len; json-c needs the NUL to end a number. */
static int handle_line(struct sk_stats_server *srv, struct conn *c,
		       const char *line, size_t len)
{
	struct json_object *req, *v, *args = NULL;
	const char *name;
	size_t end;
	int ret;

	json_tokener_reset(srv->tok);
	req = json_tokener_parse_ex(srv->tok, line, len + 1);
	end = json_tokener_get_parse_end(srv->tok);
	if (!req || end > len || !only_space(line + end, len - end)) {
		json_object_put(req);
		return reply_error(srv, c, EINVAL, "request is not one JSON value: %s",
				   req ? "trailing bytes" :
				   json_tokener_error_desc(json_tokener_get_error(srv->tok)));
	}
	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "req", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		ret = reply_error(srv, c, EINVAL,
				  "request must be an object with a string \"req\"");
		goto out;
	}
	name = json_object_get_string(v);
	if (json_object_object_get_ex(req, "args", &args) && !args_valid(args)) {
		ret = reply_error(srv, c, EINVAL,
				  "\"args\" must be an object of strings");
		goto out;
	}

	if (!strcmp(name, "stats"))
		ret = handle_stats(srv, c, args);
	else if (!strcmp(name, "stats_meta"))
		ret = out_append(srv, c, srv->meta_line, srv->meta_len);
	else
		ret = reply_error(srv, c, EINVAL, "unknown request \"%.64s\"", name);
out:
	json_object_put(req);
	return ret;
}

/* Reads what is there. Returns false when the connection must go. */
static bool conn_read(struct conn *c)
{
	size_t cap;
	ssize_t n;
	char *p;

	if (c->in_off) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	/* Keep one byte spare for the NUL handle_line() needs. */
	if (c->in_len + 1 >= c->in_cap) {
		if (c->in_cap >= IN_LIMIT + 1)
			return false;	/* a line longer than any request */
		cap = c->in_cap ? c->in_cap * 2 : IN_INITIAL;
		if (cap > IN_LIMIT + 1)
			cap = IN_LIMIT + 1;
		p = realloc(c->in, cap);
		if (!p)
			return false;
		c->in = p;
		c->in_cap = cap;
	}
	n = read(c->fd, c->in + c->in_len, c->in_cap - 1 - c->in_len);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0) {
		c->eof = true;
		return true;
	}
	c->in_len += n;
	return c->in_len < IN_LIMIT || find_newline(c);
}

/* Serves up to LINES_PER_TURN requests. Returns false to drop the client. */
static bool conn_serve_lines(struct sk_stats_server *srv, struct conn *c)
{
	char *line, *nl;
	size_t len;
	int i;

	for (i = 0; i < LINES_PER_TURN && conn_has_work(c); i++) {
		/* Still holding a pile of answers: the client is not reading. */
		if (pending_output(c) > srv->max_output)
			return false;
		line = c->in + c->in_off;
		nl = find_newline(c);
		len = nl ? (size_t)(nl - line) : c->in_len - c->in_off;
		line[len] = '\0';
		c->in_off += len + (nl != NULL);
		if (handle_line(srv, c, line, len))
			return false;
	}
	return true;
}

static bool conn_service(struct sk_stats_server *srv, struct conn *c,
			 short revents)
{
	if (revents & (POLLERR | POLLNVAL))
		return false;
	if ((revents & (POLLIN | POLLHUP)) && !c->eof && !conn_has_work(c) &&
	    !conn_read(c))
		return false;
	if (!conn_serve_lines(srv, c))
		return false;
	if (conn_flush(srv, c))
		return false;
	if (pending_output(c))
		return srv->now_ms - c->out_progress_ms < srv->stall_ms;
	return !(c->eof && !conn_has_work(c));
}

static void accept_clients(struct sk_stats_server *srv)
{
	struct conn *c;
	int i, fd;

	for (i = 0; i < ACCEPTS_PER_TURN; i++) {
		fd = accept4(srv->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				srv->accept_resume_ms = srv->now_ms +
							ACCEPT_BACKOFF_MS;
			return;
		}
		if (srv->nr_conns >= srv->max_conns) {
			close(fd);	/* full: the client sees EOF at once */
			continue;
		}
		c = &srv->conns[srv->nr_conns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
	}
}

static int poll_timeout(const struct sk_stats_server *srv)
{
	int64_t t = -1, d;
	int i;

	if (srv->accept_resume_ms > srv->now_ms)
		t = srv->accept_resume_ms - srv->now_ms;
	for (i = 0; i < srv->nr_conns; i++) {
		const struct conn *c = &srv->conns[i];

		if (conn_has_work(c))
			return 0;
		if (!pending_output(c))
			continue;
		d = c->out_progress_ms + srv->stall_ms - srv->now_ms;
		if (d < 0)
			d = 0;
		if (t < 0 || d < t)
			t = d;
	}
	return t > 60000 ? 60000 : (int)t;
}

static void *server_main(void *arg)
{
	struct sk_stats_server *srv = arg;
	int i, nr_polled;

	for (;;) {
		srv->now_ms = now_ms();
		srv->pfds[0] = (struct pollfd){ .fd = srv->wake_fd, .events = POLLIN };
		srv->pfds[1] = (struct pollfd){ .fd = srv->listen_fd };
		if (srv->accept_resume_ms <= srv->now_ms)
			srv->pfds[1].events = POLLIN;
		for (i = 0; i < srv->nr_conns; i++) {
			struct conn *c = &srv->conns[i];
			struct pollfd *p = &srv->pfds[i + 2];

			p->fd = c->fd;
			p->revents = 0;
			/* Parse what we hold before taking more. */
			p->events = c->eof || conn_has_work(c) ? 0 : POLLIN;
			if (pending_output(c))
				p->events |= POLLOUT;
		}
		nr_polled = srv->nr_conns;
		if (poll(srv->pfds, nr_polled + 2, poll_timeout(srv)) < 0) {
			/* Only ENOMEM is possible here; wait it out, don't die. */
			if (errno != EINTR)
				nanosleep(&(struct timespec){ .tv_nsec = 10000000 },
					  NULL);
			continue;
		}
		if (srv->pfds[0].revents)
			break;
		srv->now_ms = now_ms();

		/* Backwards, so conn_close() moving the last one in is safe. */
		for (i = nr_polled - 1; i >= 0; i--)
			if (!conn_service(srv, &srv->conns[i],
					  srv->pfds[i + 2].revents))
				conn_close(srv, i);
		if (srv->pfds[1].revents & POLLIN)
			accept_clients(srv);
	}
	return NULL;
}

/* mkdir -p of @path's parent; directories we create get mode 0755. */
static int make_parent_dirs(const char *path)
{
	char *dir = strdup(path), *p;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			/* mkdir() honours the umask; the mode must not. */
			chmod(dir, 0755);
		} else if (errno != EEXIST) {
			err = -errno;
			break;
		}
		*p = '/';
	}
	free(dir);
	return err;
}

/*
 * A socket file nobody accepts on is left over from a crashed server and
 * may go; a live server's socket or any other file must stay.
 */
static int clear_stale_socket(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret, err;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	err = errno;
	close(fd);
	/* EAGAIN: its backlog is full, so somebody is listening. */
	if (ret == 0 || err == EAGAIN)
		return -EADDRINUSE;
	if (err != ECONNREFUSED)
		return -err;
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int bind_socket(struct sk_stats_server *srv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int err;

	if (strlen(srv->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, srv->path);

	err = make_parent_dirs(srv->path);
	if (err)
		return err;
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
				SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		return -errno;
	if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			return -errno;
		err = clear_stale_socket(&sa);
		if (err)
			return err;
		if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	if (stat(srv->path, &st) < 0)
		return -errno;
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	/* World-connectable on purpose; see the Security note in stats.h. */
	if (chmod(srv->path, 0666) < 0 || listen(srv->listen_fd, LISTEN_BACKLOG) < 0)
		return -errno;
	return 0;
}

static void remove_socket_file(struct sk_stats_server *srv)
{
	struct stat st;

	if (!srv->ino)
		return;
	if (stat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
	    st.st_ino == srv->ino)
		unlink(srv->path);
}

static void server_free(struct sk_stats_server *srv)
{
	char **t;

	while (srv->nr_conns)
		conn_close(srv, srv->nr_conns - 1);
	if (srv->listen_fd >= 0) {
		remove_socket_file(srv);
		close(srv->listen_fd);
	}
	if (srv->wake_fd >= 0)
		close(srv->wake_fd);
	for (t = srv->targets; t && *t; t++)
		free(*t);
	free(srv->targets);
	free(srv->meta_line);
	if (srv->tok)
		json_tokener_free(srv->tok);
	free(srv->conns);
	free(srv->pfds);
	free(srv->path);
	free(srv);
}

static int copy_targets(struct sk_stats_server *srv, const char *const *targets)
{
	static const char *const top_only[] = { "top", NULL };
	int i, n;

	if (!targets)
		targets = top_only;
	for (n = 0; targets[n]; n++)
		;
	srv->targets = calloc(n + 1, sizeof(*srv->targets));
	if (!srv->targets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		srv->targets[i] = strdup(targets[i]);
		if (!srv->targets[i])
			return -ENOMEM;
	}
	return 0;
}

static int build_meta_line(struct sk_stats_server *srv,
			   const struct sk_stat_struct *const *structs)
{
	struct json_object *meta, *msg;
	const char *s;
	size_t len;
	int err;

	err = sk_stats_meta_json(structs, &meta);
	if (err)
		return err;
	msg = sk_stats_response(0, meta);
	if (!msg)
		return -ENOMEM;
	s = json_object_to_json_string_length(msg, SK_STATS_JSON_FLAGS, &len);
	srv->meta_line = s ? malloc(len + 1) : NULL;
	if (srv->meta_line) {
		memcpy(srv->meta_line, s, len);
		srv->meta_line[len] = '\n';
		srv->meta_len = len + 1;
	}
	json_object_put(msg);
	return srv->meta_line ? 0 : -ENOMEM;
}

static int server_init(struct sk_stats_server *srv,
		       const struct sk_stats_server_opts *opts)
{
	int err;

	srv->path = strdup(opts->path ? opts->path : SK_STATS_DEFAULT_PATH);
	srv->max_conns = opts->max_clients ?: SK_STATS_DEFAULT_MAX_CLIENTS;
	srv->max_output = opts->max_output ?: SK_STATS_DEFAULT_MAX_OUTPUT;
	srv->stall_ms = opts->stall_ms ?: SK_STATS_DEFAULT_STALL_MS;
	srv->collect = opts->collect;
	srv->ctx = opts->ctx;
	srv->tok = json_tokener_new();
	srv->conns = calloc(srv->max_conns, sizeof(*srv->conns));
	srv->pfds = calloc(srv->max_conns + 2, sizeof(*srv->pfds));
	if (!srv->path || !srv->tok || !srv->conns || !srv->pfds)
		return -ENOMEM;
	err = copy_targets(srv, opts->targets);
	if (!err)
		err = build_meta_line(srv, opts->structs);
	if (!err)
		err = bind_socket(srv);
	if (err)
		return err;
	srv->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return srv->wake_fd < 0 ? -errno : 0;
}

int sk_stats_server_start(const struct sk_stats_server_opts *opts,
			  struct sk_stats_server **srvp)
{
	struct sk_stats_server *srv;
	sigset_t all, old;
	int err;

	*srvp = NULL;
	if (!opts || !opts->collect || !opts->structs || opts->max_clients < 0 ||
	    opts->stall_ms < 0)
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->listen_fd = srv->wake_fd = -1;
	err = server_init(srv, opts);
	if (err)
		goto fail;

	/* Signals are the scheduler's business; keep them off this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&srv->thread, NULL, server_main, srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		goto fail;
	srv->running = true;
	*srvp = srv;
	return 0;
fail:
	server_free(srv);
	return err;
}

void sk_stats_server_stop(struct sk_stats_server *srv)
{
	if (!srv)
		return;
	if (srv->running) {
		eventfd_write(srv->wake_fd, 1);
		pthread_join(srv->thread, NULL);
	}
	server_free(srv);
}

const char *sk_stats_server_path(const struct sk_stats_server *srv)
{
	return srv->path;
}
