// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the scheduler runner tells users before anything loads
 * (lib/sched_sys.c: no sched_ext, another scheduler active) and how it
 * boils a failed load down to the end of the verifier log
 * (lib/sched_log.c). Sysfs trees are faked in a temporary directory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sched_internal.h"

struct fake {
	char dir[64];
};

static void put(const struct fake *f, const char *name, const char *val)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(val, fp);
	fclose(fp);
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/sk-sysfs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static void test_check_explains_missing_sched_ext(void **state)
{
	struct fake *f = *state;
	char missing[128], err[512];

	snprintf(missing, sizeof(missing), "%s/sched_ext", f->dir);
	assert_int_equal(sk_sys_check(missing, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no sched_ext"));
	assert_non_null(strstr(err, "kernel-configs/sched_ext.config"));
	assert_non_null(strstr(err, "schedkit vm"));
	assert_null(strchr(err, '\n'));
}

static void test_check_passes_when_no_scheduler_is_loaded(void **state)
{
	struct fake *f = *state;
	char err[512];

	put(f, "state", "disabled\n");
	assert_int_equal(sk_sys_check(f->dir, err, sizeof(err)), 0);
	assert_int_equal(sk_sys_enabled(f->dir), 0);
}

static void test_check_names_the_active_scheduler(void **state)
{
	struct fake *f = *state;
	char root[128], err[512];

	put(f, "state", "enabled\n");
	snprintf(root, sizeof(root), "%s/root", f->dir);
	assert_int_equal(mkdir(root, 0755), 0);
	put(f, "root/ops", "simple\n");

	assert_int_equal(sk_sys_check(f->dir, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "'simple'"));
	assert_non_null(strstr(err, "is enabled"));
	assert_non_null(strstr(err, "stop it first"));
	assert_int_equal(sk_sys_enabled(f->dir), 1);
}

static void test_check_reports_busy_while_a_scheduler_is_leaving(void **state)
{
	struct fake *f = *state;
	char err[512];

	/* root/ is already gone while disabling */
	put(f, "state", "disabling\n");
	assert_int_equal(sk_sys_check(f->dir, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "another sched_ext scheduler is disabling"));
}

static void test_check_fails_when_state_is_unreadable(void **state)
{
	struct fake *f = *state;
	char err[512];

	assert_int_equal(sk_sys_check(f->dir, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot read"));
}

static void test_hotplug_seq_is_parsed(void **state)
{
	struct fake *f = *state;
	__u64 seq = 0;

	put(f, "hotplug_seq", "17\n");
	assert_int_equal(sk_sys_hotplug_seq(f->dir, &seq), 0);
	assert_int_equal(seq, 17);
	put(f, "hotplug_seq", "junk\n");
	assert_int_equal(sk_sys_hotplug_seq(f->dir, &seq), -EINVAL);
}

/* What libbpf 1.5 prints when the verifier rejects a program. */
static const char libbpf_output[] =
	"libbpf: map 'fifo_ops': created successfully, fd=5\n"
	"libbpf: prog 'fifo_enqueue': BPF program load failed: Permission denied\n"
	"libbpf: prog 'fifo_enqueue': -- BEGIN PROG LOAD LOG --\n"
	"0: R1=ctx() R10=fp0\n"
	"; int BPF_PROG(fifo_enqueue) @ fifo.bpf.c:80\n"
	"1: (79) r6 = *(u64 *)(r1 +0)\n"
	"\n"
	"2: (85) call scx_bpf_dispatch#12345\n"
	"R1 invalid mem access 'scalar'\n"
	"processed 3 insns (limit 1000000)\n"
	"-- END PROG LOAD LOG --\n"
	"libbpf: prog 'fifo_enqueue': failed to load: -13\n"
	"libbpf: failed to load object 'fifo_bpf'\n";

static void test_verifier_tail_names_program_and_keeps_last_lines(void **state)
{
	const char *tail;
	char prog[64];
	size_t len;

	assert_true(sk_log_verifier_tail(libbpf_output, 3, prog, sizeof(prog),
					 &tail, &len));
	assert_string_equal(prog, "fifo_enqueue");
	assert_int_equal(len, strlen("2: (85) call scx_bpf_dispatch#12345\n"
				     "R1 invalid mem access 'scalar'\n"
				     "processed 3 insns (limit 1000000)"));
	assert_memory_equal(tail, "2: (85) call scx_bpf_dispatch#12345\n"
			    "R1 invalid mem access 'scalar'\n"
			    "processed 3 insns (limit 1000000)", len);
}

static void test_verifier_tail_returns_whole_short_log(void **state)
{
	const char *tail;
	char prog[64];
	size_t len;

	assert_true(sk_log_verifier_tail(libbpf_output, 100, prog, sizeof(prog),
					 &tail, &len));
	assert_memory_equal(tail, "0: R1=ctx() R10=fp0\n", 20);
	assert_null(memmem(tail, len, "END PROG LOAD LOG", 17));
}

static void test_verifier_tail_absent_without_load_log(void **state)
{
	const char *tail;
	char prog[64];
	size_t len;

	assert_false(sk_log_verifier_tail("libbpf: failed to find BTF for extern 'scx_bpf_consume'\n",
					  10, prog, sizeof(prog), &tail, &len));
}

static void test_last_lines_skip_blank_lines(void **state)
{
	const char *tail;
	size_t len;

	sk_log_last_lines("a\nb\n\nc\n\n", 2, &tail, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(tail, "b\n\nc", 4);
	sk_log_last_lines("", 2, &tail, &len);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_explains_missing_sched_ext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_passes_when_no_scheduler_is_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_names_the_active_scheduler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_reports_busy_while_a_scheduler_is_leaving, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_fails_when_state_is_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hotplug_seq_is_parsed, setup, teardown),
		cmocka_unit_test(test_verifier_tail_names_program_and_keeps_last_lines),
		cmocka_unit_test(test_verifier_tail_returns_whole_short_log),
		cmocka_unit_test(test_verifier_tail_absent_without_load_log),
		cmocka_unit_test(test_last_lines_skip_blank_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
