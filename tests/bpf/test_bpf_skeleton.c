// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host checks of the BPF build rule on tests/bpf/sample.bpf.c: the linked
 * object and the skeleton generated from it must both still describe a
 * link-based sched_ext struct_ops map with its callback, or no scheduler
 * built by the same rule could be attached. Only opens, never loads: the
 * host kernel need not have sched_ext.
 *
 * usage: test_bpf_skeleton PATH/sample.bpf.o
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "sample.skel.h"

static const char *object_path;

static void check_sample_ops(struct bpf_object *obj)
{
	struct bpf_map *map;
	struct bpf_program *prog;

	map = bpf_object__find_map_by_name(obj, "sample_ops");
	assert_non_null(map);
	assert_int_equal(bpf_map__type(map), BPF_MAP_TYPE_STRUCT_OPS);
	/* Only .struct_ops.link maps can be attached as a bpf_link. */
	assert_true(bpf_map__map_flags(map) & BPF_F_LINK);

	prog = bpf_object__find_program_by_name(obj, "sample_init");
	assert_non_null(prog);
	assert_int_equal(bpf_program__type(prog), BPF_PROG_TYPE_STRUCT_OPS);
	/* libbpf only turns the .s into BPF_F_SLEEPABLE at load time. */
	assert_string_equal(bpf_program__section_name(prog), "struct_ops.s/sample_init");
}

static void test_linked_object_has_struct_ops_link_map(void **state)
{
	struct bpf_object *obj;

	obj = bpf_object__open_file(object_path, NULL);
	assert_non_null(obj);
	check_sample_ops(obj);
	bpf_object__close(obj);
}

static void test_skeleton_has_struct_ops_link_map(void **state)
{
	struct sample_bpf *skel;

	skel = sample_bpf__open();
	assert_non_null(skel);
	assert_ptr_equal(skel->maps.sample_ops,
			 bpf_object__find_map_by_name(skel->obj, "sample_ops"));
	check_sample_ops(skel->obj);
	sample_bpf__destroy(skel);
}

/*
 * bpftool cannot express char arrays in the skeleton's shadow struct, so
 * find ops.name through the object's BTF, as libbpf does when it copies the
 * value into the kernel's map.
 */
static const char *ops_name(struct bpf_object *obj, struct bpf_map *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const struct btf_member *m;
	const char *data;
	size_t size;
	int id, i;

	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	data = bpf_map__initial_value(map, &size);
	assert_non_null(data);
	assert_int_equal(size, t->size);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			return data + btf_member_bit_offset(t, i) / 8;
	}
	fail_msg("struct sched_ext_ops has no member 'name'");
	return NULL;
}

static void test_skeleton_carries_ops_initial_values(void **state)
{
	struct sample_bpf *skel;

	skel = sample_bpf__open();
	assert_non_null(skel);
	assert_string_equal(ops_name(skel->obj, skel->maps.sample_ops), "sample");
	/* The shadow struct is what loaders edit before load. */
	assert_non_null(skel->struct_ops.sample_ops);
	assert_ptr_equal(skel->struct_ops.sample_ops->init, skel->progs.sample_init);
	sample_bpf__destroy(skel);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linked_object_has_struct_ops_link_map),
		cmocka_unit_test(test_skeleton_has_struct_ops_link_map),
		cmocka_unit_test(test_skeleton_carries_ops_initial_values),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH/sample.bpf.o\n", argv[0]);
		return 2;
	}
	object_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
