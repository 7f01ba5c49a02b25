// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the scx_stats server and client: the wire shapes scx tools
 * expect, the metadata, the errors, and that hostile or stuck clients
 * cannot wedge the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cmocka.h>
#include <json-c/json.h>

#include <schedkit/stats.h>

/* ---- the stats of an imaginary scheduler ------------------------------- */

#define NR_CPUS		3
#define NR_COUNTERS	2

/* The first NR_COUNTERS fields double as the per-CPU struct's fields. */
static const struct sk_stat_field top_fields[] = {
	SK_STAT_COUNTER("nr_local", SK_UNIT_COUNT, "tasks dispatched to a local DSQ"),
	SK_STAT_COUNTER("busy_ns", SK_UNIT_NS, "time spent running tasks"),
	SK_STAT_DICT("cpus", "TestCpuStats", "per-CPU breakdown"),
	SK_STAT_GAUGE("load", SK_STAT_TYPE_FLOAT, SK_UNIT_PERCENT, "average load"),
	SK_STAT_STR("mode", NULL),
	SK_STAT_NESTED("queue", "TestQueueStats", "the shared queue"),
	{ .name = "slices", .desc = "recent slice lengths",
	  .shape = SK_STAT_SHAPE_ARRAY, .type = SK_STAT_TYPE_U64,
	  .unit = SK_UNIT_US, .om_skip = true },
};

static const struct sk_stat_field queue_fields[] = {
	SK_STAT_GAUGE("depth", SK_STAT_TYPE_I64, SK_UNIT_COUNT, "tasks waiting"),
};

static const struct sk_stat_struct top_st = {
	.name = "TestStats", .desc = "test scheduler statistics", .top = true,
	SK_STAT_FIELDS(top_fields),
};

static const struct sk_stat_struct cpu_st = {
	.name = "TestCpuStats", .desc = "per-CPU statistics",
	.om_prefix = "cpu_", .om_label = "cpu",
	.fields = top_fields, .nr_fields = NR_COUNTERS,
};

static const struct sk_stat_struct queue_st = {
	.name = "TestQueueStats", SK_STAT_FIELDS(queue_fields),
};

static const struct sk_stat_struct *const test_structs[] = {
	&top_st, &cpu_st, &queue_st, NULL
};

static const char *const test_targets[] = { "top", "fail", "big", NULL };

static const uint64_t cpu_vals[NR_CPUS * NR_COUNTERS] = {
	10, 1000,
	20, 2000,
	30, 3000,
};

#define BIG_RESPONSE	(2 << 20)

static pthread_mutex_t collect_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_target[32];
static int nr_collects;

static int test_collect(void *ctx, const char *target, struct json_object *args,
			struct json_object **out)
{
	struct json_object *obj, *queue, *slices;
	char *big;
	int err;

	pthread_mutex_lock(&collect_lock);
	snprintf(last_target, sizeof(last_target), "%s", target);
	nr_collects++;
	pthread_mutex_unlock(&collect_lock);

	if (!strcmp(target, "fail"))
		return -EIO;
	if (!strcmp(target, "big")) {
		big = malloc(BIG_RESPONSE + 1);
		memset(big, 'x', BIG_RESPONSE);
		big[BIG_RESPONSE] = '\0';
		*out = json_object_new_object();
		json_object_object_add(*out, "blob", json_object_new_string(big));
		free(big);
		return 0;
	}

	err = sk_stats_percpu_counters(&cpu_st, "cpus", cpu_vals, NR_CPUS,
				       NR_COUNTERS, &obj);
	if (err)
		return err;
	json_object_object_add(obj, "load", json_object_new_double(12.5));
	json_object_object_add(obj, "mode", json_object_new_string("fifo"));
	queue = json_object_new_object();
	json_object_object_add(queue, "depth", json_object_new_int64(-3));
	json_object_object_add(obj, "queue", queue);
	slices = json_object_new_array();
	json_object_array_add(slices, json_object_new_uint64(5000));
	json_object_array_add(slices, json_object_new_uint64(20000));
	json_object_object_add(obj, "slices", slices);
	*out = obj;
	return 0;
}

/* ---- fixture ------------------------------------------------------------- */

static char test_dir[64];
static char sock_path[100];
static struct sk_stats_server *srv;

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	strcpy(test_dir, "/tmp/sk-stats-test.XXXXXX");
	if (!mkdtemp(test_dir))
		return -1;
	/* Two missing levels: the server must create them. */
	snprintf(sock_path, sizeof(sock_path), "%s/run/scx/stats", test_dir);
	srv = NULL;
	pthread_mutex_lock(&collect_lock);
	last_target[0] = '\0';
	nr_collects = 0;
	pthread_mutex_unlock(&collect_lock);
	return 0;
}

