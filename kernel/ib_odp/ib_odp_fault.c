// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp faults: filling the page mirror with hmm_range_fault() and
 * giving drivers locked access to it. The lock order is described at the
 * top of ib_odp_region.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hmm.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "ib_odp.h"
#include "ib_odp_internal.h"

/* Pages per hmm_range_fault() call: bounds the pfn array to 4 KiB. */
#define IB_ODP_FAULT_CHUNK	512UL

/*
 * Faults of up to this many pages (a packet's, without fault-around) take
 * their pfn array from the stack instead of the allocator.
 */
#define IB_ODP_FAULT_SMALL	16UL

/*
 * Fault-around: a fault of fewer pages than this also mirrors what the CPU
 * maps of the aligned block of this many pages around them (within the
 * region), so that a device going through memory the process has touched
 * faults once per block instead of once per page. Pages around that the
 * CPU does not map are left alone: fault-around never brings in memory
 * the process never touched, nor write-faults (breaking copy-on-write) a
 * page the device does not write. 1 turns it off. The default is chosen
 * by measurement, see docs/odp-layer.md.
 */
static unsigned int fault_around_pages = 1;
module_param(fault_around_pages, uint, 0644);
MODULE_PARM_DESC(fault_around_pages,
		 "block of pages around a fault mirrored where present, power of two up to 512 (1: off)");

/*
 * A snapshot of the block around a fault: one try, whose pages count as
 * faulted but not as a fault of their own. Never passed in by drivers.
 */
#define IB_ODP_FAULT_AROUND	BIT(31)

/*
 * Return from a successful fault with region->lock still held, so that the
 * fill checks the range and hands it to the driver in the critical section
 * that stored it, without taking the lock once more.
 */
#define IB_ODP_FAULT_HOLD	BIT(30)

/*
 * How long a fault may go without progress while invalidations keep
 * colliding with it, before it fails with -EBUSY: a guard against livelock,
 * not a latency target. The default is HMM's. A kernel built with KASAN and
 * lockdep runs the mm many times slower and needs a longer guard.
 */
static unsigned int fault_timeout_ms = HMM_RANGE_DEFAULT_TIMEOUT;
module_param(fault_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fault_timeout_ms,
		 "ms a fault may retry without progress before -EBUSY (default 1000)");

/*
 * Collisions a fault must also have had before it times out: time alone
 * is no proof of livelock, as jiffies jump when a virtual machine's vCPU
 * is descheduled, and then a fault that collided once would fail.
 */
#define IB_ODP_FAULT_MIN_COLLISIONS	8

static unsigned long ib_odp_fault_deadline(void)
{
	return jiffies + msecs_to_jiffies(max(READ_ONCE(fault_timeout_ms), 1U));
}

/*
 * How far a retry loop has got: the attempts at one chunk (pages walked)
 * and the chunks of a fill (addresses mirrored) both give up when they
 * have not got further for IB_ODP_FAULT_MIN_COLLISIONS tries and the
 * guard's time.
 */
struct ib_odp_progress {
	unsigned long furthest;
	unsigned int stalls;
	unsigned long deadline;
};

/* Record a try that got to @reached; true when it is time to give up. */
static bool ib_odp_progress_stalled(struct ib_odp_progress *progress,
				    unsigned long reached)
{
	if (reached > progress->furthest) {
		progress->furthest = reached;
		progress->stalls = 0;
		progress->deadline = ib_odp_fault_deadline();
		return false;
	}
	return ++progress->stalls >= IB_ODP_FAULT_MIN_COLLISIONS &&
	       time_after(jiffies, progress->deadline);
}

static unsigned long ib_odp_hmm_pfn(unsigned long hmm_pfn)
{
	return hmm_pfn & ~HMM_PFN_FLAGS;
}

static bool ib_odp_in_region(struct ib_odp_region *region, u64 addr,
			     u64 length)
{
	return length && addr >= region->addr &&
	       length <= region->length &&
	       addr - region->addr <= region->length - length;
}

/*
 * First page of [start, end) that the mirror lacks (or lacks with write
 * permission when @write), or @end when all are there.
 */
