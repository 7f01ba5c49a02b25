/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every schedkit BPF scheduler includes first: kernel types, libbpf's
 * BPF helpers, the sched_ext kfuncs of Linux 6.12 and a few macros that
 * each policy would otherwise write again.
 *
 * The kfunc list follows the BTF_ID_FLAGS sets in kernel/sched/ext.c of 6.12
 * (where dispatching is still called scx_bpf_dispatch/consume; 6.13 renamed
 * them to scx_bpf_dsq_insert/move_to_local). The comment on each group says
 * from which ops callbacks the kernel accepts them: calling one elsewhere
 * is a runtime error, not a verifier error.
 */
#ifndef SCHEDKIT_COMMON_BPF_H
#define SCHEDKIT_COMMON_BPF_H

/*
 * A vmlinux.h generated from a kernel with kfunc decl tags carries its own
 * kfunc prototypes; ours below are the reference, so keep theirs out.
 */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#define BPF_NO_KFUNC_PROTOTYPES
#endif
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno.h>

/*
 * vmlinux.h produced by an old pahole loses the upper half of 64-bit enum
 * values, which silently turns SCX_DSQ_LOCAL into a user DSQ id. Refuse to
 * build instead of debugging that at run time.
 */
_Static_assert(SCX_DSQ_FLAG_BUILTIN == (1ULL << 63),
	       "vmlinux.h lost the high bits of 64-bit enums: regenerate it with a newer pahole/bpftool");

/* --- ops.select_cpu() only ---------------------------------------------- */
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;

/* --- ops.select_cpu(), ops.enqueue(), ops.dispatch() -------------------- */
void scx_bpf_dispatch(struct task_struct *p, u64 dsq_id, u64 slice,
		      u64 enq_flags) __ksym;
void scx_bpf_dispatch_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
			    u64 vtime, u64 enq_flags) __ksym;

/* --- ops.dispatch() only ------------------------------------------------ */
u32 scx_bpf_dispatch_nr_slots(void) __ksym;
void scx_bpf_dispatch_cancel(void) __ksym;
bool scx_bpf_consume(u64 dsq_id) __ksym;

/* --- ops.dispatch() and contexts without an rq lock (timers, syscall) --- */
void scx_bpf_dispatch_from_dsq_set_slice(struct bpf_iter_scx_dsq *it__iter,
					 u64 slice) __ksym;
void scx_bpf_dispatch_from_dsq_set_vtime(struct bpf_iter_scx_dsq *it__iter,
					 u64 vtime) __ksym;
bool scx_bpf_dispatch_from_dsq(struct bpf_iter_scx_dsq *it__iter,
			       struct task_struct *p, u64 dsq_id,
			       u64 enq_flags) __ksym;
bool scx_bpf_dispatch_vtime_from_dsq(struct bpf_iter_scx_dsq *it__iter,
				     struct task_struct *p, u64 dsq_id,
				     u64 enq_flags) __ksym;

/* --- ops.cpu_release() only --------------------------------------------- */
u32 scx_bpf_reenqueue_local(void) __ksym;

/* --- sleepable contexts: ops.init(), ops.init_task(), ... --------------- */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;

/* --- any ops callback ---------------------------------------------------- */
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
void scx_bpf_destroy_dsq(u64 dsq_id) __ksym;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id,
			 u64 flags) __ksym;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym;
void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data,
		       u32 data__sz) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data,
			u32 data__sz) __ksym;
void scx_bpf_dump_bstr(char *fmt, unsigned long long *data,
		       u32 data__sz) __ksym;
u32 scx_bpf_cpuperf_cap(s32 cpu) __ksym;
u32 scx_bpf_cpuperf_cur(s32 cpu) __ksym;
void scx_bpf_cpuperf_set(s32 cpu, u32 perf) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
const struct cpumask *scx_bpf_get_possible_cpumask(void) __ksym;
const struct cpumask *scx_bpf_get_online_cpumask(void) __ksym;
void scx_bpf_put_cpumask(const struct cpumask *cpumask) __ksym;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __ksym;
const struct cpumask *scx_bpf_get_idle_smtmask(void) __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
bool scx_bpf_task_running(const struct task_struct *p) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
struct rq *scx_bpf_cpu_rq(s32 cpu) __ksym;
/* only built with CONFIG_CGROUP_SCHED, hence weak */
struct cgroup *scx_bpf_task_cgroup(struct task_struct *p) __ksym __weak;

