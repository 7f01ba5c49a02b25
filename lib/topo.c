// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU topology from sysfs (see include/schedkit/topo.h).
 *
 * Cores, LLCs and packages are found from the CPU lists the kernel exports
 * (core_cpus_list, cache shared_cpu_list, package_cpus_list), not from
 * numeric ids, because core_id repeats on every package and cache ids are
 * missing on older kernels. Each online CPU is keyed by the lowest online
 * CPU of its list; CPUs with equal keys form one group. Nodes are keyed by
 * their kernel number instead, so that dense node ids follow the kernel's.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schedkit/topo.h"

#define CPU_DIR		"devices/system/cpu/cpu%u/"
#define NODE_DIR	"devices/system/node"

/* Room for the longest cpulist sysfs can print for SK_TOPO_MAX_CPUS. */
#define ATTR_BUF_SIZE	65536

#define DEFAULT_CAPACITY	1024	/* SCHED_CAPACITY_SCALE */

/* The groups of one level, carved out of three allocations. */
struct topo_level {
	uint32_t nr;
	struct sk_topo_group *groups;
	uint32_t *cpus;		/* every group's CPU list, back to back */
	uint64_t *masks;	/* every group's mask, back to back */
};

struct sk_topo {
	uint32_t nr_cpu_ids;
	uint64_t *masks[SK_TOPO_ONLINE + 1];	/* by enum sk_topo_cpu_state */
	struct sk_topo_cpu *cpus;
	struct topo_level levels[SK_TOPO_NR_LEVELS];	/* [SK_TOPO_CPU] unused */
};

/* Scratch state of one sk_topo_load() call. */
struct loader {
	const char *root;
	struct sk_topo *topo;
	char path[PATH_MAX];
	char *buf;		/* contents of the last attribute read */
	uint64_t *tmp;		/* a CPU list being looked at */
	int64_t *keys[SK_TOPO_NR_LEVELS];	/* per CPU, see file comment */
};

/* Digits at *@p as an id; moves *@p past them. */
static int parse_id(const char **p, uint32_t *id)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (uint64_t)(*s++ - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*id = v;
	*p = s;
	return 0;
}

int sk_cpulist_parse(const char *str, uint64_t *mask, uint32_t nr_bits)
{
	size_t bytes = SK_CPUMASK_WORDS(nr_bits) * sizeof(*mask);
	const char *p = str;
	uint32_t lo, hi, cpu;

	memset(mask, 0, bytes);
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	for (;;) {
		if (parse_id(&p, &lo))
			goto invalid;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_id(&p, &hi))
				goto invalid;
		}
		if (lo > hi || hi >= nr_bits)
			goto invalid;
		for (cpu = lo; cpu <= hi; cpu++)
			sk_cpumask_set(mask, cpu);
		if (*p != ',')
			break;
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
invalid:
	memset(mask, 0, bytes);
	return -EINVAL;
}

int sk_cpulist_format(const uint64_t *mask, uint32_t nr_bits, char *buf,
		      size_t len)
{
	uint32_t lo, hi;
	size_t pos = 0;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (lo = 0; lo < nr_bits; lo = hi + 1) {
		if (!sk_cpumask_test(mask, lo)) {
			hi = lo;
			continue;
		}
		for (hi = lo; hi + 1 < nr_bits && sk_cpumask_test(mask, hi + 1);)
			hi++;
		if (lo == hi)
			n = snprintf(buf + pos, len - pos, "%s%u",
				     pos ? "," : "", lo);
		else
			n = snprintf(buf + pos, len - pos, "%s%u-%u",
				     pos ? "," : "", lo, hi);
		if (n < 0 || (size_t)n >= len - pos)
			return -ENOSPC;
		pos += n;
	}
	return pos;
}

static int vset_path(struct loader *ld, const char *fmt, va_list ap)
{
	int n, m;

	n = snprintf(ld->path, sizeof(ld->path), "%s/", ld->root);
	if (n < 0 || (size_t)n >= sizeof(ld->path))
		return -ENAMETOOLONG;
	m = vsnprintf(ld->path + n, sizeof(ld->path) - n, fmt, ap);
	if (m < 0 || (size_t)m >= sizeof(ld->path) - n)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Reads the attribute at root/@fmt into ld->buf without its trailing
 * newline. Returns 0 or a negative errno, -ENOENT if it does not exist.
 */
static int vread_attr(struct loader *ld, const char *fmt, va_list ap)
{
	ssize_t got = 0, n;
	int fd, err;

	err = vset_path(ld, fmt, ap);
	if (err)
		return err;
	fd = open(ld->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, ld->buf + got, ATTR_BUF_SIZE - 1 - got)) > 0)
		got += n;
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (got == ATTR_BUF_SIZE - 1)
		return -EOVERFLOW;
	while (got && isspace((unsigned char)ld->buf[got - 1]))
		got--;
	ld->buf[got] = '\0';
	return 0;
}