static int teardown(void **state)
{
	sk_stats_server_stop(srv);
	srv = NULL;
	return nftw(test_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct sk_stats_server_opts default_opts(void)
{
	return (struct sk_stats_server_opts){
		.path = sock_path,
		.structs = test_structs,
		.targets = test_targets,
		.collect = test_collect,
	};
}

static void start_server_with(struct sk_stats_server_opts opts)
{
	assert_int_equal(sk_stats_server_start(&opts, &srv), 0);
}

static void start_server(void)
{
	start_server_with(default_opts());
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static struct sockaddr_un addr_of(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	return sa;
}

/* A raw protocol connection with a 5 s receive timeout, so no test hangs. */
static int raw_connect(void)
{
	struct sockaddr_un sa = addr_of(sock_path);
	struct timeval tv = { .tv_sec = 5 };
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void send_str(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len) {
		n = send(fd, s, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		s += n;
		len -= n;
	}
}

struct reader {
	int fd;
	size_t len;
	char buf[1 << 16];
};

static struct reader *reader_new(int fd)
{
	struct reader *r = calloc(1, sizeof(*r));

	r->fd = fd;
	return r;
}

static void reader_free(struct reader *r)
{
	close(r->fd);
	free(r);
}

/* The next line without its newline (caller frees), NULL on EOF. */
static char *read_line(struct reader *r)
{
	char *nl, *line;
	ssize_t n;

	for (;;) {
		nl = memchr(r->buf, '\n', r->len);
		if (nl) {
			line = strndup(r->buf, nl - r->buf);
			r->len -= nl + 1 - r->buf;
			memmove(r->buf, nl + 1, r->len);
			return line;
		}
		assert_true(r->len < sizeof(r->buf));
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
		if (n <= 0)
			return NULL;
		r->len += n;
	}
}

static struct json_object *read_msg(struct reader *r)
{
	struct json_object *msg;
	char *line = read_line(r);

	assert_non_null(line);
	msg = json_tokener_parse(line);
	free(line);
	assert_non_null(msg);
	return msg;
}

static struct json_object *roundtrip(struct reader *r, const char *req)
{
	send_str(r->fd, req);
	return read_msg(r);
}

/* Asserts @obj is an object with exactly the NULL-terminated keys. */
static void assert_keys(struct json_object *obj, ...)
{
	const char *key;
	va_list ap;
	int n = 0;

	assert_true(json_object_is_type(obj, json_type_object));
	va_start(ap, obj);
	while ((key = va_arg(ap, const char *))) {
		assert_true(json_object_object_get_ex(obj, key, NULL));
		n++;
	}
	va_end(ap);
	assert_int_equal(json_object_object_length(obj), n);
}

/* Checks the response envelope and returns its "resp" (borrowed). */
static struct json_object *resp_of(struct json_object *msg, int want_errno)
{
	struct json_object *v, *args;

	assert_keys(msg, "errno", "args", NULL);
	json_object_object_get_ex(msg, "errno", &v);
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), want_errno);
	json_object_object_get_ex(msg, "args", &args);
	assert_keys(args, "resp", NULL);
	json_object_object_get_ex(args, "resp", &v);
	return v;
}

static struct json_object *get(struct json_object *obj, const char *path)
{
	char buf[128], *key, *save;
	struct json_object *v = obj;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key; key = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, key, &v))
			fail_msg("no %s in %s", path, json_object_to_json_string(obj));
	return v;
}

static void assert_json(struct json_object *obj, const char *want)
{
	assert_string_equal(json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), want);
}

static void assert_einval_answer(struct reader *r, const char *req)
{
	struct json_object *msg = roundtrip(r, req);

	assert_true(json_object_is_type(resp_of(msg, EINVAL), json_type_string));
	json_object_put(msg);
}

static void assert_top_stats(struct json_object *resp)
{
	assert_int_equal(json_object_get_uint64(get(resp, "nr_local")), 60);
	assert_int_equal(json_object_get_uint64(get(resp, "busy_ns")), 6000);
	assert_int_equal(json_object_get_uint64(get(resp, "cpus.1.nr_local")), 20);
	assert_int_equal(json_object_get_uint64(get(resp, "cpus.2.busy_ns")), 3000);
	assert_true(json_object_get_double(get(resp, "load")) == 12.5);
	assert_string_equal(json_object_get_string(get(resp, "mode")), "fifo");
	assert_int_equal(json_object_get_int64(get(resp, "queue.depth")), -3);
}

/* Whether the peer has closed @fd, waiting up to @ms. */
static bool closed_by_peer(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	while (poll(&p, 1, ms) > 0) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0)
			return false;
	}
	return false;
}

/* ---- wire shapes ----------------------------------------------------------- */

