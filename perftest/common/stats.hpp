// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Latency statistics over every sample (none dropped), in double precision.

#include <cstddef>
#include <vector>

namespace ibodp::tools
{

struct summary {
	std::size_t count = 0;
	double min = 0;
	double max = 0;
	double mean = 0;
	double stdev = 0; ///< sample standard deviation (n - 1)
	double p50 = 0;
	double p90 = 0;
	double p99 = 0;
	double p999 = 0;
};

/// The value below which @p q (0..1) of the sorted samples lie, linearly
/// interpolated between the two nearest ranks. @p sorted must be sorted
/// and non-empty.
[[nodiscard]] double percentile(const std::vector<double> &sorted, double q);

/// Summary of @p samples; all zero for no samples.
[[nodiscard]] summary summarize(std::vector<double> samples);

} // namespace ibodp::tools
