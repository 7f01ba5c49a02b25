/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smallest sched_ext scheduler the BPF build rule can turn into a
 * skeleton: it exists so the host tests can check that a struct_ops map
 * survives clang, bpftool gen object and gen skeleton, and so VM tests have
 * something trivial to attach. Every callback left out falls back to the
 * kernel's default policy.
 */
#include <schedkit/bpf/vmlinux.h>
#include <bpf/bpf_helpers.h>

/* sched_ext's kfuncs are GPL-only. */
char _license[] SEC("license") = "GPL";

/*
 * ops.init may sleep, hence struct_ops.s; struct_ops programs get their
 * arguments as an array of u64, and init has none.
 */
SEC("struct_ops.s/sample_init")
int sample_init(unsigned long long *ctx)
{
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops sample_ops = {
	.init = (void *)sample_init,
	.name = "sample",
};
