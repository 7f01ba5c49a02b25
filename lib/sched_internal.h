/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private pieces of the scheduler runner (lib/sched*.c): system checks and
 * the libbpf log capture. Not installed; unit tests include it to test the
 * pure parts.
 */
#ifndef SCHEDKIT_SCHED_INTERNAL_H
#define SCHEDKIT_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Where the kernel exposes sched_ext state (kernel/sched/ext.c). */
#define SK_SYSFS_SCHED_EXT	"/sys/kernel/sched_ext"

/*
 * Check that the kernel under @sysfs_dir (normally SK_SYSFS_SCHED_EXT) has
 * sched_ext and that no other sched_ext scheduler is loaded.
 * Returns 0; -ENOENT when the kernel lacks sched_ext; -EBUSY when another
 * scheduler is active (named in @err when sysfs tells); another -errno when
 * the state cannot be read. @err gets one line saying what to do.
 */
int sk_sys_check(const char *sysfs_dir, char *err, size_t err_len);

/*
 * The kernel's count of CPU hotplug events, which ops.hotplug_seq compares
 * against on attach. Returns 0 and stores it, or -errno.
 */
int sk_sys_hotplug_seq(const char *sysfs_dir, __u64 *seq);

/*
 * Whether a scheduler is currently enabled according to @sysfs_dir/state.
 * Returns 1, 0, or -errno.
 */
int sk_sys_enabled(const char *sysfs_dir);

/*
 * libbpf log capture. libbpf's print callback is process-global and takes
 * no context, so the capture is too. When @echo is set (--verbose), every
 * message, debug included, also goes to stderr as it comes.
 */
void sk_log_start(bool echo);
/* Forget what was captured so far (before each load attempt). */
void sk_log_clear(void);
/* The captured warnings and infos as one NUL-terminated string. */
const char *sk_log_text(void);
/* Stop capturing, restore libbpf's default and free the buffer. */
void sk_log_stop(void);

/*
 * Find the last verifier log in libbpf output @text, as libbpf prints it
 * between "-- BEGIN PROG LOAD LOG --" and "-- END PROG LOAD LOG --".
 * On success returns true, stores the rejected program's name in @prog
 * (truncated to @prog_len) and in *@tail the start of its last
 * @max_lines non-empty lines, *@tail_len bytes long (not NUL-terminated).
 */
bool sk_log_verifier_tail(const char *text, size_t max_lines, char *prog,
			  size_t prog_len, const char **tail, size_t *tail_len);

/*
 * The last @max_lines non-empty lines of @text: start in *@tail, length in
 * *@tail_len. For showing why a load failed when no verifier log exists.
 */
void sk_log_last_lines(const char *text, size_t max_lines, const char **tail,
		       size_t *tail_len);

#endif /* SCHEDKIT_SCHED_INTERNAL_H */
