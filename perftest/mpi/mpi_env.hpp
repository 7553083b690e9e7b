// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// What ibodp_mpi needs from MPI, owned: the MPI session, RMA windows and
// message buffers that are dropped between iterations. MPI calls run
// with MPI_ERRORS_RETURN, and a failed call becomes an ibodp::error
// (errno EIO) naming the call and carrying MPI's own message, as every
// other failed call of the tools does.

#include "ibodp/memory.hpp"

#include <mpi.h>

#include <cstddef>
#include <string>

namespace ibodp::mpi
{

/// Throws ibodp::error for an MPI return code other than MPI_SUCCESS.
void check(const char *call, int rc);

/// MPI_Init_thread .. MPI_Finalize for the whole program, two ranks.
class session
{
public:
	session(int &argc, char **&argv);
	session(const session &) = delete;
	session &operator=(const session &) = delete;
	/// MPI_Finalize; a failure is reported on stderr (a destructor
	/// cannot throw).
	~session();

	[[nodiscard]] int rank() const noexcept { return rank_; }
	[[nodiscard]] int size() const noexcept { return size_; }
	/// The other rank of the two.
	[[nodiscard]] int peer() const noexcept { return 1 - rank_; }
	/// This rank's name for messages: "rank 0".
	[[nodiscard]] std::string name() const;

private:
	int rank_ = -1;
	int size_ = 0;
};

/// A message buffer that starts @p offset bytes into its first page, so
/// that every transfer lands at a non-zero offset inside a page (stock
/// rxe's ODP copy defect), and that can give its pages back to the kernel
/// (MADV_DONTNEED) so the next RDMA access to it faults.
class cold_buffer
{
public:
	cold_buffer(std::size_t size, std::size_t offset);

	[[nodiscard]] std::byte *data() const noexcept { return map_.data() + offset_; }
	[[nodiscard]] std::size_t size() const noexcept { return size_; }
	/// Drops every page (their contents read as zero afterwards).
	void drop() const;

private:
	ibodp::mapping map_;
	std::size_t offset_;
	std::size_t size_;
};

/// An RMA window over a buffer (MPI_Win_create, displacement unit 1),
/// freed collectively when destroyed.
class window
{
public:
	window(std::byte *base, std::size_t size);
	window(const window &) = delete;
	window &operator=(const window &) = delete;
	/// MPI_Win_free; a failure is reported on stderr.
	~window();

	[[nodiscard]] MPI_Win get() const noexcept { return win_; }
	/// MPI_Win_fence with no assertions.
	void fence() const;

private:
	MPI_Win win_ = MPI_WIN_NULL;
};

/// MPI_Barrier on MPI_COMM_WORLD.
void barrier();

/// ib_odp's fault counter of @p device now, or -1 without it (stock).
[[nodiscard]] long long odp_faults_now(const std::string &device);

} // namespace ibodp::mpi
