// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Implicit ODP: one MR over the whole address space (NULL..SIZE_MAX).
// Stock rxe does not advertise it and must refuse it; on a device that
// advertises it, every operation works on any memory of the process, a
// transfer may cross the boundary between two child spans, implicit and
// explicit MRs share a PD, and a child span that is unmapped goes away
// while traffic to another span goes on.

#include "fixture.hpp"

#include "ibodp/device.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
                   IBV_ACCESS_REMOTE_ATOMIC;
// The span of one child region of our layer (IB_ODP_SPAN_SIZE); on other
// implementations the tests still hold, they just do not cross a child.
constexpr std::size_t span = std::size_t{64} << 20;
constexpr std::uint32_t message = 5000; // 5 packets, starts inside a page

[[nodiscard]] memory_region implicit_mr(const protection_domain &pd, int access = rw)
{
	return {pd, nullptr, SIZE_MAX, access, mr_kind::implicit_odp};
}

// Waits (bounded) for an ib_odp counter of ours to reach @p at_least: the
// reaper removes unmapped children asynchronously.
[[nodiscard]] bool wait_for_counter(const std::string &name, long long at_least)
{
	const auto deadline = std::chrono::steady_clock::now() + wc_timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		const auto counters = odp_counters(test_env::get().dev);
		if (counters && counters->at(name) >= at_least)
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	}
	return false;
}

using raw_mr = std::unique_ptr<ibv_mr, decltype(&ibv_dereg_mr)>;

// The device advertises implicit ODP exactly when it accepts it: stock
// refuses with EINVAL (it reports "unsupported" in its caps too).
TEST(OdpImplicit, RegistrationMatchesTheCapability)
{
	rc_pair qp;
	if (device_odp_caps().implicit) {
		const memory_region mr = implicit_mr(qp.pd);
		EXPECT_EQ(mr.get()->length, SIZE_MAX);
		EXPECT_EQ(mr.get()->addr, nullptr);
		return;
	}
	try {
		const memory_region mr = implicit_mr(qp.pd);
		ADD_FAILURE() << "implicit ODP registered on a device that does not advertise it";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL) << e.what();
	}
}

// NULL..SIZE_MAX without IBV_ACCESS_ON_DEMAND would pin everything.
TEST(OdpImplicit, WithoutOnDemandIsRejected)
{
	rc_pair qp;
	try {
		const memory_region mr(qp.pd, nullptr, SIZE_MAX, rw, mr_kind::pinned);
		ADD_FAILURE() << "the whole address space was registered pinned";
	} catch (const error &e) {
		EXPECT_EQ(e.errnum(), EINVAL) << e.what();
	}
}

// An implicit MR's iova is the address: any other iova is refused.
TEST(OdpImplicit, NonZeroIovaIsRejected)
{
	rc_pair qp;
	errno = 0;
	const raw_mr mr(ibv_reg_mr_iova(qp.pd.get(), nullptr, SIZE_MAX, page_size,
	                                rw | IBV_ACCESS_ON_DEMAND),
	                &ibv_dereg_mr);
	EXPECT_EQ(mr, nullptr);
	EXPECT_EQ(errno, EINVAL);
}

// Every operation through one implicit MR, on memory the test did not
// register: a heap buffer, an mmap()ed buffer and the stack.
TEST(OdpImplicit, EveryOperationOnUnregisteredMemory)
{
	REQUIRE_IMPLICIT();
	rc_pair qp(IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_RDMA_READ | IBV_QP_EX_WITH_SEND |
	           IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP | IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD);
	const memory_region mr = implicit_mr(qp.pd);
	std::vector<std::byte> heap(4 * page_size);
	auto mapped = mapping::anonymous(4 * page_size);

	fill_pattern(heap.data() + 100, message, 1);
	completion wc = qp.write(mr, heap.data() + 100, message, mr, mapped.data() + 300);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(mapped.data() + 300, message, 1), message);

	std::memset(heap.data(), 0, heap.size());
	wc = qp.read(mr, heap.data() + 700, message, mr, mapped.data() + 300);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(heap.data() + 700, message, 1), message);

	fill_pattern(mapped.data() + 50, message, 2);
	wc = qp.send(mr, mapped.data() + 50, message, mr, heap.data() + 10);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(heap.data() + 10, message, 2), message);

	alignas(8) std::uint64_t on_stack[2] = {41, 0};
	wc = qp.fetch_add(mr, &on_stack[1], mr, &on_stack[0], 1);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(on_stack[1], 41U);
	EXPECT_EQ(on_stack[0], 42U);
	wc = qp.compare_swap(mr, &on_stack[1], mr, &on_stack[0], 42, 7);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(on_stack[1], 42U);
	EXPECT_EQ(on_stack[0], 7U);
}

