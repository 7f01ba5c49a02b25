// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_test_failing: loader for tests/bpf/failing.bpf.c, a scheduler that
 * stops itself after a number of dispatches, so that integration tests can
 * check what sk_sched_main() reports and returns for a runtime error and for
 * a BPF-side exit with a code. Built, never installed.
 */
#include <schedkit/sched.h>

#include "failing.skel.h"

SK_SKEL_DEFINE(failing_bpf);

static __u64 fail_after;
static __u64 exit_code;

static const struct sk_opt opts[] = {
	{ .name = "fail-after", .kind = SK_OPT_U64, .arg = "N",
	  .help = "stop after N calls of ops.dispatch (0: never)",
	  .dest = &fail_after },
	{ .name = "exit-code", .kind = SK_OPT_U64, .arg = "CODE",
	  .help = "stop with sk_exit(CODE) instead of a runtime error",
	  .dest = &exit_code },
	SK_OPT_END,
};

static int configure(struct sk_sched *sk, void *skel)
{
	struct failing_bpf *f = skel;

	f->rodata->fail_after = fail_after;
	f->rodata->exit_code = exit_code;
	return 0;
}

static const struct sk_sched_desc desc = {
	.name = "test_failing",
	.description = "Test scheduler that stops itself after N dispatches.",
	.skel = SK_SKEL(failing_bpf),
	.opts = opts,
	.configure = configure,
};

int main(int argc, char **argv)
{
	return sk_sched_main(&desc, argc, argv);
}