static int __attribute__((format(printf, 2, 3)))
read_attr(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vread_attr(ld, fmt, ap);
	va_end(ap);
	return err;
}

/* Reads a cpulist attribute into @mask of @nr_bits bits. */
static int __attribute__((format(printf, 4, 5)))
read_mask(struct loader *ld, uint64_t *mask, uint32_t nr_bits,
	  const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vread_attr(ld, fmt, ap);
	va_end(ap);
	return err ?: sk_cpulist_parse(ld->buf, mask, nr_bits);
}

/*
 * Reads a decimal attribute in [@lo, @hi]. Returns -ENOENT if it does not
 * exist, -EINVAL if it is not such a number.
 */
static int vread_num(struct loader *ld, long long lo, long long hi,
		     long long *val, const char *fmt, va_list ap)
{
	char *end;
	int err;

	err = vread_attr(ld, fmt, ap);
	if (err)
		return err;
	errno = 0;
	*val = strtoll(ld->buf, &end, 10);
	if (errno || end == ld->buf || *end || *val < lo || *val > hi)
		return -EINVAL;
	return 0;
}

/* A kernel id that not every kernel or architecture has: -1 if absent. */
static int __attribute__((format(printf, 3, 4)))
read_opt_id(struct loader *ld, int32_t *id, const char *fmt, ...)
{
	long long v;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vread_num(ld, -1, INT32_MAX, &v, fmt, ap);
	va_end(ap);
	if (err == -ENOENT)
		v = -1;
	else if (err)
		return err;
	*id = v;
	return 0;
}

/* An optional unsigned attribute: @dflt if absent. */
static int __attribute__((format(printf, 4, 5)))
read_opt_u32(struct loader *ld, uint32_t *val, uint32_t dflt,
	     const char *fmt, ...)
{
	long long v;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vread_num(ld, 0, UINT32_MAX, &v, fmt, ap);
	va_end(ap);
	if (err == -ENOENT)
		v = dflt;
	else if (err)
		return err;
	*val = v;
	return 0;
}

/* Opens directory root/@fmt; NULL with errno set on failure. */
static DIR * __attribute__((format(printf, 2, 3)))
open_dir(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vset_path(ld, fmt, ap);
	va_end(ap);
	if (err) {
		errno = -err;
		return NULL;
	}
	return opendir(ld->path);
}

/* True if @name is @prefix followed by a decimal number, stored in @n. */
static bool name_has_index(const char *name, const char *prefix, uint32_t *n)
{
	size_t len = strlen(prefix);

	if (strncmp(name, prefix, len))
		return false;
	name += len;
	return !parse_id(&name, n) && !*name;
}

/* The lowest online CPU in @mask, or @cpu if that is lower. */
static uint32_t lowest_online(const struct sk_topo *topo,
			      const uint64_t *mask, uint32_t cpu)
{
	const uint64_t *online = topo->masks[SK_TOPO_ONLINE];
	uint32_t i, first;

	for (i = 0; i < SK_CPUMASK_WORDS(topo->nr_cpu_ids); i++) {
		if (!(mask[i] & online[i]))
			continue;
		first = i * 64 + __builtin_ctzll(mask[i] & online[i]);
		return first < cpu ? first : cpu;
	}
	return cpu;
}

/*
 * Keys @cpu by the first of @files (CPU_DIR-relative cpulists) that
 * exists, or by itself if none does: a CPU that does not say who it shares
 * with shares with no one.
 */
static int key_by_list(struct loader *ld, uint32_t cpu,
		       const char *const *files, int64_t *key)
{
	int err;

	for (; *files; files++) {
		err = read_mask(ld, ld->tmp, ld->topo->nr_cpu_ids,
				CPU_DIR "%s", cpu, *files);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		*key = lowest_online(ld->topo, ld->tmp, cpu);
		return 0;
	}
	*key = cpu;
	return 0;
}

/*
 * Finds @cpu's last-level cache: the cache/indexN of the highest level
 * holding data (Unified or Data, not Instruction). Returns N and sets
 * *@level, or returns -ENOENT if there is none.
 */
