// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "kernel_state.hpp"

#include <fstream>

namespace ibodp::tools
{

std::string odp_debugfs_dir(const std::string &device)
{
	return "/sys/kernel/debug/ib_odp/" + device;
}

long long mem_available_kib()
{
	std::ifstream in("/proc/meminfo");
	std::string key;
	long long value = 0;
	std::string unit;
	while (in >> key >> value >> unit) {
		if (key == "MemAvailable:")
			return value;
	}
	return 0;
}

std::optional<long long> vmstat_counter(const std::string &name)
{
	std::ifstream in("/proc/vmstat");
	std::string key;
	long long value = 0;
	while (in >> key >> value) {
		if (key == name)
			return value;
	}
	return std::nullopt;
}

std::optional<std::map<std::string, long long>> odp_counters(const std::string &device)
{
	std::ifstream in(odp_debugfs_dir(device) + "/counters");
	if (!in)
		return std::nullopt;
	std::map<std::string, long long> counters;
	std::string name;
	long long value = 0;
	while (in >> name >> value)
		counters[name] = value;
	return counters;
}

std::optional<std::vector<std::string>> odp_region_lines(const std::string &device)
{
	std::ifstream in(odp_debugfs_dir(device) + "/regions");
	if (!in)
		return std::nullopt;
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);) {
		if (!line.empty() && line[0] != '#')
			lines.push_back(line);
	}
	return lines;
}

} // namespace ibodp::tools
