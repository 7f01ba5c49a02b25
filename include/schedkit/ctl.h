/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schedkit control protocol: how `schedkit switch/stop/status/list` talk
 * to schedkitd, the daemon that owns the active scheduler.
 *
 * Wire protocol (a Unix stream socket, default SK_CTL_DEFAULT_PATH):
 * newline-terminated JSON, one request per line, one reply line per
 * request, any number of requests per connection.
 *
 *   {"req":"switch","name":"fifo","args":["--slice-us","5000"]}
 *   {"req":"switch","name":"gaming"}        (a mode from schedkit.conf)
 *   {"req":"stop"}                          (back to the kernel's default)
 *   {"req":"status"}
 *   {"req":"list"}
 *   {"req":"reload"}                        (re-read schedkit.conf)
 *
 *   -> {"ok":true, ...request-specific members...}
 *   -> {"ok":false,"errno":N,"error":"one line saying what to do"}
 *
 * "args" is optional and only valid with "switch"; when it is absent the
 * daemon uses the options schedkit.conf gives the scheduler. Unknown
 * members are ignored so that newer clients can talk to older daemons;
 * unknown requests get errno EINVAL.
 *
 * Security: switch, stop and reload need root; the daemon checks the
 * peer's credentials (SO_PEERCRED) on every request and answers anyone
 * else with errno EPERM. status and list are read-only and answer
 * everyone. A request line longer than SK_CTL_MAX_LINE closes the
 * connection.
 */
#ifndef SCHEDKIT_CTL_H
#define SCHEDKIT_CTL_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/*
 * The run directory holds the control socket, the switch lock, the state
 * file naming the active loader and the loaders' logs. $SCHEDKIT_RUNDIR
 * moves all of it, so that a test (or a second, private instance) never
 * touches the machine's; SK_CTL_DEFAULT_PATH is the socket when it is unset.
 */
#define SK_CTL_RUN_DIR		"/run/schedkit"
#define SK_CTL_RUN_DIR_ENV	"SCHEDKIT_RUNDIR"
#define SK_CTL_DEFAULT_PATH	SK_CTL_RUN_DIR "/control"
/* Longest request or reply line accepted. */
#define SK_CTL_MAX_LINE		(16 * 1024)
/* Limits on a switch request's scheduler name and options. */
#define SK_CTL_MAX_NAME		64
#define SK_CTL_MAX_ARGS		64
#define SK_CTL_MAX_ARG_LEN	1024

enum sk_ctl_req {
	SK_CTL_SWITCH,
	SK_CTL_STOP,
	SK_CTL_STATUS,
	SK_CTL_LIST,
	SK_CTL_RELOAD,
};

struct sk_ctl_request {
	enum sk_ctl_req req;
	char *name;		/* switch: scheduler or mode name */
	char **args;		/* switch: options, NULL-terminated; NULL: none given */
	int nr_args;
};

enum sk_ctl_run_file {
	SK_CTL_RUN_CONTROL,	/* "control": schedkitd's socket */
	SK_CTL_RUN_LOCK,	/* "lock": held by whoever changes the scheduler */
	SK_CTL_RUN_STATE,	/* "active.json": the loader schedkit started */
	SK_CTL_RUN_STATE_TMP,	/* "active.json.tmp": written, then renamed */
	SK_CTL_NR_RUN_FILES,
};

/*
 * The run directory: $SCHEDKIT_RUNDIR when set and not empty, else
 * SK_CTL_RUN_DIR. Read once per process; callers check it first with
 * sk_ctl_run_dir_check().
 */
const char *sk_ctl_run_dir(void);

/*
 * 0 when the run directory is usable: an absolute path short enough for
 * the control socket's address. Else -EINVAL with one line in @err.
 */
int sk_ctl_run_dir_check(char *err, size_t err_len);

/* Path of @f inside sk_ctl_run_dir(); built once, valid until exit. */
const char *sk_ctl_run_path(enum sk_ctl_run_file f);

/*
 * True if @name may name a scheduler or mode: 1..SK_CTL_MAX_NAME - 1
 * characters from [A-Za-z0-9_.-], not starting with '.' or '-'.
 * Keeps names from reaching the file system or a command line as anything
 * but a plain word.
 */
bool sk_ctl_name_valid(const char *name);

/* Wire name of @req ("switch", ...), or NULL if out of range. */
const char *sk_ctl_req_name(enum sk_ctl_req req);

/*
 * Parses one request line (@line, @len bytes, without the newline; need
 * not be NUL-terminated) into *@out (free with sk_ctl_request_free()).
 * Returns 0, -EINVAL with one line in @err when the line is not a valid
 * request (not JSON, not an object, unknown "req", bad name or args,
 * args on a request other than switch), -EMSGSIZE when longer than
 * SK_CTL_MAX_LINE, or -ENOMEM.
 */
int sk_ctl_request_parse(const char *line, size_t len,
			 struct sk_ctl_request **out, char *err, size_t err_len);

/* Frees @r. NULL is a no-op. */
void sk_ctl_request_free(struct sk_ctl_request *r);

/*
 * Encodes a request as one line with its trailing newline into *@linep
 * (caller frees). @name and @args (NULL-terminated, may be NULL) are only
 * used for SK_CTL_SWITCH. Returns 0, -EINVAL (bad name, too many or too
 * long args, unknown req) or -ENOMEM.
 */
int sk_ctl_request_encode(enum sk_ctl_req req, const char *name,
			  const char *const *args, char **linep);

/*
 * A success reply: @body's members (a JSON object or NULL; ownership is
 * taken) plus "ok":true, as one line with its newline, in *@linep (caller
 * frees). Returns 0 or -ENOMEM.
 */
int sk_ctl_reply_ok(struct json_object *body, char **linep);

/*
 * A failure reply {"ok":false,"errno":@err,"error":@msg} (@err positive)
 * as one line with its newline, in *@linep (caller frees).
 * Returns 0 or -ENOMEM.
 */
int sk_ctl_reply_error(int err, const char *msg, char **linep);

/*
 * Parses a reply line (@line, @len bytes without the newline). On a
 * success reply returns 0 and stores the whole reply object in *@out
 * (caller owns). On a failure reply returns -errno from the reply (-EIO
 * if it carries none) and copies its message to @err. Returns -EPROTO
 * with a message in @err when the line is not a reply.
 */
int sk_ctl_reply_parse(const char *line, size_t len, struct json_object **out,
		       char *err, size_t err_len);

/*
 * Client side in one call: connects to @path (NULL: the control socket in
 * the run directory, sk_ctl_run_path(SK_CTL_RUN_CONTROL)),
 * sends @line (one encoded request with its newline), reads one reply
 * line and parses it with sk_ctl_reply_parse(). @timeout_ms bounds the
 * whole exchange (a switch can take a while under load).
 * Returns as sk_ctl_reply_parse(), or a transport error: -ENOENT or
 * -ECONNREFUSED (no daemon), -EACCES, -ETIMEDOUT, -ECONNRESET, -EMSGSIZE,
 * with a message in @err.
 */
int sk_ctl_call(const char *path, const char *line, int timeout_ms,
		struct json_object **out, char *err, size_t err_len);

#endif /* SCHEDKIT_CTL_H */
