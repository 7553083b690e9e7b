// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ibodp::tools
{

double percentile(const std::vector<double> &sorted, double q)
{
	const double rank = q * static_cast<double>(sorted.size() - 1);
	const auto lower = static_cast<std::size_t>(std::floor(rank));
	const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
	const double fraction = rank - static_cast<double>(lower);
	return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

summary summarize(std::vector<double> samples)
{
	summary s;
	if (samples.empty())
		return s;
	std::sort(samples.begin(), samples.end());
	s.count = samples.size();
	s.min = samples.front();
	s.max = samples.back();
	const double n = static_cast<double>(s.count);
	s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
	if (s.count > 1) {
		double squares = 0;
		for (double v : samples)
			squares += (v - s.mean) * (v - s.mean);
		s.stdev = std::sqrt(squares / (n - 1));
	}
	s.p50 = percentile(samples, 0.50);
	s.p90 = percentile(samples, 0.90);
	s.p99 = percentile(samples, 0.99);
	s.p999 = percentile(samples, 0.999);
	return s;
}

} // namespace ibodp::tools
