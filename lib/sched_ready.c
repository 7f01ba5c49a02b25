// SPDX-License-Identifier: GPL-2.0-only
/*
 * The line exchange of a prepared start (see schedkit/sched.h), shared by
 * the loader side (sched.c) and the switcher that drives it (tools/). Kept
 * apart from the runner so that it can be tested on any kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <schedkit/sched.h>

/* Time left for the rest of a line once its first byte came. */
#define REST_OF_LINE_MS	1000

int sk_ready_parse_fd(const char *val, int *fd)
{
	struct stat st;
	char *end;
	long n;

	if (!val || *val < '0' || *val > '9')
		return -EINVAL;
	errno = 0;
	n = strtol(val, &end, 10);
	if (errno || *end || n > 65535)
		return -EINVAL;
	if (fstat((int)n, &st))
		return -EBADF;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	*fd = (int)n;
	return 0;
}

int sk_ready_send(int fd, const char *word, const char *detail)
{
	char line[SK_READY_LINE_MAX];
	size_t len, off = 0;

	len = strlen(word);
	if (len > sizeof(line) - 2)
		return -EINVAL;
	memcpy(line, word, len);
	if (detail && *detail) {
		line[len++] = ' ';
		for (; *detail && len < sizeof(line) - 1; detail++)
			line[len++] = (unsigned char)*detail < ' ' || *detail == 0x7f ?
				      ' ' : *detail;
	}
	line[len++] = '\n';

	/* one send for the whole line: the reader sees it arrive at once */
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += n;
	}
	return 0;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int sk_ready_recv(int fd, char *buf, size_t len, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
	size_t got = 0;

	if (!len)
		return -EMSGSIZE;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int wait = -1, ret;
		char c;
		ssize_t n;

		if (deadline >= 0) {
			long long left = deadline - mono_ms();

			wait = left > 0 ? (int)left : 0;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0 && errno == EINTR) {
			if (!got)
				return -EINTR;
			continue;
		}
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;

		n = recv(fd, &c, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return got ? -EPROTO : 0;
		if (c == '\n') {
			buf[got] = '\0';
			return 1;
		}
		if (!c)
			return -EPROTO;
		if (got + 1 >= len)
			return -EMSGSIZE;
		if (!got)
			deadline = mono_ms() + REST_OF_LINE_MS;
		buf[got++] = c;
	}
}
