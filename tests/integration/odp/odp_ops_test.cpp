// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Every operation rxe supports on ODP memory, with the target pages
// dropped (MADV_DONTNEED) before each iteration so that every iteration
// faults. Messages span several packets (MTU 1024) and start and end
// inside pages; every byte is compared, and the bytes around the target
// must stay untouched.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <vector>

namespace ibodp::test
{
namespace
{

constexpr int iterations = 6;
constexpr std::uint32_t message = 5000; // 5 packets, crosses a page
constexpr std::size_t src_offset = 100;
constexpr std::size_t dst_offset = 300;
constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
                   IBV_ACCESS_REMOTE_ATOMIC;

// Destination bytes outside [offset, offset + length) must still be zero.
void expect_untouched_around(const registered_buffer &m, std::size_t offset, std::size_t length)
{
	EXPECT_EQ(value_mismatch(m.data(), offset, std::byte{0}), offset)
	        << "bytes before the target were written";
	const std::size_t after = offset + length;
	EXPECT_EQ(value_mismatch(m.data() + after, m.size() - after, std::byte{0}),
	          m.size() - after)
	        << "bytes after the target were written";
}

// ib_odp's fault count of every region of the test device, by start
// address (ours: debugfs); none on stock, which has no ODP counters.
std::optional<std::map<std::uintptr_t, long long>> faults_by_region()
{
	const auto lines = tools::odp_region_lines(test_env::get().dev);
	if (!lines)
		return std::nullopt;
	std::map<std::uintptr_t, long long> faults;
	for (const std::string &line : *lines) {
		unsigned long long addr = 0;
		long long count = 0;
		if (std::sscanf(line.c_str(), "%llx %*u %*u %lld", &addr, &count) == 2)
			faults[addr] = count;
	}
	return faults;
}

// The faults of one iteration of a FaultsEveryIteration test. An iteration
// drops the pages of its ODP buffers, so each buffer (one region each) that
// the device then touches must fault at least once. How often exactly
// depends on how rxe splits the operation into packets and on
// ib_odp.fault_around_pages (with fault-around off, once per packet that
// reaches a page not mirrored yet: 1 or 2 per buffer here), hence a lower
// bound per buffer; a buffer whose fault path did not run fails it.
// Stock rxe has no ODP counters: there only the data is checked (and stock
// fails these tests for its copy defect anyway, see odp.gtest).
class iteration_faults
{
public:
	explicit iteration_faults(std::initializer_list<const void *> buffers)
	    : buffers_(buffers), before_(faults_by_region()),
	      errors_before_(odp_counters(test_env::get().dev))
	{
		if (test_env::get().ours()) {
			EXPECT_TRUE(before_ && errors_before_)
			        << "our rxe shows no ib_odp counters";
		}
	}