static int find_llc_index(struct loader *ld, uint32_t cpu, uint32_t *level)
{
	int err = 0, index = -ENOENT;
	struct dirent *de;
	uint32_t n, lvl;
	DIR *dir;

	*level = 0;
	dir = open_dir(ld, CPU_DIR "cache", cpu);
	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		if (!name_has_index(de->d_name, "index", &n) || n > INT_MAX)
			continue;
		err = read_attr(ld, CPU_DIR "cache/index%u/type", cpu, n);
		if (err == -ENOENT) {
			err = 0;
			continue;
		}
		if (err || (strcmp(ld->buf, "Unified") &&
			    strcmp(ld->buf, "Data")))
			continue;
		err = read_opt_u32(ld, &lvl, 0, CPU_DIR "cache/index%u/level",
				   cpu, n);
		if (!err && lvl > *level) {
			*level = lvl;
			index = n;
		}
	}
	closedir(dir);
	return err ?: index;
}

/* Keys @cpu by its LLC's shared_cpu_list, or by its package without one. */
static int read_llc(struct loader *ld, uint32_t cpu)
{
	static const char *const package_lists[] = {
		"topology/package_cpus_list",
		"topology/core_siblings_list",	/* before 5.8 */
		NULL,
	};
	struct sk_topo_cpu *c = &ld->topo->cpus[cpu];
	int64_t *key = &ld->keys[SK_TOPO_LLC][cpu];
	int index, err;

	index = find_llc_index(ld, cpu, &c->llc_level);
	if (index == -ENOENT)
		return key_by_list(ld, cpu, package_lists, key);
	if (index < 0)
		return index;
	err = read_opt_id(ld, &c->llc_id, CPU_DIR "cache/index%d/id", cpu,
			  index);
	if (err)
		return err;
	err = read_mask(ld, ld->tmp, ld->topo->nr_cpu_ids,
			CPU_DIR "cache/index%d/shared_cpu_list", cpu, index);
	if (err && err != -ENOENT)
		return err;
	*key = err ? cpu : lowest_online(ld->topo, ld->tmp, cpu);
	return 0;
}

static int read_cpu(struct loader *ld, uint32_t cpu)
{
	static const char *const core_lists[] = {
		"topology/core_cpus_list",
		"topology/thread_siblings_list",	/* before 5.8 */
		NULL,
	};
	struct sk_topo_cpu *c = &ld->topo->cpus[cpu];

	return read_opt_id(ld, &c->package_id,
			   CPU_DIR "topology/physical_package_id", cpu) ?:
	       read_opt_id(ld, &c->die_id, CPU_DIR "topology/die_id", cpu) ?:
	       read_opt_id(ld, &c->core_id, CPU_DIR "topology/core_id", cpu) ?:
	       read_opt_u32(ld, &c->capacity, DEFAULT_CAPACITY,
			    CPU_DIR "cpu_capacity", cpu) ?:
	       read_opt_u32(ld, &c->max_freq_khz, 0,
			    CPU_DIR "cpufreq/cpuinfo_max_freq", cpu) ?:
	       key_by_list(ld, cpu, core_lists, &ld->keys[SK_TOPO_CORE][cpu]) ?:
	       read_llc(ld, cpu);
}

/*
 * Keys each online CPU by the lowest-numbered node listing it, or node 0
 * when there is no node/ (CONFIG_NUMA=n) or no node lists it.
 */
static int read_nodes(struct loader *ld)
{
	struct sk_topo *topo = ld->topo;
	int64_t *key = ld->keys[SK_TOPO_NODE];
	struct dirent *de;
	uint32_t n, cpu;
	int err = 0;
	DIR *dir;

	for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++)
		key[cpu] = -1;
	dir = open_dir(ld, NODE_DIR);
	if (!dir && errno != ENOENT)
		return -errno;
	while (dir && (de = readdir(dir))) {
		if (!name_has_index(de->d_name, "node", &n))
			continue;
		err = read_mask(ld, ld->tmp, topo->nr_cpu_ids,
				NODE_DIR "/node%u/cpulist", n);
		if (err == -ENOENT) {
			err = 0;
			continue;
		}
		if (err)
			break;
		for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++) {
			if (sk_cpumask_test(ld->tmp, cpu) &&
			    (key[cpu] < 0 || n < key[cpu]))
				key[cpu] = n;
		}
	}
	if (dir)
		closedir(dir);
	for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++) {
		if (key[cpu] < 0)
			key[cpu] = 0;
		if (topo->cpus[cpu].online)
			topo->cpus[cpu].node_id = key[cpu];
	}
	return err;
}

