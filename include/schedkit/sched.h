/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libschedkit's scheduler runner: the whole life of a sched_ext scheduler
 * behind one call.
 *
 * A loader describes its scheduler in a static const struct sk_sched_desc
 * and hands it to sk_sched_main(), which parses the command line, checks
 * the system, opens, configures, loads and attaches the BPF object, serves
 * stats and prints a one-line summary every second, stops on SIGINT or
 * SIGTERM or when the kernel ejects the scheduler, explains why it stopped,
 * and reattaches when the kernel asks for a restart (CPU hotplug):
 *
 *	#include "fifo.bpf.skel.h"
 *	SK_SKEL_DEFINE(fifo_bpf);
 *
 *	static const struct sk_sched_desc desc = {
 *		.name = "fifo",
 *		.description = "global FIFO scheduler",
 *		.skel = SK_SKEL(fifo_bpf),
 *		.opts = opts,
 *		.configure = configure,
 *	};
 *
 *	int main(int argc, char **argv)
 *	{
 *		return sk_sched_main(&desc, argc, argv);
 *	}
 *
 * The option parser and the exit report are separate pure functions so that
 * they can be tested without a sched_ext kernel.
 */
#ifndef SCHEDKIT_SCHED_H
#define SCHEDKIT_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include <schedkit/exit_info.h>
#include <schedkit/stats.h>

/* ---- skeleton glue ---------------------------------------------------- */

/*
 * What the library needs from a bpftool-generated skeleton, with the
 * skeleton's own type erased. Made by SK_SKEL_DEFINE(); loaders do not
 * fill it by hand.
 */
struct sk_skel_ops {
	/* name##__open_opts(): allocates and opens; NULL with errno set */
	void *(*open)(const struct bpf_object_open_opts *opts);
	/* the generic skeleton libbpf loads and attaches */
	struct bpf_object_skeleton *(*skeleton)(void *skel);
	/* the object inside the skeleton */
	struct bpf_object *(*object)(void *skel);
	/* name##__destroy(): detaches, unloads and frees */
	void (*destroy)(void *skel);
};

/*
 * Define the glue for the skeleton "struct @name" (for fifo.bpf.c bpftool
 * generates struct fifo_bpf in fifo.bpf.skel.h). Use once at file scope,
 * after including the skeleton header, then refer to it with SK_SKEL().
 */
#define SK_SKEL_DEFINE(name)						\
	static void *name##__sk_open(const struct bpf_object_open_opts *o) \
	{								\
		return name##__open_opts(o);				\
	}								\
	static struct bpf_object_skeleton *name##__sk_skeleton(void *s)	\
	{								\
		return ((struct name *)s)->skeleton;			\
	}								\
	static struct bpf_object *name##__sk_object(void *s)		\
	{								\
		return ((struct name *)s)->obj;				\
	}								\
	static void name##__sk_destroy(void *s)				\
	{								\
		name##__destroy((struct name *)s);			\
	}								\
	static const struct sk_skel_ops name##__sk_ops = {		\
		.open = name##__sk_open,				\
		.skeleton = name##__sk_skeleton,			\
		.object = name##__sk_object,				\
		.destroy = name##__sk_destroy,				\
	}

#define SK_SKEL(name)	(&name##__sk_ops)

/* ---- command-line options --------------------------------------------- */

enum sk_opt_kind {
	SK_OPT_FLAG,	/* no value; sets bool *dest to true */
	SK_OPT_U32,	/* __u32 *dest, decimal */
	SK_OPT_U64,	/* __u64 *dest, decimal */
	SK_OPT_S64,	/* __s64 *dest, decimal, may be negative */
	SK_OPT_STR,	/* const char **dest, points into argv */
};

/*
 * One scheduler-specific option. Tables end with SK_OPT_END. The value
 * *dest holds before parsing is the default that --help shows.
 */
struct sk_opt {
	const char *name;	/* long name without "--", e.g. "slice-us" */
	int short_name;		/* single-letter alias, or 0 */
	enum sk_opt_kind kind;
	const char *arg;	/* value placeholder for --help, e.g. "US" */
	const char *help;	/* one line */
	/*
	 * Inclusive range for the number kinds. min == max == 0 accepts the
	 * whole range of the destination type.
	 */
	long long min, max;
	void *dest;
};

#define SK_OPT_END	{ .name = NULL }

/* The options every scheduler has, as parsed by sk_opts_parse(). */
struct sk_cli {
	bool help;		/* -h, --help */
	bool version;		/* -V, --version */
	bool verbose;		/* -v, --verbose: libbpf debug output */
	bool quiet;		/* -q, --quiet: no per-second summary */
	const char *stats_socket; /* --stats-socket PATH */
};

