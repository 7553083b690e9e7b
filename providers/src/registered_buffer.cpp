// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/registered_buffer.hpp"

#include "ibodp/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace ibodp
{

namespace
{

mapping map_pages(std::size_t length, std::size_t align)
{
	const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
	if (length == 0)
		throw error("registered_buffer", EINVAL, "empty buffer");
	const std::size_t rounded = (length + page - 1) / page * page;
	if (rounded < length)
		throw error("registered_buffer", EOVERFLOW, "length rounds past SIZE_MAX");
	if ((align & (align - 1)) != 0)
		throw error("registered_buffer", EINVAL, "alignment is not a power of two");
	if (align > page)
		return mapping::aligned(rounded, align);
	return mapping::anonymous(rounded);
}

} // namespace

registered_buffer::registered_buffer(const protection_domain &pd, std::size_t length, int access,
                                     mr_kind kind, std::size_t align)
    : memory_(map_pages(length, align)),
      mr_(memory_region::covering(pd, memory_.data(), memory_.size(), access, kind))
{
}

void registered_buffer::drop() const
{
	if (madvise(data(), size(), MADV_DONTNEED) != 0)
		throw error("madvise", errno, "MADV_DONTNEED");
}

int registered_buffer::prefetch(bool synchronous) const noexcept
{
	return mr_.prefetch(data(), size(), prefetch_mode::write, synchronous);
}

} // namespace ibodp