static void test_stats_serves_top_stats_in_scx_shape(void **state)
{
	struct reader *r;
	struct json_object *msg;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}\n");
	assert_top_stats(resp_of(msg, 0));
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_target_defaults_to_top(void **state)
{
	struct reader *r;
	struct json_object *msg;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\"}\n");
	assert_top_stats(resp_of(msg, 0));
	pthread_mutex_lock(&collect_lock);
	assert_string_equal(last_target, "top");
	pthread_mutex_unlock(&collect_lock);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_meta_lists_every_struct_and_marks_top(void **state)
{
	struct json_object *msg, *resp;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats_meta\"}\n");
	resp = resp_of(msg, 0);
	assert_keys(resp, "TestStats", "TestCpuStats", "TestQueueStats", NULL);
	assert_keys(get(resp, "TestStats"), "name", "top", "desc", "fields", NULL);
	assert_string_equal(json_object_get_string(get(resp, "TestStats.name")),
			    "TestStats");
	assert_string_equal(json_object_get_string(get(resp, "TestStats.top")),
			    "true");
	assert_keys(get(resp, "TestQueueStats"), "name", "fields", NULL);
	assert_keys(get(resp, "TestStats.fields"), "nr_local", "busy_ns", "cpus",
		    "load", "mode", "queue", "slices", NULL);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_meta_describes_units_and_kinds(void **state)
{
	struct json_object *msg, *resp;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats_meta\",\"args\":{}}\n");
	resp = resp_of(msg, 0);
	assert_json(get(resp, "TestStats.fields.nr_local"),
		    "{\"datum\":\"u64\",\"desc\":\"tasks dispatched to a local DSQ\","
		    "\"user\":{\"_unit\":\"count\",\"_kind\":\"counter\"}}");
	assert_json(get(resp, "TestStats.fields.load"),
		    "{\"datum\":\"float\",\"desc\":\"average load\","
		    "\"user\":{\"_unit\":\"percent\",\"_kind\":\"gauge\"}}");
	assert_json(get(resp, "TestStats.fields.mode"), "{\"datum\":\"string\"}");
	assert_json(get(resp, "TestQueueStats.fields.depth"),
		    "{\"datum\":\"i64\",\"desc\":\"tasks waiting\","
		    "\"user\":{\"_unit\":\"count\",\"_kind\":\"gauge\"}}");
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_meta_describes_nested_structs_and_dicts(void **state)
{
	struct json_object *msg, *resp;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats_meta\"}\n");
	resp = resp_of(msg, 0);
	assert_json(get(resp, "TestStats.fields.cpus"),
		    "{\"dict\":{\"key\":\"u64\",\"datum\":{\"struct\":\"TestCpuStats\"}},"
		    "\"desc\":\"per-CPU breakdown\"}");
	assert_json(get(resp, "TestStats.fields.queue"),
		    "{\"datum\":{\"struct\":\"TestQueueStats\"},"
		    "\"desc\":\"the shared queue\"}");
	assert_json(get(resp, "TestStats.fields.slices"),
		    "{\"array\":\"u64\",\"desc\":\"recent slice lengths\","
		    "\"user\":{\"_unit\":\"us\",\"_om_skip\":\"true\"}}");
	assert_keys(get(resp, "TestCpuStats"), "name", "desc", "user", "fields",
		    NULL);
	assert_json(get(resp, "TestCpuStats.user"),
		    "{\"_om_prefix\":\"cpu_\",\"_om_label\":\"cpu\"}");
	assert_keys(get(resp, "TestCpuStats.fields"), "nr_local", "busy_ns", NULL);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_meta_answer_matches_meta_json(void **state)
{
	struct json_object *msg, *meta;
	struct reader *r;

	start_server();
	assert_int_equal(sk_stats_meta_json(test_structs, &meta), 0);
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats_meta\"}\n");
	assert_true(json_object_equal(resp_of(msg, 0), meta));
	json_object_put(meta);
	json_object_put(msg);
	reader_free(r);
}

/* ---- errors ---------------------------------------------------------------- */

static void test_stats_answers_einval_to_garbage(void **state)
{
	static const char *const garbage[] = {
		"hello\n", "{\n", "\n", "[1,2]\n", "42\n", "{\"req\":5}\n",
		"{\"req\":\"stats\"} trailing\n", "{\"req\":\"stats\"}{}\n",
		"\x01\xff\xfe\n",
	};
	struct json_object *msg;
	struct reader *r;
	size_t i;

	start_server();
	r = reader_new(raw_connect());
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		assert_einval_answer(r, garbage[i]);
	/* And the connection still serves. */
	msg = roundtrip(r, "{\"req\":\"stats\"}\n");
	assert_top_stats(resp_of(msg, 0));
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_answers_einval_to_unknown_request(void **state)
{
	struct json_object *msg;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"list\"}\n");
	assert_non_null(strstr(json_object_get_string(resp_of(msg, EINVAL)),
			       "unknown request"));
	json_object_put(msg);
	msg = roundtrip(r, "{\"req\":\"stats_meta\"}\n");
	resp_of(msg, 0);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_answers_einval_to_unknown_target(void **state)
{
	struct json_object *msg;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\",\"args\":{\"target\":\"nope\"}}\n");
	assert_non_null(strstr(json_object_get_string(resp_of(msg, EINVAL)),
			       "nope"));
	json_object_put(msg);
	pthread_mutex_lock(&collect_lock);
	assert_int_equal(nr_collects, 0);	/* the scheduler was not asked */
	pthread_mutex_unlock(&collect_lock);
	reader_free(r);
}

static void test_stats_answers_einval_to_non_string_args(void **state)
{
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	assert_einval_answer(r, "{\"req\":\"stats\",\"args\":{\"target\":1}}\n");
	assert_einval_answer(r, "{\"req\":\"stats\",\"args\":[\"top\"]}\n");
	assert_einval_answer(r, "{\"req\":\"stats\",\"args\":null}\n");
	reader_free(r);
}

static void test_stats_passes_collect_errors_as_errno(void **state)
{
	struct json_object *msg;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\",\"args\":{\"target\":\"fail\"}}\n");
	assert_true(json_object_is_type(resp_of(msg, EIO), json_type_string));
	json_object_put(msg);
	reader_free(r);
}

