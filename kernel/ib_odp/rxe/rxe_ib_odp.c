// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * rxe's on-demand-paging entry points, implemented on the ib_odp layer.
 *
 * Every ODP access of rxe (copies for SEND/RECV/WRITE/READ, atomics,
 * atomic write, flush and prefetch) goes through ib_odp: the range is
 * faulted and locked against invalidation, accessed through the mirror,
 * then unlocked. An explicit ODP MR is one ib_odp region (mr->odp); an
 * implicit one (mr->odp_implicit) covers the whole address space and is
 * served by one child region per span, so its accesses are split at span
 * boundaries. Deregistration cancels their fills (rxe_odp_mr_cancel()),
 * then rxe_mr_cleanup() releases them (rxe_odp_mr_cleanup()).
 */
#include <linux/highmem.h>
#include <linux/libnvdimm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "rxe.h"
#include "rxe_loc.h"

/* Implicit ODP: the whole address space, addressed by virtual address. */
static int rxe_odp_mr_init_implicit(struct rxe_dev *rxe, struct rxe_mr *mr,
				    u64 iova, unsigned int access)
{
	struct ib_odp_implicit *imr;

	if (iova)
		return -EINVAL;
	imr = ib_odp_implicit_create(&rxe->odp, access);
	if (IS_ERR(imr))
		return PTR_ERR(imr);
	mr->odp_implicit = imr;
	return 0;
}

int rxe_odp_mr_init_user(struct rxe_dev *rxe, u64 start, u64 length,
			 u64 iova, int access_flags, struct rxe_mr *mr)
{
	struct ib_odp_region *region;
	unsigned int access = 0;
	int err;

	rxe_mr_init(access_flags, mr);
	if (ib_access_writable(access_flags))
		access |= IB_ODP_WRITABLE;
	if (access_flags & IB_ACCESS_HUGETLB)
		access |= IB_ODP_HUGETLB;

	if (!start && length == U64_MAX) {
		err = rxe_odp_mr_init_implicit(rxe, mr, iova, access);
		if (err)
			return err;
	} else {
		region = ib_odp_region_create(&rxe->odp, start, length, access);
		if (IS_ERR(region)) {
			rxe_dbg_mr(mr, "ODP region failed, err = %ld\n",
				   PTR_ERR(region));
			return PTR_ERR(region);
		}
		mr->odp = region;
	}

	mr->access = access_flags;
	mr->ibmr.length = length;
	mr->ibmr.iova = iova;
	mr->ibmr.type = IB_MR_TYPE_USER;
	mr->state = RXE_MR_STATE_VALID;
	return 0;
}

/*
 * From rxe_dereg_mr(), before rxe_cleanup() waits for the MR's references:
 * an asynchronous prefetch holds one for as long as its fill runs.
 */
void rxe_odp_mr_cancel(struct rxe_mr *mr)
{
	if (mr->odp_implicit)
		ib_odp_implicit_cancel(mr->odp_implicit);
	else
		ib_odp_region_cancel(mr->odp);
}

void rxe_odp_mr_cleanup(struct rxe_mr *mr)
{
	if (mr->odp_implicit) {
		ib_odp_implicit_destroy(mr->odp_implicit);
		mr->odp_implicit = NULL;
		return;
	}
	ib_odp_region_destroy(mr->odp);
	mr->odp = NULL;
}

/* The MR's access rights made its region writable or not. */
static bool rxe_odp_writable(struct rxe_mr *mr)
{
	return ib_access_writable(mr->access);
}

/*
 * The process address of @iova: an explicit MR's iova space may differ
 * from the addresses it maps; an implicit MR's iova is the address.
 */
static u64 rxe_odp_addr(struct rxe_mr *mr, u64 iova)
{
	if (mr->odp_implicit)
		return iova;
	return ib_odp_region_addr(mr->odp) + (iova - mr->ibmr.iova);
}

/*
 * The region that serves [@va, @va + *@length) of @mr. An implicit MR
 * serves it from one child per span: *@length is trimmed to the part the
 * returned child holds, and the caller calls again for the rest. Every
 * successful call is paired with rxe_odp_region_put().
 */
static struct ib_odp_region *rxe_odp_region_get(struct rxe_mr *mr, u64 va,
						u64 *length)
{
	if (mr->odp_implicit)
		return ib_odp_implicit_get(mr->odp_implicit, va, length);
	return mr->odp;
}

