// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp implicit regions: one ODP mirror of a whole address space.
 *
 * An implicit region is a set of ordinary ib_odp regions, its children,
 * one per aligned span of IB_ODP_SPAN_SIZE bytes. A child is created on
 * the first access to its span and removed again when an unmap leaves its
 * mirror empty. Nothing is allocated at registration but the descriptor.
 *
 * Why 64 MiB spans: a child costs a fixed descriptor and one interval
 * notifier, whatever its size, so the span only trades the number of
 * notifiers in the mm's interval tree (every invalidation of the process
 * searches it, and an munmap calls each child it overlaps) against how
 * soon a child can go away (all of its span must be unmapped or never
 * touched). 64 MiB keeps a process that touches 16 GiB at 256 children and
 * a 1 GiB munmap at 16 callbacks, is a multiple of the 2 MiB huge-page
 * unit (no huge page straddles two children) and still frees the children
 * of large buffers that are mapped and unmapped on their own. A transfer
 * that crosses a span boundary is served in two pieces.
 *
 * Locking, outside the order of ib_odp_region.c:
 *
 *   imr->users (read)   held by a driver while it uses a child; the reaper
 *                       holds it for writing while it removes children
 *   imr->create_lock    serializes creation of children
 *   xa_lock             of imr->children, internal to the xarray; also by the
 *                       invalidate callback to mark a child, which never
 *                       takes imr->users
 */
#include <linux/err.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "ib_odp.h"
#include "ib_odp_internal.h"

/*
 * Children that may be empty: their span saw an unmap that emptied them,
 * or an access through them failed before anything was mapped (so that
 * accesses to unmapped addresses do not leave children behind).
 */
#define IB_ODP_MARK_UNMAPPED	XA_MARK_1

static unsigned long ib_odp_span_index(u64 addr)
{
	return addr >> IB_ODP_SPAN_SHIFT;
}

/*
 * Let the reaper check whether @child can go: an unmap emptied it (the
 * child's emptied op, from its invalidate callback) or an access through
 * it failed. Never sleeps.
 */
static void ib_odp_implicit_mark(struct ib_odp_region *child)
{
	struct ib_odp_implicit *imr = child->owner;

	xa_set_mark(&imr->children, ib_odp_span_index(child->start),
		    IB_ODP_MARK_UNMAPPED);
	queue_work(system_unbound_wq, &imr->reap_work);
}

/* A child goes away once unmapped: its region's policy. */
static const struct ib_odp_region_ops ib_odp_child_ops = {
	.emptied = ib_odp_implicit_mark,
};

static bool ib_odp_region_empty(struct ib_odp_region *region)
{
	bool empty;

	mutex_lock(&region->lock);
	empty = !region->npages;
	mutex_unlock(&region->lock);
	return empty;
}

/* Remove child @index; imr->users is held for writing. */
static void ib_odp_implicit_remove(struct ib_odp_implicit *imr,
				   unsigned long index,
				   struct ib_odp_region *child)
{
	xa_erase(&imr->children, index);
	ib_odp_region_destroy(child);
	ib_odp_count_dev(imr->dev, children_removed, 1);
}

/* Remove the marked children that are still empty, with no user inside. */
static void ib_odp_implicit_reap(struct work_struct *work)
{
	struct ib_odp_implicit *imr =
		container_of(work, struct ib_odp_implicit, reap_work);
	struct ib_odp_region *child;
	unsigned long index;

	down_write(&imr->users);
	xa_for_each_marked(&imr->children, index, child,
			   IB_ODP_MARK_UNMAPPED) {
		xa_clear_mark(&imr->children, index, IB_ODP_MARK_UNMAPPED);
		/* Keep a child touched again since it was marked. */
		if (ib_odp_region_empty(child))
			ib_odp_implicit_remove(imr, index, child);
	}
	up_write(&imr->users);
}

/**
 * ib_odp_implicit_create() - register the whole current process for ODP
 * @dev: the device the region belongs to
 * @access: IB_ODP_WRITABLE if the device may write the memory
 *	(IB_ODP_HUGETLB is refused)
 *
 * The region covers every user address of the current process; children
 * are created on access. It keeps the mm_struct (not the address space)
 * alive until ib_odp_implicit_destroy().
 *
 * Context: process context of the owning process, no locks held.
 * Return: the region, ERR_PTR(-EINVAL) for a process without an mm or for
 * IB_ODP_HUGETLB, or ERR_PTR(-ENOMEM).
 */
struct ib_odp_implicit *ib_odp_implicit_create(struct ib_odp_device *dev,
					       unsigned int access)
{
	struct ib_odp_implicit *imr;

	/* The whole address space is never all hugetlb memory. */
	if (!current->mm || access & IB_ODP_HUGETLB)
		return ERR_PTR(-EINVAL);
	imr = kzalloc_obj(*imr, GFP_KERNEL_ACCOUNT);
	if (!imr)
		return ERR_PTR(-ENOMEM);
	imr->dev = dev;
	imr->mm = current->mm;
	mmgrab(imr->mm);
	imr->writable = access & IB_ODP_WRITABLE;
	init_rwsem(&imr->users);
	mutex_init(&imr->create_lock);
	xa_init_flags(&imr->children, XA_FLAGS_ACCOUNT);
	INIT_WORK(&imr->reap_work, ib_odp_implicit_reap);
	return imr;
}
EXPORT_SYMBOL_GPL(ib_odp_implicit_create);

/**
 * ib_odp_implicit_cancel() - make the fills of an implicit region end
 * @imr: the region, about to be destroyed
 *
 * As ib_odp_region_cancel() for each child, and no child is created after
 * it: ib_odp_implicit_get() fails with -ECANCELED where none exists.
 *
 * Context: process context, no locks held; may sleep.
 */
