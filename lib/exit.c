// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning a scheduler's struct sk_exit_info into words a user understands
 * and into the process exit status. Pure functions: the runner feeds them
 * what the BPF side recorded, tests feed them hand-made structs.
 */
#include <stdint.h>
#include <string.h>

#include <schedkit/sched.h>

const char *sk_exit_kind_str(int kind)
{
	switch (kind) {
	case SK_EXIT_NONE:
		return "no exit recorded";
	case SK_EXIT_DONE:
		return "done";
	case SK_EXIT_UNREG:
		return "unregistered from user space";
	case SK_EXIT_UNREG_BPF:
		return "unregistered by the BPF scheduler";
	case SK_EXIT_UNREG_KERN:
		return "unregistered by the kernel";
	case SK_EXIT_SYSRQ:
		return "disabled by sysrq-S";
	case SK_EXIT_ERROR:
		return "runtime error";
	case SK_EXIT_ERROR_BPF:
		return "error raised by the BPF scheduler";
	case SK_EXIT_ERROR_STALL:
		return "watchdog stall: a runnable task was not scheduled in time";
	default:
		return "unknown exit kind";
	}
}

static bool kind_known(int kind)
{
	switch (kind) {
	case SK_EXIT_NONE:
	case SK_EXIT_DONE:
	case SK_EXIT_UNREG:
	case SK_EXIT_UNREG_BPF:
	case SK_EXIT_UNREG_KERN:
	case SK_EXIT_SYSRQ:
	case SK_EXIT_ERROR:
	case SK_EXIT_ERROR_BPF:
	case SK_EXIT_ERROR_STALL:
		return true;
	default:
		return false;
	}
}

bool sk_exit_is_error(const struct sk_exit_info *ei)
{
	/*
	 * The kernel orders kinds: everything from SCX_EXIT_ERROR up fails.
	 * Below SCX_EXIT_UNREG nothing says the stop was asked for (NONE is
	 * what an object that never recorded its exit leaves), so it counts
	 * as a failure too.
	 */
	return ei->kind >= SK_EXIT_ERROR || ei->kind < SK_EXIT_UNREG ||
	       !kind_known(ei->kind);
}

bool sk_exit_wants_restart(const struct sk_exit_info *ei)
{
	return ((__u64)ei->exit_code & SK_ECODE_ACT_MASK) == SK_ECODE_ACT_RESTART;
}

int sk_exit_status(const struct sk_exit_info *ei)
{
	__u64 user = (__u64)ei->exit_code & SK_ECODE_USER_MASK;

	if (sk_exit_is_error(ei))
		return 1;
	if (ei->kind != SK_EXIT_UNREG_BPF && ei->kind != SK_EXIT_UNREG_KERN)
		return 0;
	if (!user)
		return 0;
	return user <= 255 ? (int)user : 1;
}

/* Length of @s, which may fill its array without a terminating NUL. */
static size_t bounded_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul ? (size_t)(nul - s) : size;
}

/* Print @len bytes of @s, each line behind "@prog:   @label". */
static void print_lines(FILE *out, const char *prog, const char *label,
			const char *s, size_t len)
{
	const char *end = s + len;
	bool first = true;

	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		fprintf(out, "%s:   %s%.*s\n", prog, first ? label : "",
			(int)n, s);
		first = false;
		s += n + (nl ? 1 : 0);
	}
}

static void print_exit_code(FILE *out, const char *prog, __s64 code)
{
	__u64 c = (__u64)code;
	__u64 rsn = c & SK_ECODE_RSN_MASK, act = c & SK_ECODE_ACT_MASK;
	__u64 user = c & SK_ECODE_USER_MASK;
	const char *sep = "";

	fprintf(out, "%s:   exit code: 0x%llx (", prog, (unsigned long long)c);
	if (act == SK_ECODE_ACT_RESTART) {
		fprintf(out, "restart requested");
		sep = ", ";
	} else if (act) {
		fprintf(out, "action 0x%llx", (unsigned long long)(act >> 48));
		sep = ", ";
	}
	if (rsn == SK_ECODE_RSN_HOTPLUG) {
		fprintf(out, "%sCPU hotplug", sep);
		sep = ", ";
	} else if (rsn) {
		fprintf(out, "%sreason 0x%llx", sep,
			(unsigned long long)(rsn >> 32));
		sep = ", ";
	}
	if (user || !*sep)
		fprintf(out, "%sscheduler code %llu", sep,
			(unsigned long long)user);
	fprintf(out, ")\n");
}

void sk_exit_report(FILE *out, const char *prog, const struct sk_exit_info *ei,
		    bool with_dump)
{
	const char *kind = sk_exit_kind_str(ei->kind);
	size_t reason_len = bounded_len(ei->reason, sizeof(ei->reason));
	size_t msg_len = bounded_len(ei->msg, sizeof(ei->msg));
	size_t dump_len = bounded_len(ei->dump, sizeof(ei->dump));

	if (ei->dump_len < dump_len)
		dump_len = ei->dump_len;

	if (kind_known(ei->kind))
		fprintf(out, "%s: stopped: %s\n", prog, kind);
	else
		fprintf(out, "%s: stopped: %s %d\n", prog, kind, ei->kind);

	if (ei->kind == SK_EXIT_NONE) {
		fprintf(out, "%s:   the BPF object did not record why; include schedkit/bpf/exit.bpf.h and call sk_exit_record() from ops.exit\n",
			prog);
		return;
	}

	/* the kernel's wording of the kind only helps when it differs */
	if (reason_len && (reason_len != strlen(kind) ||
			   memcmp(ei->reason, kind, reason_len)))
		print_lines(out, prog, "kernel says: ", ei->reason, reason_len);
	if (msg_len)
		print_lines(out, prog, "message: ", ei->msg, msg_len);
	if (ei->exit_code)
		print_exit_code(out, prog, ei->exit_code);

	if (!dump_len || !(with_dump || sk_exit_is_error(ei)))
		return;
	fprintf(out, "%s:   debug dump (%zu bytes):\n", prog, dump_len);
	fwrite(ei->dump, 1, dump_len, out);
	if (ei->dump[dump_len - 1] != '\n')
		fputc('\n', out);
	fprintf(out, "%s:   end of debug dump\n", prog);
}