static void rxe_odp_region_put(struct rxe_mr *mr,
			       struct ib_odp_region *region)
{
	if (mr->odp_implicit)
		ib_odp_implicit_put(mr->odp_implicit, region);
}

/* A function applied to each piece of an access, see rxe_odp_for_each(). */
typedef int (*rxe_odp_piece_fn)(struct ib_odp_region *region, u64 va,
				u64 offset, u64 length, void *arg);

/*
 * Apply @fn to [@iova, @iova + @length) of @mr, one piece per region that
 * serves it (one piece for an explicit MR, one per span for an implicit
 * one); @offset tells @fn where its piece starts in the access. The range
 * must have passed mr_check_range().
 */
static int rxe_odp_for_each(struct rxe_mr *mr, u64 iova, u64 length,
			    rxe_odp_piece_fn fn, void *arg)
{
	u64 va = rxe_odp_addr(mr, iova);
	struct ib_odp_region *region;
	u64 done, piece;
	int err;

	for (done = 0; done < length; done += piece) {
		piece = length - done;
		region = rxe_odp_region_get(mr, va + done, &piece);
		if (IS_ERR(region))
			return PTR_ERR(region);
		err = fn(region, va + done, done, piece, arg);
		rxe_odp_region_put(mr, region);
		if (err)
			return err;
	}
	return 0;
}

struct rxe_odp_copy {
	u8 *buf;
	bool to_mr;
};

static int rxe_odp_copy_piece(struct ib_odp_region *region, u64 va,
			      u64 offset, u64 length, void *arg)
{
	const struct rxe_odp_copy *copy = arg;
	int err;

	err = ib_odp_fault_and_lock(region, va, length,
				    copy->to_mr ? IB_ODP_FAULT_WRITE : 0);
	if (err)
		return err;
	err = ib_odp_copy_locked(region, va, copy->buf + offset, length,
				 copy->to_mr);
	ib_odp_unlock(region);
	return err;
}

int rxe_odp_mr_copy(struct rxe_mr *mr, u64 iova, void *addr, int length,
		    enum rxe_mr_copy_dir dir)
{
	struct rxe_odp_copy copy = {
		.buf = addr,
		.to_mr = dir == RXE_TO_MR_OBJ,
	};

	if (length == 0)
		return 0;
	if (length < 0 || mr_check_range(mr, iova, length))
		return -EINVAL;
	return rxe_odp_for_each(mr, iova, length, rxe_odp_copy_piece, &copy);
}

/* The responder's answer to a failed ODP fault of an atomic's target. */
static enum resp_states rxe_odp_atomic_fault_state(int err)
{
	return rxe_odp_err_transient(err) ? RESPST_ERR_RNR :
	       RESPST_ERR_RKEY_VIOLATION;
}

/*
 * Lock the 8 aligned bytes at @iova for an atomic operation and map them.
 * On success the region is locked and *@kva must be passed to
 * rxe_odp_atomic_end(). Being aligned, the bytes never cross a span. A
 * fault that may succeed later is answered with RNR NAK.
 */
static enum resp_states rxe_odp_atomic_begin(struct rxe_mr *mr, u64 iova,
					     struct ib_odp_region **regionp,
					     u64 **kva)
{
	enum resp_states state = RESPST_ERR_RKEY_VIOLATION;
	struct ib_odp_region *region;
	u64 length = sizeof(u64);
	struct page *page;
	int err;
	u64 va;

	if (unlikely(mr->state != RXE_MR_STATE_VALID))
		return RESPST_ERR_RKEY_VIOLATION;
	if (mr_check_range(mr, iova, sizeof(u64)))
		return RESPST_ERR_RKEY_VIOLATION;
	va = rxe_odp_addr(mr, iova);
	if (unlikely(va & (sizeof(u64) - 1)))
		return RESPST_ERR_MISALIGNED_ATOMIC;

	region = rxe_odp_region_get(mr, va, &length);
	if (IS_ERR(region))
		return rxe_odp_atomic_fault_state(PTR_ERR(region));
	err = ib_odp_fault_and_lock(region, va, sizeof(u64), IB_ODP_FAULT_WRITE);
	if (err) {
		state = rxe_odp_atomic_fault_state(err);
		goto err_put;
	}
	if (ib_odp_mark_written_locked(region, va))
		goto err_unlock;
	page = ib_odp_page_locked(region, va);
	*kva = (u64 *)((u8 *)kmap_local_page(page) + offset_in_page(va));
	*regionp = region;
	return RESPST_NONE;

err_unlock:
	ib_odp_unlock(region);
err_put:
	rxe_odp_region_put(mr, region);
	return state;
}

