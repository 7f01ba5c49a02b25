/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schedkit.conf: which scheduler schedkitd starts at boot, the options
 * each scheduler gets by default, and named modes.
 *
 * The file is line based; blank lines and lines whose first non-blank
 * character is '#' are ignored. Every other line is KEY = VALUE:
 *
 *	default = gaming
 *	options.fifo = --slice-us 5000
 *	mode.gaming = latency --slice-us 3000
 *	mode.server = fifo --slice-us 20000
 *	restart_max = 3
 *	restart_backoff_ms = 1000
 *	settle_ms = 2000
 *
 * default      a mode or scheduler name started when schedkitd starts;
 *              empty or absent: leave the kernel's default scheduler.
 * options.S    options for scheduler S (the scx_S binary) when a switch
 *              names S without options of its own.
 * mode.M       a mode: a scheduler name then its options. `schedkit
 *              switch M` looks M up as a mode first, then as a scheduler.
 * restart_max  restarts of a scheduler that died with an error before
 *              schedkitd gives up and falls back to the kernel's default
 *              (0..100, default 3).
 * restart_backoff_ms  delay before the first restart, doubled for each
 *              further one (0..600000, default 1000).
 * settle_ms    how long a newly started scheduler must stay up before a
 *              switch counts as done; dying earlier rolls the switch back
 *              (0..600000, default 2000).
 *
 * Values are split into words like a shell would for simple cases:
 * blanks separate words, '...' and "..." quote, backslash escapes the next
 * character. '#' is an ordinary character inside a value. A key given
 * twice is an error, so a typo cannot silently override a setting.
 */
#ifndef SCHEDKIT_CONFIG_H
#define SCHEDKIT_CONFIG_H

#include <stddef.h>

#define SK_CONFIG_DEFAULT_PATH	"/etc/schedkit/schedkit.conf"
/* A configuration file larger than this is refused. */
#define SK_CONFIG_MAX_SIZE	(256 * 1024)

/* A mode (name -> sched + args) or a scheduler's options (name == sched). */
struct sk_config_entry {
	char *name;
	char *sched;
	char **args;		/* NULL-terminated, never NULL */
	int nr_args;
};

struct sk_config {
	char *default_name;	/* NULL: none */
	struct sk_config_entry *options;
	int nr_options;
	struct sk_config_entry *modes;
	int nr_modes;
	unsigned int restart_max;
	unsigned int restart_backoff_ms;
	unsigned int settle_ms;
};

/*
 * Parses the configuration text @text (@len bytes; need not be
 * NUL-terminated) into *@out (free with sk_config_free()). @fname names
 * the file in messages. Returns 0, -EINVAL with "FNAME:LINE: what is
 * wrong" in @err, or -ENOMEM. An empty text gives the defaults.
 */
int sk_config_parse(const char *text, size_t len, const char *fname,
		    struct sk_config **out, char *err, size_t err_len);

/*
 * Reads and parses the file @path (NULL: SK_CONFIG_DEFAULT_PATH).
 * Returns as sk_config_parse(), or -errno from opening or reading it
 * (-ENOENT when it does not exist), -EFBIG over SK_CONFIG_MAX_SIZE, with
 * a message in @err.
 */
int sk_config_load(const char *path, struct sk_config **out, char *err,
		   size_t err_len);

/* Frees @cfg. NULL is a no-op. */
void sk_config_free(struct sk_config *cfg);

/* The mode called @name, or NULL. */
const struct sk_config_entry *sk_config_mode(const struct sk_config *cfg,
					     const char *name);

/* The default options of scheduler @sched, or NULL if none are set. */
const struct sk_config_entry *sk_config_options(const struct sk_config *cfg,
						const char *sched);

/*
 * Splits @s into words (see the quoting rules above) into a new
 * NULL-terminated array *@argvp (free with sk_strv_free()), its length in
 * *@argcp. Returns 0, -EINVAL with a message in @err (unterminated quote,
 * trailing backslash, control character, more than 64 words) or -ENOMEM.
 */
int sk_config_split(const char *s, char ***argvp, int *argcp, char *err,
		    size_t err_len);

/* Frees a NULL-terminated string array and its strings. NULL is a no-op. */
void sk_strv_free(char **v);

#endif /* SCHEDKIT_CONFIG_H */