/* Generic BPF kfuncs policies commonly need (kernel/bpf/helpers.c). */
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;

/*
 * CPU masks (kernel/bpf/cpumask.c). Read-only ones take any cpumask, e.g.
 * p->cpus_ptr or an idle mask; writable ones need a struct bpf_cpumask
 * from bpf_cpumask_create(), kept in a map as a kptr.
 */
struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
u32 bpf_cpumask_first(const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_first_zero(const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_first_and(const struct cpumask *src1,
			  const struct cpumask *src2) __ksym;
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_setall(struct bpf_cpumask *cpumask) __ksym;
void bpf_cpumask_clear(struct bpf_cpumask *cpumask) __ksym;
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2) __ksym;
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2) __ksym;
void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2) __ksym;
bool bpf_cpumask_equal(const struct cpumask *src1,
		       const struct cpumask *src2) __ksym;
bool bpf_cpumask_intersects(const struct cpumask *src1,
			    const struct cpumask *src2) __ksym;
bool bpf_cpumask_subset(const struct cpumask *src1,
			const struct cpumask *src2) __ksym;
bool bpf_cpumask_empty(const struct cpumask *cpumask) __ksym;
bool bpf_cpumask_full(const struct cpumask *cpumask) __ksym;
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src) __ksym;
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1,
				   const struct cpumask *src2) __ksym;
u32 bpf_cpumask_weight(const struct cpumask *cpumask) __ksym;

/*
 * A struct bpf_cpumask is a struct cpumask with a reference count; the
 * read-only kfuncs take it through this cast.
 */
#define sk_cpumask(bpf_mask)	((const struct cpumask *)(bpf_mask))

/*
 * Define a struct_ops callback. The section prefix is what makes libbpf
 * treat it as a member of the struct_ops map that names it.
 */
#define SK_STRUCT_OPS(name, args...)					\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)

/* For callbacks the kernel runs in sleepable context (init, init_task). */
#define SK_STRUCT_OPS_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/*
 * The *_bstr kfuncs take a format string in BPF memory plus an array of
 * u64 arguments. Pack variadic arguments the way they expect; the array
 * has at least one slot because the verifier rejects a zero-sized buffer.
 * The empty printf-like call lets the compiler check formats.
 */
static inline __attribute__((format(printf, 1, 2)))
void sk_check_format(const char *fmt, ...)
{
}

#define sk__bstr_call(call, fmt, args...)				\
({									\
	static char ___sk_fmt[] = fmt;					\
	unsigned long long ___sk_args[___bpf_narg(args) ?: 1] = {};	\
									\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	___bpf_fill(___sk_args, args);					\
	_Pragma("GCC diagnostic pop")					\
	call;								\
	sk_check_format(fmt, ##args);					\
})

/*
 * Stop the scheduler with a runtime error; user space reports @fmt and the
 * kernel's debug dump and exits non-zero.
 */
#define sk_error(fmt, args...)						\
	sk__bstr_call(scx_bpf_error_bstr(___sk_fmt, ___sk_args,		\
					 sizeof(___sk_args)), fmt, ##args)

/*
 * Stop the scheduler on purpose with @code (see SK_ECODE_* in
 * schedkit/exit_info.h; SK_ECODE_ACT_RESTART asks for a restart).
 */
#define sk_exit(code, fmt, args...)					\
	sk__bstr_call(scx_bpf_exit_bstr(code, ___sk_fmt, ___sk_args,	\
					sizeof(___sk_args)), fmt, ##args)

/* Add a line to the debug dump; only valid in ops.dump*() callbacks. */
#define sk_dump(fmt, args...)						\
	sk__bstr_call(scx_bpf_dump_bstr(___sk_fmt, ___sk_args,		\
					sizeof(___sk_args)), fmt, ##args)

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#ifndef READ_ONCE
#define READ_ONCE(x)		(*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#endif

#define sk_min(a, b)	((a) < (b) ? (a) : (b))
#define sk_max(a, b)	((a) > (b) ? (a) : (b))

/*
 * Wrap-safe "a is before b" for 64-bit clocks and vtimes: comparing the
 * signed difference keeps working after the counters overflow.
 */
static __always_inline bool sk_time_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

#endif /* SCHEDKIT_COMMON_BPF_H */
