// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/policy.hpp"

namespace ibodp
{

namespace
{

const odp_transport_caps *transport_caps(const odp_caps &caps, ibv_qp_type transport)
{
	switch (transport) {
	case IBV_QPT_RC:
		return &caps.rc;
	case IBV_QPT_UC:
		return &caps.uc;
	case IBV_QPT_UD:
		return &caps.ud;
	default:
		return nullptr;
	}
}

const char *transport_name(ibv_qp_type transport)
{
	switch (transport) {
	case IBV_QPT_RC:
		return "RC";
	case IBV_QPT_UC:
		return "UC";
	case IBV_QPT_UD:
		return "UD";
	default:
		return "this transport";
	}
}

// The operations in @p wanted that @p have lacks, as a caps struct.
odp_transport_caps missing(const odp_transport_caps &have, unsigned wanted)
{
	odp_transport_caps gap;
	gap.send = (wanted & op_send) != 0 && !have.send;
	gap.recv = (wanted & op_recv) != 0 && !have.recv;
	gap.write = (wanted & op_write) != 0 && !have.write;
	gap.read = (wanted & op_read) != 0 && !have.read;
	gap.atomic = (wanted & op_atomic) != 0 && !have.atomic;
	gap.srq_recv = (wanted & op_srq_recv) != 0 && !have.srq_recv;
	gap.flush = (wanted & op_flush) != 0 && !have.flush;
	gap.atomic_write = (wanted & op_atomic_write) != 0 && !have.atomic_write;
	return gap;
}

} // namespace

mr_decision choose_mr_kind(const odp_caps &caps, ibv_qp_type transport, unsigned operations,
                           bool whole_address_space)
{
	const std::string name = transport_name(transport);
	if (!caps.supported)
		return {mr_kind::pinned, "the device has no on-demand paging"};
	const odp_transport_caps *have = transport_caps(caps, transport);
	if (have == nullptr)
		return {mr_kind::pinned, "no ODP capabilities are defined for " + name};
	const odp_transport_caps gap = missing(*have, operations);
	if (gap.any())
		return {mr_kind::pinned, "ODP on " + name + " lacks " + to_string(gap)};
	// ODP without prefetch still pages on demand; only say so.
	const std::string prefetch =
	        caps.prefetch ? "" : " (no prefetch: ibv_advise_mr is not available on it)";
	if (whole_address_space) {
		if (caps.implicit)
			return {mr_kind::implicit_odp,
			        "the device supports implicit ODP for these operations on " + name +
			                prefetch,
			        caps.prefetch};
		return {mr_kind::odp,
		        "no implicit ODP; explicit ODP per buffer on " + name + prefetch,
		        caps.prefetch};
	}
	return {mr_kind::odp, "the device supports ODP for these operations on " + name + prefetch,
	        caps.prefetch};
}

} // namespace ibodp
