// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Bad input on ODP memory: registrations that must fail with the errno
// stock rxe returns, and RDMA outside an MR or into an unmapped hole of
// one, which must fail with an error completion without touching any byte
// outside the region.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

// errno of an ODP registration that is expected to fail (0 if it succeeded).
int odp_registration_errno(const protection_domain &pd, void *addr, std::size_t length, int access)
{
	try {
		memory_region mr(pd, addr, length, access, mr_kind::odp);
	} catch (const error &e) {
		return e.errnum();
	}
	return 0;
}

// The errnos below are what stock rxe returns on kernel 7.2 (measured);
// ours must return the same.
TEST(OdpBadInput, ZeroLengthRegistration)
{
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	auto buf = mapping::anonymous(page_size);
	EXPECT_EQ(odp_registration_errno(pd, buf.data(), 0, rw), EINVAL);
}

TEST(OdpBadInput, WrappingRangeRegistration)
{
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	auto *addr = reinterpret_cast<void *>(UINTPTR_MAX - page_size + 1);
	EXPECT_EQ(odp_registration_errno(pd, addr, 2 * page_size, rw), EOVERFLOW);
}

// Stock registers ranges that nothing maps, even non-canonical ones, and
// fails when the device accesses them; registration is lazy on ours too.
void expect_lazy_registration_then_access_error(std::uintptr_t address)
{
	rc_pair qp;
	auto *addr = reinterpret_cast<void *>(address);
	memory_region target(qp.pd, addr, 4 * page_size, rw, mr_kind::odp);
	auto src = mapping::anonymous(page_size);
	memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::pinned);
	const completion wc = qp.write(src_mr, src.data(), 64, target, addr);
	EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc_status_name(wc.status);
	EXPECT_EQ(wait_for_state(qp.req, IBV_QPS_ERR), IBV_QPS_ERR);
}

TEST(OdpBadInput, NonCanonicalRangeRegistersButAccessFails)
{
	expect_lazy_registration_then_access_error(0x8000000000000000ULL);
}

TEST(OdpBadInput, RangeBeyondMappedUserSpaceRegistersButAccessFails)
{
	// The last page of the 47-bit user space and beyond it.
	expect_lazy_registration_then_access_error(0x00007ffffffff000ULL);
}

TEST(OdpBadInput, RemoteWriteWithoutLocalWriteRegistration)
{
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	auto buf = mapping::anonymous(page_size);
	EXPECT_EQ(odp_registration_errno(pd, buf.data(), page_size, IBV_ACCESS_REMOTE_WRITE),
	          EINVAL);
}

// IBV_ACCESS_HUGETLB promises memory that hugetlb pages map. Ours checks
// the promise at registration (EINVAL over small pages, and for an implicit
// MR, which covers all memory); stock rxe refuses the flag (EOPNOTSUPP).
TEST(OdpBadInput, HugetlbAccessFlagOverSmallPagesIsRefused)
{
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	auto buf = mapping::anonymous(4 * page_size);
	EXPECT_EQ(odp_registration_errno(pd, buf.data(), buf.size(), rw | IBV_ACCESS_HUGETLB),
	          test_env::get().ours() ? EINVAL : EOPNOTSUPP);
}

TEST(OdpBadInput, HugetlbAccessFlagOnAnImplicitMrIsRefused)
{
	REQUIRE_IMPLICIT();
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	try {
		const memory_region mr(pd, nullptr, SIZE_MAX, rw | IBV_ACCESS_HUGETLB,
		                       mr_kind::implicit_odp);
		ADD_FAILURE() << "an implicit MR registered as hugetlb memory";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL) << e.what();
	}
}

TEST(OdpBadInput, ReadOnlyRegistrationIsAccepted)
{
	auto ctx = context::open(test_env::get().dev);
	protection_domain pd(ctx);
	auto buf = mapping::anonymous(page_size);
	EXPECT_EQ(odp_registration_errno(pd, buf.data(), page_size, 0), 0);
}

// Guard pages with a canary around a two-page ODP region.
struct guarded_region {
	static constexpr std::byte canary{0x5a};
	explicit guarded_region(const protection_domain &pd)
	    : memory(mapping::anonymous(4 * page_size)),
	      mr(pd, memory.data() + page_size, 2 * page_size, rw, mr_kind::odp)
	{
		std::fill_n(memory.data(), memory.size(), canary);
	}
	[[nodiscard]] std::byte *start() const { return memory.data() + page_size; }
	[[nodiscard]] std::byte *end() const { return memory.data() + 3 * page_size; }
	[[nodiscard]] bool guards_intact() const
	{
		return value_mismatch(memory.data(), page_size, canary) == page_size &&
		       value_mismatch(end(), page_size, canary) == page_size;
	}
	mapping memory;
	memory_region mr;
};

