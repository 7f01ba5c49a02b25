// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_test_rejected: loader for tests/bpf/rejected.bpf.c, whose ops.enqueue
 * the verifier refuses, so that an integration test can check how
 * sk_sched_main() reports a verifier rejection. Built, never installed.
 */
#include <schedkit/sched.h>

#include "rejected.skel.h"

SK_SKEL_DEFINE(rejected_bpf);

static const struct sk_sched_desc desc = {
	.name = "test_rejected",
	.description = "Test scheduler that the BPF verifier rejects.",
	.skel = SK_SKEL(rejected_bpf),
};

int main(int argc, char **argv)
{
	return sk_sched_main(&desc, argc, argv);
}
