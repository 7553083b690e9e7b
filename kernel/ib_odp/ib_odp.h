/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * ib_odp: the interface an RDMA driver uses to mirror unpinned user memory.
 *
 * A driver creates an ib_odp_region for each on-demand-paging memory
 * region. Registration is lazy: nothing is walked or faulted until the
 * driver asks for a range with ib_odp_fault_and_lock(), which returns with
 * the range present in the region's page mirror and protected against
 * invalidation until ib_odp_unlock(). While locked, the driver reads and
 * writes the pages with ib_odp_copy_locked() or ib_odp_page_locked().
 */
#ifndef IB_ODP_H
#define IB_ODP_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "ib_odp_compat.h"

struct dentry;
struct page;

/* Region access, for ib_odp_region_create(). */
#define IB_ODP_WRITABLE		BIT(0)	/* the driver may write the pages */
#define IB_ODP_HUGETLB		BIT(1)	/* hugetlb memory, pages >= 2 MiB */

/* Fault flags, for ib_odp_fault_and_lock() and ib_odp_prefetch(). */
#define IB_ODP_FAULT_WRITE	BIT(0)	/* the pages will be written */
#define IB_ODP_FAULT_SNAPSHOT	BIT(1)	/* mirror present pages, never fault */

/* An implicit region has one child region per aligned span of this size. */
#define IB_ODP_SPAN_SHIFT	26
#define IB_ODP_SPAN_SIZE	(1ULL << IB_ODP_SPAN_SHIFT)

/**
 * enum ib_odp_counter - index of an ODP event counter (ib_odp_counters.h)
 * @IB_ODP_NUM_REGION_COUNTERS: the counters regions keep come first, this
 *	many; the device-only ones follow
 * @IB_ODP_CNT_LAST_REGION: the last of the region counters; restarts the
 *	numbering so that the device-only counters follow the region ones
 * @IB_ODP_NUM_COUNTERS: how many there are in all
 */
enum ib_odp_counter {
#define IB_ODP_REGION_COUNTER(name) IB_ODP_CNT_##name,
#include "ib_odp_counters.h"
#undef IB_ODP_REGION_COUNTER
	IB_ODP_NUM_REGION_COUNTERS,
	IB_ODP_CNT_LAST_REGION = IB_ODP_NUM_REGION_COUNTERS - 1,
#define IB_ODP_DEVICE_COUNTER(name) IB_ODP_CNT_##name,
#include "ib_odp_counters.h"
#undef IB_ODP_DEVICE_COUNTER
	IB_ODP_NUM_COUNTERS
};

/**
 * struct ib_odp_stats - ODP event counters, per device and per region
 * @count: one per counter of ib_odp_counters.h, by enum ib_odp_counter (a
 *	region's device-only counters stay 0)
 */
struct ib_odp_stats {
	atomic64_t count[IB_ODP_NUM_COUNTERS];
};

/**
 * struct ib_odp_device - the ib_odp state of one RDMA device
 * @stats: totals over all regions of the device, alive or gone
 * @lock: protects @regions
 * @regions: the device's live regions, for debugfs
 * @debugfs: this device's directory below ib_odp/ in debugfs
 */
struct ib_odp_device {
	struct ib_odp_stats stats;
	struct mutex lock;
	struct list_head regions;
	struct dentry *debugfs;
};

/* Opaque to drivers: ib_odp_internal.h has their bodies. */
struct ib_odp_region;
struct ib_odp_implicit;

void ib_odp_device_init(struct ib_odp_device *dev, const char *name);
void ib_odp_device_fini(struct ib_odp_device *dev);

struct ib_odp_region *ib_odp_region_create(struct ib_odp_device *dev,
					   u64 addr, u64 length,
					   unsigned int access);
void ib_odp_region_cancel(struct ib_odp_region *region);
void ib_odp_region_destroy(struct ib_odp_region *region);

struct ib_odp_implicit *ib_odp_implicit_create(struct ib_odp_device *dev,
					       unsigned int access);
void ib_odp_implicit_cancel(struct ib_odp_implicit *imr);
void ib_odp_implicit_destroy(struct ib_odp_implicit *imr);
struct ib_odp_region *ib_odp_implicit_get(struct ib_odp_implicit *imr,
					  u64 addr, u64 *length);
void ib_odp_implicit_put(struct ib_odp_implicit *imr,
			 struct ib_odp_region *child);

int ib_odp_fault_and_lock(struct ib_odp_region *region, u64 addr, u64 length,
			  unsigned int flags);
int ib_odp_snapshot_and_lock(struct ib_odp_region *region, u64 addr,
			     u64 length);
void ib_odp_unlock(struct ib_odp_region *region);
int ib_odp_prefetch(struct ib_odp_region *region, u64 addr, u64 length,
		    unsigned int flags);

int ib_odp_copy_locked(struct ib_odp_region *region, u64 addr, void *buf,
		       u64 length, bool to_region);
struct page *ib_odp_page_locked(struct ib_odp_region *region, u64 addr);
u64 ib_odp_region_addr(const struct ib_odp_region *region);
int __must_check ib_odp_mark_written_locked(struct ib_odp_region *region,
					    u64 addr);

struct dentry *ib_odp_debugfs_root(void);

#endif /* IB_ODP_H */