/*
 * Reads possible, present and online. "possible" fixes nr_cpu_ids, so it
 * is parsed into a mask of the largest size the kernel allows first.
 */
static int read_cpu_masks(struct loader *ld)
{
	struct sk_topo *topo = ld->topo;
	uint64_t *possible;
	uint32_t i, words;
	int err;

	possible = calloc(SK_CPUMASK_WORDS(SK_TOPO_MAX_CPUS), sizeof(*possible));
	if (!possible)
		return -ENOMEM;
	topo->masks[SK_TOPO_POSSIBLE] = possible;
	err = read_mask(ld, possible, SK_TOPO_MAX_CPUS,
			"devices/system/cpu/possible");
	if (err)
		return err;
	for (i = SK_CPUMASK_WORDS(SK_TOPO_MAX_CPUS); i > 0 && !possible[i - 1];)
		i--;
	if (!i)
		return -EINVAL;
	topo->nr_cpu_ids = (i - 1) * 64 + 64 - __builtin_clzll(possible[i - 1]);
	words = SK_CPUMASK_WORDS(topo->nr_cpu_ids);

	topo->masks[SK_TOPO_PRESENT] = calloc(words, sizeof(uint64_t));
	topo->masks[SK_TOPO_ONLINE] = calloc(words, sizeof(uint64_t));
	if (!topo->masks[SK_TOPO_PRESENT] || !topo->masks[SK_TOPO_ONLINE])
		return -ENOMEM;
	err = read_mask(ld, topo->masks[SK_TOPO_PRESENT], topo->nr_cpu_ids,
			"devices/system/cpu/present") ?:
	      read_mask(ld, topo->masks[SK_TOPO_ONLINE], topo->nr_cpu_ids,
			"devices/system/cpu/online");
	if (err)
		return err;
	/* A CPU online but not possible would have no slot in BPF arrays. */
	for (i = 0; i < words; i++) {
		if ((topo->masks[SK_TOPO_PRESENT][i] |
		     topo->masks[SK_TOPO_ONLINE][i]) & ~possible[i])
			return -EINVAL;
	}
	if (!sk_cpumask_weight(topo->masks[SK_TOPO_ONLINE], topo->nr_cpu_ids))
		return -EINVAL;
	return 0;
}

static uint32_t *cpu_group_id(struct sk_topo_cpu *c, enum sk_topo_level level)
{
	switch (level) {
	case SK_TOPO_CORE:
		return &c->core;
	case SK_TOPO_LLC:
		return &c->llc;
	default:
		return &c->node;
	}
}

static int32_t cpu_kernel_id(const struct sk_topo_cpu *c,
			     enum sk_topo_level level)
{
	switch (level) {
	case SK_TOPO_CORE:
		return c->core_id;
	case SK_TOPO_LLC:
		return c->llc_id;
	default:
		return c->node_id;
	}
}

struct member {
	int64_t key;
	uint32_t cpu;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/*
 * Turns the keys of @level into groups numbered in key order. Levels are
 * built outermost first so that a group can take its LLC and node from its
 * first CPU.
 */
static int build_level(struct loader *ld, enum sk_topo_level level)
{
	struct sk_topo *topo = ld->topo;
	struct topo_level *l = &topo->levels[level];
	uint32_t words = SK_CPUMASK_WORDS(topo->nr_cpu_ids);
	uint32_t nr_online, cpu, i, n = 0;
	struct sk_topo_group *g = NULL;
	struct member *m;
	int err = -ENOMEM;

	nr_online = sk_cpumask_weight(topo->masks[SK_TOPO_ONLINE],
				      topo->nr_cpu_ids);
	m = calloc(nr_online, sizeof(*m));
	l->cpus = calloc(nr_online, sizeof(*l->cpus));
	if (!m || !l->cpus)
		goto out;
	for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++) {
		if (topo->cpus[cpu].online)
			m[n++] = (struct member){ ld->keys[level][cpu], cpu };
	}
	qsort(m, n, sizeof(*m), cmp_member);
	for (i = 0; i < n; i++)
		l->nr += !i || m[i].key != m[i - 1].key;
	l->groups = calloc(l->nr, sizeof(*l->groups));
	l->masks = calloc((size_t)l->nr * words, sizeof(*l->masks));
	if (!l->groups || !l->masks)
		goto out;