static unsigned long ib_odp_first_missing_locked(struct ib_odp_region *region,
						 unsigned long start,
						 unsigned long end, bool write)
{
	XA_STATE(xas, &region->pages, start >> PAGE_SHIFT);
	unsigned long expect = start >> PAGE_SHIFT;
	void *entry;

	lockdep_assert_held(&region->lock);
	rcu_read_lock();
	xas_for_each(&xas, entry, (end - 1) >> PAGE_SHIFT) {
		if (xas.xa_index != expect ||
		    (write && !ib_odp_entry_writable(entry)))
			break;
		expect++;
	}
	rcu_read_unlock();
	return min(expect << PAGE_SHIFT, end);
}

static int ib_odp_store_one(struct ib_odp_region *region,
			    struct xa_state *xas, unsigned long index,
			    void *entry, unsigned long *added)
{
	void *old;

	xas_set(xas, index);
	xas_lock(xas);
	old = xas_store(xas, entry);
	xas_unlock(xas);
	if (xas_error(xas))
		return xas_error(xas);
	if (!old)
		(*added)++;
	return 0;
}

/*
 * A huge page maps a whole 2 MiB unit; when that unit lies in the region,
 * mirror all of it in one go. Return the number of pages handled from
 * hmm index @i on, or 0 to fall back to a single page.
 */
static unsigned long ib_odp_store_huge(struct ib_odp_region *region,
				       struct hmm_range *range,
				       unsigned long i, struct xa_state *xas,
				       unsigned long *added, int *err)
{
	unsigned long pfn_flags = range->hmm_pfns[i];
	unsigned long va = range->start + (i << PAGE_SHIFT);
	unsigned long unit = va & PMD_MASK;
	unsigned long head, n;
	bool writable = pfn_flags & HMM_PFN_WRITE;

	if (hmm_pfn_to_map_order(pfn_flags) < PMD_SHIFT - PAGE_SHIFT ||
	    unit < region->start || unit + PMD_SIZE > region->end)
		return 0;

	head = ib_odp_hmm_pfn(pfn_flags) - ((va - unit) >> PAGE_SHIFT);
	for (n = 0; n < PMD_SIZE >> PAGE_SHIFT; n++) {
		*err = ib_odp_store_one(region, xas, (unit >> PAGE_SHIFT) + n,
					ib_odp_mk_entry(head + n, writable),
					added);
		if (*err)
			return 0;
	}
	/* Skip the rest of this unit in the hmm array. */
	return min((unit + PMD_SIZE - va) >> PAGE_SHIFT,
		   ((range->end - range->start) >> PAGE_SHIFT) - i);
}

/*
 * Copy the valid pfns of @range into the mirror; -EFAULT for a page of a
 * hugetlb region that no huge page maps.
 */
static int ib_odp_store_locked(struct ib_odp_region *region,
			       struct hmm_range *range, struct xa_state *xas,
			       unsigned long *added)
{
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	unsigned long i = 0, done;
	int err = 0;

	lockdep_assert_held(&region->lock);
	while (i < npages) {
		unsigned long pfn_flags = range->hmm_pfns[i];

		if (!(pfn_flags & HMM_PFN_VALID)) {
			i++;
			continue;
		}
		/* Mapped since registration by something else than hugetlb. */
		if (region->hugetlb &&
		    hmm_pfn_to_map_order(pfn_flags) < PMD_SHIFT - PAGE_SHIFT)
			return -EFAULT;
		done = ib_odp_store_huge(region, range, i, xas, added, &err);
		if (err)
			return err;
		if (done) {
			i += done;
			continue;
		}
		err = ib_odp_store_one(region, xas,
				       (range->start >> PAGE_SHIFT) + i,
				       ib_odp_mk_entry(ib_odp_hmm_pfn(pfn_flags),
						       pfn_flags & HMM_PFN_WRITE),
				       added);
		if (err)
			return err;
		i++;
	}
	return 0;
}

/*
 * hmm_range_fault(), with an -EFAULT that an invalidation raced with turned
 * into -EBUSY: the walk is lockless, so it may have met page tables in the
 * middle of a change (a huge page being split) and the error may not hold
 * once the change is done. A retry decides.
 */
static int ib_odp_hmm_fault(struct ib_odp_region *region,
			    struct hmm_range *range)
{
	int ret = hmm_range_fault(range);

	if (ret == -EFAULT &&
	    mmu_interval_check_retry(&region->notifier, range->notifier_seq))
		ret = -EBUSY;
	return ret;
}

