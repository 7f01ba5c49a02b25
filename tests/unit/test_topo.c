// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the topology loader (lib/topo.c) and the cpulist parser.
 *
 * Most tests load fake sysfs trees written by tests/fixtures/mk-sysfs.sh
 * into $SK_FIXTURES/sysfs/<name>; the script's comments describe each
 * machine. One test loads this host's /sys and checks only invariants.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "schedkit/topo.h"

#define NONE	SK_TOPO_NONE

static const char *fixture_root(const char *name)
{
	static char root[4096];
	const char *dir = getenv("SK_FIXTURES");

	if (!dir)
		fail_msg("SK_FIXTURES is not set: run under meson test, or run tests/fixtures/mk-sysfs.sh DIR/sysfs and set SK_FIXTURES=DIR");
	snprintf(root, sizeof(root), "%s/sysfs/%s", dir, name);
	return root;
}

static struct sk_topo *load_fixture(const char *name)
{
	struct sk_topo *topo;

	assert_int_equal(sk_topo_load(fixture_root(name), &topo), 0);
	assert_non_null(topo);
	return topo;
}

/* Asserts that group @id of @level holds exactly the CPUs in @list. */
static void assert_group_cpus(const struct sk_topo *topo,
			      enum sk_topo_level level, uint32_t id,
			      const char *list)
{
	uint32_t nr = sk_topo_nr_cpu_ids(topo);
	const struct sk_topo_group *g = sk_topo_group(topo, level, id);
	uint64_t want[SK_CPUMASK_WORDS(SK_TOPO_MAX_CPUS)];
	char got[256];
	uint32_t i;

	assert_non_null(g);
	assert_int_equal(g->id, id);
	assert_int_equal(sk_cpulist_parse(list, want, nr), 0);
	assert_true(sk_cpulist_format(g->mask, nr, got, sizeof(got)) > 0);
	assert_string_equal(got, list);
	assert_int_equal(g->nr_cpus, sk_cpumask_weight(want, nr));
	for (i = 0; i < g->nr_cpus; i++) {
		assert_true(sk_cpumask_test(want, g->cpus[i]));
		if (i)
			assert_true(g->cpus[i - 1] < g->cpus[i]);
	}
}

static void test_cpulist_parses_ranges_and_single_ids(void **state)
{
	uint64_t mask[2];

	assert_int_equal(sk_cpulist_parse("0-2,5,64-65\n", mask, 128), 0);
	assert_int_equal(mask[0], 0x27);
	assert_int_equal(mask[1], 0x3);
}

static void test_cpulist_accepts_empty_list(void **state)
{
	uint64_t mask[1] = { ~0ULL };

	assert_int_equal(sk_cpulist_parse("\n", mask, 64), 0);
	assert_int_equal(mask[0], 0);
	mask[0] = ~0ULL;
	assert_int_equal(sk_cpulist_parse("", mask, 64), 0);
	assert_int_equal(mask[0], 0);
}

static void test_cpulist_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"0-3x", "abc", "1,,2", "1,", ",1", "-1", "1-", "1 2", "+1",
		"0x3", "1--2", "0-3\nx", "99999999999",
	};
	uint64_t mask[1];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mask[0] = ~0ULL;
		if (sk_cpulist_parse(bad[i], mask, 64) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(mask[0], 0);
	}
}

static void test_cpulist_rejects_reversed_range(void **state)
{
	uint64_t mask[1];

	assert_int_equal(sk_cpulist_parse("3-1", mask, 64), -EINVAL);
	assert_int_equal(sk_cpulist_parse("2-2", mask, 64), 0);
	assert_int_equal(mask[0], 0x4);
}

static void test_cpulist_rejects_ids_at_or_above_limit(void **state)
{
	uint64_t mask[1];

	assert_int_equal(sk_cpulist_parse("0-7", mask, 8), 0);
	assert_int_equal(sk_cpulist_parse("0-8", mask, 8), -EINVAL);
	assert_int_equal(sk_cpulist_parse("8", mask, 8), -EINVAL);
}