// A message that crosses the boundary between two child spans lands in
// both, byte for byte, and comes back the same way.
TEST(OdpImplicit, TransferAcrossASpanBoundary)
{
	REQUIRE_IMPLICIT();
	rc_pair qp;
	const memory_region mr = implicit_mr(qp.pd);
	auto spans = mapping::aligned(2 * span, span);
	auto src = mapping::anonymous(4 * page_size);
	std::byte *target = spans.data() + span - message / 2;
	const auto before = odp_counters(test_env::get().dev);

	fill_pattern(src.data() + 100, message, 3);
	completion wc = qp.write(mr, src.data() + 100, message, mr, target);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(target, message, 3), message);
	EXPECT_EQ(value_mismatch(target - 64, 64, std::byte{0}), 64U);
	EXPECT_EQ(value_mismatch(target + message, 64, std::byte{0}), 64U);

	std::memset(src.data(), 0, src.size());
	wc = qp.read(mr, src.data() + 200, message, mr, target);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(src.data() + 200, message, 3), message);
	if (before) {
		// Our layer: one child per span, the two target spans and the
		// span(s) of the source buffer.
		EXPECT_GE(odp_counters(test_env::get().dev)->at("children_created") -
		                  before->at("children_created"),
		          3);
	}
}

// Implicit, explicit ODP and pinned MRs in one PD move data among each
// other, and the explicit ones keep working after the implicit one is gone.
TEST(OdpImplicit, CoexistsWithExplicitMrsInOnePd)
{
	REQUIRE_IMPLICIT();
	rc_pair qp;
	auto odp_buf = mapping::anonymous(4 * page_size);
	auto pinned_buf = mapping::anonymous(4 * page_size);
	auto other = mapping::anonymous(4 * page_size);
	const memory_region odp_mr(qp.pd, odp_buf.data(), odp_buf.size(), rw, mr_kind::odp);
	const memory_region pinned_mr(qp.pd, pinned_buf.data(), pinned_buf.size(), rw,
	                              mr_kind::pinned);
	{
		const memory_region implicit = implicit_mr(qp.pd);
		fill_pattern(other.data() + 8, message, 4);
		completion wc =
		        qp.write(implicit, other.data() + 8, message, odp_mr, odp_buf.data() + 16);
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		EXPECT_EQ(pattern_mismatch(odp_buf.data() + 16, message, 4), message);
		wc = qp.write(odp_mr, odp_buf.data() + 16, message, implicit,
		              other.data() + 2 * page_size);
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		EXPECT_EQ(pattern_mismatch(other.data() + 2 * page_size, message, 4), message);
		wc = qp.write(implicit, other.data() + 8, message, pinned_mr, pinned_buf.data());
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		EXPECT_EQ(pattern_mismatch(pinned_buf.data(), message, 4), message);
	}
	fill_pattern(pinned_buf.data(), message, 5);
	const completion wc =
	        qp.write(pinned_mr, pinned_buf.data(), message, odp_mr, odp_buf.data());
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(odp_buf.data(), message, 5), message);
}

