// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
/*
 * ib_odp fault injection, for tests of the error paths: the kernel's
 * fault-injection framework is not built into the distribution kernel, so
 * four module parameters make every Nth event of a kind fail instead
 * (0, the default, never):
 *
 *   inject_alloc_every   an allocation of the layer (region descriptor,
 *                        fault buffer) fails with -ENOMEM
 *   inject_fault_every   hmm_range_fault() fails with -EFAULT
 *   inject_busy_every    hmm_range_fault() returns -EBUSY, as if an
 *                        invalidation interrupted the fault (retried)
 *   inject_read_lock_every
 *                        a lock for writing is taken for reading, as by a
 *                        driver that forgot IB_ODP_FAULT_WRITE: the write
 *                        that follows must be refused
 */
#include <linux/atomic.h>
#include <linux/module.h>

#include "ib_odp_internal.h"

static unsigned int inject_alloc_every;
module_param(inject_alloc_every, uint, 0644);
MODULE_PARM_DESC(inject_alloc_every, "fail every Nth allocation (0: never)");

static unsigned int inject_fault_every;
module_param(inject_fault_every, uint, 0644);
MODULE_PARM_DESC(inject_fault_every, "fail every Nth fault with -EFAULT (0: never)");

static unsigned int inject_busy_every;
module_param(inject_busy_every, uint, 0644);
MODULE_PARM_DESC(inject_busy_every, "interrupt every Nth fault with -EBUSY (0: never)");

static unsigned int inject_read_lock_every;
module_param(inject_read_lock_every, uint, 0644);
MODULE_PARM_DESC(inject_read_lock_every,
		 "take every Nth write lock for reading only (0: never)");

static atomic_t ib_odp_inject_count[IB_ODP_INJECT_KINDS];

/* True when this event of @kind is to fail. */
bool ib_odp_inject(enum ib_odp_inject_kind kind)
{
	static const unsigned int *const every[IB_ODP_INJECT_KINDS] = {
		[IB_ODP_INJECT_ALLOC] = &inject_alloc_every,
		[IB_ODP_INJECT_FAULT] = &inject_fault_every,
		[IB_ODP_INJECT_BUSY] = &inject_busy_every,
		[IB_ODP_INJECT_READ_LOCK] = &inject_read_lock_every,
	};
	unsigned int n = READ_ONCE(*every[kind]);

	if (likely(!n))
		return false;
	return atomic_inc_return(&ib_odp_inject_count[kind]) % n == 0;
}
