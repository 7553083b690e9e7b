// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp regions: creation, invalidation and release.
 *
 * Lock order (outermost first):
 *
 *   imr->users,         of an implicit region (ib_odp_implicit.c): held
 *   imr->create_lock    around the use and the creation of its children
 *   mmap_lock (read)    only around hmm_range_fault(), never held together
 *                       with a region lock by this module; the core mm may
 *                       hold it while it calls our invalidate callback
 *   region->lock        the page mirror of one region; taken by faulting
 *                       drivers and by the invalidate callback, possibly
 *                       from reclaim, so nothing that allocates with
 *                       reclaim runs under it
 *   pages xa_lock       internal to the xarray, taken inside region->lock
 *   dev->lock           the device's region list; never held with
 *                       region->lock
 *
 * A driver that holds region->lock (between ib_odp_fault_and_lock() and
 * ib_odp_unlock()) may take its own spinlocks inside it.
 */
#include <linux/err.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "ib_odp.h"
#include "ib_odp_internal.h"

/*
 * Drop the mirrored pages in [first, last] (page numbers); pages the driver
 * wrote become dirty so that the data reaches swap or the file. Dirtying
 * happens before the entries are erased, once per folio (it marks the
 * whole folio), and outside RCU and the mirror's xarray lock: it runs the
 * file system's ->dirty_folio, which takes the page cache's own locks and
 * is not ours to run inside an RCU read section. region->lock keeps the
 * mirror as it is meanwhile.
 */
unsigned long ib_odp_drop_pages_locked(struct ib_odp_region *region,
				       unsigned long first, unsigned long last)
{
	XA_STATE(xas, &region->pages, first);
	struct folio *dirtied = NULL;
	unsigned long dropped = 0;
	void *entry;

	lockdep_assert_held(&region->lock);
	rcu_read_lock();
	xas_for_each(&xas, entry, last) {
		struct folio *folio;

		if (xas_retry(&xas, entry))
			continue;
		dropped++;
		if (!xas_get_mark(&xas, IB_ODP_MARK_WRITTEN))
			continue;
		folio = page_folio(pfn_to_page(ib_odp_entry_pfn(entry)));
		if (folio == dirtied)
			continue;
		dirtied = folio;
		xas_pause(&xas);
		rcu_read_unlock();
		folio_mark_dirty(folio);
		rcu_read_lock();
	}
	rcu_read_unlock();

	/*
	 * Whole xarray nodes go at once: this runs on every munmap/madvise.
	 * Storing NULL should not allocate, but a stale entry must never
	 * survive, so fall back to erasing one by one.
	 */
	if (dropped && xa_is_err(xa_store_range(&region->pages, first, last,
						NULL, GFP_NOWAIT))) {
		xas_set(&xas, first);
		xas_lock(&xas);
		xas_for_each(&xas, entry, last)
			xas_store(&xas, NULL);
		xas_unlock(&xas);
	}
	region->npages -= dropped;
	return dropped;
}

static bool ib_odp_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct ib_odp_region *region =
		container_of(mni, struct ib_odp_region, notifier);
	unsigned long first, last, dropped;
	bool empty;

	/* Callers that cannot sleep must not wait for a faulting driver. */
	if (mmu_notifier_range_blockable(range))
		mutex_lock(&region->lock);
	else if (!mutex_trylock(&region->lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	first = max(range->start, region->start) >> PAGE_SHIFT;
	last = (min(range->end, region->end) - 1) >> PAGE_SHIFT;
	dropped = ib_odp_drop_pages_locked(region, first, last);
	empty = !region->npages;
	mutex_unlock(&region->lock);

	ib_odp_count(region, invalidations, 1);
	ib_odp_count(region, pages_invalidated, dropped);
	if (empty && range->event == MMU_NOTIFY_UNMAP && region->ops &&
	    region->ops->emptied)
		region->ops->emptied(region);
	return true;
}

static const struct mmu_interval_notifier_ops ib_odp_mn_ops = {
	.invalidate = ib_odp_invalidate,
};

/*
 * The invalidate callback takes region->lock from reclaim. Tell lockdep
 * once per region, so that an allocation that may reclaim while the lock
 * is held is reported even if reclaim never happens in testing.
 */
static void ib_odp_lockdep_reclaim(struct ib_odp_region *region)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;
	fs_reclaim_acquire(GFP_KERNEL);
	mutex_lock(&region->lock);
	mutex_unlock(&region->lock);
	fs_reclaim_release(GFP_KERNEL);
}

/*
 * A region registered as hugetlb memory must be mapped, all of it, by
 * hugetlb VMAs of pages of PMD size or larger: the flag is the caller's
 * promise, and a broken one is an error of the registration, not of a
 * later access.
 */
static int ib_odp_check_hugetlb(struct mm_struct *mm, unsigned long start,
				unsigned long end)
{
#ifdef CONFIG_HUGETLB_PAGE
	VMA_ITERATOR(vmi, mm, start);
	struct vm_area_struct *vma;
	unsigned long next = start;
	int ret = 0;

	mmap_read_lock(mm);
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > next || !is_vm_hugetlb_page(vma) ||
		    huge_page_shift(hstate_vma(vma)) < PMD_SHIFT) {
			ret = -EINVAL;
			break;
		}
		next = vma->vm_end;
	}
	mmap_read_unlock(mm);
	if (!ret && next < end)
		ret = -EINVAL;
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

/*
 * Register a region of @mm; the caller keeps @mm's address space alive
 * (it is current's, or the caller holds an mmget()). @ops and @owner (the
 * owner's policy, or NULL) are in place before the notifier can call back.
 */
