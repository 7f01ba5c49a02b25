// SPDX-License-Identifier: GPL-2.0-only
/*
 * The schedkitd control protocol (lib/ctl.c): request and reply shapes,
 * hostile request lines, and the client's behaviour against servers that
 * stay silent or answer garbage, over real Unix sockets.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include <json-c/json.h>

#include <schedkit/ctl.h>

static int parse(const char *line, struct sk_ctl_request **r, char *err, size_t len)
{
	err[0] = '\0';
	return sk_ctl_request_parse(line, strlen(line), r, err, len);
}

static void test_ctl_request_round_trip(void **state)
{
	const char *args[] = { "--slice-us", "5000", "with space", NULL };
	struct sk_ctl_request *r;
	char *line, err[256];

	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "fifo", args, &line), 0);
	assert_non_null(strchr(line, '\n'));
	assert_int_equal(strchr(line, '\n') - line, (long)strlen(line) - 1);
	assert_int_equal(sk_ctl_request_parse(line, strlen(line) - 1, &r, err, sizeof(err)), 0);
	assert_int_equal(r->req, SK_CTL_SWITCH);
	assert_string_equal(r->name, "fifo");
	assert_int_equal(r->nr_args, 3);
	assert_string_equal(r->args[2], "with space");
	assert_null(r->args[3]);
	sk_ctl_request_free(r);
	free(line);

	/* No options given is not the same as an empty option list. */
	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "fifo", NULL, &line), 0);
	assert_int_equal(parse(line, &r, err, sizeof(err)), 0);
	assert_null(r->args);
	sk_ctl_request_free(r);
	free(line);

	assert_int_equal(sk_ctl_request_encode(SK_CTL_STATUS, NULL, NULL, &line), 0);
	assert_string_equal(line, "{\"req\":\"status\"}\n");
	free(line);
}

static void test_ctl_request_parse_all_kinds(void **state)
{
	static const struct {
		const char *line;
		enum sk_ctl_req req;
	} ok[] = {
		{ "{\"req\":\"stop\"}", SK_CTL_STOP },
		{ "{\"req\":\"status\",\"future\":[1,2]}", SK_CTL_STATUS },
		{ " {\"req\":\"list\"}\r", SK_CTL_LIST },
		{ "{\"req\":\"reload\"}", SK_CTL_RELOAD },
		{ "{\"req\":\"switch\",\"name\":\"gaming\",\"args\":[]}", SK_CTL_SWITCH },
	};
	struct sk_ctl_request *r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse(ok[i].line, &r, err, sizeof(err)))
			fail_msg("'%s' refused: %s", ok[i].line, err);
		assert_int_equal(r->req, ok[i].req);
		sk_ctl_request_free(r);
	}
}

static void test_ctl_request_rejects_hostile_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"\"switch\"",
		"{}",
		"{\"req\":1}",
		"{\"req\":\"reboot\"}",
		"{\"req\":\"switch\"}",
		"{\"req\":\"switch\",\"name\":\"../../bin/sh\"}",
		"{\"req\":\"switch\",\"name\":\"/bin/sh\"}",
		"{\"req\":\"switch\",\"name\":\"-rf\"}",
		"{\"req\":\"switch\",\"name\":\"\"}",
		"{\"req\":\"switch\",\"name\":7}",
		"{\"req\":\"switch\",\"name\":\"fifo\",\"args\":\"--x\"}",
		"{\"req\":\"switch\",\"name\":\"fifo\",\"args\":[1]}",
		"{\"req\":\"switch\",\"name\":\"fifo\",\"args\":[\"a\\nb\"]}",
		"{\"req\":\"switch\",\"name\":\"fifo\",\"args\":[\"a\\u0000b\"]}",
		"{\"req\":\"stop\",\"name\":\"fifo\"}",
		"{\"req\":\"status\",\"args\":[]}",
		"{\"req\":\"stop\"}{\"req\":\"stop\"}",
		"{\"req\":\"stop\"} x",
		"{\"req\":\"stop\"",
	};
	struct sk_ctl_request *r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = (void *)1;
		if (parse(bad[i], &r, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was not refused with -EINVAL", bad[i]);
		assert_null(r);
		assert_true(strlen(err) > 0);
		assert_null(strchr(err, '\n'));
	}
}

