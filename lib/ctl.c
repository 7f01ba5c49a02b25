// SPDX-License-Identifier: GPL-2.0-only
/*
 * The schedkitd control protocol (include/schedkit/ctl.h): request and
 * reply encoding, strict request parsing for the daemon, and a one-shot
 * client with a deadline so that a wedged daemon cannot hang the caller.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <json-c/json.h>

#include <schedkit/ctl.h>
#include <schedkit/util.h>

static const char *const req_names[] = {
	[SK_CTL_SWITCH] = "switch",
	[SK_CTL_STOP] = "stop",
	[SK_CTL_STATUS] = "status",
	[SK_CTL_LIST] = "list",
	[SK_CTL_RELOAD] = "reload",
};

#define NR_REQS ((int)(sizeof(req_names) / sizeof(req_names[0])))

static const char *const run_names[SK_CTL_NR_RUN_FILES] = {
	[SK_CTL_RUN_CONTROL] = "control",
	[SK_CTL_RUN_LOCK] = "lock",
	[SK_CTL_RUN_STATE] = "active.json",
	[SK_CTL_RUN_STATE_TMP] = "active.json.tmp",
};

/* Room for the longest file name after the directory in a socket address. */
#define RUN_DIR_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - sizeof("/control"))

const char *sk_ctl_run_dir(void)
{
	static const char *dir;

	if (!dir) {
		dir = getenv(SK_CTL_RUN_DIR_ENV);
		if (!dir || !dir[0])
			dir = SK_CTL_RUN_DIR;
	}
	return dir;
}

int sk_ctl_run_dir_check(char *err, size_t err_len)
{
	const char *dir = sk_ctl_run_dir();

	/* Relative, it would mean another directory in every working directory. */
	if (dir[0] != '/' || strlen(dir) > RUN_DIR_MAX) {
		sk_set_err(err, err_len,
			   "%s must be an absolute path of at most %zu characters, not '%.64s'",
			   SK_CTL_RUN_DIR_ENV, RUN_DIR_MAX, dir);
		return -EINVAL;
	}
	return 0;
}

const char *sk_ctl_run_path(enum sk_ctl_run_file f)
{
	static char paths[SK_CTL_NR_RUN_FILES][PATH_MAX];

	if ((int)f < 0 || f >= SK_CTL_NR_RUN_FILES)
		return NULL;
	if (!paths[f][0])
		snprintf(paths[f], sizeof(paths[f]), "%s/%s", sk_ctl_run_dir(), run_names[f]);
	return paths[f];
}


bool sk_ctl_name_valid(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strlen(name);
	if (n == 0 || n >= SK_CTL_MAX_NAME || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

const char *sk_ctl_req_name(enum sk_ctl_req req)
{
	if ((int)req < 0 || (int)req >= NR_REQS)
		return NULL;
	return req_names[req];
}

void sk_ctl_request_free(struct sk_ctl_request *r)
{
	int i;

	if (!r)
		return;
	free(r->name);
	for (i = 0; r->args && i < r->nr_args; i++)
		free(r->args[i]);
	free(r->args);
	free(r);
}

/* An option must be printable text: it ends up on a command line and in logs. */
static bool arg_valid(const char *s, size_t len)
{
	size_t i;

	if (len > SK_CTL_MAX_ARG_LEN || strlen(s) != len)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int parse_args(struct json_object *arr, struct sk_ctl_request *r,
		      char *err, size_t err_len)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array)) {
		sk_set_err(err, err_len, "\"args\" must be an array of strings");
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	if (n > SK_CTL_MAX_ARGS) {
		sk_set_err(err, err_len, "too many options (at most %d)", SK_CTL_MAX_ARGS);
		return -EINVAL;
	}
	r->args = calloc(n + 1, sizeof(*r->args));
	if (!r->args)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(a, json_type_string) ||
		    !arg_valid(json_object_get_string(a),
			       json_object_get_string_len(a))) {
			sk_set_err(err, err_len,
				"option %zu must be a string of printable characters, at most %d long",
				i + 1, SK_CTL_MAX_ARG_LEN);
			return -EINVAL;
		}
		r->args[i] = strdup(json_object_get_string(a));
		if (!r->args[i])
			return -ENOMEM;
		r->nr_args = i + 1;
	}
	return 0;
}

