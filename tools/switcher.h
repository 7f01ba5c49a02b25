/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The switching engine shared by `schedkit switch` (run directly, without
 * a daemon) and schedkitd: find the active loader process, stop it, start
 * another scx_NAME binary, wait for the kernel to enable it, and roll back
 * when it fails. It knows nothing about any scheduler beyond its binary
 * name, so sched-ext/scx binaries switch the same way as ours.
 *
 * Private to the tools; not part of libschedkit.
 */
#ifndef SCHEDKIT_SWITCHER_H
#define SCHEDKIT_SWITCHER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <schedkit/ctl.h>

struct json_object;

#define SW_SYSFS	"/sys/kernel/sched_ext"

/*
 * The sched_ext sysfs directory: SW_SYSFS, or $SCHEDKIT_SYSFS so that host
 * tests can drive the engine with fake loaders and a fake state file.
 */
const char *sw_sysfs(void);
/* In the run directory ($SCHEDKIT_RUNDIR or /run/schedkit, schedkit/ctl.h). */
#define SW_STATE_FILE	sk_ctl_run_path(SK_CTL_RUN_STATE)
/* Loaders' output goes to SW_LOG_DIR/scx_NAME.log. */
#define SW_LOG_DIR	sk_ctl_run_dir()

/* What /sys/kernel/sched_ext says. */
struct sw_sys {
	bool present;		/* the kernel has sched_ext */
	char state[32];		/* "enabled", "disabled", ... */
	char ops[128];		/* root/ops: the active scheduler's name, or "" */
	long long enable_seq;
	long long nr_rejected;
	long long switch_all;
};

/* A loader process: one running scx_NAME. */
struct sw_proc {
	pid_t pid;			/* 0: none */
	unsigned long long starttime;	/* /proc/PID/stat field 22; guards pid reuse */
	char name[64];			/* NAME of scx_NAME */
	char exe[PATH_MAX];
	char **args;			/* options, NULL-terminated; may be NULL */
	long long since;		/* wall-clock seconds when it was enabled */
	bool child;			/* our child: waitpid() works */
};

/* Time points of a switch, in milliseconds; negative: not measured. */
struct sw_timing {
	double stop_ms;		/* stop signal -> state disabled */
	double start_ms;	/* exec -> state enabled */
	double gap_ms;		/* old scheduler left "enabled" -> new one "enabled" */
	/* a prepared start (see sw_switch()) */
	bool prepared;
	double load_ms;		/* exec -> "loaded", while the old one ran */
	double attach_ms;	/* "attach" sent -> state enabled */
};

int sw_sys_read(struct sw_sys *s);

/* True if @p still names the same running process. */
bool sw_proc_alive(const struct sw_proc *p);
void sw_proc_clear(struct sw_proc *p);
/* Deep copy of @src into @dst (cleared first). 0 or -ENOMEM. */
int sw_proc_copy(struct sw_proc *dst, const struct sw_proc *src);

/*
 * The loader of the active scheduler: the state file when it still names
 * a live process, else a process running an scx_* binary whose name
 * matches root/ops (or the only scx_* process). 0, or -ENOENT.
 */
int sw_find_active(const struct sw_sys *sys, struct sw_proc *p);

int sw_state_save(const struct sw_proc *p);
void sw_state_clear(void);

/*
 * Finds the binary for @name ("fifo", "scx_fifo" or an absolute path) on
 * PATH. Stores the short name (without "scx_") in @short_name.
 * 0, -EINVAL (bad name) or -ENOENT.
 */
int sw_resolve(const char *name, char *exe, size_t exe_len, char *short_name,
	       size_t short_len);

/*
 * Every scx_* binary on PATH, first occurrence wins, as a JSON array of
 * {"name":..., "path":...}. Caller owns the result.
 */
struct json_object *sw_list_json(void);

