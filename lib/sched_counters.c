// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space side of SK_COUNTERS(): fetch all CPUs' copies in one lookup.
 */
#include <errno.h>
#include <stdlib.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <schedkit/counters.h>

int sk_counters_read(const struct bpf_map *map, uint64_t **valsp,
		     int *nr_cpusp, int *nr_countersp)
{
	__u32 key = 0, value_size = bpf_map__value_size(map);
	int nr_cpus = libbpf_num_possible_cpus();
	uint64_t *vals;
	int ret;

	if (nr_cpus < 0)
		return nr_cpus;
	if (bpf_map__type(map) != BPF_MAP_TYPE_PERCPU_ARRAY ||
	    bpf_map__max_entries(map) != 1 || !value_size ||
	    value_size % sizeof(uint64_t))
		return -EINVAL;

	vals = calloc((size_t)nr_cpus, value_size);
	if (!vals)
		return -ENOMEM;
	/* the kernel hands per-CPU values back as nr_cpus 8-byte-aligned rows */
	ret = bpf_map__lookup_elem(map, &key, sizeof(key), vals,
				   (size_t)nr_cpus * value_size, 0);
	if (ret) {
		free(vals);
		return ret < 0 ? ret : -EIO;
	}

	*valsp = vals;
	*nr_cpusp = nr_cpus;
	*nr_countersp = (int)(value_size / sizeof(uint64_t));
	return 0;
}