static void rxe_odp_atomic_end(struct rxe_mr *mr, struct ib_odp_region *region,
			       u64 *kva)
{
	kunmap_local(kva);
	ib_odp_unlock(region);
	rxe_odp_region_put(mr, region);
}

enum resp_states rxe_odp_atomic_op(struct rxe_mr *mr, u64 iova, int opcode,
				   u64 compare, u64 swap_add, u64 *orig_val)
{
	struct ib_odp_region *region;
	enum resp_states state;
	u64 *kva;

	state = rxe_odp_atomic_begin(mr, iova, &region, &kva);
	if (state != RESPST_NONE)
		return state;
	*orig_val = rxe_atomic_op_cpu(kva, opcode, compare, swap_add);
	rxe_odp_atomic_end(mr, region, kva);
	return RESPST_NONE;
}

enum resp_states rxe_odp_do_atomic_write(struct rxe_mr *mr, u64 iova, u64 value)
{
	struct ib_odp_region *region;
	enum resp_states state;
	u64 *kva;

	state = rxe_odp_atomic_begin(mr, iova, &region, &kva);
	if (state != RESPST_NONE)
		return state;
	/* Ordered after every earlier write of this QP to the region. */
	smp_store_release(kva, value);
	rxe_odp_atomic_end(mr, region, kva);
	return RESPST_NONE;
}

/*
 * Bytes of a FLUSH locked at a time: a FLUSH may name a whole multi-GiB
 * MR, and the region lock must not cover all of it at once.
 */
#define RXE_ODP_FLUSH_STEP	SZ_2M

/*
 * Write back the CPU caches over one piece, a step at a time. Only pages
 * the CPU maps can have data in its caches: the rest (swapped out, never
 * touched) are neither faulted in nor written back.
 */
static int rxe_odp_flush_piece(struct ib_odp_region *region, u64 va,
			       u64 offset, u64 length, void *arg)
{
	while (length) {
		u64 step = min_t(u64, length,
				 RXE_ODP_FLUSH_STEP - (va & (RXE_ODP_FLUSH_STEP - 1)));
		u64 end = va + step;
		int err;

		err = ib_odp_snapshot_and_lock(region, va, step);
		if (err)
			return err;
		for (; va < end; va = (va & PAGE_MASK) + PAGE_SIZE) {
			unsigned int bytes = min_t(u64, end - va,
						   PAGE_SIZE - offset_in_page(va));
			struct page *page = ib_odp_page_locked(region, va);
			u8 *kva;

			if (!page)
				continue;
			kva = kmap_local_page(page);
			arch_wb_cache_pmem(kva + offset_in_page(va), bytes);
			kunmap_local(kva);
		}
		ib_odp_unlock(region);
		length -= step;
		cond_resched();
	}
	return 0;
}

int rxe_odp_flush_pmem_iova(struct rxe_mr *mr, u64 iova, unsigned int length)
{
	if (length == 0)
		return 0;
	if (mr_check_range(mr, iova, length))
		return -EINVAL;
	return rxe_odp_for_each(mr, iova, length, rxe_odp_flush_piece, NULL);
}

/* One prefetch request: the MRs it names hold a reference until done. */
struct rxe_odp_prefetch {
	struct work_struct work;
	unsigned int flags;
	u32 num_sge;
	struct {
		struct rxe_mr *mr;
		u64 addr;
		u32 length;
	} sge[] __counted_by(num_sge);
};

static int rxe_odp_prefetch_piece(struct ib_odp_region *region, u64 va,
				  u64 offset, u64 length, void *arg)
{
	return ib_odp_prefetch(region, va, length, *(unsigned int *)arg);
}

static int rxe_odp_prefetch_one(struct rxe_mr *mr, u64 iova, u32 length,
				unsigned int flags)
{
	if (!length)
		return 0;
	/* As stock: a wrapping range is invalid, one outside the MR bad. */
	if (iova + length < iova)
		return -EINVAL;
	if (mr_check_range(mr, iova, length))
		return -EFAULT;
	return rxe_odp_for_each(mr, iova, length, rxe_odp_prefetch_piece,
				&flags);
}

