/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * ib_odp internals shared by the module's files; not for drivers.
 */
#ifndef IB_ODP_INTERNAL_H
#define IB_ODP_INTERNAL_H

#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/xarray.h>

#include "ib_odp.h"

/* Pages the driver wrote through the mirror; dirtied when dropped. */
#define IB_ODP_MARK_WRITTEN	XA_MARK_0

/*
 * A mirror entry is an xarray value entry: the pfn shifted left by one,
 * with bit 0 set when the CPU mapping allowed writes at fault time.
 */
static inline void *ib_odp_mk_entry(unsigned long pfn, bool writable)
{
	return xa_mk_value((pfn << 1) | writable);
}

static inline unsigned long ib_odp_entry_pfn(void *entry)
{
	return xa_to_value(entry) >> 1;
}

static inline bool ib_odp_entry_writable(void *entry)
{
	return xa_to_value(entry) & 1;
}

/* Count an event in the region and in its device. */
#define ib_odp_count(region, name, n)					\
	do {								\
		atomic64_add((n), &(region)->stats.count[IB_ODP_CNT_##name]);	\
		ib_odp_count_dev((region)->dev, name, n);		\
	} while (0)

/* Count an event that only the device keeps (children of implicit regions). */
#define ib_odp_count_dev(dev, name, n)					\
	atomic64_add((n), &(dev)->stats.count[IB_ODP_CNT_##name])

/*
 * A scope in which the layer's __GFP_ACCOUNT allocations (descriptors,
 * mirror nodes) are charged to the memory cgroup of a region's process,
 * whoever runs the fault: often a worker of the driver.
 */
struct ib_odp_charge {
	struct mem_cgroup *memcg;
	struct mem_cgroup *old;
};

static inline void ib_odp_charge_begin(struct ib_odp_charge *charge,
				       struct mm_struct *mm)
{
	charge->memcg = get_mem_cgroup_from_mm(mm);
	charge->old = set_active_memcg(charge->memcg);
}

static inline void ib_odp_charge_end(struct ib_odp_charge *charge)
{
	set_active_memcg(charge->old);
	mem_cgroup_put(charge->memcg);
}

struct ib_odp_region *ib_odp_region_create_mm(struct ib_odp_device *dev,
					      struct mm_struct *mm, u64 addr,
					      u64 length, unsigned int access,
					      const struct ib_odp_region_ops *ops,
					      void *owner);

/* Error paths that tests can make fail (ib_odp_inject.c). */
enum ib_odp_inject_kind {
	IB_ODP_INJECT_ALLOC,
	IB_ODP_INJECT_FAULT,
	IB_ODP_INJECT_BUSY,
	IB_ODP_INJECT_KINDS
};

bool ib_odp_inject(enum ib_odp_inject_kind kind);

unsigned long ib_odp_drop_pages_locked(struct ib_odp_region *region,
				       unsigned long first, unsigned long last);

#endif /* IB_ODP_INTERNAL_H */
