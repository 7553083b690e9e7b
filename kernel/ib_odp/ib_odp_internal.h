/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * ib_odp internals shared by the module's files; not for drivers.
 */
#ifndef IB_ODP_INTERNAL_H
#define IB_ODP_INTERNAL_H

#include <linux/memcontrol.h>
#include <linux/mmu_notifier.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "ib_odp.h"

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
 * @hugetlb: registered as hugetlb memory (IB_ODP_HUGETLB): a page that a
 *	huge page does not map is refused at fault time
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
 * @read_lock_injected: fault injection turned the write lock held now into
 *	a read lock (a test of the write guard); under @lock, cleared by
 *	ib_odp_unlock()
 */
struct ib_odp_region {
	struct mmu_interval_notifier notifier;
	struct ib_odp_device *dev;
	u64 addr;
	u64 length;
	unsigned long start;
	unsigned long end;
	bool writable;
	bool hugetlb;
	struct mutex lock;
	struct xarray pages;
	unsigned long npages;
	struct ib_odp_stats stats;
	struct list_head dev_entry;
	const struct ib_odp_region_ops *ops;
	void *owner;
	bool cancelled;
	bool read_lock_injected;
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
	IB_ODP_INJECT_READ_LOCK,
	IB_ODP_INJECT_KINDS
};

bool ib_odp_inject(enum ib_odp_inject_kind kind);

unsigned long ib_odp_drop_pages_locked(struct ib_odp_region *region,
				       unsigned long first, unsigned long last);

#endif /* IB_ODP_INTERNAL_H */
