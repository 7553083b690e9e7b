// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ODP beside another device that mirrors the same memory through HMM: the
// kernel's HMM test driver (lib/test_hmm.c, /dev/hmm_dmirror0), which the
// debug kernel builds and the test VM loads there. It migrates pages to
// its device-private memory and takes pages for exclusive (atomic) access;
// RDMA to such pages must bring them back with their data, as a CPU access
// would.
#include "fixture.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr const char *hmm_device = "/dev/hmm_dmirror0";

// The HMM test driver's ioctl argument and requests (its ABI,
// lib/test_hmm_uapi.h): a range of the caller's memory, a buffer for the
// data or page states, and what the driver did.
struct hmm_command {
	std::uint64_t addr;
	std::uint64_t ptr;
	std::uint64_t npages;
	std::uint64_t cpages;
	std::uint64_t faults;
};
constexpr unsigned long hmm_read = _IOWR('H', 0x00, hmm_command);
constexpr unsigned long hmm_migrate_to_device = _IOWR('H', 0x02, hmm_command);
constexpr unsigned long hmm_snapshot = _IOWR('H', 0x04, hmm_command);
constexpr unsigned long hmm_take_exclusive = _IOWR('H', 0x05, hmm_command);
constexpr unsigned long hmm_check_exclusive = _IOWR('H', 0x06, hmm_command);
// A page state of hmm_snapshot: where the page is (the high bits; the low
// ones are its protection), here in this device's private memory.
constexpr std::uint8_t hmm_state_where = 0xf0;
constexpr std::uint8_t hmm_state_device_private = 0x20;

// One open of the HMM test device, which mirrors this process's memory.
class hmm_neighbour
{
public:
	hmm_neighbour() : fd_(open(hmm_device, O_RDWR | O_CLOEXEC)) {}
	hmm_neighbour(const hmm_neighbour &) = delete;
	hmm_neighbour &operator=(const hmm_neighbour &) = delete;
	~hmm_neighbour()
	{
		if (fd_ >= 0)
			close(fd_);
	}

	[[nodiscard]] bool ok() const { return fd_ >= 0; }

	// What the device reads at @p addr through its mirror (faulting in
	// what the mirror lacks).
	[[nodiscard]] std::vector<std::byte> read(void *addr, std::size_t npages)
	{
		std::vector<std::byte> data(npages * page_size);
		(void)run(hmm_read, addr, npages, data.data());
		return data;
	}

	// Moves @p npages pages at @p addr into the device's private memory
	// (the CPU's page table then points at the device); returns how many
	// it moved.
	[[nodiscard]] std::uint64_t migrate_to_device(void *addr, std::size_t npages)
	{
		std::vector<std::byte> data(npages * page_size);
		return run(hmm_migrate_to_device, addr, npages, data.data()).cpages;
	}

	// Takes the pages for exclusive access (make_device_exclusive()): any
	// other access revokes it.
	void take_exclusive(void *addr, std::size_t npages)
	{
		std::vector<std::byte> data(npages * page_size);
		(void)run(hmm_take_exclusive, addr, npages, data.data());
	}

	// Whether the device still holds any of the pages exclusively.
	[[nodiscard]] bool holds_exclusive(void *addr, std::size_t npages)
	{
		hmm_command cmd{reinterpret_cast<std::uintptr_t>(addr), 0, npages, 0, 0};
		if (ioctl(fd_, hmm_check_exclusive, &cmd) == 0)
			return false;
		if (errno == EPERM)
			return true;
		throw error("ioctl HMM_DMIRROR_CHECK_EXCLUSIVE", errno);
	}

	// The pages' states as the device sees them (hmm_state_*).
	[[nodiscard]] std::vector<std::uint8_t> snapshot(void *addr, std::size_t npages)
	{
		std::vector<std::uint8_t> states(npages);
		(void)run(hmm_snapshot, addr, npages, states.data());
		return states;
	}

private:
	hmm_command run(unsigned long request, void *addr, std::size_t npages, void *buffer)
	{
		hmm_command cmd{reinterpret_cast<std::uintptr_t>(addr),
		                reinterpret_cast<std::uintptr_t>(buffer), npages, 0, 0};
		if (ioctl(fd_, request, &cmd) != 0)
			throw error("ioctl on " + std::string(hmm_device), errno);
		return cmd;
	}

	int fd_;
};

#define REQUIRE_HMM_NEIGHBOUR(neighbour)                                                           \
	do {                                                                                       \
		if (!(neighbour).ok())                                                             \
			GTEST_SKIP() << "no " << hmm_device                                        \
			             << ": the HMM test driver is in the debug kernel only";       \
	} while (0)

// 16 pages of ODP memory and a pinned buffer of the same size on a
// loopback pair, moved a packet per page: the first `chunk` bytes of each
// page (stock rxe's ODP copy is right only for a packet at the start of a
// page, and the point here is HMM, not that defect).
struct odp_and_pinned {
	static constexpr std::size_t pages = 16;
	static constexpr std::size_t bytes = pages * page_size;
	static constexpr std::uint32_t chunk = 1024;