void ib_odp_implicit_cancel(struct ib_odp_implicit *imr)
{
	struct ib_odp_region *child;
	unsigned long index;

	mutex_lock(&imr->create_lock);
	imr->cancelled = true;
	mutex_unlock(&imr->create_lock);
	/*
	 * Not under imr->users: a fill to cancel may hold it for reading
	 * while the reaper waits for it. The xa_lock keeps each child found
	 * from being removed (and freed) before it is marked.
	 */
	xa_lock(&imr->children);
	xa_for_each(&imr->children, index, child)
		ib_odp_region_cancel(child);
	xa_unlock(&imr->children);
}
EXPORT_SYMBOL_GPL(ib_odp_implicit_cancel);

/**
 * ib_odp_implicit_destroy() - release an implicit region and its children
 * @imr: the region; the driver must no longer use it
 *
 * Context: process context, no locks held; may sleep.
 */
void ib_odp_implicit_destroy(struct ib_odp_implicit *imr)
{
	struct ib_odp_region *child;
	unsigned long index;

	/* Once no child is left, no invalidation can queue the reaper. */
	down_write(&imr->users);
	xa_for_each(&imr->children, index, child)
		ib_odp_implicit_remove(imr, index, child);
	up_write(&imr->users);
	cancel_work_sync(&imr->reap_work);

	xa_destroy(&imr->children);
	mutex_destroy(&imr->create_lock);
	mmdrop(imr->mm);
	kfree(imr);
}
EXPORT_SYMBOL_GPL(ib_odp_implicit_destroy);

/* Create the child of span @index, unless another user just did. */
static struct ib_odp_region *ib_odp_implicit_add(struct ib_odp_implicit *imr,
						 unsigned long index)
{
	u64 start = (u64)index << IB_ODP_SPAN_SHIFT;
	u64 end = min_t(u64, start + IB_ODP_SPAN_SIZE, imr->mm->task_size);
	struct ib_odp_charge charge;
	struct ib_odp_region *child;
	int ret;

	mutex_lock(&imr->create_lock);
	child = xa_load(&imr->children, index);
	if (child)
		goto out_unlock;

	if (imr->cancelled) {
		child = ERR_PTR(-ECANCELED);
		goto out_unlock;
	}
	/* Registering a notifier needs a live address space. */
	if (!mmget_not_zero(imr->mm)) {
		child = ERR_PTR(-EFAULT);
		goto out_unlock;
	}
	/* The child is the process's memory, not the faulting worker's. */
	ib_odp_charge_begin(&charge, imr->mm);
	child = ib_odp_region_create_mm(imr->dev, imr->mm, start, end - start,
					imr->writable ? IB_ODP_WRITABLE : 0,
					&ib_odp_child_ops, imr);
	/* A last reference tears the mm down in a workqueue, not here. */
	mmput_async(imr->mm);
	if (IS_ERR(child))
		goto out_uncharge;

	ret = xa_err(xa_store(&imr->children, index, child, GFP_KERNEL));
	if (ret) {
		ib_odp_region_destroy(child);
		child = ERR_PTR(ret);
		goto out_uncharge;
	}
	ib_odp_count_dev(imr->dev, children_created, 1);
out_uncharge:
	ib_odp_charge_end(&charge);
out_unlock:
	mutex_unlock(&imr->create_lock);
	return child;
}

/**
 * ib_odp_implicit_get() - the child region that serves an address
 * @imr: the implicit region
 * @addr: the first byte to access
 * @length: bytes to access from @addr; on success trimmed to the part
 *	that lies in the returned child's span
 *
 * Creates the child if its span has none. On success the caller uses the
 * child like any region (ib_odp_fault_and_lock() on [@addr, @addr +
 * *@length), ...) and then calls ib_odp_implicit_put(); until then the
 * child is not removed. A caller with a longer access calls again for the
 * rest.
 *
 * Context: process context, may sleep. Not nested in another get.
 * Return: the child, ERR_PTR(-EFAULT) for an address outside the user
 * address space or when the process has exited, -EINVAL for an empty
 * access, -ECANCELED for a span without a child after
 * ib_odp_implicit_cancel(), -ENOMEM. Nothing is held on error.
 */
struct ib_odp_region *ib_odp_implicit_get(struct ib_odp_implicit *imr,
					  u64 addr, u64 *length)
{
	unsigned long index = ib_odp_span_index(addr);
	u64 span_end = ((u64)index + 1) << IB_ODP_SPAN_SHIFT;
	struct ib_odp_region *child;

	if (!*length)
		return ERR_PTR(-EINVAL);
	if (addr >= imr->mm->task_size)
		return ERR_PTR(-EFAULT);

	down_read(&imr->users);
	child = xa_load(&imr->children, index);
	if (!child)
		child = ib_odp_implicit_add(imr, index);
	if (IS_ERR(child)) {
		up_read(&imr->users);
		return child;
	}
	*length = min(*length, span_end - addr);
	return child;
}
EXPORT_SYMBOL_GPL(ib_odp_implicit_get);

/**
 * ib_odp_implicit_put() - end the use of a child from ib_odp_implicit_get()
 * @imr: the implicit region
 * @child: the child that ib_odp_implicit_get() returned
 *
 * A child left without pages (the access failed: nothing is mapped there)
 * is handed to the reaper.
 */
void ib_odp_implicit_put(struct ib_odp_implicit *imr,
			 struct ib_odp_region *child)
{
	if (!READ_ONCE(child->npages))
		ib_odp_implicit_mark(child);
	up_read(&imr->users);
}
EXPORT_SYMBOL_GPL(ib_odp_implicit_put);
