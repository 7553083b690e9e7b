// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Fault-around (ib_odp.fault_around_pages, ours only): a fault also
// mirrors what the CPU maps of the aligned block around it, and nothing
// else. It must never bring in memory the process never touched, nor
// write-fault (break copy-on-write of) a page the device does not write.
// Small pages throughout (THP off for the buffers), a window of 16 pages.

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ibodp::test
{
namespace
{

constexpr int rw = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr unsigned window = 16;
constexpr std::size_t region_pages = 64;
constexpr std::size_t written_page = 21; // in the block of pages 16..31

#define REQUIRE_OURS()                                                                             \
	do {                                                                                       \
		if (!test_env::get().ours())                                                       \
			GTEST_SKIP() << "fault-around is a feature of our layer";                  \
	} while (0)

long long counter(const char *name)
{
	return odp_counters(test_env::get().dev).value().at(name);
}

// A 2 MiB-aligned buffer of region_pages small pages (THP off), registered
// ODP, on a loopback pair with fault-around set to `window` pages;
// write_page() writes 64 bytes into one page by RDMA.
struct fault_around_buffer {
	fault_around_buffer() : buf(mapping::aligned(region_pages * page_size, 2 << 20))
	{
		advise(buf.data(), buf.size(), MADV_NOHUGEPAGE);
	}

	void register_it() { mr.emplace(qp.pd, buf.data(), buf.size(), rw, mr_kind::odp); }

	completion write_page(std::size_t page)
	{
		fill_pattern(src.data(), 64, static_cast<unsigned>(page));
		return qp.write(src.mr(), src.data(), 64, *mr, buf.data() + page * page_size);
	}

	module_parameter around{"fault_around_pages", window};
	rc_pair qp;
	registered_buffer src{qp.pd, page_size, rw, mr_kind::pinned};
	mapping buf;
	std::optional<memory_region> mr;
};

// Pages of [addr, addr + length) that the process has mapped (mincore).
std::vector<bool> resident(const std::byte *addr, std::size_t length)
{
	std::vector<unsigned char> vec(length / page_size);
	if (mincore(const_cast<std::byte *>(addr), length, vec.data()) != 0)
		throw error("mincore", errno);
	return {vec.begin(), vec.end()};
}

// Whether each page of [addr, addr + length) is mapped by this process
// alone (/proc/self/pagemap bit 56): a page shared copy-on-write with a
// child is not, until a write fault copies it.
std::vector<bool> exclusive(const std::byte *addr, std::size_t length)
{
	const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		throw error("open /proc/self/pagemap", errno);
	std::vector<std::uint64_t> entries(length / page_size);
	const auto offset =
	        static_cast<off_t>(reinterpret_cast<std::uintptr_t>(addr) / page_size * 8);
	const auto bytes = static_cast<ssize_t>(entries.size() * 8);
	const ssize_t got = pread(fd, entries.data(), static_cast<std::size_t>(bytes), offset);
	const int err = errno;
	close(fd);
	if (got != bytes)
		throw error("read /proc/self/pagemap", got < 0 ? err : EIO);
	std::vector<bool> result;
	for (const std::uint64_t e : entries)
		result.push_back((e >> 56) & 1);
	return result;
}

// Memory never touched stays so: the one page written is the one mapped.
TEST(OdpFaultAround, LeavesUntouchedMemoryAlone)
{
	REQUIRE_OURS();
	fault_around_buffer t;
	t.register_it();
	const completion wc = t.write_page(written_page);
	ASSERT_TRUE(wc.ok()) << wc.status_name();
	const auto mapped = resident(t.buf.data(), t.buf.size());
	for (std::size_t i = 0; i < region_pages; ++i)
		EXPECT_EQ(mapped[i], i == written_page) << "page " << i;
}

// Memory the process has touched: one fault mirrors the whole block, so
// writes to the rest of it fault no more.
TEST(OdpFaultAround, MirrorsTheTouchedBlockInOneFault)
{
	REQUIRE_OURS();
	fault_around_buffer t;
	fill_pattern(t.buf.data(), t.buf.size(), 1);
	t.register_it();
	const long long faults = counter("faults");
	const long long pages = counter("pages_faulted");
	for (std::size_t page = 16; page < 32; ++page) {
		const completion wc = t.write_page(page);
		ASSERT_TRUE(wc.ok()) << "page " << page << ": " << wc.status_name();
		EXPECT_EQ(pattern_mismatch(t.buf.data() + page * page_size, 64,
		                           static_cast<unsigned>(page)),
		          64U);
	}
	EXPECT_EQ(counter("faults") - faults, 1);
	EXPECT_EQ(counter("pages_faulted") - pages, static_cast<long long>(window));
}

// After fork the pages are shared copy-on-write with the child. A write
// to one page copies that page only: the pages around it are mirrored
// for reading, not write-faulted, so they stay shared.
TEST(OdpFaultAround, BreaksCopyOnWriteOfTheWrittenPageOnly)
{
	REQUIRE_OURS();
	fault_around_buffer t;
	fill_pattern(t.buf.data(), t.buf.size(), 2);
	t.register_it();
	int to_child[2];
	ASSERT_EQ(pipe(to_child), 0);
	const pid_t child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		char byte = 0;
		_exit(read(to_child[0], &byte, 1) == 1 ? 0 : 1);
	}
	const completion wc = t.write_page(written_page);
	EXPECT_TRUE(wc.ok()) << wc.status_name();
	const auto own = exclusive(t.buf.data(), t.buf.size());
	const char byte = 1;
	EXPECT_EQ(write(to_child[1], &byte, 1), 1);
	int status = 0;
	EXPECT_EQ(waitpid(child, &status, 0), child);
	close(to_child[0]);
	close(to_child[1]);
	for (std::size_t i = 16; i < 32; ++i)
		EXPECT_EQ(own[i], i == written_page) << "page " << i;
}

} // namespace
} // namespace ibodp::test
