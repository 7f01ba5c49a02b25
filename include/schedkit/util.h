/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by libschedkit and the schedkit tools.
 */
#ifndef SCHEDKIT_UTIL_H
#define SCHEDKIT_UTIL_H

#include <stddef.h>

/*
 * Format one error line into the caller's buffer @err of @len bytes, the
 * way every "char *err, size_t err_len" parameter in schedkit is filled.
 * Does nothing when @err is NULL or @len is 0; truncates silently.
 */
__attribute__((format(printf, 3, 4)))
void sk_set_err(char *err, size_t len, const char *fmt, ...);

#endif /* SCHEDKIT_UTIL_H */
