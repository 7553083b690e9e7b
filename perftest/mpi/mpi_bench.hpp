// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// ibodp_mpi --bench: MPI ping-pong latency and bandwidth per message size,
// with warm buffers and with cold ones (dropped before each round trip).

#include "mpi_env.hpp"
#include "mpi_options.hpp"

namespace ibodp::mpi
{

/// Runs the ping-pong; rank 0 prints the table and writes --json/--csv.
/// Returns the number of replies whose data did not match (both ranks
/// return it). Throws ibodp::error for a failed call.
[[nodiscard]] std::size_t run_bench(const session &s, const mpi_options &opt);

} // namespace ibodp::mpi
