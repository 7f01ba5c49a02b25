// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capturing libbpf's messages so that a failed load can be explained in a
 * few lines (the end of the verifier log) instead of pages, while
 * --verbose still shows everything as it happens.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "sched_internal.h"

/* A verifier log can reach 16 MiB (libbpf's buffer); keep one and a bit. */
#define LOG_CAP		(24u << 20)

#define BEGIN_MARK	"-- BEGIN PROG LOAD LOG --"
#define END_MARK	"-- END PROG LOAD LOG --"

static struct {
	char *buf;
	size_t len, cap;
	bool echo;
} capture;

static void append(const char *s, size_t n)
{
	size_t want;
	char *nb;

	if (n >= LOG_CAP) {
		s += n - (LOG_CAP - 1);
		n = LOG_CAP - 1;
	}
	/* only the latest failure matters: drop the past rather than grow */
	if (capture.len + n + 1 > LOG_CAP)
		capture.len = 0;
	if (capture.len + n + 1 > capture.cap) {
		want = capture.cap ? capture.cap : 4096;
		while (want < capture.len + n + 1)
			want *= 2;
		nb = realloc(capture.buf, want);
		if (!nb)
			return;
		capture.buf = nb;
		capture.cap = want;
	}
	memcpy(capture.buf + capture.len, s, n);
	capture.len += n;
	capture.buf[capture.len] = '\0';
}

static int print_fn(enum libbpf_print_level level, const char *fmt,
		    va_list args)
{
	char small[1024], *msg = small;
	va_list copy;
	int n;

	va_copy(copy, args);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(small)) {
		msg = malloc((size_t)n + 1);
		if (!msg)
			return -1;
		vsnprintf(msg, (size_t)n + 1, fmt, args);
	}

	if (capture.echo)
		fputs(msg, stderr);
	if (level != LIBBPF_DEBUG)
		append(msg, (size_t)n);

	if (msg != small)
		free(msg);
	return n;
}

void sk_log_start(bool echo)
{
	capture.echo = echo;
	libbpf_set_print(print_fn);
}

void sk_log_clear(void)
{
	capture.len = 0;
	if (capture.buf)
		capture.buf[0] = '\0';
}

const char *sk_log_text(void)
{
	return capture.buf ? capture.buf : "";
}

void sk_log_stop(void)
{
	libbpf_set_print(NULL);
	free(capture.buf);
	memset(&capture, 0, sizeof(capture));
}

/* Start of the last @max_lines non-empty lines in [start, end). */
static const char *tail_start(const char *start, const char *end,
			      size_t max_lines)
{
	const char *p = end;
	size_t lines = 0;

	/* skip trailing newlines so they do not count as lines */
	while (p > start && p[-1] == '\n')
		p--;
	while (p > start) {
		const char *q = p;

		while (q > start && q[-1] != '\n')
			q--;
		if (q != p && ++lines == max_lines)
			return q;
		p = q > start ? q - 1 : q;
	}
	return start;
}

static const char *last_occurrence(const char *text, const char *needle)
{
	const char *p = text, *last = NULL;

	while ((p = strstr(p, needle))) {
		last = p;
		p++;
	}
	return last;
}

bool sk_log_verifier_tail(const char *text, size_t max_lines, char *prog,
			  size_t prog_len, const char **tail, size_t *tail_len)
{
	const char *begin = last_occurrence(text, BEGIN_MARK);
	const char *line, *name, *name_end, *end, *log;

	if (!begin)
		return false;

	/* libbpf writes "prog 'NAME': -- BEGIN ..." */
	line = begin;
	while (line > text && line[-1] != '\n')
		line--;
	prog[0] = '\0';
	name = strstr(line, "prog '");
	if (name && name < begin) {
		name += strlen("prog '");
		name_end = memchr(name, '\'', begin - name);
		if (name_end)
			snprintf(prog, prog_len, "%.*s", (int)(name_end - name),
				 name);
	}

	log = begin + strlen(BEGIN_MARK);
	if (*log == '\n')
		log++;
	end = strstr(log, END_MARK);
	if (!end)
		end = log + strlen(log);

	*tail = tail_start(log, end, max_lines);
	*tail_len = end - *tail;
	/* drop the newline before the end marker */
	while (*tail_len && (*tail)[*tail_len - 1] == '\n')
		(*tail_len)--;
	return true;
}

void sk_log_last_lines(const char *text, size_t max_lines, const char **tail,
		       size_t *tail_len)
{
	const char *end = text + strlen(text);

	*tail = tail_start(text, end, max_lines);
	*tail_len = end - *tail;
	while (*tail_len && (*tail)[*tail_len - 1] == '\n')
		(*tail_len)--;
}
