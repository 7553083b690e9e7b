/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * ib_odp_compat.h: the differences between the kernel series ib_odp and
 * our rxe build against (6.12 LTS and 7.2), one entry per difference, so
 * that no other file depends on the kernel. compat.mk tests the kernel
 * tree for each and defines IB_ODP_COMPAT_NO_* where it lacks a feature.
 */
#ifndef IB_ODP_COMPAT_H
#define IB_ODP_COMPAT_H

#include <linux/xarray.h>

#ifdef IB_ODP_COMPAT_NO_ODP_FLUSH_CAPS
/*
 * ODP capability bits for FLUSH and ATOMIC WRITE arrived with rxe's ODP
 * support in 6.16. They are uAPI (IB_UVERBS_ODP_SUPPORT_FLUSH and
 * _ATOMIC_WRITE: bits 6 and 7 of the per-transport caps); older uverbs
 * pass the caps word to userspace unchanged, so advertising them works
 * there too.
 */
#define IB_ODP_SUPPORT_FLUSH		(1 << 6)
#define IB_ODP_SUPPORT_ATOMIC_WRITE	(1 << 7)
#endif

#ifdef IB_ODP_COMPAT_NO_XAS_DESTROY
/*
 * 6.12 does not export xas_destroy() to modules. There xas_nomem() on a
 * state that holds no -ENOMEM frees the state's spare node the same way;
 * xas_set() makes sure the state holds none.
 */
static inline void ib_odp_xas_destroy(struct xa_state *xas)
{
	xas_set(xas, 0);
	xas_nomem(xas, GFP_KERNEL);
}
#else
#define ib_odp_xas_destroy xas_destroy
#endif

#endif /* IB_ODP_COMPAT_H */