/*
 * Whether a fill must end now: -EINTR when the process it runs for (a
 * synchronous prefetch's) got a fatal signal, -ECANCELED when the region
 * is being deregistered (ib_odp_region_cancel()).
 */
static int ib_odp_fill_stopped(struct ib_odp_region *region)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	if (READ_ONCE(region->cancelled))
		return -ECANCELED;
	return 0;
}

/*
 * Pages at the start of @range that the last attempt found mapped as asked:
 * all of them when it succeeded, and how far it got when an invalidation
 * stopped it. A write fault on a copy-on-write, zero or KSM page replaces
 * the page and so invalidates the range itself: such a chunk collides
 * with its own faults (once per page table hmm_range_fault() faults in),
 * and each attempt gets further.
 */
static unsigned long ib_odp_pages_walked(const struct hmm_range *range)
{
	unsigned long npages = (range->end - range->start) >> PAGE_SHIFT;
	unsigned long need = HMM_PFN_VALID;
	unsigned long i;

	if (range->default_flags & HMM_PFN_REQ_WRITE)
		need |= HMM_PFN_WRITE;
	for (i = 0; i < npages; i++)
		if ((range->hmm_pfns[i] & need) != need)
			break;
	return i;
}

/*
 * One attempt to fault @range and mirror it: -EBUSY when an invalidation
 * collided with it. The mirror is updated under region->lock only if no
 * invalidation ran since the attempt began; xarray nodes are allocated
 * without the lock, because the invalidate callback takes it from reclaim.
 * With IB_ODP_FAULT_HOLD in @flags, a success returns with the lock held.
 */
static int ib_odp_fault_once(struct ib_odp_region *region,
			     struct hmm_range *range, struct xa_state *xas,
			     unsigned long *added, unsigned int flags)
{
	struct mm_struct *mm = region->notifier.mm;
	unsigned long stored;
	int ret;

	/* hmm_range_fault() fills only what it walks: see ib_odp_pages_walked(). */
	memset(range->hmm_pfns, 0,
	       ((range->end - range->start) >> PAGE_SHIFT) * sizeof(*range->hmm_pfns));
	range->notifier_seq = mmu_interval_read_begin(&region->notifier);
	mmap_read_lock(mm);
	if (ib_odp_inject(IB_ODP_INJECT_FAULT))
		ret = -EFAULT;
	else if (ib_odp_inject(IB_ODP_INJECT_BUSY))
		ret = -EBUSY;
	else
		ret = ib_odp_hmm_fault(region, range);
	mmap_read_unlock(mm);
	if (ret)
		return ret;
	do {
		stored = 0;
		mutex_lock(&region->lock);
		if (mmu_interval_read_retry(&region->notifier,
					    range->notifier_seq)) {
			mutex_unlock(&region->lock);
			return -EBUSY;
		}
		ret = ib_odp_store_locked(region, range, xas, &stored);
		region->npages += stored;
		*added += stored;
		if (ret || !(flags & IB_ODP_FAULT_HOLD))
			mutex_unlock(&region->lock);
	} while (ret == -ENOMEM && xas_nomem(xas, GFP_KERNEL));
	return ret;
}

/*
 * Fault [start, end) (at most IB_ODP_FAULT_CHUNK pages) and mirror it,
 * retrying while invalidations collide with the fault, until @deadline
 * has passed and it collided IB_ODP_FAULT_MIN_COLLISIONS times without
 * progress. Progress is an attempt that got further into the range than
 * any before it: it restarts the count and the deadline, so a chunk that
 * invalidates itself as it is faulted in (ib_odp_pages_walked()) never
 * times out however slow each fault is. @pfns holds the range's pages.
 */