	for (i = 0; i < n; i++) {
		struct sk_topo_cpu *c = &topo->cpus[m[i].cpu];
		uint32_t id = g ? g->id : 0;

		if (i && m[i].key != m[i - 1].key)
			id++;
		*cpu_group_id(c, level) = id;
		if (!g || g->id != id) {
			g = &l->groups[id];
			g->id = id;
			g->kernel_id = cpu_kernel_id(c, level);
			g->llc = level == SK_TOPO_NODE ? SK_TOPO_NONE : c->llc;
			g->node = c->node;
			g->cpus = &l->cpus[i];
			g->mask = &l->masks[(size_t)id * words];
		}
		l->cpus[i] = m[i].cpu;
		sk_cpumask_set(&l->masks[(size_t)id * words], m[i].cpu);
		g->nr_cpus++;
	}
	err = 0;
out:
	free(m);
	return err;
}

static void init_cpus(struct sk_topo *topo)
{
	uint32_t cpu;

	for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++) {
		struct sk_topo_cpu *c = &topo->cpus[cpu];

		c->possible = sk_cpumask_test(topo->masks[SK_TOPO_POSSIBLE], cpu);
		c->present = sk_cpumask_test(topo->masks[SK_TOPO_PRESENT], cpu);
		c->online = sk_cpumask_test(topo->masks[SK_TOPO_ONLINE], cpu);
		c->core = c->llc = c->node = SK_TOPO_NONE;
		c->package_id = c->die_id = c->core_id = -1;
		c->llc_id = c->node_id = -1;
	}
}

int sk_topo_load(const char *sysfs_root, struct sk_topo **topop)
{
	struct loader ld = { .root = sysfs_root ? sysfs_root : "/sys" };
	enum sk_topo_level level;
	struct sk_topo *topo;
	uint32_t cpu, nr;
	int err = -ENOMEM;

	*topop = NULL;
	topo = calloc(1, sizeof(*topo));
	ld.topo = topo;
	ld.buf = malloc(ATTR_BUF_SIZE);
	if (!topo || !ld.buf)
		goto out;
	err = read_cpu_masks(&ld);
	if (err)
		goto out;

	err = -ENOMEM;
	nr = topo->nr_cpu_ids;
	topo->cpus = calloc(nr, sizeof(*topo->cpus));
	ld.tmp = calloc(SK_CPUMASK_WORDS(nr), sizeof(*ld.tmp));
	if (!topo->cpus || !ld.tmp)
		goto out;
	for (level = SK_TOPO_CORE; level < SK_TOPO_NR_LEVELS; level++) {
		ld.keys[level] = calloc(nr, sizeof(*ld.keys[level]));
		if (!ld.keys[level])
			goto out;
	}

	init_cpus(topo);
	for (cpu = 0; cpu < nr; cpu++) {
		if (!topo->cpus[cpu].online)
			continue;
		err = read_cpu(&ld, cpu);
		if (err)
			goto out;
	}
	err = read_nodes(&ld);
	for (level = SK_TOPO_NODE; !err && level > SK_TOPO_CPU; level--)
		err = build_level(&ld, level);
out:
	for (level = SK_TOPO_CORE; level < SK_TOPO_NR_LEVELS; level++)
		free(ld.keys[level]);
	free(ld.tmp);
	free(ld.buf);
	if (err)
		sk_topo_free(topo);
	else
		*topop = topo;
	return err;
}

void sk_topo_free(struct sk_topo *topo)
{
	size_t i;

	if (!topo)
		return;
	for (i = 0; i < SK_TOPO_NR_LEVELS; i++) {
		free(topo->levels[i].groups);
		free(topo->levels[i].cpus);
		free(topo->levels[i].masks);
	}
	for (i = 0; i <= SK_TOPO_ONLINE; i++)
		free(topo->masks[i]);
	free(topo->cpus);
	free(topo);
}

uint32_t sk_topo_nr_cpu_ids(const struct sk_topo *topo)
{
	return topo->nr_cpu_ids;
}

int sk_topo_nr(const struct sk_topo *topo, enum sk_topo_level level)
{
	if (level == SK_TOPO_CPU)
		return topo->nr_cpu_ids;
	if (level >= SK_TOPO_NR_LEVELS)
		return -EINVAL;
	return topo->levels[level].nr;
}

bool sk_topo_has_smt(const struct sk_topo *topo)
{
	const struct topo_level *cores = &topo->levels[SK_TOPO_CORE];
	uint32_t i;

	for (i = 0; i < cores->nr; i++)
		if (cores->groups[i].nr_cpus > 1)
			return true;
	return false;
}