int sk_ctl_request_parse(const char *line, size_t len,
			 struct sk_ctl_request **out, char *err, size_t err_len)
{
	struct json_tokener *tok;
	struct json_object *obj = NULL, *v;
	struct sk_ctl_request *r = NULL;
	const char *req;
	int i, ret = -EINVAL;

	*out = NULL;
	if (len > SK_CTL_MAX_LINE) {
		sk_set_err(err, err_len, "request longer than %d bytes", SK_CTL_MAX_LINE);
		return -EMSGSIZE;
	}
	if (memchr(line, '\0', len)) {
		sk_set_err(err, err_len, "request contains a NUL byte");
		return -EINVAL;
	}
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
		       line[len - 1] == '\r'))
		len--;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (!obj || json_tokener_get_parse_end(tok) != len) {
		/* Trailing garbage after a valid object is as bad as no object. */
		sk_set_err(err, err_len, "request is not one JSON object");
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		sk_set_err(err, err_len, "request is not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(obj, "req", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		sk_set_err(err, err_len, "request has no \"req\" string");
		goto out;
	}
	req = json_object_get_string(v);
	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < NR_REQS; i++)
		if (!strcmp(req, req_names[i]))
			break;
	if (i == NR_REQS) {
		sk_set_err(err, err_len, "unknown request '%.32s'", req);
		goto out;
	}
	r->req = i;
	if (json_object_object_get_ex(obj, "name", &v)) {
		if (r->req != SK_CTL_SWITCH) {
			sk_set_err(err, err_len, "\"name\" is only valid with switch");
			goto out;
		}
		if (!json_object_is_type(v, json_type_string) ||
		    !sk_ctl_name_valid(json_object_get_string(v))) {
			sk_set_err(err, err_len,
				"\"name\" must be a scheduler or mode name (letters, digits, '_', '.', '-')");
			goto out;
		}
		r->name = strdup(json_object_get_string(v));
		if (!r->name) {
			ret = -ENOMEM;
			goto out;
		}
	} else if (r->req == SK_CTL_SWITCH) {
		sk_set_err(err, err_len, "switch needs a \"name\"");
		goto out;
	}
	if (json_object_object_get_ex(obj, "args", &v)) {
		if (r->req != SK_CTL_SWITCH) {
			sk_set_err(err, err_len, "\"args\" is only valid with switch");
			goto out;
		}
		ret = parse_args(v, r, err, err_len);
		if (ret)
			goto out;
	}
	*out = r;
	r = NULL;
	ret = 0;
out:
	sk_ctl_request_free(r);
	json_object_put(obj);
	json_tokener_free(tok);
	return ret;
}

/* Serialises @obj as one line plus newline; consumes @obj. */
static int to_line(struct json_object *obj, char **linep)
{
	const char *s;
	size_t n;

	*linep = NULL;
	if (!obj)
		return -ENOMEM;
	/* PLAIN never emits a raw newline: strings escape theirs. */
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	n = s ? strlen(s) : 0;
	*linep = s ? malloc(n + 2) : NULL;
	if (*linep) {
		memcpy(*linep, s, n);
		(*linep)[n] = '\n';
		(*linep)[n + 1] = '\0';
	}
	json_object_put(obj);
	return *linep ? 0 : -ENOMEM;
}

int sk_ctl_request_encode(enum sk_ctl_req req, const char *name,
			  const char *const *args, char **linep)
{
	struct json_object *obj, *arr;
	int i;

	*linep = NULL;
	if (!sk_ctl_req_name(req))
		return -EINVAL;
	obj = json_object_new_object();
	if (!obj)
		return -ENOMEM;
	json_object_object_add(obj, "req",
			       json_object_new_string(sk_ctl_req_name(req)));
	if (req == SK_CTL_SWITCH) {
		if (!sk_ctl_name_valid(name))
			goto inval;
		json_object_object_add(obj, "name", json_object_new_string(name));
		if (args) {
			arr = json_object_new_array();
			json_object_object_add(obj, "args", arr);
			for (i = 0; args[i]; i++) {
				if (i >= SK_CTL_MAX_ARGS ||
				    !arg_valid(args[i], strlen(args[i])))
					goto inval;
				json_object_array_add(arr, json_object_new_string(args[i]));
			}
		}
	}
	return to_line(obj, linep);
inval:
	json_object_put(obj);
	return -EINVAL;
}