static int ib_odp_fault_range(struct ib_odp_region *region,
			      unsigned long start, unsigned long end,
			      unsigned int flags, unsigned long *pfns,
			      unsigned long deadline)
{
	struct mm_struct *mm = region->notifier.mm;
	XA_STATE(xas, &region->pages, 0);
	struct hmm_range range = {
		.notifier = &region->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
	};
	struct ib_odp_progress progress = { .deadline = deadline };
	unsigned long added = 0;
	int ret;

	if (!(flags & IB_ODP_FAULT_SNAPSHOT))
		range.default_flags = HMM_PFN_REQ_FAULT;
	if (flags & IB_ODP_FAULT_WRITE)
		range.default_flags |= HMM_PFN_REQ_WRITE;

	/* The owning process may be exiting: then there is nothing to map. */
	if (!mmget_not_zero(mm))
		return -EFAULT;
	for (;;) {
		ret = ib_odp_fault_once(region, &range, &xas, &added, flags);
		/* Fault-around is worth one try, not a wait. */
		if (ret != -EBUSY || flags & IB_ODP_FAULT_AROUND)
			break;
		ib_odp_count(region, collisions, 1);
		if (ib_odp_progress_stalled(&progress,
					    ib_odp_pages_walked(&range)))
			break;
		ret = ib_odp_fill_stopped(region);
		if (ret)
			break;
		cond_resched();
	}
	if (!ret) {
		if (!(flags & IB_ODP_FAULT_AROUND))
			ib_odp_count(region, faults, 1);
		ib_odp_count(region, pages_faulted, added);
	}
	ib_odp_xas_destroy(&xas);
	/*
	 * If the process exited meanwhile, this is the last reference: its
	 * teardown runs in a workqueue, not in the driver's worker nor under
	 * region->lock (IB_ODP_FAULT_HOLD), which its invalidations take.
	 */
	mmput_async(mm);
	return ret;
}

/*
 * Fault the chunk of [missing, end) that starts at @missing; then, with
 * fault-around (@around pages, 1: off), mirror what the CPU maps of the
 * aligned block around it. That is a second walk, as hmm_range_fault()
 * faults every page from the first one it must fault to the end of its
 * range: one walk of the block would fault the pages after the chunk too.
 * @pfns holds a chunk's pages and @around's. IB_ODP_FAULT_HOLD in @flags
 * applies only without fault-around.
 */
static int ib_odp_fault_chunk(struct ib_odp_region *region,
			      unsigned long missing, unsigned long end,
			      unsigned int flags, unsigned long *pfns,
			      unsigned int around, unsigned long deadline)
{
	unsigned long chunk_end = min(end, missing +
				      (IB_ODP_FAULT_CHUNK << PAGE_SHIFT));
	unsigned long block, block_start, block_end;
	int ret;

	if (flags & IB_ODP_FAULT_SNAPSHOT || around <= 1)
		return ib_odp_fault_range(region, missing, chunk_end, flags,
					  pfns, deadline);
	ret = ib_odp_fault_range(region, missing, chunk_end,
				 flags & ~IB_ODP_FAULT_HOLD, pfns, deadline);
	if (ret)
		return ret;
	block = (unsigned long)around << PAGE_SHIFT;
	block_start = max(region->start, ALIGN_DOWN(missing, block));
	block_end = min(region->end, ALIGN_DOWN(missing, block) + block);
	if (chunk_end > block_end || block_end - block_start <= chunk_end - missing)
		goto out;
	/* Best effort: what it cannot mirror is faulted when accessed. */
	ib_odp_fault_range(region, block_start, block_end,
			   IB_ODP_FAULT_SNAPSHOT | IB_ODP_FAULT_AROUND, pfns,
			   deadline);
out:
	if (flags & IB_ODP_FAULT_HOLD)
		mutex_lock(&region->lock);
	return 0;
}

/*
 * The pfn array of a fill of @pages pages with fault-around blocks of
 * @around pages: @small when both fit, else allocated.
 */
static unsigned long *ib_odp_pfns_get(unsigned long *small,
				      unsigned long pages, unsigned int around)
{
	if (pages <= IB_ODP_FAULT_SMALL && around <= IB_ODP_FAULT_SMALL)
		return small;
	if (ib_odp_inject(IB_ODP_INJECT_ALLOC))
		return NULL;
	return kvmalloc_array(IB_ODP_FAULT_CHUNK, sizeof(*small), GFP_KERNEL);
}

static void ib_odp_pfns_put(unsigned long *pfns, unsigned long *small)
{
	if (pfns != small)
		kvfree(pfns);
}

/* The fault-around block in pages, 1 when off. */
static unsigned int ib_odp_fault_around(void)
{
	unsigned int pages = min_t(unsigned int, READ_ONCE(fault_around_pages),
				   IB_ODP_FAULT_CHUNK);

	return pages > 1 ? rounddown_pow_of_two(pages) : 1;
}

