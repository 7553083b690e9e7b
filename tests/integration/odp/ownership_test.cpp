// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// A verbs object outlives what was made from it: the C++ owners of the
// device context, PD and CQ can go first (the wrong order for verbs), the
// queue pairs and MRs keep working, and everything is released children
// first without a failure report.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace ibodp::test
{
namespace
{

TEST(Ownership, ChildrenKeepTheirParentsAlive)
{
	const auto &env = test_env::get();
	std::optional<context> ctx(context::open(env.dev));
	std::optional<protection_domain> pd(std::in_place, *ctx);
	std::optional<completion_queue> cq(std::in_place, *ctx, 16);
	std::optional<queue_pair> req(std::in_place, *ctx, *pd, *cq, qp_options{});
	std::optional<queue_pair> resp(std::in_place, *ctx, *pd, *cq, qp_options{});
	const ibv_gid gid = ctx->gid(1, env.gid_index);
	req->connect({resp->qpn(), gid, 0}, env.gid_index);
	resp->connect({req->qpn(), gid, 0}, env.gid_index);
	auto src = mapping::anonymous(page_size);
	auto dst = mapping::anonymous(page_size);
	std::optional<memory_region> src_mr(std::in_place, *pd, src.data(), page_size,
	                                    IBV_ACCESS_LOCAL_WRITE, mr_kind::odp);
	std::optional<memory_region> dst_mr(std::in_place, *pd, dst.data(), page_size,
	                                    IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE,
	                                    mr_kind::odp);

	testing::internal::CaptureStderr();
	ctx.reset(); // parents first: each only drops its share
	pd.reset();
	std::string said = testing::internal::GetCapturedStderr();
	EXPECT_EQ(said, "");

	// The QPs, the CQ and the MRs still work through the kept PD and context
	// (one packet at offset 0: stock's in-page-offset defect stays out).
	constexpr std::uint32_t length = 256;
	fill_pattern(src.data(), length, 31);
	ASSERT_EQ(req->post_write(src_mr->sge(src.data(), length), dst_mr->remote(dst.data()), 1),
	          0);
	const auto done = cq->wait(wc_timeout);
	ASSERT_TRUE(done) << done.why_none();
	EXPECT_TRUE(done->ok()) << done->status_name();
	EXPECT_EQ(pattern_mismatch(dst.data(), length, 31), length);

	// The CQ before its QPs, then the rest: released children first, so
	// no release fails (the old order would report EBUSY from ibv_destroy_cq
	// and ibv_dealloc_pd).
	testing::internal::CaptureStderr();
	cq.reset();
	src_mr.reset();
	req.reset();
	resp.reset();
	dst_mr.reset();
	said = testing::internal::GetCapturedStderr();
	EXPECT_EQ(said, "");
}

// What the kernel keeps after the last owner goes: no region of ours is
// left (ib_odp's debugfs counts them; stock has no such count).
TEST(Ownership, NothingIsLeftAfterTheLastShare)
{
	const auto &env = test_env::get();
	const auto before = count_odp_regions(env.dev);
	{
		std::optional<context> ctx(context::open(env.dev));
		std::optional<protection_domain> pd(std::in_place, *ctx);
		auto buf = mapping::anonymous(page_size);
		memory_region mr(*pd, buf.data(), page_size, IBV_ACCESS_LOCAL_WRITE, mr_kind::odp);
		pd.reset();
		ctx.reset();
		if (before) {
			EXPECT_EQ(count_odp_regions(env.dev), *before + 1);
		}
	}
	if (!before)
		GTEST_SKIP() << "unsupported: " << env.rxe
		             << " rxe has no ib_odp debugfs to count regions in";
	EXPECT_EQ(count_odp_regions(env.dev), before);
}

} // namespace
} // namespace ibodp::test
