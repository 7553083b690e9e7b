// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/device.hpp"

#include <gtest/gtest.h>
#include <infiniband/verbs.h>

namespace
{

TEST(OdpCaps, NothingSetMeansNoOdp)
{
	const auto caps = ibodp::decode_odp_caps(0, 0, 0, 0, 0);
	EXPECT_FALSE(caps.supported);
	EXPECT_FALSE(caps.implicit);
	EXPECT_FALSE(caps.rc.any());
	EXPECT_EQ(ibodp::to_string(caps.rc), "");
}

// What stock rxe on kernel 7.2 reports: explicit ODP only, RC with every
// operation, UD send/recv.
TEST(OdpCaps, StockRxeBits)
{
	const std::uint32_t rc = IBV_ODP_SUPPORT_SEND | IBV_ODP_SUPPORT_RECV |
	                         IBV_ODP_SUPPORT_WRITE | IBV_ODP_SUPPORT_READ |
	                         IBV_ODP_SUPPORT_ATOMIC | IBV_ODP_SUPPORT_SRQ_RECV |
	                         ibodp::odp_support_flush | ibodp::odp_support_atomic_write;
	const auto caps = ibodp::decode_odp_caps(IBV_ODP_SUPPORT, rc, 0,
	                                         IBV_ODP_SUPPORT_SEND | IBV_ODP_SUPPORT_RECV, 0);
	EXPECT_TRUE(caps.supported);
	EXPECT_FALSE(caps.implicit);
	EXPECT_TRUE(caps.rc.flush);
	EXPECT_TRUE(caps.rc.atomic_write);
	EXPECT_EQ(ibodp::to_string(caps.rc),
	          "send,recv,write,read,atomic,srq_recv,flush,atomic_write");
	EXPECT_EQ(ibodp::to_string(caps.ud), "send,recv");
	EXPECT_FALSE(caps.uc.any());
	EXPECT_FALSE(caps.xrc.any());
}

TEST(OdpCaps, ImplicitIsItsOwnBit)
{
	const auto caps =
	        ibodp::decode_odp_caps(IBV_ODP_SUPPORT | IBV_ODP_SUPPORT_IMPLICIT, 0, 0, 0, 0);
	EXPECT_TRUE(caps.supported);
	EXPECT_TRUE(caps.implicit);
}

TEST(OdpCaps, UnknownBitsAreIgnored)
{
	const auto with_unknown = ibodp::decode_odp_caps(
	        IBV_ODP_SUPPORT | (1ULL << 40), IBV_ODP_SUPPORT_READ | (1U << 30), 0, 0, 0);
	const auto plain = ibodp::decode_odp_caps(IBV_ODP_SUPPORT, IBV_ODP_SUPPORT_READ, 0, 0, 0);
	EXPECT_EQ(with_unknown, plain);
}

TEST(OdpCaps, EachTransportDecodedFromItsOwnWord)
{
	const auto caps =
	        ibodp::decode_odp_caps(IBV_ODP_SUPPORT, IBV_ODP_SUPPORT_SEND, IBV_ODP_SUPPORT_RECV,
	                               IBV_ODP_SUPPORT_WRITE, IBV_ODP_SUPPORT_READ);
	EXPECT_EQ(ibodp::to_string(caps.rc), "send");
	EXPECT_EQ(ibodp::to_string(caps.uc), "recv");
	EXPECT_EQ(ibodp::to_string(caps.ud), "write");
	EXPECT_EQ(ibodp::to_string(caps.xrc), "read");
}

} // namespace
