/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keep why a scheduler stopped where user space can read it afterwards.
 *
 * The kernel's struct scx_exit_info only lives for the duration of
 * ops.exit(). sk_exit_record() copies it into sk_exit_info, a global in its
 * own data section (SK_EXIT_SEC) so that libschedkit finds it by map name in
 * any scheduler object and reports it without scheduler-specific code.
 *
 * Include this from exactly one BPF source of a scheduler object: it
 * defines the global.
 */
#ifndef SCHEDKIT_EXIT_BPF_H
#define SCHEDKIT_EXIT_BPF_H

#include <schedkit/bpf/common.bpf.h>
#include <schedkit/exit_info.h>

struct sk_exit_info sk_exit_info SEC(SK_EXIT_SEC);

/*
 * Copy @ei into sk_exit_info. The library sets ops.exit_dump_len to
 * SK_EXIT_DUMP_LEN, so a dump the kernel produced always fits.
 */
static __always_inline void sk_exit_record(struct scx_exit_info *ei)
{
	long len;

	bpf_probe_read_kernel_str(sk_exit_info.reason,
				  sizeof(sk_exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(sk_exit_info.msg, sizeof(sk_exit_info.msg),
				  ei->msg);
	if (ei->dump) {
		len = bpf_probe_read_kernel_str(sk_exit_info.dump,
						sizeof(sk_exit_info.dump),
						ei->dump);
		sk_exit_info.dump_len = len > 0 ? len - 1 : 0;
	}
	sk_exit_info.exit_code = ei->exit_code;

	/*
	 * Publish kind last, with a full barrier: user space polls it while
	 * the scheduler may still be attached and must not see a non-zero
	 * kind before the strings above.
	 */
	__sync_val_compare_and_swap(&sk_exit_info.kind, sk_exit_info.kind,
				    ei->kind);
}

/*
 * Define the ops.exit() callback @name for a scheduler that needs nothing
 * else at exit. Reference it as .exit = (void *)name in the ops struct.
 */
#define SK_EXIT_OPS(name)						\
	void SK_STRUCT_OPS(name, struct scx_exit_info *ei)		\
	{								\
		sk_exit_record(ei);					\
	}

#endif /* SCHEDKIT_EXIT_BPF_H */
