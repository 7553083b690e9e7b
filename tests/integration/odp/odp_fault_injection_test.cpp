// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// The error paths of our layer, made to fail on purpose through its
// fault-injection module parameters (ours only; stock has none): a failed
// allocation, a failed fault, faults interrupted as if by an invalidation,
// a fault interrupted until it times out, faults that time out for a while
// (RNR NAK, or a response not sent or dropped that the requester asks for
// again), a write through a range locked for reading, and an MR
// deregistered while its asynchronous prefetch is inside a fill. Each must fail cleanly (an errno
// or an error completion) or, if the condition passes, succeed with the data intact; be counted,
// leave no region behind and let the next operation work.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr std::uint32_t message = 5000;

#define REQUIRE_OURS()                                                                             \
	do {                                                                                       \
		if (!test_env::get().ours())                                                       \
			GTEST_SKIP() << "fault injection is a feature of our layer";               \
	} while (0)

// A source and a destination buffer on a loopback pair (by default a
// pinned source and an ODP destination; @p with_srq: the responder receives
// through an SRQ). write(), read() and send() move `message` bytes of
// pattern @p seed from the source to the destination at odd offsets and
// return the completion (send(): the receive's).
struct buffer_pair {
	explicit buffer_pair(mr_kind src_kind = mr_kind::pinned, mr_kind dst_kind = mr_kind::odp,
	                     bool with_srq = false)
	    : qp(0, with_srq), src_mr(qp.pd, src.data(), src.size(), rw, src_kind),
	      dst_mr(qp.pd, dst.data(), dst.size(), rw, dst_kind)
	{
	}

	rc_pair qp;
	mapping src = mapping::anonymous(4 * page_size);
	mapping dst = mapping::anonymous(4 * page_size);
	memory_region src_mr;
	memory_region dst_mr;

	completion write(unsigned seed)
	{
		fill_pattern(src.data() + 100, message, seed);
		return qp.write(src_mr, src.data() + 100, message, dst_mr, dst.data() + 300);
	}
	// The destination's side reads the source.
	completion read(unsigned seed)
	{
		fill_pattern(src.data() + 100, message, seed);
		return qp.read(dst_mr, dst.data() + 300, message, src_mr, src.data() + 100);
	}
	completion send(unsigned seed)
	{
		fill_pattern(src.data() + 100, message, seed);
		return qp.send(src_mr, src.data() + 100, message, dst_mr, dst.data() + 300);
	}
	[[nodiscard]] bool landed(unsigned seed) const
	{
		return pattern_mismatch(dst.data() + 300, message, seed) == message;
	}
	// With fault injection @p param set to 1, a write (pattern @p seed)
	// fails with IBV_WC_REM_ACCESS_ERR and ib_odp counts it in @p counted.
	void expect_write_fails(const char *param, const char *counted, unsigned seed);
	// After a write whose fault failed: nothing was written, and once the
	// QP is reconnected the next write (pattern @p seed) lands.
	void expect_untouched_then_recovers(unsigned seed)
	{
		EXPECT_EQ(value_mismatch(dst.data(), dst.size(), std::byte{0}), dst.size())
		        << "a failed fault wrote something";
		qp.reconnect();
		const completion wc = write(seed);
		ASSERT_TRUE(wc.ok()) << wc.status_name();
		EXPECT_TRUE(landed(seed));
	}
};

long long counter(const char *name)
{
	return odp_counters(test_env::get().dev).value().at(name);
}

void buffer_pair::expect_write_fails(const char *param, const char *counted, unsigned seed)
{
	const long long before = counter(counted);
	{
		const module_parameter fail(param, 1);
		const completion wc = write(seed);
		EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc.status_name();
	}
	EXPECT_GT(counter(counted), before) << counted;
}