static void test_cpulist_format_round_trips(void **state)
{
	uint64_t mask[2], again[2];
	char buf[64];

	assert_int_equal(sk_cpulist_parse("0-3,8,10-11,127", mask, 128), 0);
	assert_int_equal(sk_cpulist_format(mask, 128, buf, sizeof(buf)),
			 (int)strlen("0-3,8,10-11,127"));
	assert_string_equal(buf, "0-3,8,10-11,127");
	assert_int_equal(sk_cpulist_parse(buf, again, 128), 0);
	assert_memory_equal(mask, again, sizeof(mask));

	memset(mask, 0, sizeof(mask));
	assert_int_equal(sk_cpulist_format(mask, 128, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_cpulist_format_reports_short_buffer(void **state)
{
	uint64_t mask[1];
	char buf[6];

	assert_int_equal(sk_cpulist_parse("0-3,8-9", mask, 64), 0);
	assert_int_equal(sk_cpulist_format(mask, 64, buf, sizeof(buf)),
			 -ENOSPC);
	assert_int_equal(sk_cpulist_format(mask, 64, buf, 0), -ENOSPC);
}

static void test_topo_missing_root_is_enoent(void **state)
{
	struct sk_topo *topo = (struct sk_topo *)1;

	assert_int_equal(sk_topo_load("/nonexistent/sysfs", &topo), -ENOENT);
	assert_null(topo);
}

static void test_topo_garbage_online_list_is_einval(void **state)
{
	struct sk_topo *topo = (struct sk_topo *)1;

	assert_int_equal(sk_topo_load(fixture_root("garbage-online"), &topo),
			 -EINVAL);
	assert_null(topo);
}

static void test_topo_single_socket_has_one_llc_and_no_smt(void **state)
{
	struct sk_topo *topo = load_fixture("single-4cpu");
	const struct sk_topo_cpu *c;
	uint32_t cpu;

	assert_int_equal(sk_topo_nr_cpu_ids(topo), 4);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CPU), 4);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CORE), 4);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_LLC), 1);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_NODE), 1);
	assert_false(sk_topo_has_smt(topo));
	for (cpu = 0; cpu < 4; cpu++) {
		c = sk_topo_cpu(topo, cpu);
		assert_true(c->possible && c->present && c->online);
		assert_int_equal(sk_topo_core_of(topo, cpu), cpu);
		assert_int_equal(sk_topo_group(topo, SK_TOPO_CORE, cpu)->nr_cpus,
				 1);
		assert_int_equal(sk_topo_llc_of(topo, cpu), 0);
		assert_int_equal(sk_topo_node_of(topo, cpu), 0);
		assert_int_equal(c->llc_level, 3);
		assert_int_equal(c->capacity, 1024);
		assert_int_equal(c->max_freq_khz, 3600000);
		assert_int_equal(c->package_id, 0);
		assert_int_equal(c->die_id, 0);
	}
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-3");
	assert_group_cpus(topo, SK_TOPO_NODE, 0, "0-3");
	sk_topo_free(topo);
}

static void test_topo_two_sockets_smt_groups_siblings_into_cores(void **state)
{
	struct sk_topo *topo = load_fixture("two-socket-smt2");
	uint32_t cpu;

	assert_int_equal(sk_topo_nr_cpu_ids(topo), 16);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CORE), 8);
	assert_true(sk_topo_has_smt(topo));
	/* cpu N and N + 8 are siblings; cores are numbered by first CPU */
	for (cpu = 0; cpu < 8; cpu++) {
		assert_int_equal(sk_topo_core_of(topo, cpu), cpu);
		assert_int_equal(sk_topo_core_of(topo, cpu + 8), cpu);
	}
	assert_group_cpus(topo, SK_TOPO_CORE, 0, "0,8");
	assert_group_cpus(topo, SK_TOPO_CORE, 5, "5,13");
	/* core_id repeats on socket 1, yet its cores stay distinct */
	assert_int_equal(sk_topo_cpu(topo, 4)->core_id, 0);
	assert_int_equal(sk_topo_cpu(topo, 4)->package_id, 1);
	assert_int_equal(sk_topo_group(topo, SK_TOPO_CORE, 4)->kernel_id, 0);
	assert_int_equal(sk_topo_group(topo, SK_TOPO_CORE, 4)->llc, 1);
	assert_int_equal(sk_topo_group(topo, SK_TOPO_CORE, 4)->node, 1);
	sk_topo_free(topo);
}