	// Every buffer faulted, and no fault failed.
	void expect_each_faulted(long long iteration) const
	{
		if (!before_ || !errors_before_)
			return; // stock rxe: no counters to check
		const auto after = faults_by_region().value();
		for (const void *buffer : buffers_) {
			const auto addr = reinterpret_cast<std::uintptr_t>(buffer);
			if (!before_->contains(addr) || !after.contains(addr)) {
				ADD_FAILURE() << "no ib_odp region at " << buffer;
				continue;
			}
			EXPECT_GE(after.at(addr) - before_->at(addr), 1)
			        << "iteration " << iteration << ": the ODP buffer at " << buffer
			        << " took no fault";
		}
		EXPECT_EQ(odp_counters(test_env::get().dev).value().at("fault_errors"),
		          errors_before_->at("fault_errors"))
		        << "iteration " << iteration;
	}

private:
	std::vector<const void *> buffers_;
	std::optional<std::map<std::uintptr_t, long long>> before_;
	std::optional<std::map<std::string, long long>> errors_before_;
};

// Moves `message` bytes from a "from" ODP buffer to a "to" ODP buffer with
// @p transfer, dropping both buffers' pages before every iteration: both
// fault in every iteration.
template <typename Transfer> void transfer_faults_every_iteration(rc_pair &qp, Transfer transfer)
{
	const registered_buffer from(qp.pd, 4 * page_size, rw, mr_kind::odp);
	const registered_buffer to(qp.pd, 4 * page_size, rw, mr_kind::odp);
	for (int i = 0; i < iterations; ++i) {
		advise(from.data(), from.size(), MADV_DONTNEED);
		advise(to.data(), to.size(), MADV_DONTNEED);
		fill_pattern(from.data() + src_offset, message, i);
		const iteration_faults faults({from.data(), to.data()});
		const completion wc = transfer(from.mr(), from.data() + src_offset, to.mr(),
		                               to.data() + dst_offset);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		ASSERT_EQ(pattern_mismatch(to.data() + dst_offset, message, i), message)
		        << "iteration " << i;
		expect_untouched_around(to, dst_offset, message);
		faults.expect_each_faulted(i);
	}
}

TEST(OdpOps, RcWriteFaultsEveryIteration)
{
	rc_pair qp;
	transfer_faults_every_iteration(qp, [&](auto &from_mr, auto *from, auto &to_mr, auto *to) {
		return qp.write(from_mr, from, message, to_mr, to);
	});
}

TEST(OdpOps, RcReadFaultsEveryIteration)
{
	rc_pair qp;
	transfer_faults_every_iteration(qp, [&](auto &from_mr, auto *from, auto &to_mr, auto *to) {
		return qp.read(to_mr, to, message, from_mr, from);
	});
}

void send_recv_iterations(rc_pair &qp)
{
	transfer_faults_every_iteration(qp, [&](auto &from_mr, auto *from, auto &to_mr, auto *to) {
		const completion wc = qp.send(from_mr, from, message, to_mr, to);
		EXPECT_EQ(wc.byte_len, message);
		return wc;
	});
}

TEST(OdpOps, RcSendRecvFaultsEveryIteration)
{
	rc_pair qp;
	send_recv_iterations(qp);
}

TEST(OdpOps, SrqRecvFaultsEveryIteration)
{
	rc_pair qp(0, true);
	send_recv_iterations(qp);
}

TEST(OdpOps, CompareSwapFaultsEveryIteration)
{
	rc_pair qp;
	const registered_buffer target(qp.pd, 2 * page_size, rw, mr_kind::odp);
	const registered_buffer result(qp.pd, page_size, rw, mr_kind::odp);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + page_size + 64);
	auto *old = reinterpret_cast<std::uint64_t *>(result.data() + 8);
	for (std::uint64_t i = 0; i < iterations; ++i) {
		advise(target.data(), target.size(), MADV_DONTNEED);
		advise(result.data(), result.size(), MADV_DONTNEED);
		const std::uint64_t before = 0x1000 + i;
		*word = before;
		const iteration_faults faults({target.data(), result.data()});
		// A matching compare swaps.
		completion wc =
		        qp.compare_swap(result.mr(), old, target.mr(), word, before, before * 3);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		EXPECT_EQ(*old, before);
		EXPECT_EQ(*word, before * 3);
		// A mismatching one only reports the value.
		advise(target.data(), page_size, MADV_DONTNEED); // not the word's page
		wc = qp.compare_swap(result.mr(), old, target.mr(), word, before, 7);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		EXPECT_EQ(*old, before * 3);
		EXPECT_EQ(*word, before * 3);
		faults.expect_each_faulted(static_cast<long long>(i));
	}
}

TEST(OdpOps, FetchAddFaultsEveryIteration)
{
	rc_pair qp;
	const registered_buffer target(qp.pd, 2 * page_size, rw, mr_kind::odp);
	const registered_buffer result(qp.pd, page_size, rw, mr_kind::odp);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + page_size - 8);
	auto *old = reinterpret_cast<std::uint64_t *>(result.data() + 16);
	for (std::uint64_t i = 0; i < iterations; ++i) {
		advise(target.data(), target.size(), MADV_DONTNEED);
		advise(result.data(), result.size(), MADV_DONTNEED);
		*word = 1000 * i;
		const iteration_faults faults({target.data(), result.data()});
		const completion wc = qp.fetch_add(result.mr(), old, target.mr(), word, i + 1);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		EXPECT_EQ(*old, 1000 * i);
		EXPECT_EQ(*word, 1000 * i + i + 1);
		faults.expect_each_faulted(static_cast<long long>(i));
	}
}