/*
 * Stops @cur (SIGINT, then SIGTERM after 3 s, then SIGKILL after 10 s)
 * and waits until it is gone and the kernel says "disabled". Fills
 * @t->stop_ms and *@left_ns (monotonic time the state stopped being
 * "enabled"). @cur may have pid 0 when nothing of ours runs: then only
 * waits for "disabled". 0, or -ETIMEDOUT / -errno with @err.
 */
int sw_stop(struct sw_proc *cur, struct sw_timing *t, long long *left_ns,
	    char *err, size_t err_len);

/*
 * Starts @exe with @args (NULL-terminated, may be NULL) in its own
 * session, output to its log file, and waits up to @timeout_ms for the
 * kernel to enable it, then @settle_ms more during which it must stay up.
 * Fills @out and @t->start_ms (and gap_ms from @left_ns when > 0).
 * 0, or a negative errno with one line in @err saying why (including
 * the loader's last output lines); the process is then gone.
 */
int sw_start(const char *exe, const char *name, char *const *args,
	     int timeout_ms, unsigned int settle_ms, long long left_ns,
	     struct sw_proc *out, struct sw_timing *t, char *err,
	     size_t err_len);

/*
 * Whether the loader @exe speaks libschedkit's prepared start (see
 * schedkit/sched.h): its file holds SK_READY_MARKER. Reads the file, never
 * runs it. False when it cannot be read, and always when
 * $SCHEDKIT_SWITCH_PREPARED is "0" (the old stop-then-start switch, to
 * compare gaps or to get around a loader that misbehaves).
 */
bool sw_speaks_ready(const char *exe);

/*
 * A switch with rollback, from @cur (pid 0: none) to @exe.
 *
 * When @exe speaks the prepared start (sw_speaks_ready()), it is started
 * first and loads and verifies its BPF object while @cur still runs; only
 * then is @cur stopped, and as soon as sched_ext reads "disabled" the new
 * one is told to attach, so the gap is the old one's disable plus the new
 * one's attach. A new loader that fails before it is loaded leaves @cur
 * running, untouched. Otherwise (any other binary, or a loader that fails
 * to attach) @cur is stopped, the new one started, and if that fails the
 * old one is started again with its own options.
 *
 * On success @cur becomes the new process. Returns 0, or a negative errno
 * with @err explaining in one line; *@rolled_back tells whether the
 * previous scheduler runs (started again, or never stopped).
 */
int sw_switch(struct sw_proc *cur, const char *exe, const char *name,
	      char *const *args, int timeout_ms, unsigned int settle_ms,
	      struct sw_timing *t, bool *rolled_back, char *err,
	      size_t err_len);

/* {"state","ops","enable_seq","nr_rejected","switch_all"} plus the loader. */
struct json_object *sw_status_json(const struct sw_sys *sys,
				   const struct sw_proc *p);

/* What a switch request resolves to. */
struct sw_plan {
	char exe[PATH_MAX];
	char name[64];		/* scheduler short name */
	char mode[64];		/* the mode it came from, or "" */
	char **args;		/* NULL-terminated, or NULL */
};

struct sk_config;

/*
 * Resolves switch request @name (a mode of @cfg first, then a scheduler)
 * and its options: @args when given (non-NULL, even if empty), else the
 * mode's, else the configured options.N. 0, or -ENOENT / -EINVAL with
 * one line in @err. Free with sw_plan_clear().
 */
int sw_plan(const struct sk_config *cfg, const char *name, char *const *args,
	    struct sw_plan *plan, char *err, size_t err_len);
void sw_plan_clear(struct sw_plan *plan);

/*
 * Why loader @p stopped, in one line, from its log in SW_LOG_DIR (its exit
 * report when there is one, not the debug dump after it); "" if no log.
 */
void sw_log_tail(const struct sw_proc *p, char *buf, size_t len);

/* Nanoseconds of CLOCK_MONOTONIC. */
long long sw_now_ns(void);

#endif /* SCHEDKIT_SWITCHER_H */