static void test_topo_two_sockets_have_one_llc_and_node_each(void **state)
{
	struct sk_topo *topo = load_fixture("two-socket-smt2");
	const struct sk_topo_group *g;

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_LLC), 2);
	/* node2 is memory only: it gets no dense id */
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_NODE), 2);
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-3,8-11");
	assert_group_cpus(topo, SK_TOPO_LLC, 1, "4-7,12-15");
	assert_group_cpus(topo, SK_TOPO_NODE, 0, "0-3,8-11");
	assert_group_cpus(topo, SK_TOPO_NODE, 1, "4-7,12-15");
	assert_int_equal(sk_topo_llc_of(topo, 12), 1);
	assert_int_equal(sk_topo_node_of(topo, 12), 1);
	assert_int_equal(sk_topo_cpu(topo, 12)->node_id, 1);
	assert_int_equal(sk_topo_cpu(topo, 12)->llc_id, 1);
	g = sk_topo_group(topo, SK_TOPO_NODE, 1);
	assert_int_equal(g->kernel_id, 1);
	assert_int_equal(g->node, 1);
	assert_int_equal(g->llc, NONE);
	sk_topo_free(topo);
}

static void test_topo_ccx_splits_one_node_into_two_llcs(void **state)
{
	struct sk_topo *topo = load_fixture("ccx-2llc");
	static const int32_t core_ids[] = { 0, 1, 4, 5 };
	uint32_t i;

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_NODE), 1);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_LLC), 2);
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CORE), 4);
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-1,4-5");
	assert_group_cpus(topo, SK_TOPO_LLC, 1, "2-3,6-7");
	assert_int_equal(sk_topo_llc_of(topo, 4), 0);
	assert_int_equal(sk_topo_llc_of(topo, 6), 1);
	/* kernel core ids have gaps; dense ids do not */
	for (i = 0; i < 4; i++) {
		const struct sk_topo_group *g =
			sk_topo_group(topo, SK_TOPO_CORE, i);

		assert_int_equal(g->kernel_id, core_ids[i]);
		assert_int_equal(g->llc, i / 2);
	}
	sk_topo_free(topo);
}

static void test_topo_offline_cpus_are_recorded_without_topology(void **state)
{
	struct sk_topo *topo = load_fixture("offline-cpus");
	const struct sk_topo_cpu *c;

	assert_int_equal(sk_topo_nr_cpu_ids(topo), 12);
	assert_int_equal(sk_cpumask_weight(sk_topo_mask(topo, SK_TOPO_POSSIBLE),
					   12), 12);
	assert_int_equal(sk_cpumask_weight(sk_topo_mask(topo, SK_TOPO_PRESENT),
					   12), 8);
	assert_int_equal(sk_cpumask_weight(sk_topo_mask(topo, SK_TOPO_ONLINE),
					   12), 6);

	c = sk_topo_cpu(topo, 6);
	assert_true(c->possible && c->present && !c->online);
	assert_int_equal(c->core, NONE);
	assert_int_equal(c->llc, NONE);
	assert_int_equal(c->node, NONE);
	assert_int_equal(c->core_id, -1);
	assert_int_equal(c->capacity, 0);
	assert_int_equal(sk_topo_core_of(topo, 6), -ENOENT);
	assert_int_equal(sk_topo_llc_of(topo, 6), -ENOENT);
	assert_int_equal(sk_topo_node_of(topo, 6), -ENOENT);

	c = sk_topo_cpu(topo, 9);
	assert_true(c->possible && !c->present && !c->online);

	/* cores 2 and 3 lost their second thread */
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CORE), 4);
	assert_group_cpus(topo, SK_TOPO_CORE, 0, "0,4");
	assert_group_cpus(topo, SK_TOPO_CORE, 2, "2");
	assert_group_cpus(topo, SK_TOPO_CORE, 3, "3");
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-5");
	sk_topo_free(topo);
}

