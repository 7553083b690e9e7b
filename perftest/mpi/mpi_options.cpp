// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "mpi_options.hpp"

#include "option_parser.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace ibodp::mpi
{

namespace
{

// Eager (below UCX_RNDV_THRESH=8k) and rendezvous sizes, odd ones too.
const std::vector<std::size_t> check_sizes{8, 100, 4096, 8192, 65536, 1 << 20, 16 << 20};
const std::vector<std::size_t> bench_sizes{8, 64, 512, 4096, 65536, 512 << 10, 4 << 20};

std::string join(const std::vector<std::size_t> &sizes)
{
	std::string out;
	for (std::size_t s : sizes)
		out += (out.empty() ? "" : ",") + tools::format_size(s);
	return out;
}

tools::option_handler set_sizes(std::vector<std::size_t> &target)
{
	return [&target](std::string_view value) -> std::optional<std::string> {
		std::vector<std::size_t> sizes;
		while (!value.empty()) {
			const auto comma = value.find(',');
			const auto size = tools::parse_size(value.substr(0, comma));
			if (!size || *size < 8 || *size > (std::size_t{64} << 20))
				return "needs sizes from 8 to 64M, comma-separated";
			sizes.push_back(*size);
			value = comma == std::string_view::npos ? std::string_view{}
			                                        : value.substr(comma + 1);
		}
		if (sizes.empty())
			return "needs at least one size";
		target = std::move(sizes);
		return std::nullopt;
	};
}

tools::option_parser make_parser(mpi_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_mpi", "[options]  (under mpirun -np 2)",
	        "MPI on ODP memory, two ranks. Without --bench: point-to-point (blocking and\n"
	        "non-blocking, eager and rendezvous sizes), collectives (allreduce, alltoall,\n"
	        "bcast) and one-sided (put, get, accumulate, fetch-and-op in fence and lock\n"
	        "epochs), every byte checked, buffers at --offset inside a page and dropped\n"
	        "(MADV_DONTNEED) between iterations so that the transfers fault. With --bench:\n"
	        "ping-pong latency and bandwidth per size, warm buffers and cold ones (dropped\n"
	        "before each round trip). UCX registers the buffers on demand when run with\n"
	        "UCX_REG_NONBLOCK_MEM_TYPES=host (docs/mpi.md).",
	        "Exit status: 0 when every check passed (or the benchmark ran), 1 for a data\n"
	        "mismatch or a failed MPI or system call, 2 for bad options.");
	add_tool_options(parser, opt.common, opt_device | opt_output);
	parser.add(
	        {"iters", 'n', "N",
	         "iterations per size (default 3; with --bench 100 round trips\nper size and mode)",
	         set_count(opt.iterations, 1, 1U << 24)});
	parser.add({"bench", 0, "", "measure ping-pong latency instead of checking data",
	            set_flag(opt.bench)});
	parser.add({"sizes", 's', "LIST",
	            "message sizes, comma-separated, K/M suffixes, 8 to 64M\n(default " +
	                    join(check_sizes) + "; with --bench " + join(bench_sizes) + ")",
	            set_sizes(opt.sizes)});
	parser.add({"offset", 0, "BYTES",
	            "offset of every buffer inside its first page, a multiple\nof 8 below 4096 "
	            "(default " +
	                    std::to_string(opt.offset) + ")",
	            set_count(opt.offset, 0, 4088)});
	parser.add({"die-after", 0, "N",
	            "rank 1 kills itself (SIGKILL) in round trip N of --bench,\nwith its reply "
	            "in flight (a peer dying mid-transfer)",
	            set_count(opt.die_after, 1, 1U << 24)});
	parser.check([&opt]() -> std::optional<std::string> {
		if (opt.offset % 8 != 0)
			return "--offset: a multiple of 8 (the checks accumulate 64-bit words)";
		if (opt.die_after != 0 && !opt.bench)
			return "--die-after needs --bench";
		return std::nullopt;
	});
	return parser;
}

} // namespace

std::optional<int> parse_mpi_options(int argc, char **argv, mpi_options &opt)
{
	const auto parser = make_parser(opt);
	return tools::parse_command_line(parser, argc, argv);
}

std::vector<std::size_t> mpi_options::message_sizes() const
{
	if (!sizes.empty())
		return sizes;
	return bench ? bench_sizes : check_sizes;
}

std::size_t mpi_options::largest() const
{
	const auto all = message_sizes();
	return *std::max_element(all.begin(), all.end());
}

} // namespace ibodp::mpi