/*
 * Fault every chunk of [start, end) that the mirror lacks; unlocked. A
 * prefetch or snapshot (!@lock_at_end) moves on past each chunk it has
 * mirrored, even if reclaim takes it away again: one pass, then done. A
 * fault that returns locked needs the whole range at once, so it rescans;
 * its deadline restarts only when a chunk beyond the furthest one mirrored
 * so far gets through, so a range that cannot stay resident as a whole (a
 * memory cgroup smaller than it, churn) fails with -EBUSY instead of
 * refilling its first chunks for ever. A fatal signal ends the fill of a
 * process that asked for it (a synchronous prefetch) with -EINTR, and
 * ib_odp_region_cancel() any fill with -ECANCELED.
 */
static int ib_odp_fill(struct ib_odp_region *region, unsigned long start,
		       unsigned long end, unsigned int flags, bool lock_at_end)
{
	struct ib_odp_progress progress = {
		.furthest = start,
		.deadline = ib_odp_fault_deadline(),
	};
	unsigned long small_pfns[IB_ODP_FAULT_SMALL];
	unsigned int around = 1;
	bool write = flags & IB_ODP_FAULT_WRITE;
	bool held = false, stalled = false;
	unsigned long *pfns = NULL;
	unsigned long missing, chunk_end;
	struct ib_odp_charge charge;
	int ret = 0;

	if (lock_at_end)
		flags |= IB_ODP_FAULT_HOLD;
	for (;;) {
		if (!held) {
			ret = ib_odp_fill_stopped(region);
			if (ret)
				break;
			mutex_lock(&region->lock);
		}
		held = false;
		missing = ib_odp_first_missing_locked(region, start, end, write);
		if (missing == end) {
			if (!lock_at_end)
				mutex_unlock(&region->lock);
			break;
		}
		mutex_unlock(&region->lock);
		if (stalled) {
			/* Earlier chunks keep leaving the mirror. */
			ret = -EBUSY;
			break;
		}

		if (!pfns) {
			/* Read once per fill: it sizes the pfn array. */
			around = ib_odp_fault_around();
			pfns = ib_odp_pfns_get(small_pfns,
					       (end - missing) >> PAGE_SHIFT,
					       around);
			if (!pfns) {
				ret = -ENOMEM;
				break;
			}
		}
		/*
		 * Mirror nodes are the process's memory, whoever faults; only
		 * here, so a fill that finds everything mirrored costs nothing.
		 */
		ib_odp_charge_begin(&charge, region->notifier.mm);
		ret = ib_odp_fault_chunk(region, missing, end, flags, pfns,
					 around, progress.deadline);
		ib_odp_charge_end(&charge);
		if (ret)
			break;
		/* With IB_ODP_FAULT_HOLD: checked at once, in one section. */
		held = lock_at_end;
		chunk_end = min(end, missing + (IB_ODP_FAULT_CHUNK << PAGE_SHIFT));
		if (!lock_at_end) {
			start = chunk_end;
			if (start == end)
				break;
		}
		stalled = ib_odp_progress_stalled(&progress, chunk_end);
		if (!held)
			cond_resched();
	}
	ib_odp_pfns_put(pfns, small_pfns);
	if (ret) {
		ib_odp_count(region, fault_errors, 1);
		/* A fault returns -EBUSY only when it timed out. */
		if (ret == -EBUSY)
			ib_odp_count(region, fault_timeouts, 1);
		pr_debug("fault of [%#lx, %#lx) flags %#x failed: %d\n",
			 start, end, flags, ret);
	}
	return ret;
}

/**
 * ib_odp_fault_and_lock() - make a range present and lock it
 * @region: the region
 * @addr: first byte of the range
 * @length: bytes in the range, at least 1
 * @flags: IB_ODP_FAULT_WRITE if the driver will write the range
 *
 * Faults in the pages of the range that the mirror lacks, retrying when an
 * invalidation races with the fault (until it has gone fault_timeout_ms
 * without progress and collided 8 times), and returns with region->lock
 * held and every page of the range in the mirror. Progress is a chunk
 * mirrored beyond the furthest one so far: refilling chunks that were
 * taken away again does not restart the timeout. Invalidations of the
 * region wait until ib_odp_unlock(). Drivers lock ranges of a packet or
 * a chunk at a time, not whole multi-GiB regions.
 *
 * Context: process context, may sleep; takes the mmap lock of the region's
 * mm for reading. Must not be called with region->lock held.
 * Return: 0 with the lock held; -EINVAL if the range is not inside the
 * region, -EPERM for a write to a read-only region, -EFAULT if the range
 * is not mapped (or the owning process exited), -EPERM/-EFAULT from the
 * mm for a write to a read-only mapping, -EBUSY on timeout, -ENOMEM,
 * -EINTR if the calling process got a fatal signal, -ECANCELED after
 * ib_odp_region_cancel(). The lock is not held on error.
 */
