// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// What the tools and tests read from the kernel: MemAvailable, /proc/vmstat
// and ib_odp's debugfs files. The one place in C++ that names the debugfs path (the
// shell's is tools/lib/odp_debugfs.sh).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ibodp::tools
{

/// ib_odp's debugfs directory of @p device ("/sys/kernel/debug/ib_odp/DEV").
[[nodiscard]] std::string odp_debugfs_dir(const std::string &device);

/// MemAvailable from /proc/meminfo, in KiB (0 if unreadable).
[[nodiscard]] long long mem_available_kib();

/// The counter @p name of /proc/vmstat (e.g. "pgfault": every page fault
/// the kernel handled, the CPU's and a device's through hmm_range_fault
/// alike), if it is there.
[[nodiscard]] std::optional<long long> vmstat_counter(const std::string &name);

/// The ib_odp counters of @p device, if its debugfs file exists (ours).
[[nodiscard]] std::optional<std::map<std::string, long long>>
odp_counters(const std::string &device);

/// The lines of @p device's regions file without its '#' header, one per
/// live ODP region, if the file exists (ours).
[[nodiscard]] std::optional<std::vector<std::string>> odp_region_lines(const std::string &device);

} // namespace ibodp::tools
