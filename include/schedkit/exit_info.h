/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exit information shared between a scheduler's BPF side and libschedkit.
 *
 * The kernel hands ops.exit() a struct scx_exit_info whose strings live in
 * kernel memory and vanish once the scheduler is gone. exit.bpf.h copies them
 * into one struct sk_exit_info placed in its own data section
 * (SK_EXIT_SEC); libbpf turns that section into an mmap-able map named
 * after the section, so the library finds it by name in any scheduler's
 * object without knowing the skeleton's type.
 *
 * This header compiles both in BPF programs (after vmlinux.h) and in user
 * space, so it only uses the kernel's __u32-style types.
 */
#ifndef SCHEDKIT_EXIT_INFO_H
#define SCHEDKIT_EXIT_INFO_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* ELF section, and therefore libbpf map name, holding struct sk_exit_info. */
#define SK_EXIT_SEC		".data.sk_exit"

enum sk_exit_sizes {
	SK_EXIT_REASON_LEN	= 128,
	/* scx_exit_info.msg is SCX_EXIT_MSG_LEN (1024) bytes in 6.12 */
	SK_EXIT_MSG_LEN		= 1024,
	/*
	 * The kernel's default dump size. The library sets
	 * sched_ext_ops.exit_dump_len to this so that the kernel never
	 * writes more than we can keep.
	 */
	SK_EXIT_DUMP_LEN	= 32768,
};

/*
 * Values of scx_exit_info.kind (enum scx_exit_kind in kernel/sched/ext.c).
 * Repeated here because user space cannot include vmlinux.h.
 */
enum sk_exit_kind {
	SK_EXIT_NONE		= 0,
	SK_EXIT_DONE		= 1,
	SK_EXIT_UNREG		= 64,
	SK_EXIT_UNREG_BPF	= 65,
	SK_EXIT_UNREG_KERN	= 66,
	SK_EXIT_SYSRQ		= 67,
	SK_EXIT_ERROR		= 1024,
	SK_EXIT_ERROR_BPF	= 1025,
	SK_EXIT_ERROR_STALL	= 1026,
};

/*
 * scx_exit_info.exit_code layout: bits 0-31 are the scheduler's own code,
 * 32-47 a system reason, 48-63 a system action (enum scx_exit_code).
 */
#define SK_ECODE_USER_MASK	0x00000000ffffffffULL
#define SK_ECODE_RSN_MASK	0x0000ffff00000000ULL
#define SK_ECODE_ACT_MASK	0xffff000000000000ULL
#define SK_ECODE_RSN_HOTPLUG	(1ULL << 32)
#define SK_ECODE_ACT_RESTART	(1ULL << 48)

struct sk_exit_info {
	/*
	 * enum sk_exit_kind; SK_EXIT_NONE while the scheduler runs. Written
	 * last by the BPF side with a full barrier so that a reader who sees
	 * it non-zero also sees the strings.
	 */
	__s32	kind;
	/* bytes of dump[] that hold text, not counting the final NUL */
	__u32	dump_len;
	__s64	exit_code;
	char	reason[SK_EXIT_REASON_LEN];
	char	msg[SK_EXIT_MSG_LEN];
	char	dump[SK_EXIT_DUMP_LEN];
};

#endif /* SCHEDKIT_EXIT_INFO_H */
