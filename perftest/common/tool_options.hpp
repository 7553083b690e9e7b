// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Command-line options shared by the perftest-style tools, with
// linux-rdma perftest's spelling: -d DEV, -x GID_INDEX, -s SIZE, -n ITERS,
// -p PORT, server without a host argument, client with the server's host.
// A tool adds the groups it uses to its option_parser, then its own.

#include "option_parser.hpp"

#include "ibodp/verbs.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
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
	bool mr_given = false; ///< --mr was on the command line
	bool prefetch = false;
	std::string json_file{}; ///< --json FILE
	std::string csv_file{};  ///< --csv FILE

	[[nodiscard]] bool is_server() const { return host.empty() && !loopback; }
};

/// The shared options, in groups; a tool takes the groups it uses.
enum tool_option_group : unsigned {
	opt_device = 1U << 0,     ///< -d
	opt_gid = 1U << 1,        ///< -x
	opt_size = 1U << 2,       ///< -s
	opt_iterations = 1U << 3, ///< -n
	opt_connection = 1U << 4, ///< -p, --loopback, HOST
	opt_mr = 1U << 5,         ///< --mr
	opt_prefetch = 1U << 6,   ///< --prefetch
	opt_output = 1U << 7,     ///< --json, --csv
	opt_all = (1U << 8) - 1,
};

/// What a tool's -s, -n and --mr mean, for its help; an empty text keeps
/// the usual one.
struct tool_option_help {
	std::string size = "message size";
	std::string iterations = "iterations";
	std::string mr{};
};

/// Adds the options of @p groups to @p parser, storing into @p opt, and a
/// check for their contradictions (--loopback with a host, --prefetch on
/// pinned memory). The help gives @p opt's values at this
/// call as the defaults, so a tool sets its own defaults first.
void add_tool_options(option_parser &parser, tool_options &opt, unsigned groups,
                      const tool_option_help &help = {});

/// Parses @p args (without the program name) over @p defaults with every
/// shared option (for tests and tools with no options of their own).
[[nodiscard]] std::variant<tool_options, usage_error>
parse_tool_options(const std::vector<std::string> &args, const tool_options &defaults = {});

} // namespace ibodp::tools
