/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to lib/stats_*.c: the bits of the scx_stats wire format shared by
 * the server, the client and the metadata code.
 */
#ifndef SK_STATS_INTERNAL_H
#define SK_STATS_INTERNAL_H

#include <json-c/json.h>

/* Compact, and no "\/" escapes: what scx's serde_json writes. */
#define SK_STATS_JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* {"errno":@err,"args":{"resp":@resp}}; takes @resp; NULL on -ENOMEM. */
struct json_object *sk_stats_response(int err, struct json_object *resp);

#endif /* SK_STATS_INTERNAL_H */