TEST(OdpOps, AtomicWriteFaultsEveryIteration)
{
	rc_pair qp(IBV_QP_EX_WITH_ATOMIC_WRITE);
	ASSERT_NE(qp.req.ex(), nullptr);
	const registered_buffer target(qp.pd, 2 * page_size, rw, mr_kind::odp);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + page_size + 8);
	for (std::uint64_t i = 0; i < iterations; ++i) {
		advise(target.data(), target.size(), MADV_DONTNEED);
		const std::uint64_t value = 0xfeedface00000000ULL + i;
		const iteration_faults faults({target.data()});
		ASSERT_EQ(qp.req.post_atomic_write(target.mr().remote(word), value, 10 + i), 0);
		const completion wc = wait_one(qp.req_cq);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		EXPECT_EQ(*word, value);
		EXPECT_EQ(value_mismatch(target.data(), page_size + 8, std::byte{0}),
		          page_size + 8);
		faults.expect_each_faulted(static_cast<long long>(i));
	}
}

TEST(OdpOps, FlushFaultsEveryIteration)
{
	rc_pair qp(IBV_QP_EX_WITH_FLUSH | IBV_QP_EX_WITH_RDMA_WRITE);
	ASSERT_NE(qp.req.ex(), nullptr);
	const int access = rw | IBV_ACCESS_FLUSH_GLOBAL | IBV_ACCESS_FLUSH_PERSISTENT;
	const registered_buffer src(qp.pd, 4 * page_size, access, mr_kind::odp);
	const registered_buffer dst(qp.pd, 4 * page_size, access, mr_kind::odp);
	for (int i = 0; i < iterations; ++i) {
		advise(dst.data(), dst.size(), MADV_DONTNEED);
		fill_pattern(dst.data() + dst_offset, message, i);
		advise(src.data(), src.size(), MADV_DONTNEED);
		const iteration_faults faults({src.data(), dst.data()});
		// The data is in the CPU page; the mirror dropped it: the flush
		// to persistence maps the page again (ours from the CPU page
		// table, stock by a fault), writes its cache lines back and must
		// leave the bytes as they are. (A flush for global visibility
		// is a barrier only and touches no page.)
		ASSERT_EQ(qp.req.post_flush(dst.remote(dst_offset), message, IBV_FLUSH_PERSISTENT,
		                            IBV_FLUSH_RANGE, 20 + i),
		          0);
		const completion wc = wait_one(qp.req_cq);
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
		const completion rd = qp.read(src.mr(), src.data() + src_offset, message, dst.mr(),
		                              dst.data() + dst_offset);
		ASSERT_EQ(rd.status, IBV_WC_SUCCESS) << wc_status_name(rd.status);
		ASSERT_EQ(pattern_mismatch(src.data() + src_offset, message, i), message)
		        << "iteration " << i;
		// The read faults both buffers in again (whatever the flush did).
		faults.expect_each_faulted(i);
	}
}

// Pages of [addr, addr + length) that the process has mapped (mincore).
std::size_t resident_pages(const std::byte *addr, std::size_t length)
{
	std::vector<unsigned char> vec(length / page_size);
	if (mincore(const_cast<std::byte *>(addr), length, vec.data()) != 0)
		throw error("mincore", errno);
	return static_cast<std::size_t>(
	        std::count_if(vec.begin(), vec.end(), [](unsigned char v) { return v & 1; }));
}