TEST(OdpFaultInjection, FailedAllocationRefusesTheRegistration)
{
	REQUIRE_OURS();
	rc_pair qp;
	auto buf = mapping::anonymous(4 * page_size);
	const auto regions = count_odp_regions(test_env::get().dev);
	{
		const module_parameter fail("inject_alloc_every", 1);
		try {
			const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp);
			ADD_FAILURE() << "registered although the allocation failed";
		} catch (const error &e) {
			EXPECT_EQ(e.errnum(), ENOMEM) << e.what();
		}
	}
	EXPECT_EQ(count_odp_regions(test_env::get().dev), regions);
	const memory_region mr(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp);
	auto src = mapping::anonymous(4 * page_size);
	const memory_region src_mr(qp.pd, src.data(), src.size(), rw, mr_kind::pinned);
	fill_pattern(src.data() + 100, message, 1);
	const completion wc = qp.write(src_mr, src.data() + 100, message, mr, buf.data() + 300);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(pattern_mismatch(buf.data() + 300, message, 1), message);
}

TEST(OdpFaultInjection, FailedFaultGivesAnErrorCompletionAndRecovers)
{
	REQUIRE_OURS();
	buffer_pair t;
	t.expect_write_fails("inject_fault_every", "fault_errors", 2);
	t.expect_untouched_then_recovers(3);
}

// Faults interrupted once each are retried, even with a 1 ms guard: time
// alone never fails a fault, as a timeout also needs 8 collisions (a
// stalled virtual machine sees its clock jump without any livelock).
TEST(OdpFaultInjection, InterruptedFaultsAreRetried)
{
	REQUIRE_OURS();
	buffer_pair t;
	const long long collisions = counter("collisions");
	const long long timeouts = counter("fault_timeouts");
	const module_parameter timeout("fault_timeout_ms", 1);
	const module_parameter interrupt("inject_busy_every", 2);
	for (unsigned i = 0; i < 10; ++i) {
		advise(t.dst.data(), t.dst.size(), MADV_DONTNEED);
		const completion wc = t.write(10 + i);
		ASSERT_TRUE(wc.ok()) << "iteration " << i << ": " << wc.status_name();
		ASSERT_TRUE(t.landed(10 + i)) << "iteration " << i;
	}
	EXPECT_GE(counter("collisions") - collisions, 5);
	EXPECT_EQ(counter("fault_timeouts") - timeouts, 0);
}

// A write lock taken for reading, as by a driver that forgot to ask for
// write access (inject_read_lock_every): the write must be refused, not
// land in the page the read fault mapped. Never-written anonymous memory
// is mapped to the zero page, which every process reads as zeros.
void expect_zero_page_intact()
{
	const auto fresh = mapping::anonymous(page_size);
	EXPECT_EQ(value_mismatch(fresh.data(), page_size, std::byte{0}), page_size)
	        << "the zero page was written";
}

TEST(OdpFaultInjection, WriteThroughAReadLockIsRefused)
{
	REQUIRE_OURS();
	buffer_pair t;
	t.expect_write_fails("inject_read_lock_every", "refused_writes", 7);
	expect_zero_page_intact();
	t.expect_untouched_then_recovers(8);
}

TEST(OdpFaultInjection, AtomicThroughAReadLockIsRefused)
{
	REQUIRE_OURS();
	rc_pair qp;
	constexpr int atomic_rw = rw | IBV_ACCESS_REMOTE_ATOMIC;
	auto target = mapping::anonymous(page_size);
	const memory_region target_mr(qp.pd, target.data(), page_size, atomic_rw, mr_kind::odp);
	auto result = mapping::anonymous(page_size);
	const memory_region result_mr(qp.pd, result.data(), page_size, rw, mr_kind::pinned);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + 64);
	auto *old = reinterpret_cast<std::uint64_t *>(result.data());
	const long long refused = counter("refused_writes");
	{
		const module_parameter read_lock("inject_read_lock_every", 1);
		const completion wc = qp.fetch_add(result_mr, old, target_mr, word, 5);
		EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc.status_name();
	}
	EXPECT_EQ(counter("refused_writes") - refused, 1);
	expect_zero_page_intact();
	EXPECT_EQ(value_mismatch(target.data(), page_size, std::byte{0}), page_size);
	qp.reconnect();
	const completion wc = qp.fetch_add(result_mr, old, target_mr, word, 5);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(*old, 0U);
	EXPECT_EQ(*word, 5U);
}

