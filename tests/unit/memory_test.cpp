// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace
{

using ibodp::byte_pattern;

TEST(BytePattern, FillThenMatch)
{
	std::vector<std::byte> buf(10000);
	const byte_pattern p(5);
	p.fill(buf.data(), buf.size());
	EXPECT_TRUE(p.matches(buf.data(), buf.size()));
	buf[4321] ^= std::byte{1};
	EXPECT_EQ(p.first_mismatch(buf.data(), buf.size()), 4321U);
}

// A window of the pattern checked as if it started elsewhere: every shift
// within a page and by whole pages (up to 4 MiB) is caught.
TEST(BytePattern, MisplacedDataIsCaught)
{
	const byte_pattern p(9);
	std::vector<std::byte> window(4096);
	p.fill(window.data(), window.size());
	for (std::size_t shift = 1; shift <= 4096; ++shift)
		ASSERT_LT(p.first_mismatch(window.data(), window.size(), shift), window.size())
		        << "shift " << shift;
	for (std::size_t pages = 1; pages <= 1024; ++pages)
		ASSERT_LT(p.first_mismatch(window.data(), window.size(), pages * 4096),
		          window.size())
		        << "pages " << pages;
}

TEST(BytePattern, OtherSeedsAreCaught)
{
	std::vector<std::byte> buf(64);
	byte_pattern(1).fill(buf.data(), buf.size());
	for (std::uint64_t seed = 2; seed < 2000; ++seed)
		ASSERT_FALSE(byte_pattern(seed).matches(buf.data(), buf.size())) << seed;
}

TEST(BytePattern, StartingInTheMiddle)
{
	std::vector<std::byte> whole(300);
	std::vector<std::byte> part(100);
	const byte_pattern p(3);
	p.fill(whole.data(), whole.size());
	p.fill(part.data(), part.size(), 200);
	EXPECT_TRUE(p.matches(whole.data() + 200, 100, 200));
	EXPECT_TRUE(p.matches(part.data(), part.size(), 200));
	EXPECT_EQ(whole[250], part[50]);
}

TEST(Mapping, AlignedAndOwned)
{
	auto m = ibodp::mapping::aligned(3 << 20, 2 << 20);
	EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m.data()) % (2 << 20), 0U);
	EXPECT_EQ(m.size(), 3U << 20);
	m.data()[m.size() - 1] = std::byte{7};
	auto moved = std::move(m);
	EXPECT_EQ(moved.data()[moved.size() - 1], std::byte{7});
}

} // namespace