TEST(OdpBadInput, WriteAcrossTheEndOfAnMrFails)
{
	rc_pair qp;
	guarded_region target(qp.pd);
	auto src = mapping::anonymous(page_size);
	memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::pinned);
	fill_pattern(src.data(), 512, 3);

	const completion wc = qp.write(src_mr, src.data(), 512, target.mr, target.end() - 256);
	EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc_status_name(wc.status);
	EXPECT_EQ(wait_for_state(qp.req, IBV_QPS_ERR), IBV_QPS_ERR);
	EXPECT_TRUE(target.guards_intact());
	EXPECT_EQ(value_mismatch(target.start(), 2 * page_size, guarded_region::canary),
	          2 * page_size)
	        << "a rejected write changed the region";
}

TEST(OdpBadInput, ReadBeforeTheStartOfAnMrFails)
{
	rc_pair qp;
	guarded_region target(qp.pd);
	auto dst = mapping::anonymous(page_size);
	memory_region dst_mr(qp.pd, dst.data(), dst.size(), rw, mr_kind::pinned);

	const completion wc = qp.read(dst_mr, dst.data(), 64, target.mr, target.start() - 64);
	EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc_status_name(wc.status);
	EXPECT_EQ(value_mismatch(dst.data(), page_size, std::byte{0}), page_size)
	        << "bytes from outside the MR reached the reader";
	EXPECT_TRUE(target.guards_intact());
}

TEST(OdpBadInput, WriteIntoAnUnmappedHoleFails)
{
	rc_pair qp;
	auto memory = mapping::anonymous(3 * page_size);
	memory_region mr(qp.pd, memory.data(), memory.size(), rw, mr_kind::odp);
	std::fill_n(memory.data(), memory.size(), std::byte{0x33});
	// The source is mapped before the hole is made: mapped after, it can
	// land in the hole itself (it did on 6.12), and the write succeeds.
	auto src = mapping::anonymous(page_size);
	memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::pinned);
	fill_pattern(src.data(), 128, 4);
	ASSERT_EQ(munmap(memory.data() + page_size, page_size), 0);

	const completion wc = qp.write(src_mr, src.data(), 128, mr, memory.data() + page_size + 64);
	EXPECT_NE(wc.status, IBV_WC_SUCCESS);
	EXPECT_EQ(wait_for_state(qp.req, IBV_QPS_ERR), IBV_QPS_ERR);
	EXPECT_EQ(value_mismatch(memory.data(), page_size, std::byte{0x33}), page_size);
	EXPECT_EQ(value_mismatch(memory.data() + 2 * page_size, page_size, std::byte{0x33}),
	          page_size);

	// The rest of the MR still works after the QP is reconnected.
	qp.reconnect();
	const completion ok = qp.write(src_mr, src.data(), 128, mr, memory.data() + 2 * page_size);
	ASSERT_EQ(ok.status, IBV_WC_SUCCESS) << wc_status_name(ok.status);
	EXPECT_EQ(pattern_mismatch(memory.data() + 2 * page_size, 128, 4), 128U);
	// Unmap the rest ourselves: the hole splits the mapping in two.
	munmap(memory.data(), page_size);
	munmap(memory.data() + 2 * page_size, page_size);
	memory.release();
}

// The library rejects what it can see is wrong before the kernel is asked:
// the error names the call and carries the errno, and nothing is posted.
TEST(LibraryBadInput, RejectedBeforeTheKernel)
{
	rc_pair qp;
	auto buf = mapping::anonymous(2 * page_size);
	try {
		memory_region mr(qp.pd, buf.data(), 0, rw, mr_kind::odp);
		ADD_FAILURE() << "an empty region was registered";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL);
		EXPECT_EQ(e.call(), "ibv_reg_mr");
	}
	try {
		memory_region mr(qp.pd, buf.data(), SIZE_MAX, rw, mr_kind::odp);
		ADD_FAILURE() << "a wrapping region was registered";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EOVERFLOW);
	}
	try {
		memory_region mr(qp.pd, buf.data(), page_size, rw, mr_kind::implicit_odp);
		ADD_FAILURE() << "implicit ODP with an address was registered";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL);
	}

	memory_region mr(qp.pd, buf.data(), buf.size(), rw | IBV_ACCESS_REMOTE_ATOMIC,
	                 mr_kind::odp);
	auto *word = buf.data() + 8;
	EXPECT_EQ(qp.req.post_fetch_add(mr.sge(word, 8), mr.remote(word + 4), 1, 1), EINVAL)
	        << "a misaligned atomic was posted";
	EXPECT_EQ(qp.req.post_compare_swap(mr.sge(word, 4), mr.remote(word), 0, 1, 2), EINVAL)
	        << "an atomic with a 4-byte result buffer was posted";
	EXPECT_EQ(qp.req.post_atomic_write(mr.remote(word), 1, 3), EOPNOTSUPP)
	        << "ATOMIC WRITE on a QP created without it";
	EXPECT_EQ(mr.prefetch(buf.data(), 0, prefetch_mode::read, true), EINVAL);
	EXPECT_FALSE(qp.req_cq.poll()) << "something reached the device";
	EXPECT_EQ(qp.req.state(), IBV_QPS_RTS);
}

} // namespace
} // namespace ibodp::test
