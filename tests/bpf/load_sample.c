// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaches tests/bpf/sample.bpf.c with bare libbpf, no libschedkit, so the
 * integration test can tell a broken BPF build rule apart from a broken
 * library: if this loads, the rule's objects are loadable.
 *
 * usage: sk-load-sample    (attaches, prints "attached", waits for SIGINT
 *                           or SIGTERM, detaches, prints "detached")
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "sample.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(void)
{
	struct sample_bpf *skel;
	struct bpf_link *link;
	int err;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = sample_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "sk-load-sample: open/load failed: %s\n", strerror(errno));
		return 1;
	}
	link = bpf_map__attach_struct_ops(skel->maps.sample_ops);
	err = libbpf_get_error(link);
	if (err) {
		fprintf(stderr, "sk-load-sample: attach failed: %s\n", strerror(-err));
		sample_bpf__destroy(skel);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	sample_bpf__destroy(skel);
	printf("detached\n");
	return 0;
}