static void test_ctl_request_rejects_oversized_and_nul(void **state)
{
	size_t len = SK_CTL_MAX_LINE + 1;
	char *big = malloc(len + 1), err[128];
	struct sk_ctl_request *r;

	memset(big, ' ', len);
	big[len] = '\0';
	assert_int_equal(sk_ctl_request_parse(big, len, &r, err, sizeof(err)), -EMSGSIZE);
	free(big);
	assert_int_equal(sk_ctl_request_parse("{\"req\":\"stop\"}\0", 15, &r, err,
					      sizeof(err)), -EINVAL);
}

static void test_ctl_request_limits_args(void **state)
{
	const char *many[SK_CTL_MAX_ARGS + 2];
	char *line, longarg[SK_CTL_MAX_ARG_LEN + 2];
	const char *one[] = { longarg, NULL };
	int i;

	for (i = 0; i <= SK_CTL_MAX_ARGS; i++)
		many[i] = "x";
	many[SK_CTL_MAX_ARGS + 1] = NULL;
	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "fifo", many, &line), -EINVAL);
	many[SK_CTL_MAX_ARGS] = NULL;
	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "fifo", many, &line), 0);
	free(line);
	memset(longarg, 'a', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "fifo", one, &line), -EINVAL);
	assert_int_equal(sk_ctl_request_encode(SK_CTL_SWITCH, "a/b", NULL, &line), -EINVAL);
}

static void test_ctl_name_rules(void **state)
{
	assert_true(sk_ctl_name_valid("fifo"));
	assert_true(sk_ctl_name_valid("scx_rusty"));
	assert_true(sk_ctl_name_valid("a.b-c_9"));
	assert_false(sk_ctl_name_valid(""));
	assert_false(sk_ctl_name_valid(".."));
	assert_false(sk_ctl_name_valid("-h"));
	assert_false(sk_ctl_name_valid("a b"));
	assert_false(sk_ctl_name_valid("a/b"));
	assert_false(sk_ctl_name_valid(NULL));
}

static void test_ctl_replies_parse_back(void **state)
{
	struct json_object *body = json_object_new_object(), *out, *v;
	char *line, err[256];

	json_object_object_add(body, "pid", json_object_new_int(42));
	assert_int_equal(sk_ctl_reply_ok(body, &line), 0);
	assert_int_equal(sk_ctl_reply_parse(line, strlen(line) - 1, &out, err, sizeof(err)), 0);
	assert_true(json_object_object_get_ex(out, "pid", &v));
	assert_int_equal(json_object_get_int(v), 42);
	json_object_put(out);
	free(line);

	assert_int_equal(sk_ctl_reply_error(EPERM, "switch needs root", &line), 0);
	assert_int_equal(sk_ctl_reply_parse(line, strlen(line) - 1, &out, err, sizeof(err)),
			 -EPERM);
	assert_null(out);
	assert_string_equal(err, "switch needs root");
	free(line);

	assert_int_equal(sk_ctl_reply_parse("{\"ok\":false}", 12, &out, err, sizeof(err)), -EIO);
	assert_int_equal(sk_ctl_reply_parse("{\"ok\":false,\"errno\":-5}", 23, &out, err,
					    sizeof(err)), -EIO);
	assert_int_equal(sk_ctl_reply_parse("{\"ok\":1}", 8, &out, err, sizeof(err)), -EPROTO);
	assert_int_equal(sk_ctl_reply_parse("garbage", 7, &out, err, sizeof(err)), -EPROTO);
}

/* A one-connection server thread that answers with a fixed byte string. */
struct fake {
	char path[108];
	int lfd;
	const char *answer;	/* NULL: stay silent until the client leaves */
	size_t answer_len;
	pthread_t thr;
};

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	char buf[256];
	int fd = accept(f->lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	if (read(fd, buf, sizeof(buf)) > 0 && f->answer)
		send(fd, f->answer, f->answer_len, MSG_NOSIGNAL);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f, const char *answer, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(f->path, sizeof(f->path), "/tmp/sk-ctl-test-%d", (int)getpid());
	unlink(f->path);
	strcpy(sa.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	f->answer = answer;
	f->answer_len = len;
	pthread_create(&f->thr, NULL, fake_main, f);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->thr, NULL);
	close(f->lfd);
	unlink(f->path);
}

