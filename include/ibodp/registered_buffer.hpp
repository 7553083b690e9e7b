// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The buffer the tools, the tests and the example move data through: owned
// anonymous memory and the memory region through which the device reaches
// it, together, so the memory always outlives its MR.

#include "ibodp/memory.hpp"
#include "ibodp/verbs.hpp"

#include <cstddef>
#include <cstdint>

namespace ibodp
{

/// Anonymous memory with its own MR (pinned, ODP or an implicit ODP MR
/// that covers it).
class registered_buffer
{
public:
	/// @p length bytes rounded up to whole pages, starting on a page or, with
	/// @p align (a power of two, e.g. 2 MiB for THP), on that boundary;
	/// registered with @p access (IBV_ACCESS_*) as @p kind. Throws
	/// ibodp::error (mmap's or the registration's errno).
	registered_buffer(const protection_domain &pd, std::size_t length, int access, mr_kind kind,
	                  std::size_t align = 0);

	[[nodiscard]] std::byte *data() const noexcept { return memory_.data(); }
	[[nodiscard]] std::size_t size() const noexcept { return memory_.size(); }
	[[nodiscard]] const memory_region &mr() const noexcept { return mr_; }
	/// A scatter-gather entry for @p length bytes at @p offset.
	[[nodiscard]] ibv_sge sge(std::size_t offset, std::uint32_t length) const noexcept
	{
		return mr_.sge(data() + offset, length);
	}
	/// How a peer addresses byte @p offset.
	[[nodiscard]] remote_buffer remote(std::size_t offset = 0) const noexcept
	{
		return mr_.remote(data() + offset);
	}
	/// Drops every page (MADV_DONTNEED), so that the next access by the
	/// CPU or the device faults; throws ibodp::error (madvise's errno).
	void drop() const;
	/// Asks the device to make the whole buffer present for writing
	/// (memory_region::prefetch); 0 or an errno, EOPNOTSUPP when pinned.
	[[nodiscard]] int prefetch(bool synchronous) const noexcept;

private:
	mapping memory_; ///< outlives mr_ (declared first)
	memory_region mr_;
};

} // namespace ibodp
