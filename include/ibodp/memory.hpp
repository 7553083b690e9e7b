// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Memory for RDMA buffers and a byte pattern to check what lands in it:
// the one owner of an anonymous mapping and the one pattern that the
// tools, the tests and the example share.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace ibodp
{

/// An owned anonymous private mapping; unmapped when destroyed.
class mapping
{
public:
	/// @p length bytes, page-aligned; throws ibodp::error (mmap's errno).
	[[nodiscard]] static mapping anonymous(std::size_t length,
	                                       int prot = PROT_READ | PROT_WRITE, int flags = 0);
	/// Read-write memory whose start is aligned to @p align bytes (a
	/// power of two, e.g. 2 MiB so that transparent huge pages can form).
	[[nodiscard]] static mapping aligned(std::size_t length, std::size_t align);
	/// Takes ownership of an existing mapping.
	mapping(void *addr, std::size_t length) noexcept : addr_(addr), length_(length) {}
	mapping(mapping &&other) noexcept;
	mapping &operator=(mapping &&other) noexcept;
	mapping(const mapping &) = delete;
	mapping &operator=(const mapping &) = delete;
	~mapping();

	[[nodiscard]] std::byte *data() const noexcept { return static_cast<std::byte *>(addr_); }
	[[nodiscard]] std::size_t size() const noexcept { return length_; }
	/// Forgets the mapping (its owner unmapped it itself).
	void release() noexcept { addr_ = nullptr; }

private:
	void *addr_;
	std::size_t length_;
};

/// A byte pattern chosen by a seed: each 8 bytes are a 64-bit hash of
/// their position and the seed, so the pattern never repeats in practice.
/// Data copied to the wrong offset or page, or left over from another
/// seed, does not match. One hash per 8 bytes.
class byte_pattern
{
public:
	explicit constexpr byte_pattern(std::uint64_t seed) noexcept : key_(mix(seed)) {}

	/// Byte @p i of the pattern.
	[[nodiscard]] constexpr std::byte at(std::size_t i) const noexcept
	{
		return byte_of(word(i / 8), i);
	}
	/// Writes bytes @p first .. @p first + @p length of the pattern to @p addr.
	void fill(void *addr, std::size_t length, std::size_t first = 0) const noexcept;
	/// The index (from @p addr) of the first byte that is not the pattern's
	/// byte @p first + index, or @p length when all are.
	[[nodiscard]] std::size_t first_mismatch(const void *addr, std::size_t length,
	                                         std::size_t first = 0) const noexcept;
	[[nodiscard]] bool matches(const void *addr, std::size_t length,
	                           std::size_t first = 0) const noexcept
	{
		return first_mismatch(addr, length, first) == length;
	}

private:
	// splitmix64's finaliser: nearby inputs get unrelated outputs.
	static constexpr std::uint64_t mix(std::uint64_t x) noexcept
	{
		x += 0x9e3779b97f4a7c15ULL;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		return x ^ (x >> 31);
	}
	[[nodiscard]] constexpr std::uint64_t word(std::size_t n) const noexcept
	{
		return mix(static_cast<std::uint64_t>(n) ^ key_);
	}
	static constexpr std::byte byte_of(std::uint64_t word, std::size_t i) noexcept
	{
		return static_cast<std::byte>((word >> ((i % 8) * 8)) & 0xff);
	}
	std::uint64_t key_;
};

} // namespace ibodp