static void test_topo_noncontig_ids_map_absent_cpus_to_none(void **state)
{
	static const uint32_t want[16] = {
		0, 0, NONE, NONE, 1, 1, NONE, NONE,
		NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE,
	};
	struct sk_topo *topo = load_fixture("noncontig-biglittle");
	uint32_t map[16];

	assert_int_equal(sk_topo_nr_cpu_ids(topo), 8);
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CPU, SK_TOPO_LLC, map,
					  16), 8);
	assert_memory_equal(map, want, sizeof(want));
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CPU, SK_TOPO_CORE, map,
					  8), 8);
	assert_int_equal(map[4], 2);
	assert_int_equal(map[3], NONE);
	assert_false(sk_topo_cpu(topo, 2)->present);
	assert_group_cpus(topo, SK_TOPO_NODE, 0, "0-1,4-5");
	sk_topo_free(topo);
}

static void test_topo_without_l3_takes_highest_level_as_llc(void **state)
{
	struct sk_topo *topo = load_fixture("noncontig-biglittle");

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_LLC), 2);
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-1");
	assert_group_cpus(topo, SK_TOPO_LLC, 1, "4-5");
	assert_int_equal(sk_topo_cpu(topo, 5)->llc_level, 2);
	assert_int_equal(sk_topo_cpu(topo, 5)->llc_id, 1);
	sk_topo_free(topo);
}

static void test_topo_reads_capacity_frequency_and_missing_die(void **state)
{
	struct sk_topo *topo = load_fixture("noncontig-biglittle");

	assert_int_equal(sk_topo_cpu(topo, 1)->capacity, 446);
	assert_int_equal(sk_topo_cpu(topo, 1)->max_freq_khz, 1800000);
	assert_int_equal(sk_topo_cpu(topo, 4)->capacity, 1024);
	assert_int_equal(sk_topo_cpu(topo, 4)->max_freq_khz, 2800000);
	assert_int_equal(sk_topo_cpu(topo, 4)->die_id, -1);
	sk_topo_free(topo);
}

static void test_topo_old_kernel_sibling_lists_group_cores(void **state)
{
	struct sk_topo *topo = load_fixture("no-cache-no-numa");

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_CORE), 4);
	assert_group_cpus(topo, SK_TOPO_CORE, 0, "0-1");
	assert_group_cpus(topo, SK_TOPO_CORE, 3, "6-7");
	assert_int_equal(sk_topo_core_of(topo, 5), 2);
	sk_topo_free(topo);
}

static void test_topo_without_cache_dir_uses_one_llc_per_package(void **state)
{
	struct sk_topo *topo = load_fixture("no-cache-no-numa");

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_LLC), 2);
	assert_group_cpus(topo, SK_TOPO_LLC, 0, "0-3");
	assert_group_cpus(topo, SK_TOPO_LLC, 1, "4-7");
	assert_int_equal(sk_topo_group(topo, SK_TOPO_LLC, 1)->kernel_id, -1);
	assert_int_equal(sk_topo_cpu(topo, 2)->llc_level, 0);
	assert_int_equal(sk_topo_cpu(topo, 2)->llc_id, -1);
	assert_int_equal(sk_topo_cpu(topo, 2)->max_freq_khz, 0);
	sk_topo_free(topo);
}

static void test_topo_without_node_dir_puts_all_cpus_in_node_0(void **state)
{
	struct sk_topo *topo = load_fixture("no-cache-no-numa");
	uint32_t cpu;

	assert_int_equal(sk_topo_nr(topo, SK_TOPO_NODE), 1);
	assert_group_cpus(topo, SK_TOPO_NODE, 0, "0-7");
	for (cpu = 0; cpu < 8; cpu++) {
		assert_int_equal(sk_topo_node_of(topo, cpu), 0);
		assert_int_equal(sk_topo_cpu(topo, cpu)->node_id, 0);
	}
	sk_topo_free(topo);
}

