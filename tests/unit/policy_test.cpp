// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/policy.hpp"

#include <gtest/gtest.h>

namespace
{

using ibodp::mr_kind;

ibodp::odp_caps stock_rxe()
{
	const std::uint32_t rc = IBV_ODP_SUPPORT_SEND | IBV_ODP_SUPPORT_RECV |
	                         IBV_ODP_SUPPORT_WRITE | IBV_ODP_SUPPORT_READ |
	                         IBV_ODP_SUPPORT_ATOMIC | IBV_ODP_SUPPORT_SRQ_RECV;
	return ibodp::decode_odp_caps(IBV_ODP_SUPPORT, rc, 0,
	                              IBV_ODP_SUPPORT_SEND | IBV_ODP_SUPPORT_RECV, 0);
}

TEST(Policy, NoOdpMeansPinned)
{
	const auto d = ibodp::choose_mr_kind({}, IBV_QPT_RC, ibodp::op_write);
	EXPECT_EQ(d.kind, mr_kind::pinned);
	EXPECT_NE(d.reason.find("no on-demand paging"), std::string::npos) << d.reason;
}

TEST(Policy, SupportedOperationsGiveOdp)
{
	const auto d = ibodp::choose_mr_kind(stock_rxe(), IBV_QPT_RC,
	                                     ibodp::op_write | ibodp::op_read | ibodp::op_atomic);
	EXPECT_EQ(d.kind, mr_kind::odp);
	EXPECT_NE(d.reason.find("RC"), std::string::npos) << d.reason;
}

TEST(Policy, MissingOperationFallsBackToPinnedAndNamesIt)
{
	const auto d =
	        ibodp::choose_mr_kind(stock_rxe(), IBV_QPT_RC, ibodp::op_write | ibodp::op_flush);
	EXPECT_EQ(d.kind, mr_kind::pinned);
	EXPECT_NE(d.reason.find("lacks flush"), std::string::npos) << d.reason;
}

TEST(Policy, TransportMatters)
{
	EXPECT_EQ(ibodp::choose_mr_kind(stock_rxe(), IBV_QPT_UD, ibodp::op_send).kind,
	          mr_kind::odp);
	const auto ud_write = ibodp::choose_mr_kind(stock_rxe(), IBV_QPT_UD, ibodp::op_write);
	EXPECT_EQ(ud_write.kind, mr_kind::pinned);
	EXPECT_NE(ud_write.reason.find("UD lacks write"), std::string::npos) << ud_write.reason;
	EXPECT_EQ(ibodp::choose_mr_kind(stock_rxe(), IBV_QPT_UC, ibodp::op_send).kind,
	          mr_kind::pinned);
}

TEST(Policy, ImplicitOnlyWhenAdvertised)
{
	auto caps = stock_rxe();
	const auto explicit_only = ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write, true);
	EXPECT_EQ(explicit_only.kind, mr_kind::odp);
	EXPECT_NE(explicit_only.reason.find("no implicit"), std::string::npos);
	caps.implicit = true;
	EXPECT_EQ(ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write, true).kind,
	          mr_kind::implicit_odp);
	EXPECT_EQ(ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write, false).kind,
	          mr_kind::odp);
}

// Prefetch is promised only where the device has it (rdma-core 56.1 on
// rxe has none), and its absence is named; ODP is chosen either way.
TEST(Policy, PrefetchOnlyWhenTheDeviceHasIt)
{
	auto caps = stock_rxe();
	caps.prefetch = false;
	const auto without = ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write);
	EXPECT_EQ(without.kind, mr_kind::odp);
	EXPECT_FALSE(without.prefetch);
	EXPECT_NE(without.reason.find("no prefetch"), std::string::npos) << without.reason;
	caps.prefetch = true;
	const auto with = ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write);
	EXPECT_TRUE(with.prefetch);
	EXPECT_EQ(with.reason.find("no prefetch"), std::string::npos) << with.reason;
	EXPECT_FALSE(ibodp::choose_mr_kind({}, IBV_QPT_RC, ibodp::op_write).prefetch);
}

} // namespace
