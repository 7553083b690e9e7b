// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Helpers of the ODP integration tests: the guest environment, owned
// mappings, byte patterns, ib_odp counters and a loopback RC pair on one
// device that posts one operation at a time and waits for it.

#include "ibodp/device.hpp"
#include "ibodp/memory.hpp"
#include "ibodp/rc_loopback.hpp"
#include "ibodp/registered_buffer.hpp"
#include "ibodp/verbs.hpp"
#include "kernel_state.hpp"
#include "output.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ibodp::test
{

/// What tools/vm/run set up: device, GID index, rxe variant, kernel.
struct test_env {
	std::string dev;
	int gid_index;
	std::string rxe;
	std::string kernel; ///< "image" or "debug" (KASAN, lockdep: ~9x slower)
	[[nodiscard]] bool ours() const { return rxe == "ours"; }
	/// Loops that race for many iterations run fewer on the debug
	/// kernel: its checks see each path on the first pass, and its mm
	/// runs about nine times slower.
	[[nodiscard]] unsigned iterations(unsigned on_image_kernel) const
	{
		return kernel == "debug" ? (on_image_kernel + 3) / 4 : on_image_kernel;
	}
	[[nodiscard]] static const test_env &get();
};

/// The ODP capabilities of the test device, read once.
[[nodiscard]] const odp_caps &device_odp_caps();

/// Ends the calling test as UNSUPPORTED (a skip whose reason starts with
/// "unsupported:", which the runner reports as such) where the test
/// device lacks implicit ODP or prefetch (ibv_advise_mr: rxe's verbs
/// provider has it from rdma-core 59).
#define REQUIRE_IMPLICIT()                                                                         \
	do {                                                                                       \
		if (!::ibodp::test::device_odp_caps().implicit)                                    \
			GTEST_SKIP() << "unsupported: " << ::ibodp::test::test_env::get().dev      \
			             << " does not advertise implicit ODP";                        \
	} while (0)
#define REQUIRE_PREFETCH()                                                                         \
	do {                                                                                       \
		if (!::ibodp::test::device_odp_caps().prefetch)                                    \
			GTEST_SKIP() << "unsupported: no prefetch on "                             \
			             << ::ibodp::test::test_env::get().dev                         \
			             << ": ibv_advise_mr fails (its verbs provider or driver "     \
			                "has no advise_mr)";                                       \
	} while (0)

inline constexpr std::size_t page_size = 4096;

/// ibodp::byte_pattern(@p seed) from byte 0: differs per seed and position.
void fill_pattern(void *addr, std::size_t length, unsigned seed);
/// Index of the first byte that differs from the pattern, or length.
[[nodiscard]] std::size_t pattern_mismatch(const void *addr, std::size_t length, unsigned seed);
/// Index of the first byte that is not @p value, or length.
[[nodiscard]] std::size_t value_mismatch(const void *addr, std::size_t length, std::byte value);

/// madvise(), throwing ibodp::error on failure.
void advise(void *addr, std::size_t length, int advice);

/// Writes @p value and a newline to the (sysfs or cgroup) file @p path,
/// throwing ibodp::error (EIO) if the kernel refuses it.
void write_file(const std::string &path, const std::string &value);

/// Sets an ib_odp module parameter (ours only) for the lifetime of the
/// object, then puts back the value it had.
class module_parameter
{
public:
	module_parameter(std::string name, unsigned value) : name_(std::move(name)), old_(read())
	{
		write(std::to_string(value));
	}
	module_parameter(const module_parameter &) = delete;
	module_parameter &operator=(const module_parameter &) = delete;
	~module_parameter()
	{
		std::ofstream f(path());
		f << old_ << "\n"; // never throws: a failed restore shows in the next test
	}

private:
	[[nodiscard]] std::string path() const { return "/sys/module/ib_odp/parameters/" + name_; }
	[[nodiscard]] std::string read() const
	{
		std::ifstream f(path());
		std::string value;
		if (!(f >> value))
			throw error("read " + name_, EIO);
		return value;
	}
	void write(const std::string &value) const { write_file(path(), value); }
	std::string name_;
	std::string old_;
};

/// The ib_odp counters of a device (ours only; empty on stock).
using tools::odp_counters;
/// The live regions of a device in ib_odp's debugfs (ours only).
[[nodiscard]] std::optional<int> count_odp_regions(const std::string &dev);

inline constexpr std::chrono::milliseconds wc_timeout{10000};

/// The library's loopback RC pair on the test device, with helpers that
/// post one operation and wait for it (throwing if nothing completes).
class rc_pair : public rc_loopback
{
public:
	/// @p send_ops_flags: IBV_QP_EX_WITH_* for "req"; @p with_srq: "resp"
	/// receives through a shared receive queue.
	explicit rc_pair(std::uint64_t send_ops_flags = 0, bool with_srq = false);

	[[nodiscard]] completion write(const memory_region &src, const void *src_addr,
	                               std::uint32_t length, const memory_region &dst,
	                               void *dst_addr);
	[[nodiscard]] completion read(const memory_region &local, void *local_addr,
	                              std::uint32_t length, const memory_region &remote,
	                              const void *remote_addr);
	[[nodiscard]] completion compare_swap(const memory_region &local, std::uint64_t *result,
	                                      const memory_region &remote, std::uint64_t *target,
	                                      std::uint64_t compare, std::uint64_t swap);
	[[nodiscard]] completion fetch_add(const memory_region &local, std::uint64_t *result,
	                                   const memory_region &remote, std::uint64_t *target,
	                                   std::uint64_t add);
	/// Posts a receive of @p dst (on the SRQ if there is one) and a send of
	/// @p src; returns the receive's completion after the send's.
	[[nodiscard]] completion send(const memory_region &src, const void *src_addr,
	                              std::uint32_t length, const memory_region &dst,
	                              void *dst_addr);
};

/// Two UD queue pairs on the test device, ready to send to each other;
/// @p with_channel: both CQs signal a completion channel.
struct ud_pair {
	explicit ud_pair(bool with_channel = false);

	context ctx;
	protection_domain pd;
	std::optional<completion_channel> channel;
	completion_queue send_cq;
	completion_queue recv_cq;
	queue_pair sender;
	queue_pair receiver;
	address_handle ah; ///< from the sender to the receiver (same device)
};

/// The next completion of @p cq; throws ibodp::error (ETIMEDOUT) if none
/// arrives within wc_timeout.
[[nodiscard]] completion wait_one(completion_queue &cq);

/// The state of @p qp once it is @p wanted, or its last state after
/// wc_timeout. rxe posts an error completion before it moves the QP to
/// Error, so a query right after the completion can still see RTS.
[[nodiscard]] ibv_qp_state wait_for_state(const queue_pair &qp, ibv_qp_state wanted);

} // namespace ibodp::test