// A FLUSH to persistence writes back what the CPU caches can hold: pages
// the CPU maps. Memory never touched (or swapped out) has nothing there,
// and a FLUSH over a whole large MR must not fault all of it in.
TEST(OdpOps, FlushOfUntouchedMemoryMapsNothing)
{
	rc_pair qp(IBV_QP_EX_WITH_FLUSH | IBV_QP_EX_WITH_RDMA_WRITE);
	ASSERT_NE(qp.req.ex(), nullptr);
	const registered_buffer dst(qp.pd, 64 * page_size, rw | IBV_ACCESS_FLUSH_PERSISTENT,
	                            mr_kind::odp);
	ASSERT_EQ(resident_pages(dst.data(), dst.size()), 0U);
	ASSERT_EQ(qp.req.post_flush(dst.remote(0), dst.size(), IBV_FLUSH_PERSISTENT,
	                            IBV_FLUSH_RANGE, 1),
	          0);
	const completion wc = wait_one(qp.req_cq);
	ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
	EXPECT_EQ(resident_pages(dst.data(), dst.size()), 0U) << "the flush mapped pages in";
}

// UD: two QPs on one device, the receive buffer is ODP and starts close to
// the end of a page so that the GRH and the payload straddle two pages.
TEST(OdpOps, UdSendRecvFaultsEveryIteration)
{
	ud_pair ud;
	constexpr std::uint32_t payload = 1000;
	constexpr std::uint32_t grh = 40;
	constexpr std::size_t recv_offset = page_size - 500;
	const registered_buffer src(ud.pd, 2 * page_size, rw, mr_kind::odp);
	const registered_buffer dst(ud.pd, 2 * page_size, rw, mr_kind::odp);
	for (int i = 0; i < iterations; ++i) {
		advise(src.data(), src.size(), MADV_DONTNEED);
		advise(dst.data(), dst.size(), MADV_DONTNEED);
		fill_pattern(src.data() + src_offset, payload, i);
		const iteration_faults faults({src.data(), dst.data()});

		ASSERT_EQ(ud.receiver.post_recv(dst.sge(recv_offset, grh + payload), i), 0);
		ASSERT_EQ(ud.sender.post_send_ud(src.sge(src_offset, payload), ud.ah,
		                                 ud.receiver.qpn(), i),
		          0);
		const completion sent = wait_one(ud.send_cq);
		ASSERT_EQ(sent.status, IBV_WC_SUCCESS) << wc_status_name(sent.status);
		const completion got = wait_one(ud.recv_cq);
		ASSERT_EQ(got.status, IBV_WC_SUCCESS) << wc_status_name(got.status);
		ASSERT_EQ(got.byte_len, grh + payload);
		ASSERT_EQ(pattern_mismatch(dst.data() + recv_offset + grh, payload, i), payload)
		        << "iteration " << i;
		expect_untouched_around(dst, recv_offset, grh + payload);
		faults.expect_each_faulted(i);
	}
}

// On our rxe the counters prove that each iteration faulted.
TEST(OdpOps, CountersShowAFaultPerIteration)
{
	const auto &env = test_env::get();
	if (!env.ours())
		GTEST_SKIP() << "stock rxe has no ODP counters";
	rc_pair qp;
	const registered_buffer src(qp.pd, 2 * page_size, rw, mr_kind::pinned);
	const registered_buffer dst(qp.pd, 2 * page_size, rw, mr_kind::odp);
	fill_pattern(src.data(), page_size, 1);
	const auto before = odp_counters(env.dev).value();
	for (int i = 0; i < iterations; ++i) {
		advise(dst.data(), dst.size(), MADV_DONTNEED);
		const completion wc =
		        qp.write(src.mr(), src.data(), page_size, dst.mr(), dst.data());
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
	}
	const auto after = odp_counters(env.dev).value();
	// Each write finds the dropped page missing in its first packet and
	// faults it once (fault-around, if on, maps more but in the same fault).
	EXPECT_EQ(after.at("faults") - before.at("faults"), iterations);
	EXPECT_GE(after.at("pages_faulted") - before.at("pages_faulted"), iterations);
	EXPECT_GE(after.at("invalidations") - before.at("invalidations"), iterations);
	EXPECT_EQ(after.at("fault_errors"), before.at("fault_errors"));
}

