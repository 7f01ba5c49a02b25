// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit reporting (lib/exit.c): how a scheduler's stop is named, which
 * process status it maps to, when a restart is due, and what the report a
 * user reads contains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <schedkit/sched.h>

static struct sk_exit_info *new_exit(int kind, __s64 code, const char *reason,
				     const char *msg, const char *dump)
{
	struct sk_exit_info *ei = calloc(1, sizeof(*ei));

	assert_non_null(ei);
	ei->kind = kind;
	ei->exit_code = code;
	if (reason)
		snprintf(ei->reason, sizeof(ei->reason), "%s", reason);
	if (msg)
		snprintf(ei->msg, sizeof(ei->msg), "%s", msg);
	if (dump) {
		snprintf(ei->dump, sizeof(ei->dump), "%s", dump);
		ei->dump_len = strlen(ei->dump);
	}
	return ei;
}

/* The report as a string; caller frees. */
static char *report(const struct sk_exit_info *ei, bool with_dump)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	sk_exit_report(out, "scx_test", ei, with_dump);
	fclose(out);
	return text;
}

static void test_exit_kinds_have_plain_names(void **state)
{
	assert_string_equal(sk_exit_kind_str(SK_EXIT_UNREG),
			    "unregistered from user space");
	assert_string_equal(sk_exit_kind_str(SK_EXIT_ERROR), "runtime error");
	assert_non_null(strstr(sk_exit_kind_str(SK_EXIT_ERROR_STALL),
			       "watchdog stall"));
	assert_non_null(strstr(sk_exit_kind_str(SK_EXIT_SYSRQ), "sysrq"));
	assert_string_equal(sk_exit_kind_str(4242), "unknown exit kind");
}

static void test_exit_status_is_zero_for_requested_stops(void **state)
{
	static const int kinds[] = {
		SK_EXIT_UNREG, SK_EXIT_UNREG_BPF, SK_EXIT_UNREG_KERN,
		SK_EXIT_SYSRQ,
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct sk_exit_info *ei = new_exit(kinds[i], 0, NULL, NULL, NULL);

		assert_int_equal(sk_exit_status(ei), 0);
		assert_false(sk_exit_is_error(ei));
		free(ei);
	}
}

static void test_exit_status_is_nonzero_for_errors(void **state)
{
	static const int kinds[] = {
		SK_EXIT_ERROR, SK_EXIT_ERROR_BPF, SK_EXIT_ERROR_STALL, 2000, 7,
		SK_EXIT_NONE,
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct sk_exit_info *ei = new_exit(kinds[i], 0, NULL, NULL, NULL);

		assert_int_equal(sk_exit_status(ei), 1);
		assert_true(sk_exit_is_error(ei));
		free(ei);
	}
}

static void test_exit_status_carries_bpf_exit_code(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_UNREG_BPF, 3, NULL, NULL, NULL);

	assert_int_equal(sk_exit_status(ei), 3);
	/* codes that do not fit an exit status still fail */
	ei->exit_code = 1000;
	assert_int_equal(sk_exit_status(ei), 1);
	/* system bits alone are not the scheduler's code */
	ei->exit_code = (__s64)(SK_ECODE_ACT_RESTART | SK_ECODE_RSN_HOTPLUG);
	assert_int_equal(sk_exit_status(ei), 0);
	/* a user-space stop has no code to carry */
	ei->kind = SK_EXIT_UNREG;
	ei->exit_code = 5;
	assert_int_equal(sk_exit_status(ei), 0);
	free(ei);
}

static void test_exit_restart_only_when_kernel_asks(void **state)
{
	struct sk_exit_info *ei;

	ei = new_exit(SK_EXIT_UNREG_KERN,
		      (__s64)(SK_ECODE_ACT_RESTART | SK_ECODE_RSN_HOTPLUG),
		      NULL, NULL, NULL);
	assert_true(sk_exit_wants_restart(ei));
	ei->exit_code = (__s64)SK_ECODE_RSN_HOTPLUG;
	assert_false(sk_exit_wants_restart(ei));
	ei->exit_code = 1;
	assert_false(sk_exit_wants_restart(ei));
	/* another action in the same bits is not a restart */
	ei->exit_code = (__s64)(2ULL << 48);
	assert_false(sk_exit_wants_restart(ei));
	free(ei);
}

