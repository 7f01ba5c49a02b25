// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line parsing shared by every scheduler loader: the common options
 * plus the loader's own table, with range checks and one-line errors.
 * Pure: it only writes the option destinations and struct sk_cli, so tests
 * drive it with plain argv arrays.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <schedkit/sched.h>
#include <schedkit/util.h>

/* getopt_long values for common options without a short form */
enum {
	OPT_STATS_SOCKET = 0x100,
	/* scheduler option i is OPT_SCHED_BASE + i */
	OPT_SCHED_BASE = 0x200,
};

static const struct option common_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "stats-socket", required_argument, NULL, OPT_STATS_SOCKET },
};

#define NR_COMMON	(sizeof(common_long) / sizeof(common_long[0]))
#define COMMON_SHORTS	"hVvq"


static size_t nr_opts(const struct sk_opt *opts)
{
	size_t n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

static bool is_common_name(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMON; i++)
		if (!strcmp(common_long[i].name, name))
			return true;
	return false;
}

/* Catch loader mistakes up front rather than misparsing later. */
static int check_table(const struct sk_opt *opts, size_t n, char *err,
		       size_t err_len)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct sk_opt *o = &opts[i];

		if (!o->dest || o->kind > SK_OPT_STR || is_common_name(o->name) ||
		    (o->short_name && (!isalnum(o->short_name) ||
				       strchr(COMMON_SHORTS, o->short_name)))) {
			sk_set_err(err, err_len, "option table: --%s is invalid or clashes with a common option",
			       o->name);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(opts[j].name, o->name) ||
			    (o->short_name && opts[j].short_name == o->short_name)) {
				sk_set_err(err, err_len, "option table: --%s is defined twice",
				       o->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static bool has_range(const struct sk_opt *o)
{
	return o->min != 0 || o->max != 0;
}

static int parse_unsigned(const struct sk_opt *o, const char *val,
			  unsigned long long type_max, unsigned long long *out,
			  char *err, size_t err_len)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and wraps it; a negative count is a typo */
	if (!*val || strchr(val, '-')) {
		sk_set_err(err, err_len, "--%s: '%s' is not a non-negative number",
		       o->name, val);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(val, &end, 10);
	if (*end || end == val) {
		sk_set_err(err, err_len, "--%s: '%s' is not a non-negative number",
		       o->name, val);
		return -EINVAL;
	}
	if (errno == ERANGE || v > type_max ||
	    (has_range(o) && (v < (unsigned long long)o->min ||
			      v > (unsigned long long)o->max))) {
		if (has_range(o))
			sk_set_err(err, err_len, "--%s must be between %lld and %lld, got %s",
			       o->name, o->min, o->max, val);
		else
			sk_set_err(err, err_len, "--%s: %s is too large (at most %llu)",
			       o->name, val, type_max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_signed(const struct sk_opt *o, const char *val,
			long long *out, char *err, size_t err_len)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(val, &end, 10);
	if (!*val || *end || end == val) {
		sk_set_err(err, err_len, "--%s: '%s' is not a number", o->name, val);
		return -EINVAL;
	}
	if (errno == ERANGE ||
	    (has_range(o) && (v < o->min || v > o->max))) {
		if (has_range(o))
			sk_set_err(err, err_len, "--%s must be between %lld and %lld, got %s",
			       o->name, o->min, o->max, val);
		else
			sk_set_err(err, err_len, "--%s: %s is out of range", o->name,
			       val);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int apply_opt(const struct sk_opt *o, const char *val, char *err,
		     size_t err_len)
{
	unsigned long long u;
	long long s;
	int ret;

	switch (o->kind) {
	case SK_OPT_FLAG:
		*(bool *)o->dest = true;
		return 0;
	case SK_OPT_U32:
		ret = parse_unsigned(o, val, UINT32_MAX, &u, err, err_len);
		if (!ret)
			*(__u32 *)o->dest = u;
		return ret;
	case SK_OPT_U64:
		ret = parse_unsigned(o, val, UINT64_MAX, &u, err, err_len);
		if (!ret)
			*(__u64 *)o->dest = u;
		return ret;
	case SK_OPT_S64:
		ret = parse_signed(o, val, &s, err, err_len);
		if (!ret)
			*(__s64 *)o->dest = s;
		return ret;
	case SK_OPT_STR:
		*(const char **)o->dest = val;
		return 0;
	}
	return -EINVAL;
}

/* The option the user typed, as getopt left it, for error messages. */
static const char *offending(int argc, char **argv, int optopt_val)
{
	static char buf[3];

	if (optopt_val && optopt_val < OPT_STATS_SOCKET) {
		buf[0] = '-';
		buf[1] = (char)optopt_val;
		buf[2] = '\0';
		return buf;
	}
	if (optind > 0 && optind <= argc)
		return argv[optind - 1];
	return "?";
}

int sk_opts_parse(const struct sk_opt *opts, int argc, char **argv,
		  struct sk_cli *cli, char *err, size_t err_len)
{
	size_t n = nr_opts(opts), i, nl = 0;
	/* ':' first: report a missing value as ':' rather than '?' */
	char shorts[3 + sizeof(COMMON_SHORTS) + 2 * 64] = ":" COMMON_SHORTS;
	struct option *longs;
	int c, ret = 0;

	memset(cli, 0, sizeof(*cli));
	cli->stats_socket = SK_STATS_DEFAULT_PATH;
	if (err && err_len)
		err[0] = '\0';

	ret = check_table(opts, n, err, err_len);
	if (ret)
		return ret;

	longs = calloc(NR_COMMON + n + 1, sizeof(*longs));
	if (!longs) {
		sk_set_err(err, err_len, "out of memory");
		return -ENOMEM;
	}
	memcpy(longs, common_long, sizeof(common_long));
	nl = NR_COMMON;
	for (i = 0; i < n; i++) {
		size_t len = strlen(shorts);

		longs[nl].name = opts[i].name;
		longs[nl].has_arg = opts[i].kind == SK_OPT_FLAG ?
				    no_argument : required_argument;
		longs[nl].val = OPT_SCHED_BASE + (int)i;
		nl++;
		if (opts[i].short_name && len + 3 < sizeof(shorts)) {
			shorts[len++] = (char)opts[i].short_name;
			if (opts[i].kind != SK_OPT_FLAG)
				shorts[len++] = ':';
			shorts[len] = '\0';
		}
	}

	/* optind = 0 makes glibc reinitialise, so repeated parses work */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct sk_opt *o = NULL;

		switch (c) {
		case 'h':
			cli->help = true;
			goto out;
		case 'V':
			cli->version = true;
			continue;
		case 'v':
			cli->verbose = true;
			continue;
		case 'q':
			cli->quiet = true;
			continue;
		case OPT_STATS_SOCKET:
			if (!*optarg) {
				sk_set_err(err, err_len, "--stats-socket needs a path");
				ret = -EINVAL;
				goto out;
			}
			cli->stats_socket = optarg;
			continue;
		case ':':
			sk_set_err(err, err_len, "option %s needs a value",
			       offending(argc, argv, optopt));
			ret = -EINVAL;
			goto out;
		case '?':
			sk_set_err(err, err_len, "unknown option %s",
			       offending(argc, argv, optopt));
			ret = -EINVAL;
			goto out;
		}

		if (c >= OPT_SCHED_BASE && c < OPT_SCHED_BASE + (int)n) {
			o = &opts[c - OPT_SCHED_BASE];
		} else {
			for (i = 0; i < n; i++)
				if (opts[i].short_name == c)
					o = &opts[i];
		}
		if (!o) {
			sk_set_err(err, err_len, "unknown option %s",
			       offending(argc, argv, c));
			ret = -EINVAL;
			goto out;
		}
		ret = apply_opt(o, optarg, err, err_len);
		if (ret)
			goto out;
	}

	if (optind < argc) {
		sk_set_err(err, err_len, "unexpected argument '%s'", argv[optind]);
		ret = -EINVAL;
	}
out:
	free(longs);
	return ret;
}

/* The current value of @o, as the default --help shows. */
static void format_default(const struct sk_opt *o, char *buf, size_t len)
{
	switch (o->kind) {
	case SK_OPT_FLAG:
		snprintf(buf, len, "%s", *(bool *)o->dest ? "on" : "off");
		break;
	case SK_OPT_U32:
		snprintf(buf, len, "%" PRIu32, *(__u32 *)o->dest);
		break;
	case SK_OPT_U64:
		snprintf(buf, len, "%llu", (unsigned long long)*(__u64 *)o->dest);
		break;
	case SK_OPT_S64:
		snprintf(buf, len, "%lld", (long long)*(__s64 *)o->dest);
		break;
	case SK_OPT_STR: {
		const char *s = *(const char **)o->dest;

		snprintf(buf, len, "%s", s ? s : "none");
		break;
	}
	default:
		buf[0] = '\0';
	}
}

static void print_opt(FILE *out, int short_name, const char *name,
		      const char *arg, const char *help, const char *extra)
{
	char left[64];

	if (arg)
		snprintf(left, sizeof(left), "%c%c%s--%s=%s",
			 short_name ? '-' : ' ', short_name ? short_name : ' ',
			 short_name ? ", " : "  ", name, arg);
	else
		snprintf(left, sizeof(left), "%c%c%s--%s",
			 short_name ? '-' : ' ', short_name ? short_name : ' ',
			 short_name ? ", " : "  ", name);
	fprintf(out, "  %-28s %s%s\n", left, help ? help : "", extra ? extra : "");
}

void sk_opts_usage(FILE *out, const char *prog, const char *description,
		   const struct sk_opt *opts)
{
	size_t i, n = nr_opts(opts);
	char def[64], extra[160];

	fprintf(out, "Usage: %s [OPTIONS]\n", prog);
	if (description)
		fprintf(out, "%s\n", description);

	if (n)
		fprintf(out, "\nScheduler options:\n");
	for (i = 0; i < n; i++) {
		const struct sk_opt *o = &opts[i];

		format_default(o, def, sizeof(def));
		if (o->kind == SK_OPT_FLAG)
			extra[0] = '\0';
		else if (o->kind != SK_OPT_STR && has_range(o))
			snprintf(extra, sizeof(extra), " [%lld..%lld, default %s]",
				 o->min, o->max, def);
		else
			snprintf(extra, sizeof(extra), " [default %s]", def);
		print_opt(out, o->short_name, o->name,
			  o->kind == SK_OPT_FLAG ? NULL : (o->arg ? o->arg : "N"),
			  o->help, extra);
	}

	fprintf(out, "\nCommon options:\n");
	print_opt(out, 0, "stats-socket", "PATH",
		  "serve stats on this Unix socket", " [default " SK_STATS_DEFAULT_PATH "]");
	print_opt(out, 'v', "verbose", NULL,
		  "show libbpf debug output and whole verifier logs", NULL);
	print_opt(out, 'q', "quiet", NULL, "no per-second summary line", NULL);
	print_opt(out, 'V', "version", NULL, "print the version and exit", NULL);
	print_opt(out, 'h', "help", NULL, "print this help and exit", NULL);
}