static void test_topo_fill_map_exports_group_parents(void **state)
{
	struct sk_topo *topo = load_fixture("two-socket-smt2");
	uint32_t map[8];

	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_LLC, SK_TOPO_NODE, map,
					  4), 2);
	assert_int_equal(map[0], 0);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], NONE);
	assert_int_equal(map[3], NONE);
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CORE, SK_TOPO_LLC, map,
					  8), 8);
	assert_int_equal(map[3], 0);
	assert_int_equal(map[4], 1);
	sk_topo_free(topo);
}

static void test_topo_fill_map_rejects_short_array_and_wrong_way(void **state)
{
	struct sk_topo *topo = load_fixture("two-socket-smt2");
	uint32_t map[16] = { 7 };

	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CPU, SK_TOPO_NODE, map,
					  15), -ENOSPC);
	assert_int_equal(map[0], 7);
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_LLC, SK_TOPO_CORE, map,
					  16), -EINVAL);
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CPU, SK_TOPO_CPU, map,
					  16), -EINVAL);
	assert_int_equal(sk_topo_fill_map(topo, SK_TOPO_CPU, SK_TOPO_NR_LEVELS,
					  map, 16), -EINVAL);
	assert_int_equal(map[0], 7);
	sk_topo_free(topo);
}

static void test_topo_lookups_reject_out_of_range_ids(void **state)
{
	struct sk_topo *topo = load_fixture("single-4cpu");

	assert_null(sk_topo_cpu(topo, 4));
	assert_int_equal(sk_topo_llc_of(topo, 4), -ENOENT);
	assert_int_equal(sk_topo_core_of(topo, UINT32_MAX), -ENOENT);
	assert_null(sk_topo_group(topo, SK_TOPO_LLC, 1));
	assert_null(sk_topo_group(topo, SK_TOPO_CPU, 0));
	assert_null(sk_topo_group(topo, SK_TOPO_NR_LEVELS, 0));
	assert_int_equal(sk_topo_nr(topo, SK_TOPO_NR_LEVELS), -EINVAL);
	assert_null(sk_topo_mask(topo, (enum sk_topo_cpu_state)3));
	sk_topo_free(topo);
}

static void test_topo_fprint_lists_every_possible_cpu(void **state)
{
	struct sk_topo *topo = load_fixture("noncontig-biglittle");
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(sk_topo_fprint(topo, f), 0);
	fclose(f);
	assert_string_equal(out,
		"CPU NODE  LLC CORE SOCKET  DIE CAPACITY  MAXMHZ ONLINE\n"
		"  0    0    0    0      0    -      446  1800.0 yes\n"
		"  1    0    0    1      0    -      446  1800.0 yes\n"
		"  2    -    -    -      -    -        -       - no\n"
		"  3    -    -    -      -    -        -       - no\n"
		"  4    0    1    2      0    -     1024  2800.0 yes\n"
		"  5    0    1    3      0    -     1024  2800.0 yes\n"
		"  6    -    -    -      -    -        -       - no\n"
		"  7    -    -    -      -    -        -       - no\n");
	free(out);
	sk_topo_free(topo);
}

/* Checks that every group of @level partitions the online CPUs. */
static void check_level_partitions_online(const struct sk_topo *topo,
					  enum sk_topo_level level)
{
	uint32_t nr = sk_topo_nr_cpu_ids(topo);
	const uint64_t *online = sk_topo_mask(topo, SK_TOPO_ONLINE);
	uint32_t seen = 0, id, i;

	for (id = 0; id < (uint32_t)sk_topo_nr(topo, level); id++) {
		const struct sk_topo_group *g = sk_topo_group(topo, level, id);

		assert_true(g->nr_cpus > 0);
		assert_int_equal(sk_cpumask_weight(g->mask, nr), g->nr_cpus);
		assert_true(g->node < (uint32_t)sk_topo_nr(topo, SK_TOPO_NODE));
		for (i = 0; i < g->nr_cpus; i++) {
			const struct sk_topo_cpu *c =
				sk_topo_cpu(topo, g->cpus[i]);
			uint32_t got = level == SK_TOPO_CORE ? c->core :
				       level == SK_TOPO_LLC ? c->llc : c->node;

			assert_true(sk_cpumask_test(online, g->cpus[i]));
			assert_int_equal(got, id);
		}
		seen += g->nr_cpus;
	}
	assert_int_equal(seen, sk_cpumask_weight(online, nr));
}

