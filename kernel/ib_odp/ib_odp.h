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
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "ib_odp_compat.h"

struct dentry;
struct page;

/* Region access, for ib_odp_region_create(). */
#define IB_ODP_WRITABLE		BIT(0)	/* the driver may write the pages */

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
 * @IB_ODP_CNT_LAST_REGION: the last of the region counters
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

struct ib_odp_region;

/**
 * struct ib_odp_region_ops - the policy of a region's owner
 * @emptied: an unmap left the region without pages. Called from the
 *	region's invalidate callback, after region->lock is released; must
 *	not sleep.
 */
struct ib_odp_region_ops {
	void (*emptied)(struct ib_odp_region *region);
};

/**
 * struct ib_odp_region - an ODP mirror of [addr, addr + length) of one mm
 * @notifier: the interval notifier over the page-aligned range
 * @dev: the owning device
 * @addr: first byte of the region, as registered
 * @length: length in bytes, as registered
 * @start: @addr rounded down to a page
 * @end: @addr + @length rounded up to a page
 * @writable: the region may be written (IB_ODP_WRITABLE)
 * @lock: protects @pages and @npages; held by a driver while it uses the
 *	pages and by the invalidate callback while it drops them
 * @pages: the sparse mirror: virtual page number -> value entry holding the
 *	pfn and whether it is mapped writable; XA_MARK_0 marks pages the
 *	driver wrote, which become dirty when dropped
 * @npages: pages in the mirror now
 * @stats: this region's counters
 * @dev_entry: link in @dev->regions
 * @ops: what the region's owner does on its events, or NULL; set with
 *	@owner before the notifier is inserted, never changed
 * @owner: the owner's object for @ops (an implicit region's, for its child)
 * @cancelled: set once by ib_odp_region_cancel(); fills read it without a
 *	lock at each chunk and retry
 */
struct ib_odp_region {
	struct mmu_interval_notifier notifier;
	struct ib_odp_device *dev;
	u64 addr;
	u64 length;
	unsigned long start;
	unsigned long end;
	bool writable;
	struct mutex lock;
	struct xarray pages;
	unsigned long npages;
	struct ib_odp_stats stats;
	struct list_head dev_entry;
	const struct ib_odp_region_ops *ops;
	void *owner;
	bool cancelled;
};

/**
 * struct ib_odp_implicit - an ODP mirror of a whole address space
 * @dev: the owning device
 * @mm: the address space; grabbed, not kept alive
 * @writable: the device may write the memory (IB_ODP_WRITABLE)
 * @users: read-held while a driver uses a child, write-held by the reaper
 *	and at destruction while children are removed
 * @create_lock: serializes creation of children
 * @children: span index -> child region; children that may have become
 *	empty (by an unmap or a failed access) are marked for @reap_work
 * @reap_work: removes marked children that are still empty
 * @cancelled: set once by ib_odp_implicit_cancel(); read by child creation
 *	under @create_lock
 */
struct ib_odp_implicit {
	struct ib_odp_device *dev;
	struct mm_struct *mm;
	bool writable;
	struct rw_semaphore users;
	struct mutex create_lock;
	struct xarray children;
	struct work_struct reap_work;
	bool cancelled;
};

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
void ib_odp_unlock(struct ib_odp_region *region);
int ib_odp_prefetch(struct ib_odp_region *region, u64 addr, u64 length,
		    unsigned int flags);

int ib_odp_copy_locked(struct ib_odp_region *region, u64 addr, void *buf,
		       u64 length, bool to_region);
struct page *ib_odp_page_locked(struct ib_odp_region *region, u64 addr);
void ib_odp_mark_written_locked(struct ib_odp_region *region, u64 addr);

struct dentry *ib_odp_debugfs_root(void);

#endif /* IB_ODP_H */