int ib_odp_fault_and_lock(struct ib_odp_region *region, u64 addr, u64 length,
			  unsigned int flags)
{
	bool read_lock_injected = false;
	int ret;

	if (!ib_odp_in_region(region, addr, length))
		return -EINVAL;
	if ((flags & IB_ODP_FAULT_WRITE) && !region->writable)
		return -EPERM;
	/* Plays a driver that forgot IB_ODP_FAULT_WRITE, for the write guard. */
	if ((flags & IB_ODP_FAULT_WRITE) &&
	    ib_odp_inject(IB_ODP_INJECT_READ_LOCK)) {
		flags &= ~IB_ODP_FAULT_WRITE;
		read_lock_injected = true;
	}
	ret = ib_odp_fill(region, addr & PAGE_MASK, PAGE_ALIGN(addr + length),
			  flags & ~IB_ODP_FAULT_SNAPSHOT, true);
	if (!ret)
		region->read_lock_injected = read_lock_injected;
	return ret;
}
EXPORT_SYMBOL_GPL(ib_odp_fault_and_lock);

/**
 * ib_odp_snapshot_and_lock() - lock a range with what the CPU maps of it
 * @region: the region
 * @addr: first byte of the range
 * @length: bytes in the range, at least 1
 *
 * Mirrors the pages of the range that the CPU page table maps now, faulting
 * none, and returns with region->lock held. Pages the CPU does not map stay
 * out of the mirror: ib_odp_page_locked() returns NULL for them. For work
 * on resident memory only, such as writing CPU caches back: a page that is
 * swapped out or was never touched has nothing in them.
 *
 * Context: process context, may sleep. Must not be called with
 * region->lock held.
 * Return: 0 with the lock held; -EINVAL if the range is not inside the
 * region, -EBUSY on timeout, -ENOMEM, -EINTR, -ECANCELED (see
 * ib_odp_fault_and_lock()). The lock is not held on error.
 */
