// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stats metadata in both directions: static C tables -> the stats_meta JSON
 * a server sends, and stats_meta JSON -> tables a client can walk. Also the
 * small JSON builders both ends share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <schedkit/stats.h>
#include "stats_internal.h"

struct sk_stats_meta {
	struct sk_stat_struct *structs;
	int nr;
	int top;	/* index into structs, -1 if none */
};

static const char *const type_names[] = {
	[SK_STAT_TYPE_U64] = "u64",
	[SK_STAT_TYPE_I64] = "i64",
	[SK_STAT_TYPE_FLOAT] = "float",
	[SK_STAT_TYPE_STRING] = "string",
	[SK_STAT_TYPE_STRUCT] = "struct",
};

void sk_stat_fmt_duration(char *buf, size_t len, double ns, const char *suffix)
{
	double a = ns < 0 ? -ns : ns;

	if (a < 1e3)
		snprintf(buf, len, "%.0fns%s", ns, suffix);
	else if (a < 1e6)
		snprintf(buf, len, "%.1fus%s", ns / 1e3, suffix);
	else if (a < 1e9)
		snprintf(buf, len, "%.1fms%s", ns / 1e6, suffix);
	else
		snprintf(buf, len, "%.2fs%s", ns / 1e9, suffix);
}

const char *sk_stat_type_name(enum sk_stat_type t)
{
	if ((unsigned int)t > SK_STAT_TYPE_STRUCT)
		return "?";
	return type_names[t];
}

/* Adds @val under @key, consuming @val even on failure. */
static int obj_add(struct json_object *obj, const char *key,
		   struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static int obj_add_str(struct json_object *obj, const char *key,
		       const char *str)
{
	return obj_add(obj, key, json_object_new_string(str));
}

struct json_object *sk_stats_response(int err, struct json_object *resp)
{
	struct json_object *top, *args;

	top = json_object_new_object();
	args = json_object_new_object();
	if (!top || !args)
		goto fail;
	if (obj_add(top, "errno", json_object_new_int(err)))
		goto fail;
	if (json_object_object_add(args, "resp", resp))
		goto fail;
	resp = NULL;
	if (obj_add(top, "args", args)) {
		args = NULL;
		goto fail;
	}
	return top;
fail:
	json_object_put(resp);
	json_object_put(args);
	json_object_put(top);
	return NULL;
}

/* ---- tables -> JSON ---------------------------------------------------- */

static int struct_index(const struct sk_stat_struct *const *structs,
			const char *name)
{
	int i;

	for (i = 0; structs[i]; i++)
		if (structs[i]->name && !strcmp(structs[i]->name, name))
			return i;
	return -1;
}

static int check_field(const struct sk_stat_struct *const *structs,
		       const struct sk_stat_struct *st, int idx)
{
	const struct sk_stat_field *f = &st->fields[idx];
	int i;

	if (!f->name || !*f->name)
		return -EINVAL;
	if ((unsigned int)f->shape > SK_STAT_SHAPE_DICT ||
	    (unsigned int)f->type > SK_STAT_TYPE_STRUCT ||
	    (unsigned int)f->kind > SK_STAT_KIND_GAUGE)
		return -EINVAL;
	if (f->type == SK_STAT_TYPE_STRUCT &&
	    (!f->struct_name || struct_index(structs, f->struct_name) < 0))
		return -EINVAL;
	/* JSON object keys are strings; only these read back unambiguously. */
	if (f->shape == SK_STAT_SHAPE_DICT &&
	    f->key_type != SK_STAT_TYPE_U64 && f->key_type != SK_STAT_TYPE_I64 &&
	    f->key_type != SK_STAT_TYPE_STRING)
		return -EINVAL;
	for (i = 0; i < idx; i++)
		if (!strcmp(st->fields[i].name, f->name))
			return -EINVAL;
	return 0;
}

enum { UNSEEN, ON_PATH, DONE };

/* A struct that contains itself, directly or not, has no finite JSON. */
static int check_nesting(const struct sk_stat_struct *const *structs, int idx,
			 char *state)
{
	const struct sk_stat_struct *st = structs[idx];
	int i, err;

	if (state[idx] == ON_PATH)
		return -EINVAL;
	if (state[idx] == DONE)
		return 0;
	state[idx] = ON_PATH;
	for (i = 0; i < st->nr_fields; i++) {
		if (st->fields[i].type != SK_STAT_TYPE_STRUCT)
			continue;
		err = check_nesting(structs,
				    struct_index(structs, st->fields[i].struct_name),
				    state);
		if (err)
			return err;
	}
	state[idx] = DONE;
	return 0;
}

static int check_meta(const struct sk_stat_struct *const *structs)
{
	int n, i, j, nr_top = 0, err = 0;
	char *state;

	if (!structs || !structs[0])
		return -EINVAL;
	for (n = 0; structs[n]; n++) {
		const struct sk_stat_struct *st = structs[n];

		if (!st->name || !*st->name || st->nr_fields < 0 ||
		    (st->nr_fields && !st->fields))
			return -EINVAL;
		if (struct_index(structs, st->name) != n)
			return -EINVAL;		/* duplicate name */
		nr_top += st->top;
	}
	if (nr_top != 1)
		return -EINVAL;
	for (i = 0; i < n; i++)
		for (j = 0; j < structs[i]->nr_fields; j++)
			if (check_field(structs, structs[i], j))
				return -EINVAL;

	state = calloc(n, 1);
	if (!state)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++)
		err = check_nesting(structs, i, state);
	free(state);
	return err;
}

