// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// queue_pair::connect() takes its settings from the device and
// connect_options: the path MTU is the port's active MTU unless set, the
// read/atomic depth stays within the device's limits, and the timeouts and
// retry counts asked for are the ones the QP gets.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

namespace ibodp::test
{
namespace
{

struct connected_qps {
	context ctx = context::open(test_env::get().dev);
	protection_domain pd{ctx};
	completion_queue cq{ctx, 16};
	queue_pair a{ctx, pd, cq, {}};
	queue_pair b{ctx, pd, cq, {}};

	void connect(const connect_options &options)
	{
		const ibv_gid gid = ctx.gid(options.port, options.gid_index);
		a.connect({b.qpn(), gid, 0}, options);
		b.connect({a.qpn(), gid, 0}, options);
	}
};

ibv_qp_attr query(const queue_pair &qp)
{
	ibv_qp_attr attr{};
	ibv_qp_init_attr init{};
	const int mask = IBV_QP_PATH_MTU | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
	                 IBV_QP_MIN_RNR_TIMER | IBV_QP_MAX_QP_RD_ATOMIC | IBV_QP_MAX_DEST_RD_ATOMIC;
	EXPECT_EQ(ibv_query_qp(qp.get(), &attr, mask, &init), 0);
	return attr;
}

// The default; with rxe on a 1500-byte veth the active MTU is 1024, the
// old fixed value, so OptionsReachTheQp is what shows that the MTU is not
// fixed.
TEST(Connection, PathMtuIsThePortsActiveMtu)
{
	connected_qps qps;
	qps.connect({.gid_index = test_env::get().gid_index});
	EXPECT_EQ(query(qps.a).path_mtu, qps.ctx.port(1).active_mtu);
}

TEST(Connection, OptionsReachTheQp)
{
	connected_qps qps;
	qps.connect({.gid_index = test_env::get().gid_index,
	             .path_mtu = IBV_MTU_256,
	             .timeout = 17,
	             .retry_cnt = 3,
	             .rnr_retry = 5,
	             .min_rnr_timer = 20,
	             .max_rd_atomic = 2});
	const ibv_qp_attr attr = query(qps.a);
	EXPECT_EQ(attr.path_mtu, IBV_MTU_256);
	EXPECT_EQ(attr.timeout, 17);
	EXPECT_EQ(attr.retry_cnt, 3);
	EXPECT_EQ(attr.rnr_retry, 5);
	EXPECT_EQ(attr.min_rnr_timer, 20);
	EXPECT_EQ(attr.max_rd_atomic, 2);
	EXPECT_EQ(attr.max_dest_rd_atomic, 2);
}

TEST(Connection, ReadAtomicDepthStaysWithinTheDevice)
{
	connected_qps qps;
	qps.connect({.gid_index = test_env::get().gid_index, .max_rd_atomic = 255});
	const ibv_device_attr_ex dev = qps.ctx.attributes();
	const ibv_qp_attr attr = query(qps.a);
	EXPECT_EQ(attr.max_rd_atomic, std::min(255, dev.orig_attr.max_qp_init_rd_atom));
	EXPECT_EQ(attr.max_dest_rd_atomic, std::min(255, dev.orig_attr.max_qp_rd_atom));
}

TEST(Connection, BadGidIndexIsRefusedBeforeTheDevice)
{
	connected_qps qps;
	try {
		qps.a.connect({qps.b.qpn(), {}, 0}, connect_options{.gid_index = 256});
		ADD_FAILURE() << "GID index 256 was accepted";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL) << e.what();
	}
	EXPECT_EQ(qps.a.state(), IBV_QPS_RESET);
}

} // namespace
} // namespace ibodp::test