/* ---- connections ------------------------------------------------------------ */

static void test_stats_serves_many_requests_per_connection(void **state)
{
	struct json_object *msg;
	struct reader *r;
	char *batch;
	int i;

	start_server();
	r = reader_new(raw_connect());
	for (i = 0; i < 300; i++) {
		msg = roundtrip(r, i % 3 ? "{\"req\":\"stats\"}\n" :
				"{\"req\":\"stats_meta\"}\n");
		resp_of(msg, 0);
		json_object_put(msg);
	}
	/* Pipelined: 100 requests in one write, answered in order. */
	batch = calloc(100, 32);
	for (i = 0; i < 100; i++)
		strcat(batch, i % 2 ? "{\"req\":\"stats\"}\n" : "{\"req\":\"x\"}\n");
	send_str(r->fd, batch);
	for (i = 0; i < 100; i++) {
		msg = read_msg(r);
		resp_of(msg, i % 2 ? 0 : EINVAL);
		json_object_put(msg);
	}
	free(batch);
	reader_free(r);
}

static void test_stats_answers_last_line_without_newline_at_eof(void **state)
{
	struct json_object *msg;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	send_str(r->fd, "{\"req\":\"stats\"}");
	shutdown(r->fd, SHUT_WR);
	msg = read_msg(r);
	assert_top_stats(resp_of(msg, 0));
	json_object_put(msg);
	assert_null(read_line(r));	/* then the server hangs up */
	reader_free(r);
}

/* A stats request padded with spaces to exactly @len bytes plus newline. */
static char *padded_request(size_t len)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}";
	char *line = malloc(len + 2);

	memcpy(line, req, sizeof(req) - 1);
	memset(line + sizeof(req) - 1, ' ', len - sizeof(req));
	line[len - 1] = '}';
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

static void test_stats_serves_request_of_exactly_max_length(void **state)
{
	char *line = padded_request(SK_STATS_MAX_REQUEST);
	struct json_object *msg;
	struct reader *r;

	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, line);
	assert_top_stats(resp_of(msg, 0));
	json_object_put(msg);
	free(line);
	reader_free(r);
}

static void test_stats_closes_connection_on_request_one_byte_too_long(void **state)
{
	char *line = padded_request(SK_STATS_MAX_REQUEST + 1);
	int fd;

	start_server();
	fd = raw_connect();
	send_str(fd, line);
	assert_true(closed_by_peer(fd, 2000));
	free(line);
	close(fd);
}

static void test_stats_rejects_oversized_request(void **state)
{
	size_t total = 10 << 20, sent = 0;
	struct json_object *msg;
	struct reader *r;
	int64_t deadline;
	bool closed = false;
	char *junk;
	ssize_t n;
	int fd;

	start_server();
	fd = raw_connect();
	fcntl(fd, F_SETFL, O_NONBLOCK);
	junk = malloc(total);
	memset(junk, 'a', total);
	deadline = now_ms() + 5000;
	while (sent < total && now_ms() < deadline) {
		n = send(fd, junk + sent, total - sent, MSG_NOSIGNAL);
		if (n > 0) {
			sent += n;
		} else if (errno == EPIPE || errno == ECONNRESET) {
			closed = true;
			break;
		} else {
			poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 50);
		}
	}
	assert_true(closed);
	assert_true(sent < total);
	close(fd);
	free(junk);

	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\"}\n");
	assert_top_stats(resp_of(msg, 0));
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_caps_clients_and_recovers_when_they_leave(void **state)
{
	struct sockaddr_un sa = addr_of(sock_path);
	int fds[200], nr_closed = 0, i;
	bool is_closed[200] = { 0 };
	struct json_object *msg;
	struct reader *r = NULL;
	int64_t deadline;
	char c;

	start_server();
	for (i = 0; i < 200; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_int_equal(connect(fds[i], (struct sockaddr *)&sa,
					 sizeof(sa)), 0);
		/* Let the server take it, so the backlog never fills. */
		if (i % 32 == 31)
			sleep_ms(20);
	}
	deadline = now_ms() + 5000;
	while (nr_closed < 200 - SK_STATS_DEFAULT_MAX_CLIENTS &&
	       now_ms() < deadline) {
		for (i = 0; i < 200; i++) {
			if (!is_closed[i] && recv(fds[i], &c, 1, 0) == 0) {
				is_closed[i] = true;
				nr_closed++;
			}
		}
		sleep_ms(10);
	}
	assert_int_equal(nr_closed, 200 - SK_STATS_DEFAULT_MAX_CLIENTS);
	/* The ones let in stay open while they idle. */
	sleep_ms(200);
	for (i = 0; i < 200; i++)
		if (!is_closed[i])
			assert_int_equal(recv(fds[i], &c, 1, 0), -1);
	for (i = 0; i < 200; i++)
		close(fds[i]);

	/* Slots free up once the idle clients go. */
	deadline = now_ms() + 3000;
	while (now_ms() < deadline) {
		r = reader_new(raw_connect());
		send_str(r->fd, "{\"req\":\"stats\"}\n");
		msg = NULL;
		{
			char *line = read_line(r);

			if (line)
				msg = json_tokener_parse(line);
			free(line);
		}
		if (msg) {
			assert_top_stats(resp_of(msg, 0));
			json_object_put(msg);
			break;
		}
		reader_free(r);
		r = NULL;
		sleep_ms(50);
	}
	assert_non_null(r);
	reader_free(r);
}

