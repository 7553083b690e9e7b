// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// ibodp_mpi's data checks: point-to-point, collectives and one-sided
// operations on buffers that are dropped between iterations.

#include "mpi_env.hpp"
#include "mpi_options.hpp"

namespace ibodp::mpi
{

/// Runs every check phase; returns the number of mismatches over both
/// ranks (the same on each). Throws ibodp::error for a failed call.
[[nodiscard]] std::size_t run_checks(const session &s, const mpi_options &opt);

} // namespace ibodp::mpi
