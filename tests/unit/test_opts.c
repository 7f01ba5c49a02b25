// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line parsing every scheduler shares (lib/opts.c): common options,
 * a scheduler's own table, range checks and the one-line errors users see.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <schedkit/sched.h>

static __u64 slice_us;
static __u32 depth;
static __s64 offset;
static bool partial;
static const char *mode;

static const struct sk_opt opts[] = {
	{ .name = "slice-us", .short_name = 's', .kind = SK_OPT_U64,
	  .arg = "US", .help = "slice length", .min = 100, .max = 1000000,
	  .dest = &slice_us },
	{ .name = "depth", .kind = SK_OPT_U32, .help = "queue depth",
	  .dest = &depth },
	{ .name = "offset", .kind = SK_OPT_S64, .help = "signed offset",
	  .min = -50, .max = 50, .dest = &offset },
	{ .name = "partial", .short_name = 'p', .kind = SK_OPT_FLAG,
	  .help = "only SCHED_EXT tasks", .dest = &partial },
	{ .name = "mode", .kind = SK_OPT_STR, .arg = "NAME",
	  .help = "a mode", .dest = &mode },
	SK_OPT_END,
};

static int reset(void **state)
{
	slice_us = 20000;
	depth = 8;
	offset = 0;
	partial = false;
	mode = NULL;
	return 0;
}

/* Parse a NULL-terminated argument list; argv[0] is supplied. */
static int parse(struct sk_cli *cli, char *err, size_t len, ...)
{
	char *argv[32] = { "scx_test" };
	int argc = 1;
	va_list ap;
	char *a;

	va_start(ap, len);
	while ((a = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = a;
	va_end(ap);
	return sk_opts_parse(opts, argc, argv, cli, err, len);
}

static void test_opts_defaults_apply_without_arguments(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), NULL), 0);
	assert_string_equal(cli.stats_socket, SK_STATS_DEFAULT_PATH);
	assert_false(cli.verbose);
	assert_false(cli.quiet);
	assert_false(cli.help);
	assert_int_equal(slice_us, 20000);
	assert_false(partial);
}

static void test_opts_accept_long_short_and_equals_forms(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--slice-us", "500", NULL), 0);
	assert_int_equal(slice_us, 500);
	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "700", NULL), 0);
	assert_int_equal(slice_us, 700);
	assert_int_equal(parse(&cli, err, sizeof(err), "--slice-us=900", NULL), 0);
	assert_int_equal(slice_us, 900);
}

static void test_opts_accept_range_bounds(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "100", NULL), 0);
	assert_int_equal(slice_us, 100);
	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "1000000", NULL), 0);
	assert_int_equal(slice_us, 1000000);
}

static void test_opts_reject_out_of_range_value_naming_the_range(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--slice-us", "5", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "--slice-us must be between 100 and 1000000"));
	assert_non_null(strstr(err, "got 5"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(slice_us, 20000);

	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "1000001", NULL),
			 -EINVAL);
	assert_int_equal(slice_us, 20000);
}

static void test_opts_reject_malformed_numbers(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "12ms", NULL), -EINVAL);
	assert_non_null(strstr(err, "'12ms' is not a non-negative number"));
	assert_int_equal(parse(&cli, err, sizeof(err), "-s", "", NULL), -EINVAL);
	assert_int_equal(parse(&cli, err, sizeof(err), "--depth", "0x10", NULL),
			 -EINVAL);
	assert_int_equal(slice_us, 20000);
	assert_int_equal(depth, 8);
}

static void test_opts_reject_negative_value_for_unsigned_option(void **state)
{
	struct sk_cli cli;
	char err[256];

	/* strtoull would wrap "-1" to a huge count */
	assert_int_equal(parse(&cli, err, sizeof(err), "--depth", "-1", NULL),
			 -EINVAL);
	assert_int_equal(depth, 8);
}

static void test_opts_reject_u32_overflow_without_range(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--depth", "4294967295", NULL), 0);
	assert_int_equal(depth, UINT32_MAX);
	assert_int_equal(parse(&cli, err, sizeof(err), "--depth", "4294967296", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(depth, UINT32_MAX);
}

static void test_opts_parse_signed_values_in_range(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--offset", "-50", NULL), 0);
	assert_int_equal(offset, -50);
	assert_int_equal(parse(&cli, err, sizeof(err), "--offset", "-51", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "between -50 and 50"));
	assert_int_equal(offset, -50);
}

static void test_opts_set_flags_and_strings(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "-p", "--mode", "fast", NULL), 0);
	assert_true(partial);
	assert_string_equal(mode, "fast");
}

static void test_opts_parse_common_options(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "-v", "--quiet",
			       "--stats-socket", "/tmp/sk.sock", "-V", NULL), 0);
	assert_true(cli.verbose);
	assert_true(cli.quiet);
	assert_true(cli.version);
	assert_string_equal(cli.stats_socket, "/tmp/sk.sock");

	/* clustered short options */
	assert_int_equal(parse(&cli, err, sizeof(err), "-vqp", NULL), 0);
	assert_true(cli.verbose);
	assert_true(cli.quiet);
	assert_true(partial);
}