const uint64_t *sk_topo_mask(const struct sk_topo *topo,
			     enum sk_topo_cpu_state which)
{
	return which <= SK_TOPO_ONLINE ? topo->masks[which] : NULL;
}

const struct sk_topo_cpu *sk_topo_cpu(const struct sk_topo *topo,
				      uint32_t cpu)
{
	return cpu < topo->nr_cpu_ids ? &topo->cpus[cpu] : NULL;
}

static int group_of(const struct sk_topo *topo, uint32_t cpu,
		    enum sk_topo_level level)
{
	if (cpu >= topo->nr_cpu_ids || !topo->cpus[cpu].online)
		return -ENOENT;
	return *cpu_group_id(&topo->cpus[cpu], level);
}

int sk_topo_core_of(const struct sk_topo *topo, uint32_t cpu)
{
	return group_of(topo, cpu, SK_TOPO_CORE);
}

int sk_topo_llc_of(const struct sk_topo *topo, uint32_t cpu)
{
	return group_of(topo, cpu, SK_TOPO_LLC);
}

int sk_topo_node_of(const struct sk_topo *topo, uint32_t cpu)
{
	return group_of(topo, cpu, SK_TOPO_NODE);
}

const struct sk_topo_group *sk_topo_group(const struct sk_topo *topo,
					  enum sk_topo_level level,
					  uint32_t id)
{
	if (level == SK_TOPO_CPU || level >= SK_TOPO_NR_LEVELS ||
	    id >= topo->levels[level].nr)
		return NULL;
	return &topo->levels[level].groups[id];
}

/* Entry @i of the @from -> @to map; @to is above @from. */
static uint32_t map_entry(const struct sk_topo *topo, enum sk_topo_level from,
			  enum sk_topo_level to, uint32_t i)
{
	const struct sk_topo_group *g;

	if (from == SK_TOPO_CPU)
		return *cpu_group_id(&topo->cpus[i], to);
	g = &topo->levels[from].groups[i];
	return to == SK_TOPO_LLC ? g->llc : g->node;
}

int sk_topo_fill_map(const struct sk_topo *topo, enum sk_topo_level from,
		     enum sk_topo_level to, uint32_t *map, size_t len)
{
	uint32_t nr;
	size_t i;

	if (to >= SK_TOPO_NR_LEVELS || from >= to)
		return -EINVAL;
	nr = sk_topo_nr(topo, from);
	if (len < nr)
		return -ENOSPC;
	for (i = 0; i < len; i++)
		map[i] = i < nr ? map_entry(topo, from, to, i) : SK_TOPO_NONE;
	return nr;
}

/* Formats @v into @buf, or "-" when @known is false. */
static const char *fmt_num(char *buf, size_t len, long long v, bool known)
{
	if (!known)
		return "-";
	snprintf(buf, len, "%lld", v);
	return buf;
}

int sk_topo_fprint(const struct sk_topo *topo, FILE *f)
{
	char node[16], llc[16], core[16], pkg[16], die[16], cap[16], mhz[16];
	uint32_t cpu;

	fprintf(f, "%3s %4s %4s %4s %6s %4s %8s %7s %s\n", "CPU", "NODE",
		"LLC", "CORE", "SOCKET", "DIE", "CAPACITY", "MAXMHZ", "ONLINE");
	for (cpu = 0; cpu < topo->nr_cpu_ids; cpu++) {
		const struct sk_topo_cpu *c = &topo->cpus[cpu];

		if (!c->possible)
			continue;
		if (c->max_freq_khz)
			snprintf(mhz, sizeof(mhz), "%u.%u",
				 c->max_freq_khz / 1000,
				 c->max_freq_khz % 1000 / 100);
		else
			strcpy(mhz, "-");
		fprintf(f, "%3u %4s %4s %4s %6s %4s %8s %7s %s\n", cpu,
			fmt_num(node, sizeof(node), c->node, c->online),
			fmt_num(llc, sizeof(llc), c->llc, c->online),
			fmt_num(core, sizeof(core), c->core, c->online),
			fmt_num(pkg, sizeof(pkg), c->package_id,
				c->package_id >= 0),
			fmt_num(die, sizeof(die), c->die_id, c->die_id >= 0),
			fmt_num(cap, sizeof(cap), c->capacity, c->online),
			mhz, c->online ? "yes" : "no");
	}
	return ferror(f) ? -EIO : 0;
}