// Every ODP fault times out on invalidations injected at each try (after
// @p timeout_ms each) until @p failures more faults have timed out, then
// the injection stops: a condition that passes, as a memory cgroup at its
// limit or heavy churn gives. For the scope of one operation. The stop
// comes a poll of the counters after the last failure: a retry sent in
// between fails too, unless the timeout is longer than that poll.
class faults_fail_for_a_while
{
public:
	explicit faults_fail_for_a_while(long long failures, unsigned timeout_ms = 10)
	    : timeout_("fault_timeout_ms", timeout_ms),
	      stopper_([this, target = counter("fault_timeouts") +
	                               failures](const std::stop_token &stop) {
		      // Also ends when the operation has (it failed at once).
		      while (!stop.stop_requested() && counter("fault_timeouts") < target)
			      std::this_thread::sleep_for(std::chrono::milliseconds(1));
		      busy_.reset();
	      })
	{
	}

private:
	module_parameter timeout_;
	std::optional<module_parameter> busy_{std::in_place, "inject_busy_every", 1U};
	std::jthread stopper_; // last: it ends the injection and is joined first
};

// @p op's completion, with faults failing for a while as above.
template <typename Operation>
completion through_transient_faults(long long failures, Operation &&op)
{
	const faults_fail_for_a_while busy(failures);
	return std::forward<Operation>(op)();
}

// An rxe counter of port 1 of the test device (sysfs hw_counters).
long long port_counter(const std::string &name)
{
	std::ifstream f("/sys/class/infiniband/" + test_env::get().dev + "/ports/1/hw_counters/" +
	                name);
	long long value = 0;
	if (!(f >> value))
		throw error("read hw_counters/" + name, EIO);
	return value;
}

