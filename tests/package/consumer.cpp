// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Uses the installed library: decodes ODP bits and asks the policy.
#include <ibodp/device.hpp>
#include <ibodp/policy.hpp>

#include <cstdio>

int main()
{
	const auto caps = ibodp::decode_odp_caps(IBV_ODP_SUPPORT, IBV_ODP_SUPPORT_WRITE, 0, 0, 0);
	const auto decision = ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write);
	std::printf("%s: %s\n", ibodp::to_string(decision.kind), decision.reason.c_str());
	return decision.kind == ibodp::mr_kind::odp ? 0 : 1;
}