// Span B is unmapped while a thread keeps writing into span A: A's data
// stays right throughout, B's child region goes away (ours: counters),
// and RDMA into B then fails with an error completion.
TEST(OdpImplicit, UnmappedSpanGoesAwayWhileAnotherSpanKeepsWorking)
{
	REQUIRE_IMPLICIT();
	const auto &env = test_env::get();
	rc_pair qp;
	const memory_region mr = implicit_mr(qp.pd);
	auto spans = mapping::aligned(2 * span, span);
	std::byte *span_a = spans.data();
	std::byte *span_b = spans.data() + span;
	auto src = mapping::anonymous(4 * page_size);

	fill_pattern(src.data(), message, 6);
	for (std::byte *target : {span_a + 100, span_b + 100}) {
		const completion wc = qp.write(mr, src.data(), message, mr, target);
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		ASSERT_EQ(pattern_mismatch(target, message, 6), message);
	}
	const auto before = odp_counters(env.dev);

	std::atomic<int> done{0};
	std::atomic<bool> unmapped{false};
	std::atomic<int> bad{0};
	std::thread traffic([&] {
		// Until span B is gone, then 20 more messages.
		for (int i = 0, after = 0; after < 20; ++i) {
			const bool was_unmapped = unmapped.load();
			const std::size_t at = 100 + static_cast<std::size_t>(i % 8) * 4096;
			fill_pattern(src.data(), message, 100 + i);
			const completion wc = qp.write(mr, src.data(), message, mr, span_a + at);
			if (!wc.ok() || pattern_mismatch(span_a + at, message, 100 + i) != message)
				bad.fetch_add(1);
			done.store(i + 1);
			if (was_unmapped)
				++after;
		}
	});
	while (done.load() < 10)
		std::this_thread::yield();
	ASSERT_EQ(munmap(span_b, span), 0);
	unmapped.store(true);
	traffic.join();
	EXPECT_EQ(bad.load(), 0) << "traffic to span A failed or corrupted data";

	if (before) {
		EXPECT_TRUE(
		        wait_for_counter("children_removed", before->at("children_removed") + 1))
		        << "the unmapped span's child region was not removed";
	}
	const completion wc = qp.write(mr, src.data(), message, mr, span_b + 100);
	EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc.status_name();
	// Map span B again for the mapping's own munmap of both spans.
	ASSERT_NE(mmap(span_b, span, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	          MAP_FAILED);
}

// Addresses that no mapping backs, including beyond the user address
// space, fail with an error completion and leave no child behind (ours).
TEST(OdpImplicit, AccessToUnmappedAddressesFails)
{
	REQUIRE_IMPLICIT();
	const auto &env = test_env::get();
	auto src = mapping::anonymous(page_size);
	const auto before = odp_counters(env.dev);
	for (const std::uintptr_t addr :
	     {std::uintptr_t{0x1000}, std::uintptr_t{1} << 47, ~std::uintptr_t{0} - 4095}) {
		rc_pair qp; // an error moves the QP to the error state
		const memory_region mr = implicit_mr(qp.pd);
		const completion wc =
		        qp.write(mr, src.data(), 64, mr, reinterpret_cast<void *>(addr));
		EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR)
		        << "address " << std::hex << addr << ": " << wc.status_name();
	}
	if (before) {
		// Every child that was created is removed again (only the
		// source's stays until its MR goes, which it has by now).
		const long long created = odp_counters(env.dev)->at("children_created");
		EXPECT_TRUE(wait_for_counter("children_removed",
		                             before->at("children_removed") +
		                                     (created - before->at("children_created"))))
		        << "children of failed accesses were left behind";
	}
}

// PREFETCH_WRITE through an implicit MR (crossing a span boundary) maps
// the range: the writes that follow take no fault (ours: counters).
TEST(OdpImplicit, PrefetchedRangeTakesNoFault)
{
	REQUIRE_IMPLICIT();
	REQUIRE_PREFETCH();
	const auto &env = test_env::get();
	rc_pair qp;
	const memory_region mr = implicit_mr(qp.pd);
	auto spans = mapping::aligned(2 * span, span);
	auto src = mapping::anonymous(4 * page_size);
	std::byte *target = spans.data() + span - 2 * page_size;
	fill_pattern(src.data(), src.size(), 9);
	// The source pages are read by the device: fault them in first.
	ASSERT_EQ(mr.prefetch(src.data(), src.size(), prefetch_mode::read, true), 0);
	ASSERT_EQ(mr.prefetch(target, 4 * page_size, prefetch_mode::write, true), 0);
	const auto before = odp_counters(env.dev);
	for (std::size_t p = 0; p < 4; ++p) {
		const completion wc =
		        qp.write(mr, src.data() + p * page_size, 1024, mr, target + p * page_size);
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		EXPECT_EQ(std::memcmp(target + p * page_size, src.data() + p * page_size, 1024), 0);
	}
	if (before) {
		EXPECT_EQ(odp_counters(env.dev)->at("faults"), before->at("faults"))
		        << "prefetched pages faulted again on first access";
	}
	// Asynchronous prefetch is accepted and leaves the data intact.
	EXPECT_EQ(mr.prefetch(target, 4 * page_size, prefetch_mode::read, false), 0);
	EXPECT_EQ(std::memcmp(target, src.data(), 1024), 0);
}

} // namespace
} // namespace ibodp::test