/*
 * Parse @argv against the common options and @opts (SK_OPT_END-terminated,
 * may be NULL). Fills @cli (defaults first: stats_socket =
 * SK_STATS_DEFAULT_PATH) and writes each given option's value to its dest.
 * Stops at -h/--help with cli->help set. May reorder @argv (getopt_long).
 *
 * Returns 0, or -EINVAL with one line in @err (no program name, no
 * newline) saying what was wrong: unknown option, missing or malformed
 * value, value out of range, stray argument, or a broken @opts table.
 */
int sk_opts_parse(const struct sk_opt *opts, int argc, char **argv,
		  struct sk_cli *cli, char *err, size_t err_len);

/*
 * Print the --help text for program @prog to @out: usage line,
 * @description (may be NULL), the scheduler's options with their ranges
 * and current values as defaults, then the common options.
 */
void sk_opts_usage(FILE *out, const char *prog, const char *description,
		   const struct sk_opt *opts);

/* ---- exit report ------------------------------------------------------- */

/*
 * Plain-words name of an exit kind (enum sk_exit_kind), such as "runtime
 * error"; "unknown exit kind" for values this version does not know.
 * Returns a static string.
 */
const char *sk_exit_kind_str(int kind);

/*
 * True unless @ei says the scheduler was asked to stop (by user space, the
 * BPF side, the kernel or sysrq): errors, stalls, unknown kinds and
 * SK_EXIT_NONE (nothing recorded) are failures.
 */
bool sk_exit_is_error(const struct sk_exit_info *ei);

/* True if the exit code carries SK_ECODE_ACT_RESTART. */
bool sk_exit_wants_restart(const struct sk_exit_info *ei);

/*
 * The process exit status for @ei: 0 when stopped on request (user space,
 * sysrq, kernel or BPF side without a code), the scheduler's own code
 * (low 32 bits of exit_code; 1 if it does not fit 1..255) when the BPF or
 * kernel side exited with one, 1 when sk_exit_is_error().
 */
int sk_exit_status(const struct sk_exit_info *ei);

/*
 * Describe @ei in plain words on @out, every line prefixed "@prog: ": the
 * kind, the kernel's reason when it adds something, the message, a decoded
 * exit code when non-zero, and the debug dump when @ei is an error or
 * @with_dump is set and the dump is not empty. Strings in @ei need not be
 * NUL-terminated; they are bounded by their array sizes.
 */
void sk_exit_report(FILE *out, const char *prog, const struct sk_exit_info *ei,
		    bool with_dump);

/* ---- running a scheduler ---------------------------------------------- */

/* The running instance, handed to the descriptor's hooks. Opaque. */
struct sk_sched;

/*
 * Statistics a scheduler serves over the stats socket and summarises once
 * a second. The common case needs no code: the BPF side keeps a
 * SK_COUNTERS() map of u64 counters, cpu_struct names those counters (same
 * order), and the top struct declares the same counters followed by a
 * dict field @cpu_dict of cpu_struct and any extra fields that extend()
 * adds.
 */
struct sk_sched_stats {
	/* NULL-terminated; top struct first is customary */
	const struct sk_stat_struct *const *structs;
	/* name of the SK_COUNTERS() map in the BPF object */
	const char *counters_map;
	/* per-CPU struct: one u64 counter field per counter, in order */
	const struct sk_stat_struct *cpu_struct;
	/* top-level dict field for the per-CPU breakdown; NULL for none */
	const char *cpu_dict;
	/*
	 * Optional: add derived or extra fields to @top (built from the
	 * counters; owned by the library). Runs with the library's stats
	 * lock held, on the stats server thread or the main thread.
	 * Return 0 or a negative errno.
	 */
	int (*extend)(struct sk_sched *sk, void *skel, struct json_object *top);
	/*
	 * Top-level fields the once-a-second line shows, NULL-terminated;
	 * NULL shows every number. Counters appear as rates per second.
	 */
	const char *const *summary;
};

struct sk_sched_desc {
	/* short name: the program is "scx_" name; also the stats prefix */
	const char *name;
	/* one line for --help */
	const char *description;
	/* the scheduler's version; NULL: schedkit's */
	const char *version;
	const struct sk_skel_ops *skel;
	/* SK_OPT_END-terminated, or NULL */
	const struct sk_opt *opts;
	/*
	 * Optional: check option values against each other (a minimum not
	 * above a maximum...) right after parsing, before any system check,
	 * so mistakes show on any machine. Return 0, or -EINVAL with one
	 * line in @err; the run then stops with status 2.
	 */
	int (*check_opts)(char *err, size_t err_len);
	/*
	 * Optional, called after open and before load on every (re)start:
	 * write the skeleton's rodata from options and topology. A negative
	 * errno aborts the run; the hook prints its own error first.
	 */
	int (*configure)(struct sk_sched *sk, void *skel);
	/* Optional; NULL serves no stats and prints no summary. */
	const struct sk_sched_stats *stats;
};

