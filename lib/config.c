// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit.conf parser (include/schedkit/config.h). Strict on purpose:
 * the daemon acts on this file as root at boot, so anything it does not
 * understand is an error with the line number rather than a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <schedkit/config.h>
#include <schedkit/ctl.h>
#include <schedkit/util.h>

#define MAX_WORDS	64


void sk_strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

static void entry_clear(struct sk_config_entry *e)
{
	free(e->name);
	free(e->sched);
	sk_strv_free(e->args);
}

void sk_config_free(struct sk_config *cfg)
{
	int i;

	if (!cfg)
		return;
	free(cfg->default_name);
	for (i = 0; i < cfg->nr_options; i++)
		entry_clear(&cfg->options[i]);
	for (i = 0; i < cfg->nr_modes; i++)
		entry_clear(&cfg->modes[i]);
	free(cfg->options);
	free(cfg->modes);
	free(cfg);
}

int sk_config_split(const char *s, char ***argvp, int *argcp, char *err,
		    size_t err_len)
{
	size_t n = strlen(s);
	char **v = calloc(MAX_WORDS + 1, sizeof(*v));
	char *word = malloc(n + 1);
	int argc = 0, ret = -EINVAL;
	size_t w = 0;
	char quote = 0;
	bool in_word = false;

	*argvp = NULL;
	*argcp = 0;
	if (!v || !word) {
		ret = -ENOMEM;
		goto out;
	}
	for (;; s++) {
		char c = *s;

		if (c && (unsigned char)c < 0x20 && c != '\t') {
			sk_set_err(err, err_len, "control character in value");
			goto out;
		}
		if (quote) {
			if (!c) {
				sk_set_err(err, err_len, "unterminated %c quote", quote);
				goto out;
			}
			if (c == quote) {
				quote = 0;
				continue;
			}
			/* Inside "...", backslash escapes only " and \ (as in sh). */
			if (c == '\\' && quote == '"' && (s[1] == '"' || s[1] == '\\'))
				c = *++s;
			word[w++] = c;
			continue;
		}
		if (!c || c == ' ' || c == '\t') {
			if (in_word) {
				if (argc == MAX_WORDS) {
					sk_set_err(err, err_len, "more than %d words", MAX_WORDS);
					goto out;
				}
				word[w] = '\0';
				v[argc] = strdup(word);
				if (!v[argc]) {
					ret = -ENOMEM;
					goto out;
				}
				argc++;
				w = 0;
				in_word = false;
			}
			if (!c)
				break;
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"') {
			quote = c;
			continue;
		}
		if (c == '\\') {
			if (!s[1]) {
				sk_set_err(err, err_len, "backslash at the end of the value");
				goto out;
			}
			c = *++s;
		}
		word[w++] = c;
	}
	*argvp = v;
	*argcp = argc;
	v = NULL;
	ret = 0;
out:
	sk_strv_free(v);
	free(word);
	return ret;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static const struct sk_config_entry *find(const struct sk_config_entry *e,
					  int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

const struct sk_config_entry *sk_config_mode(const struct sk_config *cfg,
					     const char *name)
{
	return cfg && name ? find(cfg->modes, cfg->nr_modes, name) : NULL;
}

const struct sk_config_entry *sk_config_options(const struct sk_config *cfg,
						const char *sched)
{
	return cfg && sched ? find(cfg->options, cfg->nr_options, sched) : NULL;
}

/*
 * Adds an options.NAME (@is_mode false) or mode.NAME entry from @value.
 * For a mode the first word is the scheduler.
 */
static int add_entry(struct sk_config *cfg, bool is_mode, const char *name,
		     const char *value, char *msg, size_t msg_len)
{
	struct sk_config_entry **arr = is_mode ? &cfg->modes : &cfg->options;
	int *nr = is_mode ? &cfg->nr_modes : &cfg->nr_options;
	struct sk_config_entry e = { 0 }, *grown;
	char **words;
	int nr_words, ret, i;

	if (!sk_ctl_name_valid(name)) {
		sk_set_err(msg, msg_len, "'%s' is not a valid %s name", name,
			is_mode ? "mode" : "scheduler");
		return -EINVAL;
	}
	if (find(*arr, *nr, name)) {
		sk_set_err(msg, msg_len, "%s.%s is set twice", is_mode ? "mode" : "options",
			name);
		return -EINVAL;
	}
	ret = sk_config_split(value, &words, &nr_words, msg, msg_len);
	if (ret)
		return ret;
	if (is_mode && (!nr_words || !sk_ctl_name_valid(words[0]))) {
		sk_set_err(msg, msg_len, "mode.%s needs a scheduler name first", name);
		sk_strv_free(words);
		return -EINVAL;
	}
	e.name = strdup(name);
	if (is_mode) {
		e.sched = words[0];
		/* Shift the scheduler name out of the options. */
		for (i = 0; i < nr_words; i++)
			words[i] = words[i + 1];
		nr_words--;
	} else {
		e.sched = strdup(name);
	}
	e.args = words;
	e.nr_args = nr_words;
	grown = realloc(*arr, (*nr + 1) * sizeof(**arr));
	if (!e.name || !e.sched || !grown) {
		if (grown)
			*arr = grown;
		entry_clear(&e);
		return -ENOMEM;
	}
	*arr = grown;
	(*arr)[(*nr)++] = e;
	return 0;
}

static int parse_line(struct sk_config *cfg, char *line, unsigned int *seen,
		      char *msg, size_t msg_len)
{
	static const struct {
		const char *key;
		unsigned int max;
		size_t off;
	} nums[] = {
		{ "restart_max", 100, offsetof(struct sk_config, restart_max) },
		{ "restart_backoff_ms", 600000,
		  offsetof(struct sk_config, restart_backoff_ms) },
		{ "settle_ms", 600000, offsetof(struct sk_config, settle_ms) },
	};
	char *eq = strchr(line, '='), *key, *value;
	size_t i;

	if (!eq) {
		sk_set_err(msg, msg_len, "expected KEY = VALUE");
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key) {
		sk_set_err(msg, msg_len, "missing key before '='");
		return -EINVAL;
	}
	if (!strncmp(key, "options.", 8))
		return add_entry(cfg, false, key + 8, value, msg, msg_len);
	if (!strncmp(key, "mode.", 5))
		return add_entry(cfg, true, key + 5, value, msg, msg_len);
	if (!strcmp(key, "default")) {
		if (*seen & 1) {
			sk_set_err(msg, msg_len, "default is set twice");
			return -EINVAL;
		}
		*seen |= 1;
		if (!*value)
			return 0;
		if (!sk_ctl_name_valid(value)) {
			sk_set_err(msg, msg_len, "default must be one mode or scheduler name, not '%.64s'",
				value);
			return -EINVAL;
		}
		cfg->default_name = strdup(value);
		return cfg->default_name ? 0 : -ENOMEM;
	}
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (*seen & (2u << i)) {
			sk_set_err(msg, msg_len, "%s is set twice", key);
			return -EINVAL;
		}
		*seen |= 2u << i;
		if (!parse_uint(value, nums[i].max,
				(unsigned int *)((char *)cfg + nums[i].off))) {
			sk_set_err(msg, msg_len, "%s must be a whole number from 0 to %u",
				key, nums[i].max);
			return -EINVAL;
		}
		return 0;
	}
	sk_set_err(msg, msg_len, "unknown key '%.64s' (see schedkit.conf(5) in docs/switching.md)",
		key);
	return -EINVAL;
}

int sk_config_parse(const char *text, size_t len, const char *fname,
		    struct sk_config **out, char *err, size_t err_len)
{
	struct sk_config *cfg = calloc(1, sizeof(*cfg));
	unsigned int seen = 0, lineno = 0;
	char msg[256], *line = NULL;
	size_t pos = 0, n;
	int ret = 0;

	*out = NULL;
	if (!cfg)
		return -ENOMEM;
	cfg->restart_max = 3;
	cfg->restart_backoff_ms = 1000;
	cfg->settle_ms = 2000;
	if (!fname)
		fname = SK_CONFIG_DEFAULT_PATH;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		char *s;

		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		free(line);
		line = malloc(n + 1);
		if (!line) {
			ret = -ENOMEM;
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (strlen(line) != n) {
			sk_set_err(err, err_len, "%s:%u: NUL byte in line", fname, lineno);
			ret = -EINVAL;
			break;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		ret = parse_line(cfg, s, &seen, msg, sizeof(msg));
		if (ret) {
			sk_set_err(err, err_len, "%s:%u: %s", fname, lineno, msg);
			break;
		}
	}
	free(line);
	if (ret) {
		sk_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

int sk_config_load(const char *path, struct sk_config **out, char *err,
		   size_t err_len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	if (!path)
		path = SK_CONFIG_DEFAULT_PATH;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		sk_set_err(err, err_len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		sk_set_err(err, err_len, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > SK_CONFIG_MAX_SIZE) {
		ret = -EFBIG;
		sk_set_err(err, err_len, "%s: larger than %d bytes", path, SK_CONFIG_MAX_SIZE);
		goto out;
	}
	buf = malloc(SK_CONFIG_MAX_SIZE + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto fail;
	}
	/* Read to EOF rather than trusting st_size: the file may be growing. */
	while ((n = read(fd, buf + got, SK_CONFIG_MAX_SIZE + 1 - got)) > 0) {
		got += n;
		if (got > SK_CONFIG_MAX_SIZE) {
			ret = -EFBIG;
			sk_set_err(err, err_len, "%s: larger than %d bytes", path,
				SK_CONFIG_MAX_SIZE);
			goto out;
		}
	}
	if (n < 0) {
		ret = -errno;
		goto fail;
	}
	ret = sk_config_parse(buf, got, path, out, err, err_len);
	goto out;
fail:
	sk_set_err(err, err_len, "%s: %s", path, strerror(-ret));
out:
	free(buf);
	close(fd);
	return ret;
}
