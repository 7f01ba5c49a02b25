/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schedkit stats: serve and read scheduler statistics over the scx_stats
 * protocol, so schedkit schedulers and sched-ext/scx's Rust tools can read
 * each other's stats.
 *
 * Wire protocol (a Unix stream socket, default SK_STATS_DEFAULT_PATH):
 * newline-terminated JSON, one request per line, one response line per
 * request, any number of requests per connection.
 *
 *   {"req":"stats","args":{"target":"top"}}   ("target" defaults to "top")
 *   -> {"errno":0,"args":{"resp":{...the target's stats object...}}}
 *
 *   {"req":"stats_meta"}
 *   -> {"errno":0,"args":{"resp":{"<Struct>":{"name":"<Struct>",
 *        "desc":"...", "top":"true" (top-level struct only),
 *        "fields":{"<field>":{"datum":KIND | "array":KIND |
 *                             "dict":{"key":KIND,"datum":KIND},
 *                             "desc":"...", "user":{...}}},
 *        "user":{...}}, ...}}}
 *   KIND is "u64", "i64", "float", "string" or {"struct":"<Struct>"}.
 *   "desc" and "user" are omitted when empty. "args" values in requests
 *   must be strings, as scx_stats requires.
 *
 *   A bad line, an unknown request or target:
 *   -> {"errno":22,"args":{"resp":"<message>"}}  (connection stays open)
 *
 * "user" holds string-valued attributes whose names start with '_'. scx's
 * OpenMetrics exporter reads _om_prefix (struct: prefix for metric names)
 * and _om_label (struct: label naming the dict key when the struct is a
 * dict value) and _om_skip (field). schedkit adds _unit and _kind
 * ("counter" or "gauge") on fields so generic tools can show rates.
 *
 * JSON object key order carries no meaning. scx's Rust server happens to
 * emit keys sorted; schedkit emits fields in declaration order so generic
 * printers show them in the order the scheduler author chose.
 *
 * Security: the socket is created mode 0666 so any local user can run
 * `schedkit stats`. That is deliberate: the protocol is read-only, nothing
 * sent on it can change scheduling, and the server only answers with data
 * the scheduler chose to publish. A hostile client can at worst occupy one
 * of the bounded connection slots; it cannot block the scheduler, because
 * the server runs on its own thread with non-blocking I/O and bounded
 * buffers.
 */
#ifndef SCHEDKIT_STATS_H
#define SCHEDKIT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

#define SK_STATS_DEFAULT_PATH		"/var/run/scx/root/stats"
/* Longest request line the server reads; a longer one closes the link. */
#define SK_STATS_MAX_REQUEST		(64 * 1024)
#define SK_STATS_DEFAULT_MAX_CLIENTS	64
#define SK_STATS_DEFAULT_MAX_OUTPUT	(1024 * 1024)
#define SK_STATS_DEFAULT_STALL_MS	10000
#define SK_STATS_DEFAULT_TIMEOUT_MS	5000

/* Values of the "_unit" user attribute understood by schedkit tools. */
#define SK_UNIT_NS		"ns"
#define SK_UNIT_US		"us"
#define SK_UNIT_MS		"ms"
#define SK_UNIT_COUNT		"count"
#define SK_UNIT_PERCENT		"percent"
#define SK_UNIT_BYTES		"bytes"

/* What one value is: a wire KIND. */
enum sk_stat_type {
	SK_STAT_TYPE_U64,
	SK_STAT_TYPE_I64,
	SK_STAT_TYPE_FLOAT,
	SK_STAT_TYPE_STRING,
	SK_STAT_TYPE_STRUCT,	/* a nested struct, named by struct_name */
};

/* How values are arranged in a field. */
enum sk_stat_shape {
	SK_STAT_SHAPE_DATUM,	/* one value */
	SK_STAT_SHAPE_ARRAY,	/* JSON array of values */
	SK_STAT_SHAPE_DICT,	/* JSON object keyed by key_type, e.g. CPU */
};

/* How a number behaves over time ("_kind"); decides rate vs. level. */
enum sk_stat_kind {
	SK_STAT_KIND_NONE,
	SK_STAT_KIND_COUNTER,	/* only grows; tools show deltas as rates */
	SK_STAT_KIND_GAUGE,	/* a level; tools show it as is */
};

/* One field of a stats struct. Zero-initialised members mean "none". */
struct sk_stat_field {
	const char *name;
	const char *desc;
	enum sk_stat_shape shape;
	enum sk_stat_type type;		/* datum, array element or dict value */
	enum sk_stat_type key_type;	/* dicts only: U64, I64 or STRING */
	const char *struct_name;	/* when type is SK_STAT_TYPE_STRUCT */
	const char *unit;		/* "_unit", e.g. SK_UNIT_NS */
	enum sk_stat_kind kind;		/* "_kind" */
	bool om_skip;			/* "_om_skip": hide from OpenMetrics */
};

/*
 * A stats struct: the schema of one JSON object. Declare these as static
 * const tables. Exactly one struct served by a server has top set; it
 * describes the answer to the "top" target.
 */
struct sk_stat_struct {
	const char *name;
	const char *desc;
	bool top;
	const char *om_prefix;	/* "_om_prefix", e.g. "cpu_" */
	const char *om_label;	/* "_om_label", e.g. "cpu" for a per-CPU dict */
	const struct sk_stat_field *fields;
	int nr_fields;
};

/* Fills .fields and .nr_fields of a struct sk_stat_struct from an array. */
#define SK_STAT_FIELDS(arr)						\
	.fields = (arr), .nr_fields = (int)(sizeof(arr) / sizeof((arr)[0]))

/* A u64 that only grows (events, accumulated time). */
#define SK_STAT_COUNTER(_name, _unit, _desc)				\
	{ .name = (_name), .desc = (_desc), .type = SK_STAT_TYPE_U64,	\
	  .unit = (_unit), .kind = SK_STAT_KIND_COUNTER }

/* A level of the given SK_STAT_TYPE_{U64,I64,FLOAT}. */
#define SK_STAT_GAUGE(_name, _type, _unit, _desc)			\
	{ .name = (_name), .desc = (_desc), .type = (_type),		\
	  .unit = (_unit), .kind = SK_STAT_KIND_GAUGE }

/* A string value. */
#define SK_STAT_STR(_name, _desc)					\
	{ .name = (_name), .desc = (_desc), .type = SK_STAT_TYPE_STRING }

/* One nested struct. */
#define SK_STAT_NESTED(_name, _struct_name, _desc)			\
	{ .name = (_name), .desc = (_desc), .type = SK_STAT_TYPE_STRUCT,	\
	  .struct_name = (_struct_name) }

/* A dict of structs keyed by a number (CPU, domain id...). */
#define SK_STAT_DICT(_name, _struct_name, _desc)			\
	{ .name = (_name), .desc = (_desc), .shape = SK_STAT_SHAPE_DICT,	\
	  .type = SK_STAT_TYPE_STRUCT, .key_type = SK_STAT_TYPE_U64,	\
	  .struct_name = (_struct_name) }

/* ---- server ---------------------------------------------------------- *
 *
 * Typical use, with counters read from a BPF per-CPU array:
 *
 *	static int collect(void *ctx, const char *target,
 *			   struct json_object *args, struct json_object **out)
 *	{
 *		... read vals[nr_cpus * NR_COUNTERS] ...
 *		return sk_stats_percpu_counters(&cpu_st, "cpus", vals, nr_cpus,
 *						NR_COUNTERS, out);
 *	}
 *
 *	struct sk_stats_server_opts opts = {
 *		.structs = structs, .collect = collect, .ctx = skel,
 *	};
 *	err = sk_stats_server_start(&opts, &srv);
 *	...
 *	sk_stats_server_stop(srv);
 */

/*
 * Builds the stats object for @target (one of the server's targets) into
 * *@out; the server takes ownership of *@out. @args is the request's
 * "args" object (string values; includes "target"), or NULL; borrowed.
 * Called on the server thread, never concurrently with itself: guard any
 * data shared with the scheduler's main thread. Return 0, or a negative
 * errno which is sent to the client as the response's errno. Do not put
 * NaN or infinities in floats; JSON cannot carry them.
 */
typedef int (*sk_stats_collect_fn)(void *ctx, const char *target,
				   struct json_object *args,
				   struct json_object **out);

struct sk_stats_server_opts {
	const char *path;	/* NULL: SK_STATS_DEFAULT_PATH */
	/* NULL-terminated; all structs reachable from the top one. */
	const struct sk_stat_struct *const *structs;
	/* NULL-terminated target names; NULL means just "top". */
	const char *const *targets;
	sk_stats_collect_fn collect;
	void *ctx;		/* passed to collect */
	int max_clients;	/* 0: SK_STATS_DEFAULT_MAX_CLIENTS */
	/*
	 * A client that sends a request while this many bytes of earlier
	 * answers are still unsent is not reading: it is dropped. One
	 * answer of any size is always sent.
	 */
	size_t max_output;	/* 0: SK_STATS_DEFAULT_MAX_OUTPUT */
	/* Drop a client whose pending output made no progress this long. */
	int stall_ms;		/* 0: SK_STATS_DEFAULT_STALL_MS */
};

struct sk_stats_server;

/*
 * Validates the metadata, binds the socket and starts the server thread.
 * Creates missing parent directories (mode 0755). An existing socket file
 * is replaced only when nobody answers on it. The socket is mode 0666 (see
 * the Security note above). All signals are blocked on the server thread.
 * The opts tables must outlive the server; strings are copied.
 *
 * Returns 0 and stores the server in *@srvp, or a negative errno:
 * -EINVAL (bad opts or metadata), -EADDRINUSE (a live server owns the
 * path), -EEXIST (the path exists and is not a socket), -ENAMETOOLONG,
 * or an errno from the socket, filesystem or thread calls.
 */
int sk_stats_server_start(const struct sk_stats_server_opts *opts,
			  struct sk_stats_server **srvp);

/*
 * Stops the server thread, closes every connection, removes the socket
 * file if it is still ours, and frees @srv. NULL is a no-op. Do not call
 * it from the collect callback.
 */
void sk_stats_server_stop(struct sk_stats_server *srv);

/* The socket path @srv listens on; valid until sk_stats_server_stop(). */
const char *sk_stats_server_path(const struct sk_stats_server *srv);

/*
 * Builds the "resp" object of a stats_meta answer for the NULL-terminated
 * @structs into *@out (caller owns; json_object_put() it). Checks that
 * names are unique, nested struct names resolve without loops, dict keys
 * are u64, i64 or string, and exactly one struct is top.
 * Returns 0 or -EINVAL (metadata is wrong) or -ENOMEM.
 */
int sk_stats_meta_json(const struct sk_stat_struct *const *structs,
		       struct json_object **out);

/*
 * The common shape of a scheduler's stats: per-CPU u64 counters, summed
 * for the top struct, plus a per-CPU breakdown. @vals holds one row of
 * @nr_counters values per CPU (vals[cpu * nr_counters + i]), which is what
 * one bpf_map_lookup_elem() on a BPF_MAP_TYPE_PERCPU_ARRAY whose value is
 * a struct of u64 counters returns. Counter i is named by field i of
 * @cpu_st; those fields must be u64 datums.
 *
 * Builds into *@out (caller owns) {name_i: sum over CPUs, ...} and, when
 * @dict_field is not NULL, adds @dict_field: {"<cpu>": {name_i: v, ...}}.
 * Callers add any other top-level fields to the result themselves.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int sk_stats_percpu_counters(const struct sk_stat_struct *cpu_st,
			     const char *dict_field, const uint64_t *vals,
			     int nr_cpus, int nr_counters,
			     struct json_object **out);

/* ---- client ---------------------------------------------------------- */

struct sk_stats_client;

/*
 * Connects to the stats server at @path (NULL: SK_STATS_DEFAULT_PATH).
 * @timeout_ms bounds the connect and each later request as a whole;
 * <= 0 means SK_STATS_DEFAULT_TIMEOUT_MS.
 * Returns 0 and the client in *@cp, or a negative errno: -ENOENT or
 * -ECONNREFUSED when nobody serves at @path, -EACCES, -ETIMEDOUT,
 * -ENAMETOOLONG, -ENOMEM.
 */
int sk_stats_client_connect(const char *path, int timeout_ms,
			    struct sk_stats_client **cp);

/* Closes the connection and frees @c. NULL is a no-op. */
void sk_stats_client_close(struct sk_stats_client *c);

/*
 * Sends request @req with @args (a JSON object of strings, or NULL;
 * borrowed) and waits for the answer. On success returns 0 and stores the
 * "resp" value in *@respp (caller owns; may be NULL if the server sent
 * none). When the server answers with errno E != 0 returns -E and
 * sk_stats_client_error() holds its message. Transport failures return
 * -ETIMEDOUT, -EPIPE, -ECONNRESET, -EPROTO (not a protocol answer) or
 * -EMSGSIZE; after those the connection is closed and later requests
 * fail with -ENOTCONN.
 */
int sk_stats_client_request(struct sk_stats_client *c, const char *req,
			    struct json_object *args,
			    struct json_object **respp);

/*
 * Requests the stats of @target (NULL: "top"). Returns as
 * sk_stats_client_request(); *@out is the stats object (caller owns).
 */
int sk_stats_client_stats(struct sk_stats_client *c, const char *target,
			  struct json_object **out);

struct sk_stats_meta;

/*
 * Requests stats_meta and parses it into *@metap (free with
 * sk_stats_meta_free()). Returns as sk_stats_client_request(), or -EPROTO
 * when the metadata is malformed.
 */
int sk_stats_client_meta(struct sk_stats_client *c,
			 struct sk_stats_meta **metap);

/*
 * The message of the last failed request or transport error on @c, or ""
 * if none. Valid until the next call on @c.
 */
const char *sk_stats_client_error(const struct sk_stats_client *c);

/* ---- metadata, as parsed by a client --------------------------------- */

/*
 * Parses a stats_meta "resp" object (@resp, borrowed) into *@metap. Fields
 * whose kinds this version does not know are left out rather than failing
 * the whole parse, so newer servers stay readable.
 * Returns 0, -EPROTO (malformed) or -ENOMEM.
 */
int sk_stats_meta_parse(struct json_object *resp,
			struct sk_stats_meta **metap);

/* Frees @m and every struct and field it holds. NULL is a no-op. */
void sk_stats_meta_free(struct sk_stats_meta *m);

/* Number of structs in @m, and struct @i of them (NULL if out of range). */
int sk_stats_meta_nr_structs(const struct sk_stats_meta *m);
const struct sk_stat_struct *sk_stats_meta_struct(const struct sk_stats_meta *m,
						  int i);

/* The top-level struct, or NULL if the server marked none. */
const struct sk_stat_struct *sk_stats_meta_top(const struct sk_stats_meta *m);

/* The struct called @name, or NULL. */
const struct sk_stat_struct *sk_stats_meta_find(const struct sk_stats_meta *m,
						const char *name);

/*
 * Called by sk_stats_for_each_field() with each declared field and its
 * value in the stats object (NULL when absent; borrowed). A non-zero
 * return stops the walk and is returned.
 */
typedef int (*sk_stats_field_fn)(const struct sk_stat_field *f,
				 struct json_object *val, void *ctx);

/*
 * Walks the fields of @st in declaration order, pairing each with its
 * value in @obj (a stats object of that struct; borrowed).
 * Returns 0, -EINVAL if @obj is not an object, or what @fn returned.
 */
int sk_stats_for_each_field(const struct sk_stat_struct *st,
			    struct json_object *obj, sk_stats_field_fn fn,
			    void *ctx);

/* Wire spelling of @t ("u64", "i64", "float", "string", "struct"). */
const char *sk_stat_type_name(enum sk_stat_type t);

/*
 * Write the duration @ns in the largest unit that keeps it readable
 * ("850ns", "12.3us", "4.5ms", "1.25s") followed by @suffix (e.g. "/s")
 * into @buf of @len bytes, so every stats client shows times alike.
 */
void sk_stat_fmt_duration(char *buf, size_t len, double ns, const char *suffix);

#endif /* SCHEDKIT_STATS_H */