/*
 * Run the scheduler described by @desc with the command line @argc/@argv
 * until it is stopped; meant to be main()'s return value.
 *
 * Returns the process exit status: 0 after --help/--version or when the
 * scheduler was stopped on request; 2 for a usage error; 1 when a check
 * failed (not root, no sched_ext, another scheduler active), the BPF
 * object did not load or attach, or the scheduler failed; or the code a
 * BPF-side sk_exit() gave (see sk_exit_status()). Every failure prints one
 * line to stderr that says what to do. Nothing stays loaded on return.
 */
int sk_sched_main(const struct sk_sched_desc *desc, int argc, char **argv);

/* The open skeleton of the current run (the loader's struct name *). */
void *sk_sched_skel(const struct sk_sched *sk);

/* The program name used in messages, e.g. "scx_fifo". */
const char *sk_sched_prog(const struct sk_sched *sk);

/* The common options as parsed. */
const struct sk_cli *sk_sched_cli(const struct sk_sched *sk);

/* Number of possible CPUs (the size of per-CPU arrays), or -errno. */
int sk_sched_nr_cpus(const struct sk_sched *sk);

/* ---- prepared start ---------------------------------------------------- */

/*
 * Switching from one scheduler to another leaves the machine on the
 * kernel's default scheduler from the moment the old one detaches until
 * the new one attaches. Opening, loading and verifying the new BPF object
 * takes far longer than attaching it, so a switcher (tools/switcher.c)
 * can have a loader built on this library do all of that first, while the
 * old scheduler still runs, and attach only when told:
 *
 * The switcher starts the loader with SK_READY_ENV=N in its environment, N
 * an inherited connected stream socket (one end of a socketpair). The
 * loader then runs its checks, tolerating another scheduler being
 * enabled, opens, configures, loads and verifies the object, and sends one
 * line per step, each at most SK_READY_LINE_MAX bytes with its '\n':
 *
 *	loader:   "loaded " SK_READY_MARKER	ready; nothing attached yet
 *	switcher: "attach"			the old one is gone: attach now
 *	loader:   "attached"			sched_ext runs it; the socket
 *						is then closed and never used
 *						again (not by hotplug restarts)
 *
 * Instead of "loaded" or "attached" the loader may send "failed REASON"
 * (REASON: one line, e.g. the verifier's verdict or "another sched_ext
 * scheduler ('fifo') is enabled") and exits non-zero; it may also just
 * exit, so EOF means failure too. EOF from the switcher before "attach",
 * or SIGINT/SIGTERM, makes the loader exit 0 without ever attaching: an
 * aborted switch. Anything else from the switcher is refused with
 * "failed ..." and exit status 1; a value of SK_READY_ENV that is not an
 * open socket is a usage error (status 2). Unset or empty, the loader
 * checks that sched_ext is free and attaches at once, as it always did.
 *
 * Every loader linked with this library carries SK_READY_MARKER in its
 * executable (the "loaded" line uses it), so a switcher can tell without
 * running a binary that it speaks this; others (the kernel's scx_simple,
 * sched-ext/scx's Rust schedulers) are started only after the old one is
 * gone.
 */
#define SK_READY_ENV		"SCHEDKIT_READY_FD"
#define SK_READY_MARKER		"schedkit-prepared-start/1"
#define SK_READY_LINE_MAX	512

/*
 * Parses the value of SK_READY_ENV: a whole decimal number naming an open
 * stream socket. Stores it in *@fd and returns 0; -EINVAL (not a number),
 * -EBADF (not open) or -ENOTSOCK.
 */
int sk_ready_parse_fd(const char *val, int *fd);

/*
 * Sends "@word\n", or "@word @detail\n" with control characters in
 * @detail turned into spaces and the line cut to SK_READY_LINE_MAX.
 * Never raises SIGPIPE. 0 or -errno (-EPIPE: the peer is gone).
 */
int sk_ready_send(int fd, const char *word, const char *detail);

/*
 * Receives one line into @buf (NUL-terminated, without '\n'). Waits up to
 * @timeout_ms (negative: for ever) for its first byte; the rest of a line
 * that has begun gets one more second. Reads a byte at a time, so nothing
 * after the line is consumed. Returns 1 with a line, 0 on EOF before any
 * byte, -ETIMEDOUT, -EINTR (a signal; nothing read), -EPROTO (EOF in the
 * middle of a line, or a NUL byte), -EMSGSIZE (longer than @len - 1), or
 * another -errno.
 */
int sk_ready_recv(int fd, char *buf, size_t len, int timeout_ms);

#endif /* SCHEDKIT_SCHED_H */
