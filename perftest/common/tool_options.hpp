// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Command-line options shared by the perftest-style tools, with
// linux-rdma perftest's spelling: -d DEV, -x GID_INDEX, -s SIZE, -n ITERS,
// -p PORT, server without a host argument, client with the server's host.

#include "ibodp/verbs.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ibodp::tools
{

struct tool_options {
	std::string device = "rxe0";
	int gid_index = 1;
	std::size_t size = 4096;
	std::size_t iterations = 1000;
	std::uint16_t port = 18515;
	std::string host{};    ///< empty: server (or loopback)
	bool loopback = false; ///< --loopback: both sides in this process
	mr_kind mr = mr_kind::odp;
	bool prefetch = false;
	std::string json_file{}; ///< --json FILE
	std::string csv_file{};  ///< --csv FILE
	bool help = false;

	[[nodiscard]] bool is_server() const { return host.empty() && !loopback; }
};

/// A usage error: what is wrong, for a message followed by the usage text.
struct usage_error {
	std::string message;
};

/// A size in bytes with an optional K/M/G suffix (powers of 1024), as
/// perftest's -s; nullopt if malformed or too large.
[[nodiscard]] std::optional<std::size_t> parse_size(std::string_view text);

/// Parses @p args (without the program name) over @p defaults, which a
/// tool sets to its own default size and iterations. Never exits or prints.
[[nodiscard]] std::variant<tool_options, usage_error>
parse_tool_options(const std::vector<std::string> &args, const tool_options &defaults = {});

/// The usage text of the shared options.
[[nodiscard]] std::string tool_options_usage();

} // namespace ibodp::tools