static struct json_object *kind_json(enum sk_stat_type t, const char *sname)
{
	struct json_object *obj;

	if (t != SK_STAT_TYPE_STRUCT)
		return json_object_new_string(type_names[t]);
	obj = json_object_new_object();
	if (obj && obj_add_str(obj, "struct", sname)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static struct json_object *field_user_json(const struct sk_stat_field *f)
{
	struct json_object *user;
	int err = 0;

	if (!f->unit && !f->kind && !f->om_skip)
		return NULL;
	user = json_object_new_object();
	if (!user)
		return NULL;
	if (f->unit)
		err = obj_add_str(user, "_unit", f->unit);
	if (!err && f->kind)
		err = obj_add_str(user, "_kind", f->kind == SK_STAT_KIND_COUNTER ?
				  "counter" : "gauge");
	/* scx gives valueless user attributes the value "true". */
	if (!err && f->om_skip)
		err = obj_add_str(user, "_om_skip", "true");
	if (err) {
		json_object_put(user);
		return NULL;
	}
	return user;
}

static int add_field_json(struct json_object *fields,
			  const struct sk_stat_field *f)
{
	struct json_object *fobj, *dict;
	int err;

	fobj = json_object_new_object();
	if (!fobj)
		return -ENOMEM;
	switch (f->shape) {
	case SK_STAT_SHAPE_DATUM:
		err = obj_add(fobj, "datum", kind_json(f->type, f->struct_name));
		break;
	case SK_STAT_SHAPE_ARRAY:
		err = obj_add(fobj, "array", kind_json(f->type, f->struct_name));
		break;
	default:
		dict = json_object_new_object();
		err = obj_add(fobj, "dict", dict);
		if (!err)
			err = obj_add(dict, "key", kind_json(f->key_type, NULL));
		if (!err)
			err = obj_add(dict, "datum",
				      kind_json(f->type, f->struct_name));
		break;
	}
	if (!err && f->desc)
		err = obj_add_str(fobj, "desc", f->desc);
	if (!err && (f->unit || f->kind || f->om_skip))
		err = obj_add(fobj, "user", field_user_json(f));
	if (err) {
		json_object_put(fobj);
		return err;
	}
	return obj_add(fields, f->name, fobj);
}

static struct json_object *struct_json(const struct sk_stat_struct *st)
{
	struct json_object *sobj, *fields, *user;
	int i, err;

	sobj = json_object_new_object();
	if (!sobj)
		return NULL;
	err = obj_add_str(sobj, "name", st->name);
	if (!err && st->top)
		err = obj_add_str(sobj, "top", "true");
	if (!err && st->desc)
		err = obj_add_str(sobj, "desc", st->desc);
	if (!err && (st->om_prefix || st->om_label)) {
		user = json_object_new_object();
		err = obj_add(sobj, "user", user);
		if (!err && st->om_prefix)
			err = obj_add_str(user, "_om_prefix", st->om_prefix);
		if (!err && st->om_label)
			err = obj_add_str(user, "_om_label", st->om_label);
	}
	if (!err) {
		fields = json_object_new_object();
		err = obj_add(sobj, "fields", fields);
	}
	for (i = 0; !err && i < st->nr_fields; i++)
		err = add_field_json(fields, &st->fields[i]);
	if (err) {
		json_object_put(sobj);
		return NULL;
	}
	return sobj;
}

int sk_stats_meta_json(const struct sk_stat_struct *const *structs,
		       struct json_object **out)
{
	struct json_object *meta;
	int i, err;

	*out = NULL;
	err = check_meta(structs);
	if (err)
		return err;
	meta = json_object_new_object();
	if (!meta)
		return -ENOMEM;
	for (i = 0; structs[i]; i++) {
		err = obj_add(meta, structs[i]->name, struct_json(structs[i]));
		if (err) {
			json_object_put(meta);
			return err;
		}
	}
	*out = meta;
	return 0;
}

/* ---- per-CPU counters ---------------------------------------------------- */

static int add_u64(struct json_object *obj, const char *key, uint64_t v)
{
	return obj_add(obj, key, json_object_new_uint64(v));
}

static struct json_object *cpu_json(const struct sk_stat_struct *cpu_st,
				    const uint64_t *row, int nr_counters)
{
	struct json_object *obj = json_object_new_object();
	int i;

	for (i = 0; obj && i < nr_counters; i++) {
		if (add_u64(obj, cpu_st->fields[i].name, row[i])) {
			json_object_put(obj);
			return NULL;
		}
	}
	return obj;
}

int sk_stats_percpu_counters(const struct sk_stat_struct *cpu_st,
			     const char *dict_field, const uint64_t *vals,
			     int nr_cpus, int nr_counters,
			     struct json_object **out)
{
	struct json_object *top, *dict = NULL;
	char key[16];
	int cpu, i, err = 0;

	*out = NULL;
	if (!cpu_st || !vals || nr_cpus <= 0 || nr_counters <= 0 ||
	    nr_counters > cpu_st->nr_fields)
		return -EINVAL;
	for (i = 0; i < nr_counters; i++)
		if (cpu_st->fields[i].shape != SK_STAT_SHAPE_DATUM ||
		    cpu_st->fields[i].type != SK_STAT_TYPE_U64)
			return -EINVAL;

	top = json_object_new_object();
	if (!top)
		return -ENOMEM;
	for (i = 0; !err && i < nr_counters; i++) {
		uint64_t sum = 0;

		for (cpu = 0; cpu < nr_cpus; cpu++)
			sum += vals[(size_t)cpu * nr_counters + i];
		err = add_u64(top, cpu_st->fields[i].name, sum);
	}
	if (!err && dict_field) {
		dict = json_object_new_object();
		err = obj_add(top, dict_field, dict);
	}
	for (cpu = 0; !err && dict && cpu < nr_cpus; cpu++) {
		snprintf(key, sizeof(key), "%d", cpu);
		err = obj_add(dict, key,
			      cpu_json(cpu_st, vals + (size_t)cpu * nr_counters,
				       nr_counters));
	}
	if (err) {
		json_object_put(top);
		return err;
	}
	*out = top;
	return 0;
}

/* ---- JSON -> tables ------------------------------------------------------ */

static const char *get_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* strdup() that keeps NULL as NULL; sets *err on allocation failure. */
static const char *dup_or_null(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* 0: parsed, 1: a kind this version does not know, <0: error. */
static int parse_kind(struct json_object *v, enum sk_stat_type *t,
		      const char **sname)
{
	const char *s;
	int i, err = 0;

	if (json_object_is_type(v, json_type_object)) {
		s = get_str(v, "struct");
		if (!s)
			return 1;
		*t = SK_STAT_TYPE_STRUCT;
		*sname = dup_or_null(s, &err);
		return err;
	}
	if (!json_object_is_type(v, json_type_string))
		return 1;
	s = json_object_get_string(v);
	for (i = 0; i < SK_STAT_TYPE_STRUCT; i++) {
		if (!strcmp(s, type_names[i])) {
			*t = i;
			return 0;
		}
	}
	return 1;
}

static void free_field(struct sk_stat_field *f)
{
	free((char *)f->name);
	free((char *)f->desc);
	free((char *)f->struct_name);
	free((char *)f->unit);
}

static int parse_field_shape(struct json_object *fobj, struct sk_stat_field *f)
{
	struct json_object *v, *key, *datum;
	const char *unused = NULL;
	int ret;

	if (json_object_object_get_ex(fobj, "datum", &v)) {
		f->shape = SK_STAT_SHAPE_DATUM;
		return parse_kind(v, &f->type, &f->struct_name);
	}
	if (json_object_object_get_ex(fobj, "array", &v)) {
		f->shape = SK_STAT_SHAPE_ARRAY;
		return parse_kind(v, &f->type, &f->struct_name);
	}
	if (!json_object_object_get_ex(fobj, "dict", &v) ||
	    !json_object_object_get_ex(v, "key", &key) ||
	    !json_object_object_get_ex(v, "datum", &datum))
		return 1;
	f->shape = SK_STAT_SHAPE_DICT;
	ret = parse_kind(key, &f->key_type, &unused);
	if (ret || f->key_type == SK_STAT_TYPE_STRUCT) {
		free((char *)unused);
		return ret < 0 ? ret : 1;
	}
	return parse_kind(datum, &f->type, &f->struct_name);
}

/* 0: parsed into @f, 1: skip this field, <0: error. */
static int parse_field(const char *name, struct json_object *fobj,
		       struct sk_stat_field *f)
{
	struct json_object *user;
	const char *kind;
	int ret, err = 0;

	memset(f, 0, sizeof(*f));
	if (!json_object_is_type(fobj, json_type_object))
		return 1;
	ret = parse_field_shape(fobj, f);
	if (ret) {
		free_field(f);
		return ret;
	}
	f->name = dup_or_null(name, &err);
	f->desc = dup_or_null(get_str(fobj, "desc"), &err);
	if (json_object_object_get_ex(fobj, "user", &user)) {
		f->unit = dup_or_null(get_str(user, "_unit"), &err);
		kind = get_str(user, "_kind");
		if (kind && !strcmp(kind, "counter"))
			f->kind = SK_STAT_KIND_COUNTER;
		else if (kind && !strcmp(kind, "gauge"))
			f->kind = SK_STAT_KIND_GAUGE;
		f->om_skip = json_object_object_get_ex(user, "_om_skip", NULL);
	}
	if (err)
		free_field(f);
	return err;
}

static void free_struct(struct sk_stat_struct *st)
{
	int i;

	for (i = 0; i < st->nr_fields; i++)
		free_field((struct sk_stat_field *)&st->fields[i]);
	free((void *)st->fields);
	free((char *)st->name);
	free((char *)st->desc);
	free((char *)st->om_prefix);
	free((char *)st->om_label);
}

static int parse_struct(const char *key, struct json_object *sobj,
			struct sk_stat_struct *st)
{
	struct json_object *fields, *user;
	struct sk_stat_field *fv;
	int err = 0, ret;

	memset(st, 0, sizeof(*st));
	if (!json_object_is_type(sobj, json_type_object) ||
	    !json_object_object_get_ex(sobj, "fields", &fields) ||
	    !json_object_is_type(fields, json_type_object))
		return -EPROTO;

	fv = calloc(json_object_object_length(fields) + 1, sizeof(*fv));
	if (!fv)
		return -ENOMEM;
	st->fields = fv;
	json_object_object_foreach(fields, fname, fobj) {
		ret = parse_field(fname, fobj, &fv[st->nr_fields]);
		if (ret < 0) {
			err = ret;
			break;
		}
		if (ret == 0)
			st->nr_fields++;
	}

	st->name = dup_or_null(get_str(sobj, "name") ?: key, &err);
	st->desc = dup_or_null(get_str(sobj, "desc"), &err);
	st->top = json_object_object_get_ex(sobj, "top", NULL);
	if (json_object_object_get_ex(sobj, "user", &user)) {
		st->om_prefix = dup_or_null(get_str(user, "_om_prefix"), &err);
		st->om_label = dup_or_null(get_str(user, "_om_label"), &err);
	}
	if (err)
		free_struct(st);
	return err;
}

int sk_stats_meta_parse(struct json_object *resp, struct sk_stats_meta **metap)
{
	struct sk_stats_meta *m;
	int err = 0;

	*metap = NULL;
	if (!json_object_is_type(resp, json_type_object))
		return -EPROTO;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->top = -1;
	m->structs = calloc(json_object_object_length(resp) + 1,
			    sizeof(*m->structs));
	if (!m->structs) {
		free(m);
		return -ENOMEM;
	}
	json_object_object_foreach(resp, key, sobj) {
		err = parse_struct(key, sobj, &m->structs[m->nr]);
		if (err)
			break;
		if (m->structs[m->nr].top && m->top < 0)
			m->top = m->nr;
		m->nr++;
	}
	if (err) {
		sk_stats_meta_free(m);
		return err;
	}
	*metap = m;
	return 0;
}

void sk_stats_meta_free(struct sk_stats_meta *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->nr; i++)
		free_struct(&m->structs[i]);
	free(m->structs);
	free(m);
}

int sk_stats_meta_nr_structs(const struct sk_stats_meta *m)
{
	return m->nr;
}

const struct sk_stat_struct *sk_stats_meta_struct(const struct sk_stats_meta *m,
						  int i)
{
	if (i < 0 || i >= m->nr)
		return NULL;
	return &m->structs[i];
}

const struct sk_stat_struct *sk_stats_meta_top(const struct sk_stats_meta *m)
{
	return m->top < 0 ? NULL : &m->structs[m->top];
}

const struct sk_stat_struct *sk_stats_meta_find(const struct sk_stats_meta *m,
						const char *name)
{
	int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->structs[i].name, name))
			return &m->structs[i];
	return NULL;
}

int sk_stats_for_each_field(const struct sk_stat_struct *st,
			    struct json_object *obj, sk_stats_field_fn fn,
			    void *ctx)
{
	struct json_object *val;
	int i, ret;

	if (!json_object_is_type(obj, json_type_object))
		return -EINVAL;
	for (i = 0; i < st->nr_fields; i++) {
		if (!json_object_object_get_ex(obj, st->fields[i].name, &val))
			val = NULL;
		ret = fn(&st->fields[i], val, ctx);
		if (ret)
			return ret;
	}
	return 0;
}
