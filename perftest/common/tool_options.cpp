// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "tool_options.hpp"

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ibodp::tools
{

namespace
{

// The command-line names of the kinds (--mr).
std::vector<std::pair<std::string, mr_kind>> mr_kind_names()
{
	return {{"pinned", mr_kind::pinned},
	        {"odp", mr_kind::odp},
	        {"implicit", mr_kind::implicit_odp}};
}

std::string cli_name(mr_kind kind)
{
	for (const auto &[name, k] : mr_kind_names()) {
		if (k == kind)
			return name;
	}
	return "?";
}

// A value converted to a narrower field after the range check.
template <typename T> option_handler set_narrow(T &target, std::size_t min, std::size_t max)
{
	return [&target, min, max](std::string_view value) -> std::optional<std::string> {
		std::size_t n = 0;
		if (auto why = set_count(n, min, max)(value))
			return why;
		target = static_cast<T>(n);
		return std::nullopt;
	};
}

// What the options cannot say one by one: contradictions between them.
std::optional<std::string> contradiction(const tool_options &opt)
{
	if (opt.loopback && !opt.host.empty())
		return "--loopback takes no server host";
	if (opt.prefetch && opt.mr == mr_kind::pinned)
		return "--prefetch needs --mr odp or implicit";
	return std::nullopt;
}

} // namespace

void add_tool_options(option_parser &parser, tool_options &opt, unsigned groups,
                      const tool_option_help &help)
{
	constexpr std::size_t max_size = std::numeric_limits<std::size_t>::max();
	if (groups & opt_device)
		parser.add({"ib-dev", 'd', "DEV", "RDMA device (default " + opt.device + ")",
		            set_string(opt.device)});
	if (groups & opt_gid)
		parser.add({"gid-index", 'x', "N",
		            "GID index (default " + std::to_string(opt.gid_index) + ")",
		            set_narrow(opt.gid_index, 0, 255)});
	if (groups & opt_size)
		parser.add({"size", 's', "BYTES",
		            help.size + ", K/M/G suffixes (default " + format_size(opt.size) + ")",
		            set_size(opt.size, 1, max_size)});
	if (groups & opt_iterations)
		parser.add(
		        {"iters", 'n', "N",
		         help.iterations + " (default " + std::to_string(opt.iterations) + ")",
		         set_count(opt.iterations, 1, std::numeric_limits<std::uint32_t>::max())});
	if (groups & opt_connection) {
		parser.add({"port", 'p', "PORT",
		            "TCP port of the set-up exchange (default " + std::to_string(opt.port) +
		                    ")",
		            set_narrow(opt.port, 1, 65535)});
		parser.add({"loopback", 0, "", "client and server in this process",
		            set_flag(opt.loopback)});
		parser.positional("HOST", "run as client of the server on HOST", 1,
		                  set_string(opt.host));
	}
	if (groups & opt_mr) {
		auto choose = set_choice(opt.mr, mr_kind_names());
		parser.add({"mr", 0, "KIND",
		            !help.mr.empty() ? help.mr
		                             : std::string("pinned, odp or implicit (default ") +
		                                       cli_name(opt.mr) + ")",
		            [&opt, choose](std::string_view value) {
			            opt.mr_given = true;
			            return choose(value);
		            }});
	}
	if (groups & opt_prefetch)
		parser.add({"prefetch", 0, "", "prefetch ODP memory before measuring",
		            set_flag(opt.prefetch)});
	if (groups & opt_output) {
		parser.add({"json", 0, "FILE", "write results as JSON", set_string(opt.json_file)});
		parser.add({"csv", 0, "FILE", "write results as CSV", set_string(opt.csv_file)});
	}
	parser.check([&opt] { return contradiction(opt); });
}

std::variant<tool_options, usage_error> parse_tool_options(const std::vector<std::string> &args,
                                                           const tool_options &defaults)
{
	tool_options opt = defaults;
	option_parser parser("tool", "[options]", "");
	add_tool_options(parser, opt, opt_all);
	if (auto err = parser.parse(args))
		return *err;
	return opt;
}

} // namespace ibodp::tools