int sk_ctl_reply_ok(struct json_object *body, char **linep)
{
	struct json_object *obj = json_object_new_object();

	if (!obj) {
		json_object_put(body);
		*linep = NULL;
		return -ENOMEM;
	}
	json_object_object_add(obj, "ok", json_object_new_boolean(1));
	if (body && json_object_is_type(body, json_type_object)) {
		json_object_object_foreach(body, k, v)
			json_object_object_add(obj, k, json_object_get(v));
	}
	json_object_put(body);
	return to_line(obj, linep);
}

int sk_ctl_reply_error(int err, const char *msg, char **linep)
{
	struct json_object *obj = json_object_new_object();

	if (!obj) {
		*linep = NULL;
		return -ENOMEM;
	}
	json_object_object_add(obj, "ok", json_object_new_boolean(0));
	json_object_object_add(obj, "errno", json_object_new_int(err < 0 ? -err : err));
	json_object_object_add(obj, "error", json_object_new_string(msg ? msg : ""));
	return to_line(obj, linep);
}

int sk_ctl_reply_parse(const char *line, size_t len, struct json_object **out,
		       char *err, size_t err_len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj, *v;
	int e;

	*out = NULL;
	if (!tok)
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (!obj || json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "ok", &v) ||
	    !json_object_is_type(v, json_type_boolean)) {
		json_tokener_free(tok);
		json_object_put(obj);
		sk_set_err(err, err_len, "the daemon's answer is not a control reply");
		return -EPROTO;
	}
	json_tokener_free(tok);
	if (json_object_get_boolean(v)) {
		*out = obj;
		return 0;
	}
	e = EIO;
	if (json_object_object_get_ex(obj, "errno", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int(v) > 0 && json_object_get_int(v) < 4096)
		e = json_object_get_int(v);
	if (json_object_object_get_ex(obj, "error", &v) &&
	    json_object_is_type(v, json_type_string))
		sk_set_err(err, err_len, "%s", json_object_get_string(v));
	else
		sk_set_err(err, err_len, "%s", strerror(e));
	json_object_put(obj);
	return -e;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for @events on @fd until @deadline; 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

int sk_ctl_call(const char *path, const char *line, int timeout_ms,
		struct json_object **out, char *err, size_t err_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 5000);
	size_t len = strlen(line), off = 0, got = 0;
	char *buf = NULL, *nl = NULL;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	if (!path)
		path = sk_ctl_run_path(SK_CTL_RUN_CONTROL);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		sk_set_err(err, err_len, "control socket path too long");
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		/* A Unix stream connect does not return EINPROGRESS in practice. */
		ret = -errno;
		sk_set_err(err, err_len, "cannot connect to %s: %s", path, strerror(-ret));
		goto out;
	}
	while (off < len) {
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret)
			goto io_err;
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			ret = -errno;
			goto io_err;
		}
		if (n > 0)
			off += n;
	}
	buf = malloc(SK_CTL_MAX_LINE + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (!nl) {
		if (got == SK_CTL_MAX_LINE) {
			ret = -EMSGSIZE;
			goto io_err;
		}
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret)
			goto io_err;
		n = recv(fd, buf + got, SK_CTL_MAX_LINE - got, 0);
		if (n == 0) {
			ret = -ECONNRESET;
			goto io_err;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			ret = -errno;
			goto io_err;
		}
		nl = memchr(buf + got, '\n', n);
		got += n;
	}
	ret = sk_ctl_reply_parse(buf, nl - buf, out, err, err_len);
	goto out;
io_err:
	sk_set_err(err, err_len, "talking to %s: %s", path, strerror(-ret));
out:
	free(buf);
	close(fd);
	return ret;
}
