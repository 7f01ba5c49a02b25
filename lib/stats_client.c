// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stats client: talks scx_stats to any server (schedkit's or scx's
 * Rust one) with a deadline on every step, so a wedged scheduler cannot
 * hang the tool that asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <schedkit/stats.h>
#include "stats_internal.h"

/* Far above any real answer; only guards against a runaway server. */
#define MAX_RESPONSE	(64 << 20)

struct sk_stats_client {
	int fd;
	int timeout_ms;
	char *buf;		/* received, not yet consumed: buf[0, len) */
	size_t len, cap;
	size_t scanned;		/* buf[0, scanned) holds no newline */
	char err[256];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 2, 3)))
static void set_error(struct sk_stats_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* After a transport error the stream position is unknown: give it up. */
static int fail_transport(struct sk_stats_client *c, int err, const char *what)
{
	char buf[128];

	set_error(c, "%s: %s", what, strerror_r(-err, buf, sizeof(buf)));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return err;
}

int sk_stats_client_connect(const char *path, int timeout_ms,
			    struct sk_stats_client **cp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sk_stats_client *c;
	struct timeval tv;
	int err;

	*cp = NULL;
	if (!path)
		path = SK_STATS_DEFAULT_PATH;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (timeout_ms <= 0)
		timeout_ms = SK_STATS_DEFAULT_TIMEOUT_MS;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->timeout_ms = timeout_ms;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		err = -errno;
		goto fail;
	}
	/* A Unix-socket connect() waits for backlog room up to SO_SNDTIMEO. */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT : -errno;
		goto fail;
	}
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0) {
		err = -errno;
		goto fail;
	}
	*cp = c;
	return 0;
fail:
	sk_stats_client_close(c);
	return err;
}

void sk_stats_client_close(struct sk_stats_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

const char *sk_stats_client_error(const struct sk_stats_client *c)
{
	return c->err;
}

/* Waits for @events on the socket until @deadline; 0 or -ETIMEDOUT. */
static int wait_fd(struct sk_stats_client *c, short events, int64_t deadline)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(struct sk_stats_client *c, const char *buf, size_t len,
		    int64_t deadline)
{
	ssize_t n;
	int err;

	while (len) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0) {
			buf += n;
			len -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		err = wait_fd(c, POLLOUT, deadline);
		if (err)
			return err;
	}
	return 0;
}

/* Reads until buf holds a full line; returns its length without '\n'. */
static ssize_t recv_line(struct sk_stats_client *c, int64_t deadline)
{
	char *nl, *p;
	ssize_t n;
	int err;

	for (;;) {
		nl = c->len > c->scanned ?
		     memchr(c->buf + c->scanned, '\n', c->len - c->scanned) : NULL;
		if (nl)
			return nl - c->buf;
		c->scanned = c->len;
		if (c->len == c->cap) {
			if (c->cap >= MAX_RESPONSE)
				return -EMSGSIZE;
			c->cap = c->cap ? c->cap * 2 : 16384;
			p = realloc(c->buf, c->cap);
			if (!p)
				return -ENOMEM;
			c->buf = p;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		err = wait_fd(c, POLLIN, deadline);
		if (err)
			return err;
	}
}

static void consume_line(struct sk_stats_client *c, size_t len)
{
	memmove(c->buf, c->buf + len + 1, c->len - len - 1);
	c->len -= len + 1;
	c->scanned = 0;
}

static char *request_line(const char *req, struct json_object *args,
			  size_t *lenp)
{
	struct json_object *msg = json_object_new_object();
	const char *s = NULL;
	char *line = NULL;
	size_t len;

	if (!msg)
		return NULL;
	if (json_object_object_add(msg, "req", json_object_new_string(req)) ||
	    json_object_object_add(msg, "args", args ? json_object_get(args) :
				   json_object_new_object()))
		goto out;
	s = json_object_to_json_string_length(msg, SK_STATS_JSON_FLAGS, &len);
	line = s ? malloc(len + 1) : NULL;
	if (line) {
		memcpy(line, s, len);
		line[len] = '\n';
		*lenp = len + 1;
	}
out:
	json_object_put(msg);
	return line;
}

/* Splits a response line into errno and resp; -EPROTO if it is not one. */
static int parse_response(struct sk_stats_client *c, char *line,
			  struct json_object **respp)
{
	struct json_object *msg, *v, *args, *resp = NULL;
	int err;

	msg = json_tokener_parse(line);
	if (!json_object_is_type(msg, json_type_object) ||
	    !json_object_object_get_ex(msg, "errno", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    !json_object_object_get_ex(msg, "args", &args) ||
	    !json_object_is_type(args, json_type_object)) {
		json_object_put(msg);
		set_error(c, "the server's answer is not an scx_stats response");
		return -EPROTO;
	}
	err = json_object_get_int(v);
	json_object_object_get_ex(args, "resp", &resp);
	if (err) {
		set_error(c, "%s", json_object_is_type(resp, json_type_string) ?
			  json_object_get_string(resp) :
			  json_object_to_json_string_ext(resp, SK_STATS_JSON_FLAGS));
		json_object_put(msg);
		return err > 0 ? -err : err;
	}
	*respp = json_object_get(resp);
	json_object_put(msg);
	return 0;
}

int sk_stats_client_request(struct sk_stats_client *c, const char *req,
			    struct json_object *args,
			    struct json_object **respp)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	char *line;
	size_t len;
	ssize_t n;
	int err;

	*respp = NULL;
	c->err[0] = '\0';
	if (c->fd < 0) {
		set_error(c, "not connected");
		return -ENOTCONN;
	}
	line = request_line(req, args, &len);
	if (!line)
		return -ENOMEM;
	err = send_all(c, line, len, deadline);
	free(line);
	if (err)
		return fail_transport(c, err, "sending the request");
	n = recv_line(c, deadline);
	if (n < 0)
		return fail_transport(c, n, "reading the answer");
	c->buf[n] = '\0';
	err = parse_response(c, c->buf, respp);
	consume_line(c, n);
	return err;
}

int sk_stats_client_stats(struct sk_stats_client *c, const char *target,
			  struct json_object **out)
{
	struct json_object *args;
	int err;

	*out = NULL;
	args = json_object_new_object();
	if (!args)
		return -ENOMEM;
	if (json_object_object_add(args, "target",
				   json_object_new_string(target ? target : "top"))) {
		json_object_put(args);
		return -ENOMEM;
	}
	err = sk_stats_client_request(c, "stats", args, out);
	json_object_put(args);
	return err;
}

int sk_stats_client_meta(struct sk_stats_client *c,
			 struct sk_stats_meta **metap)
{
	struct json_object *resp;
	int err;

	*metap = NULL;
	err = sk_stats_client_request(c, "stats_meta", NULL, &resp);
	if (err)
		return err;
	err = sk_stats_meta_parse(resp, metap);
	if (err == -EPROTO)
		set_error(c, "the server's stats_meta is malformed");
	json_object_put(resp);
	return err;
}