static void test_stats_drops_client_that_never_reads(void **state)
{
	struct sk_stats_server_opts opts = default_opts();
	char burst[100 * 17 + 1] = "";
	int64_t deadline, t0, worst = 0;
	struct json_object *msg;
	struct reader *r;
	bool dropped = false;
	int hog, rounds = 0, i;
	ssize_t n;

	opts.max_output = 64 * 1024;
	start_server_with(opts);
	for (i = 0; i < 100; i++)
		strcat(burst, "{\"req\":\"stats\"}\n");
	hog = raw_connect();
	fcntl(hog, F_SETFL, O_NONBLOCK);
	r = reader_new(raw_connect());

	deadline = now_ms() + 5000;
	while (!dropped && now_ms() < deadline) {
		n = send(hog, burst, strlen(burst), MSG_NOSIGNAL);
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			dropped = true;
		t0 = now_ms();
		msg = roundtrip(r, "{\"req\":\"stats\"}\n");
		resp_of(msg, 0);
		json_object_put(msg);
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
		rounds++;
	}
	assert_true(dropped);
	assert_true(rounds > 1);
	/* Generous for a loaded machine; a server waiting on the hog would block forever. */
	assert_true(worst < 1000);
	close(hog);
	reader_free(r);
}

static void test_stats_drops_client_stalled_mid_answer(void **state)
{
	struct sk_stats_server_opts opts = default_opts();
	struct timeval tv = { .tv_sec = 3 };
	int rcvbuf = 4096, fd;
	size_t total = 0;
	char buf[65536];
	ssize_t n;

	opts.stall_ms = 200;
	start_server_with(opts);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	{
		struct sockaddr_un sa = addr_of(sock_path);

		assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	send_str(fd, "{\"req\":\"stats\",\"args\":{\"target\":\"big\"}}\n");
	sleep_ms(800);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	assert_int_equal(n, 0);			/* hung up on us... */
	assert_true(total < BIG_RESPONSE);	/* ...before the answer was out */
	close(fd);
}

/* ---- the socket file ---------------------------------------------------------- */

static void test_stats_creates_parent_dirs_and_world_connectable_socket(void **state)
{
	char dir[200];
	struct stat st;
	mode_t old = umask(077);

	start_server();
	umask(old);
	snprintf(dir, sizeof(dir), "%s/run/scx", test_dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);
}

static void make_stale_socket(void)
{
	struct sockaddr_un sa = addr_of(sock_path);
	char dir[200];
	int fd;

	snprintf(dir, sizeof(dir), "%s/run", test_dir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/run/scx", test_dir);
	mkdir(dir, 0755);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);	/* the file stays, nobody listens: a crashed server */
}

static void test_stats_replaces_stale_socket(void **state)
{
	struct json_object *msg;
	struct reader *r;

	make_stale_socket();
	start_server();
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\"}\n");
	resp_of(msg, 0);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_refuses_to_replace_live_server(void **state)
{
	struct sk_stats_server_opts opts = default_opts();
	struct sk_stats_server *second = NULL;
	struct json_object *msg;
	struct reader *r;

	start_server();
	assert_int_equal(sk_stats_server_start(&opts, &second), -EADDRINUSE);
	assert_null(second);
	r = reader_new(raw_connect());
	msg = roundtrip(r, "{\"req\":\"stats\"}\n");
	resp_of(msg, 0);
	json_object_put(msg);
	reader_free(r);
}

static void test_stats_refuses_to_replace_non_socket(void **state)
{
	struct sk_stats_server_opts opts = default_opts();
	char dir[200], buf[16] = "";
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/run", test_dir);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/run/scx", test_dir);
	mkdir(dir, 0755);
	f = fopen(sock_path, "w");
	fputs("precious", f);
	fclose(f);
	assert_int_equal(sk_stats_server_start(&opts, &srv), -EEXIST);
	f = fopen(sock_path, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious");
}

static void test_stats_stop_removes_only_its_own_socket(void **state)
{
	struct stat st;
	FILE *f;

	start_server();
	sk_stats_server_stop(srv);
	srv = NULL;
	assert_int_equal(lstat(sock_path, &st), -1);

	/* Someone replaced our socket file: stop must leave theirs alone. */
	start_server();
	unlink(sock_path);
	f = fopen(sock_path, "w");
	fclose(f);
	sk_stats_server_stop(srv);
	srv = NULL;
	assert_int_equal(lstat(sock_path, &st), 0);
}

/* ---- metadata and helpers -------------------------------------------------------- */

static void assert_meta_invalid(const struct sk_stat_struct *const *structs)
{
	struct sk_stats_server_opts opts = default_opts();
	struct json_object *out = NULL;
	struct stat st;

	assert_int_equal(sk_stats_meta_json(structs, &out), -EINVAL);
	assert_null(out);
	opts.structs = structs;
	assert_int_equal(sk_stats_server_start(&opts, &srv), -EINVAL);
	assert_int_equal(lstat(sock_path, &st), -1);
}

static void test_stats_rejects_bad_metadata(void **state)
{
	static const struct sk_stat_field dangling[] = {
		SK_STAT_NESTED("x", "NoSuchStats", NULL),
	};
	static const struct sk_stat_field self_ref[] = {
		SK_STAT_DICT("kids", "Loop", NULL),
	};
	static const struct sk_stat_field float_key[] = {
		{ .name = "d", .shape = SK_STAT_SHAPE_DICT,
		  .type = SK_STAT_TYPE_U64, .key_type = SK_STAT_TYPE_FLOAT },
	};
	static const struct sk_stat_field twice[] = {
		SK_STAT_COUNTER("a", NULL, NULL), SK_STAT_COUNTER("a", NULL, NULL),
	};
	static const struct sk_stat_struct s_dangling = {
		.name = "T", .top = true, SK_STAT_FIELDS(dangling) };
	static const struct sk_stat_struct s_loop = {
		.name = "Loop", .top = true, SK_STAT_FIELDS(self_ref) };
	static const struct sk_stat_struct s_float_key = {
		.name = "T", .top = true, SK_STAT_FIELDS(float_key) };
	static const struct sk_stat_struct s_twice = {
		.name = "T", .top = true, SK_STAT_FIELDS(twice) };
	static const struct sk_stat_struct s_plain = {
		.name = "T", SK_STAT_FIELDS(queue_fields) };
	static const struct sk_stat_struct s_top2 = {
		.name = "U", .top = true, SK_STAT_FIELDS(queue_fields) };
	const struct sk_stat_struct *const no_top[] = { &s_plain, NULL };
	const struct sk_stat_struct *const two_tops[] = { &top_st, &s_top2,
		&cpu_st, &queue_st, NULL };
	const struct sk_stat_struct *const dup_name[] = { &s_top2, &s_top2, NULL };
	const struct sk_stat_struct *const missing[] = { &top_st, &cpu_st, NULL };
	const struct sk_stat_struct *const empty[] = { NULL };

	assert_meta_invalid((const struct sk_stat_struct *const[]){ &s_dangling, NULL });
	assert_meta_invalid((const struct sk_stat_struct *const[]){ &s_loop, NULL });
	assert_meta_invalid((const struct sk_stat_struct *const[]){ &s_float_key, NULL });
	assert_meta_invalid((const struct sk_stat_struct *const[]){ &s_twice, NULL });
	assert_meta_invalid(no_top);
	assert_meta_invalid(two_tops);
	assert_meta_invalid(dup_name);
	assert_meta_invalid(missing);
	assert_meta_invalid(empty);
}

static void test_stats_percpu_counters_sums_and_breaks_down_per_cpu(void **state)
{
	struct json_object *obj;

	assert_int_equal(sk_stats_percpu_counters(&cpu_st, "cpus", cpu_vals,
						  NR_CPUS, NR_COUNTERS, &obj), 0);
	assert_json(obj, "{\"nr_local\":60,\"busy_ns\":6000,\"cpus\":{"
		    "\"0\":{\"nr_local\":10,\"busy_ns\":1000},"
		    "\"1\":{\"nr_local\":20,\"busy_ns\":2000},"
		    "\"2\":{\"nr_local\":30,\"busy_ns\":3000}}}");
	json_object_put(obj);

	assert_int_equal(sk_stats_percpu_counters(&cpu_st, NULL, cpu_vals,
						  NR_CPUS, NR_COUNTERS, &obj), 0);
	assert_json(obj, "{\"nr_local\":60,\"busy_ns\":6000}");
	json_object_put(obj);

	/* Field 2 of the top struct is the dict, not a counter. */
	assert_int_equal(sk_stats_percpu_counters(&top_st, NULL, cpu_vals,
						  1, 3, &obj), -EINVAL);
	assert_int_equal(sk_stats_percpu_counters(&cpu_st, NULL, cpu_vals,
						  NR_CPUS, 3, &obj), -EINVAL);
}

static void test_stats_percpu_counters_keeps_full_u64_range(void **state)
{
	const uint64_t big[2] = { UINT64_MAX - 1, 1 };
	struct json_object *obj;

	assert_int_equal(sk_stats_percpu_counters(&cpu_st, NULL, big, 1, 2,
						  &obj), 0);
	assert_json(obj, "{\"nr_local\":18446744073709551614,\"busy_ns\":1}");
	json_object_put(obj);
}

/* ---- client ------------------------------------------------------------------------ */

static struct sk_stats_client *client_connect(void)
{
	struct sk_stats_client *c;

	assert_int_equal(sk_stats_client_connect(sock_path, 2000, &c), 0);
	return c;
}

static void test_stats_client_reads_stats(void **state)
{
	struct sk_stats_client *c;
	struct json_object *out;
	int i;

	start_server();
	c = client_connect();
	for (i = 0; i < 3; i++) {
		assert_int_equal(sk_stats_client_stats(c, NULL, &out), 0);
		assert_top_stats(out);
		json_object_put(out);
	}
	sk_stats_client_close(c);
}

static void test_stats_client_parses_meta(void **state)
{
	const struct sk_stat_struct *top, *cpu;
	struct sk_stats_client *c;
	struct sk_stats_meta *m;

	start_server();
	c = client_connect();
	assert_int_equal(sk_stats_client_meta(c, &m), 0);
	assert_int_equal(sk_stats_meta_nr_structs(m), 3);
	top = sk_stats_meta_top(m);
	assert_non_null(top);
	assert_string_equal(top->name, "TestStats");
	assert_string_equal(top->desc, "test scheduler statistics");
	assert_int_equal(top->nr_fields, 7);
	assert_string_equal(top->fields[1].name, "busy_ns");
	assert_string_equal(top->fields[1].unit, SK_UNIT_NS);
	assert_int_equal(top->fields[1].kind, SK_STAT_KIND_COUNTER);
	assert_int_equal(top->fields[2].shape, SK_STAT_SHAPE_DICT);
	assert_int_equal(top->fields[2].key_type, SK_STAT_TYPE_U64);
	assert_int_equal(top->fields[2].type, SK_STAT_TYPE_STRUCT);
	assert_string_equal(top->fields[2].struct_name, "TestCpuStats");
	assert_int_equal(top->fields[3].type, SK_STAT_TYPE_FLOAT);
	assert_int_equal(top->fields[3].kind, SK_STAT_KIND_GAUGE);
	assert_null(top->fields[4].desc);
	assert_int_equal(top->fields[6].shape, SK_STAT_SHAPE_ARRAY);
	assert_true(top->fields[6].om_skip);
	cpu = sk_stats_meta_find(m, "TestCpuStats");
	assert_non_null(cpu);
	assert_false(cpu->top);
	assert_string_equal(cpu->om_prefix, "cpu_");
	assert_string_equal(cpu->om_label, "cpu");
	assert_null(sk_stats_meta_find(m, "Nope"));
	assert_null(sk_stats_meta_struct(m, 3));
	sk_stats_meta_free(m);
	sk_stats_client_close(c);
}

struct walk {
	char names[256];
	int nr_counters;
	int nr_missing;
};

static int walk_field(const struct sk_stat_field *f, struct json_object *val,
		      void *ctx)
{
	struct walk *w = ctx;

	strcat(w->names, f->name);
	strcat(w->names, " ");
	w->nr_counters += f->kind == SK_STAT_KIND_COUNTER;
	w->nr_missing += !val;
	return 0;
}

static int stop_at_cpus(const struct sk_stat_field *f, struct json_object *val,
			void *ctx)
{
	return strcmp(f->name, "cpus") ? 0 : 7;
}

static void test_stats_client_walks_fields_with_metadata(void **state)
{
	struct sk_stats_client *c;
	struct json_object *out, *cpus;
	struct sk_stats_meta *m;
	struct walk w = { .names = "" };
	const struct sk_stat_struct *top, *cpu;

	start_server();
	c = client_connect();
	assert_int_equal(sk_stats_client_meta(c, &m), 0);
	assert_int_equal(sk_stats_client_stats(c, "top", &out), 0);
	top = sk_stats_meta_top(m);
	assert_int_equal(sk_stats_for_each_field(top, out, walk_field, &w), 0);
	assert_string_equal(w.names, "nr_local busy_ns cpus load mode queue slices ");
	assert_int_equal(w.nr_counters, 2);
	assert_int_equal(w.nr_missing, 0);
	assert_int_equal(sk_stats_for_each_field(top, out, stop_at_cpus, NULL), 7);

	/* Descend into a per-CPU entry through the field's struct name. */
	cpu = sk_stats_meta_find(m, top->fields[2].struct_name);
	json_object_object_get_ex(out, "cpus", &cpus);
	memset(&w, 0, sizeof(w));
	assert_int_equal(sk_stats_for_each_field(cpu, json_object_object_get(cpus, "2"),
						 walk_field, &w), 0);
	assert_string_equal(w.names, "nr_local busy_ns ");
	/* A string where a struct belongs is refused, not walked. */
	assert_int_equal(sk_stats_for_each_field(cpu, json_object_object_get(out, "mode"),
						 walk_field, &w), -EINVAL);
	json_object_put(out);
	sk_stats_meta_free(m);
	sk_stats_client_close(c);
}

static void test_stats_client_returns_server_errno_and_message(void **state)
{
	struct sk_stats_client *c;
	struct json_object *out;

	start_server();
	c = client_connect();
	assert_int_equal(sk_stats_client_stats(c, "nope", &out), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(sk_stats_client_error(c), "unknown stats target"));
	assert_int_equal(sk_stats_client_request(c, "bogus", NULL, &out), -EINVAL);
	assert_int_equal(sk_stats_client_stats(c, "fail", &out), -EIO);
	/* Server-side errors leave the connection usable. */
	assert_int_equal(sk_stats_client_stats(c, NULL, &out), 0);
	assert_string_equal(sk_stats_client_error(c), "");
	json_object_put(out);
	sk_stats_client_close(c);
}

static void test_stats_client_reports_missing_server(void **state)
{
	struct sk_stats_client *c = NULL;

	assert_int_equal(sk_stats_client_connect(sock_path, 500, &c), -ENOENT);
	assert_null(c);
	make_stale_socket();
	assert_int_equal(sk_stats_client_connect(sock_path, 500, &c), -ECONNREFUSED);
	assert_null(c);
}

static void test_stats_client_times_out_on_silent_server(void **state)
{
	struct sockaddr_un sa = addr_of(sock_path);
	struct sk_stats_client *c;
	struct json_object *out;
	int64_t t0, took;
	int lfd;

	make_stale_socket();
	unlink(sock_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);	/* accepts nothing, says nothing */

	assert_int_equal(sk_stats_client_connect(sock_path, 300, &c), 0);
	t0 = now_ms();
	assert_int_equal(sk_stats_client_stats(c, NULL, &out), -ETIMEDOUT);
	took = now_ms() - t0;
	assert_true(took >= 290 && took < 2000);
	assert_int_equal(sk_stats_client_stats(c, NULL, &out), -ENOTCONN);
	sk_stats_client_close(c);
	close(lfd);
}

static void test_stats_client_gets_connection_reset_when_server_stops(void **state)
{
	struct sk_stats_client *c;
	struct json_object *out;
	int err;

	start_server();
	c = client_connect();
	sk_stats_server_stop(srv);
	srv = NULL;
	err = sk_stats_client_stats(c, NULL, &out);
	assert_true(err == -ECONNRESET || err == -EPIPE);
	sk_stats_client_close(c);
}

static void test_stats_meta_parse_reads_scx_rust_style_meta(void **state)
{
	/* Keys sorted as serde writes them; a kind this version lacks. */
	static const char scx[] =
		"{\"DomStats\":{\"desc\":\"domain\",\"fields\":{"
		"\"load\":{\"datum\":\"float\"},"
		"\"weird\":{\"datum\":\"u128\"}},"
		"\"name\":\"DomStats\",\"user\":{\"_om_label\":\"dom\",\"_om_prefix\":\"d_\"}},"
		"\"SysStats\":{\"fields\":{"
		"\"doms\":{\"desc\":\"per domain\",\"dict\":{\"datum\":{\"struct\":\"DomStats\"},\"key\":\"string\"}},"
		"\"names\":{\"array\":\"string\"}},"
		"\"name\":\"SysStats\",\"top\":\"true\"}}";
	struct json_object *resp = json_tokener_parse(scx);
	const struct sk_stat_struct *top, *dom;
	struct sk_stats_meta *m;

	assert_int_equal(sk_stats_meta_parse(resp, &m), 0);
	top = sk_stats_meta_top(m);
	assert_string_equal(top->name, "SysStats");
	assert_int_equal(top->nr_fields, 2);
	assert_int_equal(top->fields[0].key_type, SK_STAT_TYPE_STRING);
	assert_string_equal(top->fields[0].struct_name, "DomStats");
	assert_int_equal(top->fields[1].shape, SK_STAT_SHAPE_ARRAY);
	assert_int_equal(top->fields[1].type, SK_STAT_TYPE_STRING);
	dom = sk_stats_meta_find(m, "DomStats");
	assert_int_equal(dom->nr_fields, 1);	/* "weird" skipped */
	assert_string_equal(dom->om_label, "dom");
	assert_int_equal(dom->fields[0].kind, SK_STAT_KIND_NONE);
	sk_stats_meta_free(m);
	json_object_put(resp);

	resp = json_tokener_parse("{\"X\":{\"name\":\"X\"}}");
	assert_int_equal(sk_stats_meta_parse(resp, &m), -EPROTO);
	assert_null(m);
	json_object_put(resp);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stats_serves_top_stats_in_scx_shape),
		T(test_stats_target_defaults_to_top),
		T(test_stats_meta_lists_every_struct_and_marks_top),
		T(test_stats_meta_describes_units_and_kinds),
		T(test_stats_meta_describes_nested_structs_and_dicts),
		T(test_stats_meta_answer_matches_meta_json),
		T(test_stats_answers_einval_to_garbage),
		T(test_stats_answers_einval_to_unknown_request),
		T(test_stats_answers_einval_to_unknown_target),
		T(test_stats_answers_einval_to_non_string_args),
		T(test_stats_passes_collect_errors_as_errno),
		T(test_stats_serves_many_requests_per_connection),
		T(test_stats_answers_last_line_without_newline_at_eof),
		T(test_stats_serves_request_of_exactly_max_length),
		T(test_stats_closes_connection_on_request_one_byte_too_long),
		T(test_stats_rejects_oversized_request),
		T(test_stats_caps_clients_and_recovers_when_they_leave),
		T(test_stats_drops_client_that_never_reads),
		T(test_stats_drops_client_stalled_mid_answer),
		T(test_stats_creates_parent_dirs_and_world_connectable_socket),
		T(test_stats_replaces_stale_socket),
		T(test_stats_refuses_to_replace_live_server),
		T(test_stats_refuses_to_replace_non_socket),
		T(test_stats_stop_removes_only_its_own_socket),
		T(test_stats_rejects_bad_metadata),
		T(test_stats_percpu_counters_sums_and_breaks_down_per_cpu),
		T(test_stats_percpu_counters_keeps_full_u64_range),
		T(test_stats_client_reads_stats),
		T(test_stats_client_parses_meta),
		T(test_stats_client_walks_fields_with_metadata),
		T(test_stats_client_returns_server_errno_and_message),
		T(test_stats_client_reports_missing_server),
		T(test_stats_client_times_out_on_silent_server),
		T(test_stats_client_gets_connection_reset_when_server_stops),
		T(test_stats_meta_parse_reads_scx_rust_style_meta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
