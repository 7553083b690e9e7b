// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibv_advise_mr() with bad input: each request must fail with the errno
// stock rxe returns (measured on kernel 7.2), change nothing and leave the
// device usable. The requests go to the kernel as they are, so they call
// ibv_advise_mr() directly rather than the library's prefetch().

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

// ibv_advise_mr() of one SGE: 0 or the errno.
[[nodiscard]] int advise_one(const protection_domain &pd, int advice, std::uint32_t flags,
                             ibv_sge sge)
{
	return ibv_advise_mr(pd.get(), static_cast<ibv_advise_mr_advice>(advice), flags, &sge, 1);
}

// After the bad requests, the MR still carries RDMA with correct data.
void expect_device_usable(rc_pair &qp, const memory_region &mr, std::byte *buf)
{
	auto src = mapping::anonymous(page_size);
	fill_pattern(src.data(), 512, 11);
	const memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::pinned);
	const completion wc = qp.write(src_mr, src.data(), 512, mr, buf);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(buf, 512, 11), 512U);
}

TEST(OdpAdvise, UnknownLkeyIsEinval)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous(2 * page_size);
	const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp);
	ibv_sge sge = mr.sge(buf.data(), page_size);
	sge.lkey ^= 0x5a5a00;
	EXPECT_EQ(advise_one(qp.pd, IBV_ADVISE_MR_ADVICE_PREFETCH, IBV_ADVISE_MR_FLAG_FLUSH, sge),
	          EINVAL);
	expect_device_usable(qp, mr, buf.data());
}

// A range outside the MR (past its end, before its start) is a bad
// address, one that wraps around is invalid; asynchronous advice only
// checks the key, its range errors are the kernel's to log.
TEST(OdpAdvise, RangeOutsideTheMrIsEfault)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous(4 * page_size);
	const memory_region mr(qp.pd, buf.data() + page_size, 2 * page_size, rw, mr_kind::odp);
	const auto base = reinterpret_cast<std::uint64_t>(buf.data() + page_size);
	const struct {
		ibv_sge sge;
		int errnum;
	} outside[] = {
	        {{base + 2 * page_size - 8, 16, mr.lkey()}, EFAULT}, // crosses the end
	        {{base + 2 * page_size, 8, mr.lkey()}, EFAULT},      // just past the end
	        {{base - 8, 16, mr.lkey()}, EFAULT},                 // crosses the start
	        {{~std::uint64_t{0} - 7, 16, mr.lkey()}, EINVAL},    // wraps
	};
	for (const auto &[sge, errnum] : outside) {
		for (const std::uint32_t flags : {0U, std::uint32_t{IBV_ADVISE_MR_FLAG_FLUSH}}) {
			EXPECT_EQ(
			        advise_one(qp.pd, IBV_ADVISE_MR_ADVICE_PREFETCH_WRITE, flags, sge),
			        flags ? errnum : 0)
			        << std::hex << sge.addr << "+" << std::dec << sge.length
			        << (flags ? " synchronous" : " asynchronous");
		}
	}
	expect_device_usable(qp, mr, buf.data() + page_size);
	EXPECT_EQ(value_mismatch(buf.data(), page_size, std::byte{0}), page_size);
}

TEST(OdpAdvise, UnknownAdviceIsEopnotsupp)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous(page_size);
	const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp);
	for (const int advice : {3, 77, 0x7fffffff}) {
		EXPECT_EQ(advise_one(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH,
		                     mr.sge(buf.data(), page_size)),
		          EOPNOTSUPP)
		        << "advice " << advice;
	}
	expect_device_usable(qp, mr, buf.data());
}

TEST(OdpAdvise, UnknownFlagsAreEinval)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous(page_size);
	const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp);
	for (const std::uint32_t flags : {2U, 0x80000000U, 0xffffffffU}) {
		EXPECT_EQ(advise_one(qp.pd, IBV_ADVISE_MR_ADVICE_PREFETCH, flags,
		                     mr.sge(buf.data(), page_size)),
		          EINVAL)
		        << "flags " << std::hex << flags;
	}
	expect_device_usable(qp, mr, buf.data());
}

// rxe looks advice keys up as local keys with local write access: an MR
// without IBV_ACCESS_LOCAL_WRITE is not found, whatever the advice.
TEST(OdpAdvise, MrWithoutLocalWriteIsEinval)
{
	REQUIRE_PREFETCH();
	rc_pair qp;
	auto buf = mapping::anonymous(page_size);
	const memory_region mr(qp.pd, buf.data(), buf.size(), IBV_ACCESS_REMOTE_READ, mr_kind::odp);
	for (const int advice : {IBV_ADVISE_MR_ADVICE_PREFETCH, IBV_ADVISE_MR_ADVICE_PREFETCH_WRITE,
	                         IBV_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT}) {
		EXPECT_EQ(advise_one(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH,
		                     mr.sge(buf.data(), page_size)),
		          EINVAL)
		        << "advice " << advice;
	}
}

// Stock rxe treats the pinned MR's umem as an ODP one (it dereferences
// memory that is not there), so this runs on ours only.
TEST(OdpAdvise, PinnedMrIsEopnotsupp)
{
	REQUIRE_PREFETCH();
	if (!test_env::get().ours())
		GTEST_SKIP() << "stock rxe misreads a pinned MR as ODP on advise";
	rc_pair qp;
	auto buf = mapping::anonymous(page_size);
	const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::pinned);
	for (const int advice : {IBV_ADVISE_MR_ADVICE_PREFETCH, IBV_ADVISE_MR_ADVICE_PREFETCH_WRITE,
	                         IBV_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT}) {
		EXPECT_EQ(advise_one(qp.pd, advice, IBV_ADVISE_MR_FLAG_FLUSH,
		                     mr.sge(buf.data(), page_size)),
		          EOPNOTSUPP);
	}
	expect_device_usable(qp, mr, buf.data());
}

} // namespace
} // namespace ibodp::test