int ib_odp_snapshot_and_lock(struct ib_odp_region *region, u64 addr,
			     u64 length)
{
	int ret;

	if (!ib_odp_in_region(region, addr, length))
		return -EINVAL;
	ret = ib_odp_fill(region, addr & PAGE_MASK, PAGE_ALIGN(addr + length),
			  IB_ODP_FAULT_SNAPSHOT, false);
	if (ret)
		return ret;
	/* Pages invalidated since are simply not there: nothing to do. */
	mutex_lock(&region->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(ib_odp_snapshot_and_lock);

/**
 * ib_odp_unlock() - let invalidations of the region proceed again
 * @region: a region locked by ib_odp_fault_and_lock()
 */
void ib_odp_unlock(struct ib_odp_region *region)
{
	region->read_lock_injected = false;
	mutex_unlock(&region->lock);
}
EXPORT_SYMBOL_GPL(ib_odp_unlock);

/**
 * ib_odp_prefetch() - fill the mirror for a range ahead of device access
 * @region: the region
 * @addr: first byte of the range
 * @length: bytes in the range, at least 1
 * @flags: IB_ODP_FAULT_WRITE to map for writing; IB_ODP_FAULT_SNAPSHOT to
 *	mirror only pages already present in the CPU page table
 *
 * Like ib_odp_fault_and_lock() but returns unlocked: the pages may be
 * invalidated again at any time, and a later access faults them back.
 *
 * Context: process context, may sleep.
 * A range larger than the memory that can hold it is faulted chunk by
 * chunk, once; earlier chunks may be reclaimed before the call returns.
 *
 * Return: 0, or the errors of ib_odp_fault_and_lock(); -EINTR if the
 * calling process got a fatal signal.
 */
int ib_odp_prefetch(struct ib_odp_region *region, u64 addr, u64 length,
		    unsigned int flags)
{
	int ret;

	if (!ib_odp_in_region(region, addr, length))
		return -EINVAL;
	if ((flags & IB_ODP_FAULT_WRITE) && !region->writable)
		return -EPERM;
	ret = ib_odp_fill(region, addr & PAGE_MASK, PAGE_ALIGN(addr + length),
			  flags, false);
	if (!ret)
		ib_odp_count(region, prefetches, 1);
	return ret;
}
EXPORT_SYMBOL_GPL(ib_odp_prefetch);

/*
 * The mirror entry of @addr when the driver may write through it: a range
 * locked for writing holds pages mapped writable. A write through a range
 * locked for reading is a driver bug, and the page may be the zero page or
 * one shared copy-on-write with another process: refused with a warning
 * (none when fault injection made the lock, see ib_odp_inject.c).
 */
static void *ib_odp_writable_entry_locked(struct ib_odp_region *region,
					  u64 addr)
{
	void *entry = xa_load(&region->pages, addr >> PAGE_SHIFT);

	if (!entry)
		return NULL;
	if (ib_odp_entry_writable(entry))
		return entry;
	ib_odp_count(region, refused_writes, 1);
	WARN_ON_ONCE(!region->read_lock_injected);
	return NULL;
}

/**
 * ib_odp_page_locked() - the page that backs one address of a locked range
 * @region: a region locked by ib_odp_fault_and_lock() or
 *	ib_odp_snapshot_and_lock()
 * @addr: an address inside the locked range
 *
 * Return: the page, valid until ib_odp_unlock(); NULL if @addr was not
 * part of the locked range or, after ib_odp_snapshot_and_lock(), the CPU
 * did not map it.
 */
struct page *ib_odp_page_locked(struct ib_odp_region *region, u64 addr)
{
	void *entry;

	lockdep_assert_held(&region->lock);
	entry = xa_load(&region->pages, addr >> PAGE_SHIFT);
	return entry ? pfn_to_page(ib_odp_entry_pfn(entry)) : NULL;
}
EXPORT_SYMBOL_GPL(ib_odp_page_locked);

/**
 * ib_odp_mark_written_locked() - record that the device will write a page
 * @region: a region locked by ib_odp_fault_and_lock() for writing
 * @addr: an address inside the locked range
 *
 * The page is marked dirty when it leaves the mirror. Call it before
 * writing the page from ib_odp_page_locked(), and write only on success.
 *
 * Return: 0; -EFAULT if @addr is not in the locked range or its page is
 * not mapped writable (the range was locked for reading: a driver bug,
 * which also warns).
 */
int ib_odp_mark_written_locked(struct ib_odp_region *region, u64 addr)
{
	lockdep_assert_held(&region->lock);
	if (!ib_odp_writable_entry_locked(region, addr))
		return -EFAULT;
	xa_set_mark(&region->pages, addr >> PAGE_SHIFT, IB_ODP_MARK_WRITTEN);
	return 0;
}
EXPORT_SYMBOL_GPL(ib_odp_mark_written_locked);

/**
 * ib_odp_copy_locked() - copy between a kernel buffer and a locked range
 * @region: a region locked by ib_odp_fault_and_lock() over the range
 * @addr: first byte of the range in the region
 * @buf: the kernel buffer
 * @length: bytes to copy
 * @to_region: true to write the region from @buf, false to read it
 *
 * Handles any alignment: the range may start and end anywhere in a page.
 * Nothing is written to a page that ib_odp_mark_written_locked() refuses.
 *
 * Return: 0, or -EFAULT if part of the range is not in the mirror (the
 * caller did not lock that range) or, when writing, is not mapped
 * writable (the caller locked it for reading).
 */
int ib_odp_copy_locked(struct ib_odp_region *region, u64 addr, void *buf,
		       u64 length, bool to_region)
{
	u8 *data = buf;

	while (length) {
		unsigned int offset = offset_in_page(addr);
		unsigned int bytes = min_t(u64, length, PAGE_SIZE - offset);
		struct page *page = ib_odp_page_locked(region, addr);
		u8 *va;

		if (!page)
			return -EFAULT;
		if (to_region && ib_odp_mark_written_locked(region, addr))
			return -EFAULT;
		va = kmap_local_page(page);
		if (to_region)
			memcpy(va + offset, data, bytes);
		else
			memcpy(data, va + offset, bytes);
		kunmap_local(va);
		addr += bytes;
		data += bytes;
		length -= bytes;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(ib_odp_copy_locked);