static void rxe_odp_prefetch_work(struct work_struct *work)
{
	struct rxe_odp_prefetch *req =
		container_of(work, struct rxe_odp_prefetch, work);
	u32 i;

	/* Asynchronous prefetch is best effort: errors are only logged. */
	for (i = 0; i < req->num_sge; i++) {
		struct rxe_mr *mr = req->sge[i].mr;

		if (rxe_odp_prefetch_one(mr, req->sge[i].addr,
					 req->sge[i].length, req->flags))
			rxe_dbg_mr(mr, "asynchronous prefetch failed\n");
		rxe_put(mr);
	}
	kfree(req);
}

/*
 * Look up the ODP MR of an advice SGE. Returns a referenced MR or an
 * error pointer: -EINVAL for an unknown key, -EOPNOTSUPP for a non-ODP MR,
 * -EPERM for PREFETCH_WRITE on an MR that cannot be written.
 */
static struct rxe_mr *rxe_odp_advice_mr(struct rxe_pd *pd,
					const struct ib_sge *sge,
					unsigned int flags)
{
	struct rxe_mr *mr;

	mr = lookup_mr(pd, IB_ACCESS_LOCAL_WRITE, sge->lkey, RXE_LOOKUP_LOCAL);
	if (!mr)
		return ERR_PTR(-EINVAL);
	if (!is_odp_mr(mr)) {
		rxe_put(mr);
		return ERR_PTR(-EOPNOTSUPP);
	}
	if ((flags & IB_ODP_FAULT_WRITE) && !rxe_odp_writable(mr)) {
		rxe_put(mr);
		return ERR_PTR(-EPERM);
	}
	return mr;
}

static int rxe_odp_advise_sync(struct rxe_pd *pd, unsigned int flags,
			       struct ib_sge *sg_list, u32 num_sge)
{
	u32 i;
	int err;

	for (i = 0; i < num_sge; i++) {
		struct rxe_mr *mr = rxe_odp_advice_mr(pd, &sg_list[i], flags);

		if (IS_ERR(mr))
			return PTR_ERR(mr);
		err = rxe_odp_prefetch_one(mr, sg_list[i].addr,
					   sg_list[i].length, flags);
		rxe_put(mr);
		if (err)
			return err;
	}
	return 0;
}

static int rxe_odp_advise_async(struct rxe_pd *pd, unsigned int flags,
				struct ib_sge *sg_list, u32 num_sge)
{
	struct rxe_odp_prefetch *req;
	struct rxe_mr *mr;
	u32 i;
	int err;

	req = kzalloc_flex(*req, sge, num_sge);
	if (!req)
		return -ENOMEM;
	INIT_WORK(&req->work, rxe_odp_prefetch_work);
	req->flags = flags;
	req->num_sge = num_sge;

	/* Keys are checked now, so that a bad request fails synchronously. */
	for (i = 0; i < num_sge; i++) {
		mr = rxe_odp_advice_mr(pd, &sg_list[i], flags);
		if (IS_ERR(mr)) {
			err = PTR_ERR(mr);
			goto err_put;
		}
		req->sge[i].mr = mr;
		req->sge[i].addr = sg_list[i].addr;
		req->sge[i].length = sg_list[i].length;
	}
	queue_work(rxe_wq, &req->work);
	return 0;

err_put:
	while (i--)
		rxe_put(req->sge[i].mr);
	kfree(req);
	return err;
}

int rxe_ib_advise_mr(struct ib_pd *ibpd, enum ib_uverbs_advise_mr_advice advice,
		     u32 flags, struct ib_sge *sg_list, u32 num_sge,
		     struct uverbs_attr_bundle *attrs)
{
	struct rxe_pd *pd = container_of(ibpd, struct rxe_pd, ibpd);
	unsigned int fault_flags;

	switch (advice) {
	case IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH:
		fault_flags = 0;
		break;
	case IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH_WRITE:
		fault_flags = IB_ODP_FAULT_WRITE;
		break;
	case IB_UVERBS_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT:
		fault_flags = IB_ODP_FAULT_SNAPSHOT;
		break;
	default:
		return -EOPNOTSUPP;
	}

	if (flags & IB_UVERBS_ADVISE_MR_FLAG_FLUSH)
		return rxe_odp_advise_sync(pd, fault_flags, sg_list, num_sge);
	return rxe_odp_advise_async(pd, fault_flags, sg_list, num_sge);
}

void rxe_odp_read_counters(struct rxe_dev *rxe, u64 *value)
{
	int i;

	for (i = 0; i < IB_ODP_NUM_COUNTERS; i++)
		value[RXE_CNT_ODP_FIRST + i] =
			atomic64_read(&rxe->odp.stats.count[i]);
}