static void test_report_of_error_shows_message_and_dump(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_ERROR_BPF, 0, "scx_bpf_error",
					   "invalid DSQ 0x42",
					   "CPU 0: nr_run=3\nCPU 1: idle\n");
	char *text = report(ei, false);

	assert_non_null(strstr(text, "scx_test: stopped: error raised by the BPF scheduler\n"));
	assert_non_null(strstr(text, "scx_test:   kernel says: scx_bpf_error\n"));
	assert_non_null(strstr(text, "scx_test:   message: invalid DSQ 0x42\n"));
	assert_non_null(strstr(text, "debug dump (28 bytes)"));
	assert_non_null(strstr(text, "CPU 0: nr_run=3\nCPU 1: idle\n"));
	assert_non_null(strstr(text, "end of debug dump"));
	free(text);
	free(ei);
}

static void test_report_of_user_stop_is_short(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_UNREG, 0,
					   "unregistered from user space", NULL,
					   "leftover dump");
	char *text = report(ei, false);

	assert_string_equal(text, "scx_test: stopped: unregistered from user space\n");
	free(text);

	/* --verbose asks for the dump even on a clean stop */
	text = report(ei, true);
	assert_non_null(strstr(text, "leftover dump"));
	free(text);
	free(ei);
}

static void test_report_decodes_restart_exit_code(void **state)
{
	struct sk_exit_info *ei;
	char *text;

	ei = new_exit(SK_EXIT_UNREG_KERN,
		      (__s64)(SK_ECODE_ACT_RESTART | SK_ECODE_RSN_HOTPLUG),
		      "unregistered from the main kernel",
		      "cpu 3 going offline, restarting", NULL);
	text = report(ei, false);
	assert_non_null(strstr(text, "exit code: 0x1000100000000 (restart requested, CPU hotplug)"));
	assert_non_null(strstr(text, "message: cpu 3 going offline"));
	free(text);

	ei->kind = SK_EXIT_UNREG_BPF;
	ei->exit_code = 7;
	text = report(ei, false);
	assert_non_null(strstr(text, "exit code: 0x7 (scheduler code 7)"));
	free(text);
	free(ei);
}

static void test_report_prefixes_every_message_line(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_ERROR, 0, NULL,
					   "first line\nsecond line", NULL);
	char *text = report(ei, false);

	assert_non_null(strstr(text, "scx_test:   message: first line\nscx_test:   second line\n"));
	free(text);
	free(ei);
}

static void test_report_bounds_unterminated_strings(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_ERROR, 0, NULL, NULL, NULL);
	char *text, *line;

	/* the BPF side could fill msg to the last byte */
	memset(ei->msg, 'x', sizeof(ei->msg));
	memset(ei->reason, 'r', sizeof(ei->reason));
	text = report(ei, false);
	line = strstr(text, "message: ");
	assert_non_null(line);
	line += strlen("message: ");
	assert_int_equal(strspn(line, "x"), SK_EXIT_MSG_LEN);
	assert_int_equal(line[SK_EXIT_MSG_LEN], '\n');
	free(text);
	free(ei);
}

static void test_report_trusts_dump_len_over_stale_bytes(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_ERROR_STALL, 0, NULL, NULL,
					   "fresh dump|stale tail");
	char *text;

	ei->dump_len = strlen("fresh dump");
	text = report(ei, false);

	assert_non_null(strstr(text, "fresh dump\n"));
	assert_null(strstr(text, "stale tail"));
	free(text);
	free(ei);
}

static void test_report_without_record_says_how_to_fix(void **state)
{
	struct sk_exit_info *ei = new_exit(SK_EXIT_NONE, 0, NULL, NULL, NULL);
	char *text = report(ei, false);

	assert_non_null(strstr(text, "stopped: no exit recorded"));
	assert_non_null(strstr(text, "exit.bpf.h"));
	free(text);
	free(ei);
}

static void test_report_names_unknown_kind_number(void **state)
{
	struct sk_exit_info *ei = new_exit(1500, 0, NULL, NULL, NULL);
	char *text = report(ei, false);

	assert_non_null(strstr(text, "stopped: unknown exit kind 1500"));
	free(text);
	free(ei);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_kinds_have_plain_names),
		cmocka_unit_test(test_exit_status_is_zero_for_requested_stops),
		cmocka_unit_test(test_exit_status_is_nonzero_for_errors),
		cmocka_unit_test(test_exit_status_carries_bpf_exit_code),
		cmocka_unit_test(test_exit_restart_only_when_kernel_asks),
		cmocka_unit_test(test_report_of_error_shows_message_and_dump),
		cmocka_unit_test(test_report_of_user_stop_is_short),
		cmocka_unit_test(test_report_decodes_restart_exit_code),
		cmocka_unit_test(test_report_prefixes_every_message_line),
		cmocka_unit_test(test_report_bounds_unterminated_strings),
		cmocka_unit_test(test_report_trusts_dump_len_over_stale_bytes),
		cmocka_unit_test(test_report_without_record_says_how_to_fix),
		cmocka_unit_test(test_report_names_unknown_kind_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
