// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "mpi_env.hpp"

#include "kernel_state.hpp"

#include "ibodp/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>

namespace ibodp::mpi
{

namespace
{

std::string error_text(int rc)
{
	std::array<char, MPI_MAX_ERROR_STRING> text{};
	int length = 0;
	if (MPI_Error_string(rc, text.data(), &length) != MPI_SUCCESS)
		return "MPI error " + std::to_string(rc);
	return {text.data(), static_cast<std::size_t>(length)};
}

// A release that fails is reported, not dropped (the library's rule).
void report_release(const char *call, int rc)
{
	if (rc != MPI_SUCCESS)
		std::fprintf(stderr, "ibodp_mpi: %s failed: %s\n", call, error_text(rc).c_str());
}

std::size_t page_size()
{
	return static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

} // namespace

void check(const char *call, int rc)
{
	if (rc != MPI_SUCCESS)
		throw ibodp::error(call, EIO, error_text(rc));
}

session::session(int &argc, char **&argv)
{
	int provided = 0;
	check("MPI_Init_thread", MPI_Init_thread(&argc, &argv, MPI_THREAD_SINGLE, &provided));
	// Errors come back as return codes (then ibodp::error) rather than
	// aborting the job inside MPI, so each says which call failed.
	check("MPI_Comm_set_errhandler",
	      MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
	check("MPI_Comm_rank", MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
	check("MPI_Comm_size", MPI_Comm_size(MPI_COMM_WORLD, &size_));
}

session::~session()
{
	report_release("MPI_Finalize", MPI_Finalize());
}

std::string session::name() const
{
	return "rank " + std::to_string(rank_);
}

cold_buffer::cold_buffer(std::size_t size, std::size_t offset)
    : map_(ibodp::mapping::anonymous((size + offset + page_size() - 1) / page_size() *
                                     page_size())),
      offset_(offset), size_(size)
{
}

void cold_buffer::drop() const
{
	if (madvise(map_.data(), map_.size(), MADV_DONTNEED) != 0)
		throw ibodp::error("madvise(MADV_DONTNEED)", errno);
}

window::window(std::byte *base, std::size_t size)
{
	check("MPI_Win_create", MPI_Win_create(base, static_cast<MPI_Aint>(size), 1, MPI_INFO_NULL,
	                                       MPI_COMM_WORLD, &win_));
	check("MPI_Win_set_errhandler", MPI_Win_set_errhandler(win_, MPI_ERRORS_RETURN));
}

window::~window()
{
	report_release("MPI_Win_free", MPI_Win_free(&win_));
}

void window::fence() const
{
	check("MPI_Win_fence", MPI_Win_fence(0, win_));
}

void barrier()
{
	check("MPI_Barrier", MPI_Barrier(MPI_COMM_WORLD));
}

long long odp_faults_now(const std::string &device)
{
	const auto counters = tools::odp_counters(device);
	return counters ? counters->at("faults") : -1;
}

} // namespace ibodp::mpi