	rc_pair qp;
	mapping odp = mapping::anonymous(bytes);
	mapping pinned = mapping::anonymous(bytes);
	memory_region odp_mr{qp.pd, odp.data(), bytes, rw, mr_kind::odp};
	memory_region pinned_mr{qp.pd, pinned.data(), bytes, rw, mr_kind::pinned};

	static void fill(std::byte *base, unsigned seed)
	{
		for (std::size_t i = 0; i < pages; ++i)
			fill_pattern(base + i * page_size, chunk, seed + i);
	}
	// Pages of @p base whose chunk holds what fill() wrote with @p seed.
	[[nodiscard]] static std::size_t intact(const std::byte *base, unsigned seed)
	{
		std::size_t n = 0;
		for (std::size_t i = 0; i < pages; ++i)
			n += pattern_mismatch(base + i * page_size, chunk, seed + i) == chunk;
		return n;
	}
	// RDMA READs of every page's chunk from the ODP memory into the pinned.
	void read_all()
	{
		for (std::size_t i = 0; i < pages; ++i) {
			const completion wc = qp.read(pinned_mr, pinned.data() + i * page_size,
			                              chunk, odp_mr, odp.data() + i * page_size);
			ASSERT_TRUE(wc.ok()) << "page " << i << ": " << wc.status_name();
		}
	}
	// RDMA WRITEs of every page's chunk from the pinned into the ODP memory.
	void write_all()
	{
		for (std::size_t i = 0; i < pages; ++i) {
			const completion wc = qp.write(pinned_mr, pinned.data() + i * page_size,
			                               chunk, odp_mr, odp.data() + i * page_size);
			ASSERT_TRUE(wc.ok()) << "page " << i << ": " << wc.status_name();
		}
	}
};

// Pages 4-11 moved to the other device's memory are read by RDMA with
// their data, and written by RDMA where the CPU then finds the new data.
TEST(OdpHmmNeighbour, PagesInAnotherDevicesPrivateMemoryComeBackForRdma)
{
	hmm_neighbour neighbour;
	REQUIRE_HMM_NEIGHBOUR(neighbour);
	odp_and_pinned t;
	odp_and_pinned::fill(t.odp.data(), 71);
	std::byte *moved = t.odp.data() + 4 * page_size;
	ASSERT_EQ(neighbour.migrate_to_device(moved, 8), 8U);
	const std::vector<std::uint8_t> states = neighbour.snapshot(moved, 8);
	for (std::size_t i = 0; i < states.size(); ++i)
		ASSERT_EQ(states[i] & hmm_state_where, hmm_state_device_private)
		        << "page " << 4 + i << " not moved";

	t.read_all();
	EXPECT_EQ(odp_and_pinned::intact(t.pinned.data(), 71), t.pages);

	ASSERT_EQ(neighbour.migrate_to_device(moved, 8), 8U);
	odp_and_pinned::fill(t.pinned.data(), 72);
	t.write_all();
	EXPECT_EQ(odp_and_pinned::intact(t.odp.data(), 72), t.pages);
}

// An RDMA WRITE to pages the other device holds for exclusive access
// lands, and ends that access, as a CPU write would.
TEST(OdpHmmNeighbour, RdmaWriteEndsAnotherDevicesExclusiveAccess)
{
	hmm_neighbour neighbour;
	REQUIRE_HMM_NEIGHBOUR(neighbour);
	odp_and_pinned t;
	odp_and_pinned::fill(t.odp.data(), 73); // present: exclusive access needs a page
	std::byte *held = t.odp.data() + 2 * page_size;
	neighbour.take_exclusive(held, 4);
	ASSERT_TRUE(neighbour.holds_exclusive(held, 4));

	odp_and_pinned::fill(t.pinned.data(), 74);
	t.write_all();
	EXPECT_EQ(odp_and_pinned::intact(t.odp.data(), 74), t.pages);
	EXPECT_FALSE(neighbour.holds_exclusive(held, 4));
}

// Both mirrors see munmap: after the ODP memory, mirrored by the rxe MR
// and by the other device, is unmapped and mapped again with new data at
// the same address, RDMA and the other device both read the new data.
TEST(OdpHmmNeighbour, BothMirrorsSeeMunmap)
{
	hmm_neighbour neighbour;
	REQUIRE_HMM_NEIGHBOUR(neighbour);
	odp_and_pinned t;
	odp_and_pinned::fill(t.odp.data(), 75);
	t.read_all();
	ASSERT_EQ(odp_and_pinned::intact(t.pinned.data(), 75), t.pages);
	ASSERT_EQ(odp_and_pinned::intact(neighbour.read(t.odp.data(), t.pages).data(), 75),
	          t.pages);

	ASSERT_EQ(munmap(t.odp.data(), t.bytes), 0) << std::strerror(errno);
	ASSERT_EQ(mmap(t.odp.data(), t.bytes, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	          t.odp.data())
	        << std::strerror(errno);
	odp_and_pinned::fill(t.odp.data(), 76);
	t.read_all();
	EXPECT_EQ(odp_and_pinned::intact(t.pinned.data(), 76), t.pages) << "RDMA read stale pages";
	EXPECT_EQ(odp_and_pinned::intact(neighbour.read(t.odp.data(), t.pages).data(), 76), t.pages)
	        << "the other device read stale pages";
}

} // namespace
} // namespace ibodp::test