// A fault that cannot finish now is answered with an RNR NAK, as ODP
// hardware does, and the requester (rnr_retry 7: for ever) sends the
// packet again until it lands; before, the QPs failed with
// IBV_WC_REM_ACCESS_ERR. The timed-out faults are counted, and the QP is
// still connected.
TEST(OdpFaultInjection, TransientFaultsOfAWriteAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	buffer_pair t;
	const long long naks = port_counter("send_rnr_err");
	const completion wc = through_transient_faults(3, [&] { return t.write(31); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(31));
	EXPECT_GE(port_counter("send_rnr_err") - naks, 3);
	EXPECT_EQ(t.qp.req.state(), IBV_QPS_RTS);
}

void send_through_transient_faults(bool with_srq)
{
	buffer_pair t(mr_kind::pinned, mr_kind::odp, with_srq);
	const long long naks = port_counter("send_rnr_err");
	const completion wc = through_transient_faults(3, [&] { return t.send(32); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(wc.byte_len, message);
	EXPECT_TRUE(t.landed(32));
	EXPECT_GE(port_counter("send_rnr_err") - naks, 3);
}

TEST(OdpFaultInjection, TransientFaultsOfASendAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	send_through_transient_faults(false);
}

// The receive WQE a first packet took from the SRQ is kept for the packet
// sent again after the RNR NAK, not lost.
TEST(OdpFaultInjection, TransientFaultsOfAnSrqSendAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	send_through_transient_faults(true);
}

// A FETCH_ADD of 2 to 40 while faults time out for a while, with the
// target (responder) and the result (requester's sink) registered as
// @p target_kind and @p result_kind: it completes, and it ran once.
void fetch_add_through_transient_faults(mr_kind target_kind, mr_kind result_kind)
{
	rc_pair qp;
	auto target = mapping::anonymous(page_size);
	const memory_region target_mr(qp.pd, target.data(), page_size,
	                              rw | IBV_ACCESS_REMOTE_ATOMIC, target_kind);
	auto result = mapping::anonymous(page_size);
	const memory_region result_mr(qp.pd, result.data(), page_size, rw, result_kind);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + 64);
	auto *old = reinterpret_cast<std::uint64_t *>(result.data() + 8);
	*word = 40;
	const completion wc = through_transient_faults(
	        3, [&] { return qp.fetch_add(result_mr, old, target_mr, word, 2); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_EQ(*old, 40U);
	EXPECT_EQ(*word, 42U) << "the atomic ran other than once";
}

TEST(OdpFaultInjection, TransientFaultsOfAnAtomicAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	fetch_add_through_transient_faults(mr_kind::odp, mr_kind::pinned);
}

// An ATOMIC WRITE sent again after an RNR NAK goes where the first went
// (patch 0010: rxe sent a retried ATOMIC WRITE or FLUSH to address 0).
TEST(OdpFaultInjection, TransientFaultsOfAnAtomicWriteAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	rc_pair qp(IBV_QP_EX_WITH_ATOMIC_WRITE);
	ASSERT_NE(qp.req.ex(), nullptr);
	const registered_buffer target(qp.pd, page_size, rw, mr_kind::odp);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + 64);
	const long long naks = port_counter("send_rnr_err");
	completion wc;
	{
		const faults_fail_for_a_while busy(3);
		ASSERT_EQ(qp.req.post_atomic_write(target.mr().remote(word), 0x5eed0000cafeULL, 1),
		          0);
		wc = wait_one(qp.req_cq);
	}
	ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
	EXPECT_EQ(*word, 0x5eed0000cafeULL);
	EXPECT_GE(port_counter("send_rnr_err") - naks, 3);
}

// rnr_retry bounds the RNR NAKs of one message, not of a QP's life: an
// ATOMIC WRITE's response resets the count like any other (rxe kept
// counting across ATOMIC WRITEs, so with rnr_retry 3 the fourth one that
// met a transient fault failed with IBV_WC_RNR_RETRY_EXC_ERR).
TEST(OdpFaultInjection, RnrRetriesAreCountedPerAtomicWrite)
{
	REQUIRE_OURS();
	rc_pair qp(IBV_QP_EX_WITH_ATOMIC_WRITE);
	ASSERT_NE(qp.req.ex(), nullptr);
	qp.reconnect({.rnr_retry = 3});
	const registered_buffer target(qp.pd, page_size, rw, mr_kind::odp);
	auto *word = reinterpret_cast<std::uint64_t *>(target.data() + 128);
	for (std::uint64_t i = 0; i < 6; ++i) {
		advise(target.data(), target.size(), MADV_DONTNEED); // the next write faults
		const std::uint64_t value = 0xa70000ULL + i;
		completion wc;
		{
			// One RNR NAK: the retry's fault meets the injection
			// stopped (a 300 ms timeout outlasts the stopper's poll).
			const faults_fail_for_a_while busy(1, 300);
			ASSERT_EQ(qp.req.post_atomic_write(target.mr().remote(word), value, i), 0);
			wc = wait_one(qp.req_cq);
		}
		ASSERT_EQ(wc.status, IBV_WC_SUCCESS)
		        << "atomic write " << i << ": " << wc_status_name(wc.status);
		EXPECT_EQ(*word, value) << "atomic write " << i;
	}
}

// A read response cannot be RNR NAKed: the responder does not send it and
// the requester's retransmission (retry_cnt 7, ~67 ms each) asks again.
TEST(OdpFaultInjection, TransientFaultsOfAReadAreRetriedByTheRequester)
{
	REQUIRE_OURS();
	buffer_pair t(mr_kind::odp, mr_kind::pinned);
	const completion wc = through_transient_faults(1, [&] { return t.read(33); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(33));
}

// The requester's own source: a WRITE packet whose ODP source page cannot
// be faulted now is built again later, as a stalled hardware requester
// would; before, the WQE failed with IBV_WC_LOC_QP_OP_ERR.
TEST(OdpFaultInjection, TransientFaultsOfAWriteSourceAreRetried)
{
	REQUIRE_OURS();
	buffer_pair t(mr_kind::odp, mr_kind::pinned);
	const completion wc = through_transient_faults(3, [&] { return t.write(36); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(36));
}

// The requester's own sink: a read response whose ODP destination page
// cannot be faulted now is dropped as if lost, and the retransmission
// asks again for the rest; before, the WQE failed with
// IBV_WC_LOC_PROT_ERR.
TEST(OdpFaultInjection, TransientFaultsOfAReadSinkAreRetried)
{
	REQUIRE_OURS();
	buffer_pair t;
	const completion wc = through_transient_faults(3, [&] { return t.read(37); });
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(37));
}

// The same for an atomic's result: the retransmitted atomic is a duplicate
// that the responder answers from the result it kept, so the target is
// changed once.
TEST(OdpFaultInjection, TransientFaultsOfAnAtomicResultAreRetried)
{
	REQUIRE_OURS();
	fetch_add_through_transient_faults(mr_kind::pinned, mr_kind::odp);
}

// A FLUSH to persistence whose pages cannot be locked now is answered with
// an RNR NAK like a write, and sent again to where the first went (patch
// 0010); before, the QPs failed with IBV_WC_REM_ACCESS_ERR.
TEST(OdpFaultInjection, TransientFaultsOfAFlushAreAnsweredWithRnrNak)
{
	REQUIRE_OURS();
	rc_pair qp(IBV_QP_EX_WITH_FLUSH);
	ASSERT_NE(qp.req.ex(), nullptr);
	const registered_buffer dst(qp.pd, 16 * page_size, rw | IBV_ACCESS_FLUSH_PERSISTENT,
	                            mr_kind::odp);
	fill_pattern(dst.data(), dst.size(), 38); // resident: the FLUSH has work
	const long long naks = port_counter("send_rnr_err");
	completion wc;
	{
		const faults_fail_for_a_while busy(3);
		ASSERT_EQ(qp.req.post_flush(dst.remote(0), dst.size(), IBV_FLUSH_PERSISTENT,
		                            IBV_FLUSH_RANGE, 1),
		          0);
		wc = wait_one(qp.req_cq);
	}
	ASSERT_EQ(wc.status, IBV_WC_SUCCESS) << wc_status_name(wc.status);
	EXPECT_GE(port_counter("send_rnr_err") - naks, 3);
	EXPECT_EQ(pattern_mismatch(dst.data(), dst.size(), 38), dst.size());
	EXPECT_EQ(qp.req.state(), IBV_QPS_RTS);
}

// A first SEND packet answered with RNR NAK keeps the receive it took from
// the SRQ for the packet's return. If the requester gives up instead
// (rnr_retry 0), that receive belongs to no message: when the responder's
// QP goes to error it completes with IBV_WC_WR_FLUSH_ERR, as the QP's
// other work does, instead of being lost.
TEST(OdpFaultInjection, AnSrqReceiveHeldForAnRnrNakedSendIsFlushed)
{
	REQUIRE_OURS();
	buffer_pair t(mr_kind::pinned, mr_kind::odp, true);
	t.qp.reconnect({.rnr_retry = 0});
	const module_parameter timeout("fault_timeout_ms", 50);
	const module_parameter interrupt("inject_busy_every", 1);
	ASSERT_EQ(t.qp.srq->post_recv(t.dst_mr.sge(t.dst.data() + 300, message), 41), 0);
	ASSERT_EQ(t.qp.req.post_send(t.src_mr.sge(t.src.data() + 100, message), 42), 0);
	const completion sent = wait_one(t.qp.req_cq);
	EXPECT_EQ(sent.status, IBV_WC_RNR_RETRY_EXC_ERR) << sent.status_name();
	t.qp.resp.to_error();
	const completion received = wait_one(t.qp.resp_cq);
	EXPECT_EQ(received.status, IBV_WC_WR_FLUSH_ERR) << received.status_name();
	EXPECT_EQ(received.wr_id, 41U);
}

// A fault that collides with invalidations on every try gives up after
// fault_timeout_ms without progress (and 8 collisions), counted as a
// timeout, and is answered with an RNR NAK. Without RNR retries the
// requester gives up at once: IBV_WC_RNR_RETRY_EXC_ERR. (The responder may
// still take a retransmission of the packet that was on its way, so the
// data may land: nothing is asserted of it.) Reconnected, the next write
// lands.
TEST(OdpFaultInjection, FaultWithoutProgressTimesOut)
{
	REQUIRE_OURS();
	buffer_pair t;
	t.qp.reconnect({.rnr_retry = 0});
	const long long timeouts = counter("fault_timeouts");
	const long long naks = port_counter("send_rnr_err");
	{
		const module_parameter timeout("fault_timeout_ms", 50);
		const module_parameter interrupt("inject_busy_every", 1);
		const completion wc = t.write(4);
		EXPECT_EQ(wc.status, IBV_WC_RNR_RETRY_EXC_ERR) << wc.status_name();
	}
	EXPECT_GE(counter("fault_timeouts") - timeouts, 1);
	EXPECT_GE(port_counter("send_rnr_err") - naks, 1);
	t.qp.reconnect();
	const completion wc = t.write(5);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(5));
}

// An MR deregistered while its asynchronous prefetch is inside a fill that
// collides on every try and could retry for two minutes: the
// deregistration cancels the fill instead of waiting it out (rxe waits 50
// s for the MR's references, then warns and frees the MR under the fill).
// The fill ends, counted as an error and not as a timeout, before the
// deregistration returns; no region is left, and the next MR works.
void deregistration_cancels_a_prefetch_in_progress(mr_kind kind)
{
	const std::string &dev = test_env::get().dev;
	buffer_pair t;
	const auto regions = count_odp_regions(dev);
	const long long errors = counter("fault_errors");
	const long long timeouts = counter("fault_timeouts");
	{
		const module_parameter timeout("fault_timeout_ms", 120000);
		const module_parameter interrupt("inject_busy_every", 1);
		std::optional<memory_region> mr;
		mr.emplace(memory_region::covering(t.qp.pd, t.dst.data(), t.dst.size(), rw, kind));
		const long long collisions = counter("collisions");
		ASSERT_EQ(mr->prefetch(t.dst.data(), t.dst.size(), prefetch_mode::write, false), 0);
		// The prefetch runs in rxe's workqueue: wait (bounded) until its
		// fill has collided, so that the deregistration meets it inside.
		const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(60);
		while (counter("collisions") == collisions) {
			ASSERT_LT(std::chrono::steady_clock::now(), limit)
			        << "the asynchronous prefetch never reached its fill";
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		const auto start = std::chrono::steady_clock::now();
		mr.reset();
		const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
		        std::chrono::steady_clock::now() - start);
		std::printf("deregistration with the prefetch inside its fill: %lld ms\n",
		            static_cast<long long>(took.count()));
		EXPECT_EQ(counter("fault_errors") - errors, 1)
		        << "the prefetch's fill had not ended when the deregistration returned";
	}
	EXPECT_EQ(counter("fault_timeouts") - timeouts, 0)
	        << "the fill timed out: it was not cancelled";
	EXPECT_EQ(count_odp_regions(dev), regions);
	const completion wc = t.write(6);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(6));
}

TEST(OdpFaultInjection, DeregistrationCancelsAPrefetchInProgress)
{
	REQUIRE_OURS();
	REQUIRE_PREFETCH();
	deregistration_cancels_a_prefetch_in_progress(mr_kind::odp);
}

TEST(OdpFaultInjection, DeregistrationCancelsAnImplicitPrefetchInProgress)
{
	REQUIRE_OURS();
	REQUIRE_PREFETCH();
	REQUIRE_IMPLICIT();
	deregistration_cancels_a_prefetch_in_progress(mr_kind::implicit_odp);
}

} // namespace
} // namespace ibodp::test
