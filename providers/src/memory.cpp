// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/memory.hpp"

#include "ibodp/error.hpp"

#include <cerrno>
#include <utility>

namespace ibodp
{

mapping mapping::anonymous(std::size_t length, int prot, int flags)
{
	void *addr = mmap(nullptr, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (addr == MAP_FAILED)
		throw error("mmap", errno);
	return {addr, length};
}

mapping mapping::aligned(std::size_t length, std::size_t align)
{
	// Map enough to find an aligned start, then give back both ends.
	const std::size_t span = length + align;
	void *raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		throw error("mmap", errno);
	const auto base = reinterpret_cast<std::uintptr_t>(raw);
	const auto start = (base + align - 1) & ~(align - 1);
	if (start > base)
		munmap(raw, start - base);
	if (start + length < base + span)
		munmap(reinterpret_cast<void *>(start + length), base + span - start - length);
	return {reinterpret_cast<void *>(start), length};
}

mapping::mapping(mapping &&other) noexcept
    : addr_(std::exchange(other.addr_, nullptr)), length_(other.length_)
{
}

mapping &mapping::operator=(mapping &&other) noexcept
{
	if (this != &other) {
		if (addr_ != nullptr)
			munmap(addr_, length_);
		addr_ = std::exchange(other.addr_, nullptr);
		length_ = other.length_;
	}
	return *this;
}

mapping::~mapping()
{
	if (addr_ != nullptr)
		munmap(addr_, length_);
}

void byte_pattern::fill(void *addr, std::size_t length, std::size_t first) const noexcept
{
	auto *p = static_cast<std::byte *>(addr);
	std::uint64_t w = word(first / 8);
	for (std::size_t i = 0; i < length; ++i) {
		const std::size_t at = first + i;
		if (at % 8 == 0)
			w = word(at / 8);
		p[i] = byte_of(w, at);
	}
}

std::size_t byte_pattern::first_mismatch(const void *addr, std::size_t length,
                                         std::size_t first) const noexcept
{
	const auto *p = static_cast<const std::byte *>(addr);
	std::uint64_t w = word(first / 8);
	for (std::size_t i = 0; i < length; ++i) {
		const std::size_t at = first + i;
		if (at % 8 == 0)
			w = word(at / 8);
		if (p[i] != byte_of(w, at))
			return i;
	}
	return length;
}

} // namespace ibodp