static void test_ctl_call_times_out_on_silent_server(void **state)
{
	struct json_object *out;
	struct fake f;
	char err[256];
	struct timespec a, b;

	fake_start(&f, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(sk_ctl_call(f.path, "{\"req\":\"status\"}\n", 300, &out, err,
				     sizeof(err)), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 3000);
	assert_null(out);
	fake_stop(&f);
}

static void test_ctl_call_refuses_garbage_and_endless_lines(void **state)
{
	struct json_object *out;
	struct fake f;
	char err[256], *big;

	fake_start(&f, "hello\n", 6);
	assert_int_equal(sk_ctl_call(f.path, "{\"req\":\"status\"}\n", 2000, &out, err,
				     sizeof(err)), -EPROTO);
	fake_stop(&f);

	big = malloc(SK_CTL_MAX_LINE + 100);
	memset(big, 'x', SK_CTL_MAX_LINE + 100);
	fake_start(&f, big, SK_CTL_MAX_LINE + 100);
	assert_int_equal(sk_ctl_call(f.path, "{\"req\":\"status\"}\n", 2000, &out, err,
				     sizeof(err)), -EMSGSIZE);
	fake_stop(&f);
	free(big);

	fake_start(&f, "{\"ok\":true,\"x\":1}\n", 18);
	assert_int_equal(sk_ctl_call(f.path, "{\"req\":\"status\"}\n", 2000, &out, err,
				     sizeof(err)), 0);
	json_object_put(out);
	fake_stop(&f);
}

static void test_ctl_call_without_daemon(void **state)
{
	struct json_object *out;
	char err[256];

	assert_int_equal(sk_ctl_call("/tmp/sk-ctl-test-nobody-here", "{}\n", 500, &out,
				     err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/tmp/sk-ctl-test-nobody-here"));
}

/*
 * $SCHEDKIT_RUNDIR moves every run-directory path, the client's default
 * socket included. The directory is read once per process: this test
 * sets it before anything else asks.
 */
static void test_ctl_run_dir_from_environment(void **state)
{
	char dir[] = "/tmp/sk-ctl-test-run.XXXXXX", err[256];
	struct json_object *out;

	assert_non_null(mkdtemp(dir));
	setenv(SK_CTL_RUN_DIR_ENV, dir, 1);
	assert_string_equal(sk_ctl_run_dir(), dir);
	assert_int_equal(sk_ctl_run_dir_check(err, sizeof(err)), 0);
	assert_non_null(strstr(sk_ctl_run_path(SK_CTL_RUN_CONTROL), dir));
	assert_non_null(strstr(sk_ctl_run_path(SK_CTL_RUN_CONTROL), "/control"));
	assert_non_null(strstr(sk_ctl_run_path(SK_CTL_RUN_LOCK), "/lock"));
	assert_non_null(strstr(sk_ctl_run_path(SK_CTL_RUN_STATE), "/active.json"));
	assert_null(sk_ctl_run_path(SK_CTL_NR_RUN_FILES));
	/* No daemon in it: the error names the moved socket, not /run/schedkit. */
	assert_int_equal(sk_ctl_call(NULL, "{}\n", 500, &out, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, dir));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: it fixes the run directory for the process */
		cmocka_unit_test(test_ctl_run_dir_from_environment),
		cmocka_unit_test(test_ctl_request_round_trip),
		cmocka_unit_test(test_ctl_request_parse_all_kinds),
		cmocka_unit_test(test_ctl_request_rejects_hostile_lines),
		cmocka_unit_test(test_ctl_request_rejects_oversized_and_nul),
		cmocka_unit_test(test_ctl_request_limits_args),
		cmocka_unit_test(test_ctl_name_rules),
		cmocka_unit_test(test_ctl_replies_parse_back),
		cmocka_unit_test(test_ctl_call_times_out_on_silent_server),
		cmocka_unit_test(test_ctl_call_refuses_garbage_and_endless_lines),
		cmocka_unit_test(test_ctl_call_without_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
