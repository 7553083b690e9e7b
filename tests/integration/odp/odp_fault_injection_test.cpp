// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// The error paths of our layer, made to fail on purpose through its
// fault-injection module parameters (ours only; stock has none): a failed
// allocation, a failed fault and faults interrupted as if by an
// invalidation. Each must fail cleanly (an errno or an error completion),
// be counted, leave no region behind and let the next operation work.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr std::uint32_t message = 5000;

// Sets an ib_odp module parameter for the lifetime of the object.
class injection
{
public:
	injection(std::string name, unsigned every) : name_(std::move(name)) { set(every); }
	injection(const injection &) = delete;
	injection &operator=(const injection &) = delete;
	~injection() { set(0); }

private:
	void set(unsigned every) const
	{
		std::ofstream f("/sys/module/ib_odp/parameters/" + name_);
		f << every << "\n";
		if (!f.flush())
			throw error("write " + name_, EIO);
	}
	std::string name_;
};

#define REQUIRE_OURS()                                                                             \
	do {                                                                                       \
		if (!test_env::get().ours())                                                       \
			GTEST_SKIP() << "fault injection is a feature of our layer";               \
	} while (0)

// A pinned source and an ODP destination on a loopback pair; write()
// moves `message` bytes of pattern @p seed between them at odd offsets and
// returns the completion.
struct pinned_to_odp {
	rc_pair qp;
	mapping src = mapping::anonymous(4 * page_size);
	mapping dst = mapping::anonymous(4 * page_size);
	memory_region src_mr{qp.pd, src.data(), src.size(), rw, mr_kind::pinned};
	memory_region dst_mr{qp.pd, dst.data(), dst.size(), rw, mr_kind::odp};

	completion write(unsigned seed)
	{
		fill_pattern(src.data() + 100, message, seed);
		return qp.write(src_mr, src.data() + 100, message, dst_mr, dst.data() + 300);
	}
	[[nodiscard]] bool landed(unsigned seed) const
	{
		return pattern_mismatch(dst.data() + 300, message, seed) == message;
	}
};

long long counter(const char *name)
{
	return odp_counters(test_env::get().dev).value().at(name);
}

TEST(OdpFaultInjection, FailedAllocationRefusesTheRegistration)
{
	REQUIRE_OURS();
	rc_pair qp;
	auto buf = mapping::anonymous(4 * page_size);
	const auto regions = count_odp_regions(test_env::get().dev);
	{
		const injection fail("inject_alloc_every", 1);
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
	pinned_to_odp t;
	const long long errors = counter("fault_errors");
	{
		const injection fail("inject_fault_every", 1);
		const completion wc = t.write(2);
		EXPECT_EQ(wc.status, IBV_WC_REM_ACCESS_ERR) << wc.status_name();
	}
	EXPECT_GT(counter("fault_errors"), errors);
	EXPECT_EQ(value_mismatch(t.dst.data(), t.dst.size(), std::byte{0}), t.dst.size())
	        << "a failed fault wrote something";
	t.qp.reconnect();
	const completion wc = t.write(3);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	EXPECT_TRUE(t.landed(3));
}

TEST(OdpFaultInjection, InterruptedFaultsAreRetried)
{
	REQUIRE_OURS();
	pinned_to_odp t;
	const long long collisions = counter("collisions");
	const injection interrupt("inject_busy_every", 2);
	for (unsigned i = 0; i < 10; ++i) {
		advise(t.dst.data(), t.dst.size(), MADV_DONTNEED);
		const completion wc = t.write(10 + i);
		ASSERT_TRUE(wc.ok()) << "iteration " << i << ": " << wc.status_name();
		ASSERT_TRUE(t.landed(10 + i)) << "iteration " << i;
	}
	EXPECT_GE(counter("collisions") - collisions, 5);
}

} // namespace
} // namespace ibodp::test
