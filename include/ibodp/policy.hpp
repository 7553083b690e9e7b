// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The automatic memory policy: ODP where the device supports it for the
// transport and operations the caller will use, pinned otherwise, with
// the reason for the choice.

#include "ibodp/device.hpp"
#include "ibodp/verbs.hpp"

#include <infiniband/verbs.h>

#include <string>

namespace ibodp
{

/// Operations a memory region will be used for, as a bit set.
enum operation : unsigned {
	op_send = 1U << 0,
	op_recv = 1U << 1,
	op_write = 1U << 2,
	op_read = 1U << 3,
	op_atomic = 1U << 4,
	op_srq_recv = 1U << 5,
	op_flush = 1U << 6,
	op_atomic_write = 1U << 7,
};

/// What the policy chose and why.
struct mr_decision {
	mr_kind kind = mr_kind::pinned;
	std::string reason;
	/// memory_region::prefetch() can make the region's pages present:
	/// an ODP kind on a device with odp_caps::prefetch.
	bool prefetch = false;
};

/// Chooses how to register memory used on @p transport (IBV_QPT_RC, UC or
/// UD) for the operations in @p operations. With @p whole_address_space
/// the caller prefers one implicit ODP region over per-buffer regions.
[[nodiscard]] mr_decision choose_mr_kind(const odp_caps &caps, ibv_qp_type transport,
                                         unsigned operations, bool whole_address_space = false);

} // namespace ibodp