// Completions through a completion channel: wait() sleeps on the channel
// instead of spinning, and still returns every completion.
TEST(LibraryOps, CompletionChannelDeliversCompletions)
{
	ud_pair ud(true);
	// Pinned: this judges the channel, not ODP (stock's ODP copy defect
	// would fail it for the GRH offset).
	auto buf = mapping::anonymous(2 * page_size);
	memory_region mr(ud.pd, buf.data(), buf.size(), rw, mr_kind::pinned);
	for (std::uint64_t i = 0; i < 4; ++i) {
		fill_pattern(buf.data(), 256, static_cast<unsigned>(i));
		ASSERT_EQ(ud.receiver.post_recv(mr.sge(buf.data() + page_size, 40 + 256), 100 + i),
		          0);
		ASSERT_EQ(ud.sender.post_send_ud(mr.sge(buf.data(), 256), ud.ah, ud.receiver.qpn(),
		                                 i),
		          0);
		const completion sent = wait_one(ud.send_cq);
		ASSERT_TRUE(sent.ok()) << sent.status_name();
		EXPECT_EQ(sent.wr_id, i);
		const completion received = wait_one(ud.recv_cq);
		ASSERT_TRUE(received.ok()) << received.status_name();
		EXPECT_EQ(received.wr_id, 100 + i);
		EXPECT_EQ(pattern_mismatch(buf.data() + page_size + 40, 256,
		                           static_cast<unsigned>(i)),
		          256U);
	}
}

// A range prefetched synchronously takes no fault on first access; on
// ours the counters show it (stock has none: it only checks the data).
TEST(OdpPrefetch, PrefetchedRangeTakesNoFault)
{
	REQUIRE_PREFETCH();
	const auto &env = test_env::get();
	rc_pair qp;
	const registered_buffer src(qp.pd, 4 * page_size, rw, mr_kind::pinned);
	const registered_buffer dst(qp.pd, 4 * page_size, rw, mr_kind::odp);
	fill_pattern(src.data(), src.size(), 8);
	for (auto mode : {prefetch_mode::write, prefetch_mode::read}) {
		advise(dst.data(), dst.size(), MADV_DONTNEED);
		const auto at_prefetch = odp_counters(env.dev);
		ASSERT_EQ(dst.mr().prefetch(dst.data(), dst.size(), mode, true), 0);
		const auto before = odp_counters(env.dev);
		if (at_prefetch) {
			// ib_odp counts a prefetch per range it serves: one advice
			// of one SGE inside an explicit region is one prefetch, and
			// it mirrors the 4 dropped pages.
			EXPECT_EQ(before->at("prefetches") - at_prefetch->at("prefetches"), 1);
			EXPECT_EQ(before->at("pages_faulted") - at_prefetch->at("pages_faulted"),
			          4);
		}
		// One page at a time: single packets at page starts, which stock
		// copies correctly too.
		for (std::size_t p = 0; p < 4; ++p) {
			const completion wc = qp.write(src.mr(), src.data() + p * page_size, 1024,
			                               dst.mr(), dst.data() + p * page_size);
			ASSERT_TRUE(wc.ok()) << wc.status_name();
			EXPECT_EQ(std::memcmp(dst.data() + p * page_size,
			                      src.data() + p * page_size, 1024),
			          0);
		}
		if (before) {
			const auto after = odp_counters(env.dev).value();
			// A read prefetch maps the zero page read-only: the write
			// must fault once more per page to get writable pages.
			const long long expected = mode == prefetch_mode::write ? 0 : 4;
			EXPECT_EQ(after.at("faults") - before->at("faults"), expected)
			        << (mode == prefetch_mode::write
			                    ? "prefetched pages faulted again on first access"
			                    : "writes to read-prefetched pages did not fault");
		}
	}
}

} // namespace
} // namespace ibodp::test