static void test_opts_reject_unknown_option_by_name(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--bogus", NULL), -EINVAL);
	assert_string_equal(err, "unknown option --bogus");
	assert_int_equal(parse(&cli, err, sizeof(err), "-x", NULL), -EINVAL);
	assert_string_equal(err, "unknown option -x");
}

static void test_opts_report_missing_value(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--slice-us", NULL), -EINVAL);
	assert_string_equal(err, "option --slice-us needs a value");
	assert_int_equal(parse(&cli, err, sizeof(err), "-s", NULL), -EINVAL);
	assert_string_equal(err, "option -s needs a value");
	assert_int_equal(parse(&cli, err, sizeof(err), "--stats-socket", "", NULL),
			 -EINVAL);
}

static void test_opts_reject_stray_argument(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "-v", "extra", NULL), -EINVAL);
	assert_string_equal(err, "unexpected argument 'extra'");
}

static void test_opts_help_wins_over_later_errors(void **state)
{
	struct sk_cli cli;
	char err[256];

	assert_int_equal(parse(&cli, err, sizeof(err), "--help", "--bogus", NULL), 0);
	assert_true(cli.help);
	assert_int_equal(parse(&cli, err, sizeof(err), "-h", NULL), 0);
	assert_true(cli.help);
}

static void test_opts_reject_table_clashing_with_common_option(void **state)
{
	static bool v;
	const struct sk_opt bad[] = {
		{ .name = "verbose", .kind = SK_OPT_FLAG, .dest = &v },
		SK_OPT_END,
	};
	const struct sk_opt twice[] = {
		{ .name = "a", .short_name = 'a', .kind = SK_OPT_FLAG, .dest = &v },
		{ .name = "b", .short_name = 'a', .kind = SK_OPT_FLAG, .dest = &v },
		SK_OPT_END,
	};
	char *argv[] = { "scx_test", NULL };
	struct sk_cli cli;
	char err[256];

	assert_int_equal(sk_opts_parse(bad, 1, argv, &cli, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--verbose"));
	assert_int_equal(sk_opts_parse(twice, 1, argv, &cli, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "defined twice"));
}

static void test_opts_work_without_scheduler_table(void **state)
{
	char *argv[] = { "scx_test", "-q", NULL };
	struct sk_cli cli;
	char err[256];

	assert_int_equal(sk_opts_parse(NULL, 2, argv, &cli, err, sizeof(err)), 0);
	assert_true(cli.quiet);
}

static void test_usage_lists_options_with_ranges_and_defaults(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	sk_opts_usage(out, "scx_test", "A test scheduler.", opts);
	fclose(out);

	assert_non_null(strstr(text, "Usage: scx_test [OPTIONS]"));
	assert_non_null(strstr(text, "A test scheduler."));
	assert_non_null(strstr(text, "-s, --slice-us=US"));
	assert_non_null(strstr(text, "[100..1000000, default 20000]"));
	assert_non_null(strstr(text, "--depth=N"));
	assert_non_null(strstr(text, "[default 8]"));
	assert_non_null(strstr(text, "--stats-socket=PATH"));
	assert_non_null(strstr(text, SK_STATS_DEFAULT_PATH));
	assert_non_null(strstr(text, "-v, --verbose"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_opts_defaults_apply_without_arguments, reset),
		cmocka_unit_test_setup(test_opts_accept_long_short_and_equals_forms, reset),
		cmocka_unit_test_setup(test_opts_accept_range_bounds, reset),
		cmocka_unit_test_setup(test_opts_reject_out_of_range_value_naming_the_range, reset),
		cmocka_unit_test_setup(test_opts_reject_malformed_numbers, reset),
		cmocka_unit_test_setup(test_opts_reject_negative_value_for_unsigned_option, reset),
		cmocka_unit_test_setup(test_opts_reject_u32_overflow_without_range, reset),
		cmocka_unit_test_setup(test_opts_parse_signed_values_in_range, reset),
		cmocka_unit_test_setup(test_opts_set_flags_and_strings, reset),
		cmocka_unit_test_setup(test_opts_parse_common_options, reset),
		cmocka_unit_test_setup(test_opts_reject_unknown_option_by_name, reset),
		cmocka_unit_test_setup(test_opts_report_missing_value, reset),
		cmocka_unit_test_setup(test_opts_reject_stray_argument, reset),
		cmocka_unit_test_setup(test_opts_help_wins_over_later_errors, reset),
		cmocka_unit_test_setup(test_opts_reject_table_clashing_with_common_option, reset),
		cmocka_unit_test_setup(test_opts_work_without_scheduler_table, reset),
		cmocka_unit_test_setup(test_usage_lists_options_with_ranges_and_defaults, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
