// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by libschedkit and the tools: see include/schedkit/util.h. */
#include <stdarg.h>
#include <stdio.h>

#include <schedkit/util.h>

void sk_set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}
