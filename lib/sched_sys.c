// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the runner asks the kernel through sysfs before and while a
 * scheduler runs: is sched_ext there, is someone else's scheduler loaded,
 * how many hotplug events happened. The sysfs directory is a parameter so
 * that tests can point it at a fake tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched_internal.h"

/* Read @dir/@name into @buf without the trailing newline. */
static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sk_sys_check(const char *sysfs_dir, char *err, size_t err_len)
{
	char state[32], ops[160];
	int ret;

	if (access(sysfs_dir, F_OK)) {
		snprintf(err, err_len,
			 "this kernel has no sched_ext (%s is missing): boot a kernel built with kernel-configs/sched_ext.config, e.g. with 'schedkit vm'",
			 sysfs_dir);
		return -ENOENT;
	}

	ret = read_attr(sysfs_dir, "state", state, sizeof(state));
	if (ret) {
		snprintf(err, err_len, "cannot read %s/state: %s", sysfs_dir,
			 strerror(-ret));
		return ret;
	}
	if (!strcmp(state, "disabled"))
		return 0;

	/* root/ only exists while a scheduler is registered */
	if (read_attr(sysfs_dir, "root/ops", ops, sizeof(ops)) || !ops[0])
		snprintf(err, err_len,
			 "another sched_ext scheduler is %s: stop it first, then run this again",
			 state);
	else
		snprintf(err, err_len,
			 "another sched_ext scheduler ('%s') is %s: stop it first, then run this again",
			 ops, state);
	return -EBUSY;
}

int sk_sys_hotplug_seq(const char *sysfs_dir, __u64 *seq)
{
	char buf[32], *end;
	int ret;

	ret = read_attr(sysfs_dir, "hotplug_seq", buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*seq = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int sk_sys_enabled(const char *sysfs_dir)
{
	char state[32];
	int ret;

	ret = read_attr(sysfs_dir, "state", state, sizeof(state));
	if (ret)
		return ret;
	return !strcmp(state, "enabled");
}
