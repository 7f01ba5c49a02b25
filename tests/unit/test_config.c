// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit.conf parsing (lib/config.c): defaults, modes and options, word
 * splitting with quotes, and errors that name the line at fault.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <schedkit/config.h>

static int parse(const char *text, struct sk_config **cfg, char *err, size_t len)
{
	err[0] = '\0';
	return sk_config_parse(text, strlen(text), "t.conf", cfg, err, len);
}

static void test_config_empty_gives_defaults(void **state)
{
	struct sk_config *cfg;
	char err[256];

	assert_int_equal(parse("", &cfg, err, sizeof(err)), 0);
	assert_null(cfg->default_name);
	assert_int_equal(cfg->restart_max, 3);
	assert_int_equal(cfg->restart_backoff_ms, 1000);
	assert_int_equal(cfg->settle_ms, 2000);
	assert_int_equal(cfg->nr_modes, 0);
	sk_config_free(cfg);
}

static void test_config_full_file(void **state)
{
	const char *text =
		"# comment\n"
		"\n"
		"  default = gaming  \n"
		"options.fifo = --slice-us 5000\n"
		"mode.gaming = latency --slice-us 3000 --name 'two words'\n"
		"mode.server=fifo\n"
		"restart_max = 5\r\n"
		"restart_backoff_ms = 250\n"
		"settle_ms = 0";
	const struct sk_config_entry *e;
	struct sk_config *cfg;
	char err[256];

	assert_int_equal(parse(text, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->default_name, "gaming");
	assert_int_equal(cfg->restart_max, 5);
	assert_int_equal(cfg->restart_backoff_ms, 250);
	assert_int_equal(cfg->settle_ms, 0);

	e = sk_config_mode(cfg, "gaming");
	assert_non_null(e);
	assert_string_equal(e->sched, "latency");
	assert_int_equal(e->nr_args, 4);
	assert_string_equal(e->args[0], "--slice-us");
	assert_string_equal(e->args[3], "two words");
	assert_null(e->args[4]);

	e = sk_config_mode(cfg, "server");
	assert_non_null(e);
	assert_string_equal(e->sched, "fifo");
	assert_int_equal(e->nr_args, 0);
	assert_null(e->args[0]);

	e = sk_config_options(cfg, "fifo");
	assert_non_null(e);
	assert_int_equal(e->nr_args, 2);
	assert_string_equal(e->args[1], "5000");
	assert_null(sk_config_options(cfg, "latency"));
	assert_null(sk_config_mode(cfg, "fifo"));
	sk_config_free(cfg);
}

/* Each bad line must be reported with its own line number. */
static void test_config_errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "default = fifo\nbogus = 1\n", "t.conf:2: unknown key 'bogus'" },
		{ "\n\n\nno equals sign\n", "t.conf:4: expected KEY = VALUE" },
		{ "restart_max = 101\n", "t.conf:1: restart_max must be a whole number" },
		{ "settle_ms = -1\n", "t.conf:1: settle_ms must be" },
		{ "settle_ms = 10ms\n", "t.conf:1: settle_ms must be" },
		{ "#\nmode.x = \n", "t.conf:2: mode.x needs a scheduler name" },
		{ "mode.x = fifo 'open\n", "t.conf:1: unterminated ' quote" },
		{ "mode.a/b = fifo\n", "t.conf:1: 'a/b' is not a valid mode name" },
		{ "options.fifo = a\noptions.fifo = b\n", "t.conf:2: options.fifo is set twice" },
		{ "default = a\ndefault = b\n", "t.conf:2: default is set twice" },
		{ "default = two words\n", "t.conf:1: default must be one mode" },
		{ " = x\n", "t.conf:1: missing key" },
		{ "mode.x = ../../bin/sh\n", "t.conf:1: mode.x needs a scheduler name" },
		{ "mode.x = fifo trailing\\\n", "t.conf:1: backslash at the end" },
	};
	struct sk_config *cfg;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg = (void *)1;
		assert_int_equal(parse(cases[i].text, &cfg, err, sizeof(err)), -EINVAL);
		assert_null(cfg);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)))
			fail_msg("case %zu: expected '%s...', got '%s'", i, cases[i].want, err);
	}
}

static void test_config_nul_byte_is_refused(void **state)
{
	static const char text[] = "default = fifo\nmode.a = fifo\0x\n";
	struct sk_config *cfg;
	char err[256];

	assert_int_equal(sk_config_parse(text, sizeof(text) - 1, "t.conf", &cfg, err,
					 sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:2: NUL byte in line");
}

static void test_config_split_quotes_and_escapes(void **state)
{
	char **v, err[128];
	int n;

	assert_int_equal(sk_config_split("  a 'b c' \"d \\\" e\" f\\ g h#i  ", &v, &n,
					 err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b c");
	assert_string_equal(v[2], "d \" e");
	assert_string_equal(v[3], "f g");
	assert_string_equal(v[4], "h#i");
	assert_null(v[5]);
	sk_strv_free(v);

	assert_int_equal(sk_config_split("", &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	sk_strv_free(v);

	assert_int_equal(sk_config_split("''", &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "");
	sk_strv_free(v);
}

static void test_config_split_refuses_too_many_words(void **state)
{
	char buf[400], **v, err[128];
	int n, i;

	buf[0] = '\0';
	for (i = 0; i < 65; i++)
		strcat(buf, "w ");
	assert_int_equal(sk_config_split(buf, &v, &n, err, sizeof(err)), -EINVAL);
	assert_null(v);
	assert_string_equal(err, "more than 64 words");
}

static void test_config_load_reports_missing_and_bad_files(void **state)
{
	char path[] = "/tmp/sk-config-XXXXXX", err[512];
	struct sk_config *cfg;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "default = fifo\nmode.q = \n", 25), 25);
	close(fd);
	assert_int_equal(sk_config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: mode.q needs a scheduler name"));
	unlink(path);
	assert_int_equal(sk_config_load(path, &cfg, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(sk_config_load("/tmp", &cfg, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_empty_gives_defaults),
		cmocka_unit_test(test_config_full_file),
		cmocka_unit_test(test_config_errors_name_the_line),
		cmocka_unit_test(test_config_nul_byte_is_refused),
		cmocka_unit_test(test_config_split_quotes_and_escapes),
		cmocka_unit_test(test_config_split_refuses_too_many_words),
		cmocka_unit_test(test_config_load_reports_missing_and_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