static void test_topo_real_sysfs_is_consistent(void **state)
{
	struct sk_topo *topo;
	const uint64_t *online;
	uint32_t nr, cpu;
	FILE *devnull;
	int err;

	err = sk_topo_load(NULL, &topo);
	if (err == -ENOENT)
		skip();	/* no sysfs mounted (some containers) */
	assert_int_equal(err, 0);
	nr = sk_topo_nr_cpu_ids(topo);
	online = sk_topo_mask(topo, SK_TOPO_ONLINE);
	assert_true(nr > 0 && nr <= SK_TOPO_MAX_CPUS);
	assert_true(sk_cpumask_weight(online, nr) > 0);
	assert_true(sk_topo_nr(topo, SK_TOPO_NODE) >= 1);
	assert_true(sk_topo_nr(topo, SK_TOPO_LLC) >= 1);
	assert_true(sk_topo_nr(topo, SK_TOPO_CORE) >=
		    sk_topo_nr(topo, SK_TOPO_LLC));
	for (cpu = 0; cpu < nr; cpu++) {
		if (!sk_cpumask_test(online, cpu))
			continue;
		assert_true(sk_topo_core_of(topo, cpu) >= 0);
		assert_true(sk_topo_llc_of(topo, cpu) >= 0);
		assert_true(sk_topo_node_of(topo, cpu) >= 0);
		assert_true(sk_topo_cpu(topo, cpu)->capacity > 0);
	}
	check_level_partitions_online(topo, SK_TOPO_CORE);
	check_level_partitions_online(topo, SK_TOPO_LLC);
	check_level_partitions_online(topo, SK_TOPO_NODE);
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	assert_int_equal(sk_topo_fprint(topo, devnull), 0);
	fclose(devnull);
	sk_topo_free(topo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist_parses_ranges_and_single_ids),
		cmocka_unit_test(test_cpulist_accepts_empty_list),
		cmocka_unit_test(test_cpulist_rejects_garbage),
		cmocka_unit_test(test_cpulist_rejects_reversed_range),
		cmocka_unit_test(test_cpulist_rejects_ids_at_or_above_limit),
		cmocka_unit_test(test_cpulist_format_round_trips),
		cmocka_unit_test(test_cpulist_format_reports_short_buffer),
		cmocka_unit_test(test_topo_missing_root_is_enoent),
		cmocka_unit_test(test_topo_garbage_online_list_is_einval),
		cmocka_unit_test(test_topo_single_socket_has_one_llc_and_no_smt),
		cmocka_unit_test(test_topo_two_sockets_smt_groups_siblings_into_cores),
		cmocka_unit_test(test_topo_two_sockets_have_one_llc_and_node_each),
		cmocka_unit_test(test_topo_ccx_splits_one_node_into_two_llcs),
		cmocka_unit_test(test_topo_offline_cpus_are_recorded_without_topology),
		cmocka_unit_test(test_topo_noncontig_ids_map_absent_cpus_to_none),
		cmocka_unit_test(test_topo_without_l3_takes_highest_level_as_llc),
		cmocka_unit_test(test_topo_reads_capacity_frequency_and_missing_die),
		cmocka_unit_test(test_topo_old_kernel_sibling_lists_group_cores),
		cmocka_unit_test(test_topo_without_cache_dir_uses_one_llc_per_package),
		cmocka_unit_test(test_topo_without_node_dir_puts_all_cpus_in_node_0),
		cmocka_unit_test(test_topo_fill_map_exports_group_parents),
		cmocka_unit_test(test_topo_fill_map_rejects_short_array_and_wrong_way),
		cmocka_unit_test(test_topo_lookups_reject_out_of_range_ids),
		cmocka_unit_test(test_topo_fprint_lists_every_possible_cpu),
		cmocka_unit_test(test_topo_real_sysfs_is_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
