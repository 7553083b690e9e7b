// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// ibodp_mpi's options: the shared tool options it uses (-d for the
// counters, --json, --csv) and its own.

#include "tool_options.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace ibodp::mpi
{

struct mpi_options {
	tools::tool_options common{};     ///< -d (whose ib_odp counters are read), --json, --csv
	bool bench = false;               ///< --bench: ping-pong latency; else the data checks
	std::size_t iterations = 0;       ///< -n; 0: the mode's default
	std::vector<std::size_t> sizes{}; ///< --sizes; empty: the mode's default
	std::size_t offset = 200;         ///< --offset: where buffers start inside a page
	std::size_t die_after = 0;        ///< --die-after N: rank 1 kills itself mid-transfer

	/// The message sizes of this run, in the order given.
	[[nodiscard]] std::vector<std::size_t> message_sizes() const;
	/// The largest of them: the size of each buffer.
	[[nodiscard]] std::size_t largest() const;
	/// Iterations per size: -n, or the mode's default.
	[[nodiscard]] std::size_t rounds() const
	{
		return iterations != 0 ? iterations : (bench ? 100 : 3);
	}
};

/// Parses the command line: nullopt to go on, or the exit status for main
/// (0 after --help, 2 after a usage error).
[[nodiscard]] std::optional<int> parse_mpi_options(int argc, char **argv, mpi_options &opt);

} // namespace ibodp::mpi
