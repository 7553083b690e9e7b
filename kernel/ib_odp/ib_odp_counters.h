/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * The ODP event counters: the one list behind enum ib_odp_counter, the
 * debugfs files and a driver's statistics (rxe: "odp_" + name in rdma
 * statistic). Included with IB_ODP_REGION_COUNTER(name) and/or
 * IB_ODP_DEVICE_COUNTER(name) defined, for the counters that regions and
 * devices keep and for those only devices keep; so no include guard.
 */
#ifdef IB_ODP_REGION_COUNTER
/* successful hmm_range_fault() calls that filled the mirror */
IB_ODP_REGION_COUNTER(faults)
/* pages added to the mirror */
IB_ODP_REGION_COUNTER(pages_faulted)
/* invalidation callbacks that covered the region */
IB_ODP_REGION_COUNTER(invalidations)
/* pages dropped from the mirror by invalidations */
IB_ODP_REGION_COUNTER(pages_invalidated)
/* faults retried because an invalidation raced with them */
IB_ODP_REGION_COUNTER(collisions)
/* faults that failed (no mapping, no permission, timeout) */
IB_ODP_REGION_COUNTER(fault_errors)
/*
 * the fault_errors that timed out: no progress for fault_timeout_ms and
 * at least 8 collisions with invalidations
 */
IB_ODP_REGION_COUNTER(fault_timeouts)
/* prefetch requests served */
IB_ODP_REGION_COUNTER(prefetches)
/* writes refused: through a range the driver locked for reading */
IB_ODP_REGION_COUNTER(refused_writes)
#endif

#ifdef IB_ODP_DEVICE_COUNTER
/* child regions created by implicit regions */
IB_ODP_DEVICE_COUNTER(children_created)
/* child regions removed (unmapped or at deregistration) */
IB_ODP_DEVICE_COUNTER(children_removed)
#endif