struct ib_odp_region *ib_odp_region_create_mm(struct ib_odp_device *dev,
					      struct mm_struct *mm, u64 addr,
					      u64 length, unsigned int access,
					      const struct ib_odp_region_ops *ops,
					      void *owner)
{
	struct ib_odp_region *region;
	u64 last;
	int ret;

	if (!length)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(addr, length - 1, &last) ||
	    last > ULONG_MAX - PAGE_SIZE)
		return ERR_PTR(-EOVERFLOW);

	if (access & IB_ODP_HUGETLB) {
		ret = ib_odp_check_hugetlb(mm, addr & PAGE_MASK,
					   PAGE_ALIGN(last + 1));
		if (ret)
			return ERR_PTR(ret);
	}

	if (ib_odp_inject(IB_ODP_INJECT_ALLOC))
		return ERR_PTR(-ENOMEM);
	region = kzalloc_obj(*region, GFP_KERNEL_ACCOUNT);
	if (!region)
		return ERR_PTR(-ENOMEM);
	region->dev = dev;
	region->addr = addr;
	region->length = length;
	region->start = addr & PAGE_MASK;
	region->end = PAGE_ALIGN(last + 1);
	region->writable = access & IB_ODP_WRITABLE;
	region->hugetlb = access & IB_ODP_HUGETLB;
	region->ops = ops;
	region->owner = owner;
	mutex_init(&region->lock);
	xa_init_flags(&region->pages, XA_FLAGS_ACCOUNT);
	ib_odp_lockdep_reclaim(region);

	ret = mmu_interval_notifier_insert(&region->notifier, mm,
					   region->start,
					   region->end - region->start,
					   &ib_odp_mn_ops);
	if (ret)
		goto err_free;

	mutex_lock(&dev->lock);
	list_add_tail(&region->dev_entry, &dev->regions);
	mutex_unlock(&dev->lock);
	return region;

err_free:
	mutex_destroy(&region->lock);
	kfree(region);
	return ERR_PTR(ret);
}

/**
 * ib_odp_region_addr() - where a region starts in its process
 * @region: the region
 *
 * Context: any; the address never changes.
 * Return: the first byte of the region, as it was registered.
 */
u64 ib_odp_region_addr(const struct ib_odp_region *region)
{
	return region->addr;
}
EXPORT_SYMBOL_GPL(ib_odp_region_addr);

/**
 * ib_odp_region_create() - register an ODP region of the current process
 * @dev: the device the region belongs to
 * @addr: first byte of the region in the current process
 * @length: length of the region in bytes
 * @access: IB_ODP_WRITABLE if the device may write the region;
 *	IB_ODP_HUGETLB if hugetlb VMAs of 2 MiB or larger pages map all of it
 *
 * Registration is lazy: it inserts an interval notifier and allocates a
 * fixed-size descriptor, whatever @length is. Nothing is walked, faulted
 * or pinned (IB_ODP_HUGETLB only looks the VMAs up). The region keeps the
 * mm_struct (not the address space) of the current process alive until
 * ib_odp_region_destroy().
 *
 * Context: process context of the owning process, no locks held.
 * A range that nothing maps (even beyond the user address space) is
 * accepted, as by the core ODP code; the device's accesses to it fail.
 *
 * Return: the region, or ERR_PTR(-EINVAL) for an empty range, a process
 * without an mm or IB_ODP_HUGETLB over memory that hugetlb VMAs of 2 MiB
 * or larger pages do not map, -EOPNOTSUPP for IB_ODP_HUGETLB on a kernel without
 * hugetlb, -EOVERFLOW for a range that wraps, -ENOMEM.
 */
struct ib_odp_region *ib_odp_region_create(struct ib_odp_device *dev,
					   u64 addr, u64 length,
					   unsigned int access)
{
	if (!current->mm)
		return ERR_PTR(-EINVAL);
	return ib_odp_region_create_mm(dev, current->mm, addr, length, access,
				       NULL, NULL);
}
EXPORT_SYMBOL_GPL(ib_odp_region_create);

/**
 * ib_odp_region_cancel() - make the fills of a region end
 * @region: the region, about to be destroyed
 *
 * Fills of @region in progress end with -ECANCELED at their next chunk or
 * retry, and later ones at once. For a driver whose deferred work (an
 * asynchronous prefetch) may be inside a fill when the region is
 * deregistered: it cancels, waits for that work to end, then calls
 * ib_odp_region_destroy(). Without it, the deregistration would wait for
 * the whole fill, up to fault_timeout_ms per chunk.
 *
 * Context: any; never sleeps.
 */
void ib_odp_region_cancel(struct ib_odp_region *region)
{
	WRITE_ONCE(region->cancelled, true);
}
EXPORT_SYMBOL_GPL(ib_odp_region_cancel);

/**
 * ib_odp_region_destroy() - release a region and everything it holds
 * @region: the region; the driver must no longer use it
 *
 * Drops the mirror (dirtying written pages while they are still
 * guaranteed to be mapped), then removes the notifier, which waits for a
 * running invalidation and releases the mm_struct. Safe while the owning
 * process exits concurrently: its exit invalidates the whole range first.
 *
 * Context: process context, no locks held; may sleep.
 */
void ib_odp_region_destroy(struct ib_odp_region *region)
{
	struct ib_odp_device *dev = region->dev;

	mutex_lock(&dev->lock);
	list_del(&region->dev_entry);
	mutex_unlock(&dev->lock);

	mutex_lock(&region->lock);
	ib_odp_drop_pages_locked(region, region->start >> PAGE_SHIFT,
				 (region->end - 1) >> PAGE_SHIFT);
	mutex_unlock(&region->lock);

	mmu_interval_notifier_remove(&region->notifier);
	xa_destroy(&region->pages);
	mutex_destroy(&region->lock);
	kfree(region);
}
EXPORT_SYMBOL_GPL(ib_odp_region_destroy);
