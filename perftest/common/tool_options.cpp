// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "tool_options.hpp"

#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

namespace ibodp::tools
{

namespace
{

template <typename T> std::optional<T> parse_number(std::string_view text)
{
	T value{};
	const char *end = text.data() + text.size();
	auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc() || ptr != end)
		return std::nullopt;
	return value;
}

std::optional<mr_kind> parse_kind(std::string_view text)
{
	if (text == "pinned")
		return mr_kind::pinned;
	if (text == "odp")
		return mr_kind::odp;
	if (text == "implicit")
		return mr_kind::implicit_odp;
	return std::nullopt;
}

} // namespace

std::optional<std::size_t> parse_size(std::string_view text)
{
	std::size_t value = 0;
	const char *end = text.data() + text.size();
	auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc() || ptr == text.data())
		return std::nullopt;
	unsigned shift = 0;
	if (ptr != end) {
		if (ptr + 1 != end)
			return std::nullopt;
		switch (*ptr) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		default:
			return std::nullopt;
		}
	}
	if (value > (std::numeric_limits<std::size_t>::max() >> shift))
		return std::nullopt;
	return value << shift;
}

std::variant<tool_options, usage_error> parse_tool_options(const std::vector<std::string> &args,
                                                           const tool_options &defaults)
{
	tool_options opt = defaults;
	for (std::size_t i = 0; i < args.size(); ++i) {
		const std::string &arg = args[i];
		// Options with a value take it from the next argument or after '='.
		std::string name = arg;
		std::optional<std::string> value;
		if (const auto eq = arg.find('=');
		    arg.starts_with("--") && eq != std::string::npos) {
			name = arg.substr(0, eq);
			value = arg.substr(eq + 1);
		}
		auto take = [&]() -> std::optional<std::string> {
			if (value)
				return value;
			if (i + 1 < args.size())
				return args[++i];
			return std::nullopt;
		};
		auto bad = [&](const std::string &why) { return usage_error{name + ": " + why}; };

		if (name == "-h" || name == "--help") {
			opt.help = true;
		} else if (name == "-d" || name == "--ib-dev") {
			const auto v = take();
			if (!v || v->empty())
				return bad("needs a device name");
			opt.device = *v;
		} else if (name == "-x" || name == "--gid-index") {
			const auto v = take();
			const auto n = v ? parse_number<int>(*v) : std::nullopt;
			if (!n || *n < 0 || *n > 255)
				return bad("needs a GID index from 0 to 255");
			opt.gid_index = *n;
		} else if (name == "-s" || name == "--size") {
			const auto v = take();
			const auto n = v ? parse_size(*v) : std::nullopt;
			if (!n || *n == 0)
				return bad("needs a size in bytes (suffix K, M or G allowed), at "
				           "least 1");
			opt.size = *n;
		} else if (name == "-n" || name == "--iters") {
			const auto v = take();
			const auto n = v ? parse_number<std::size_t>(*v) : std::nullopt;
			if (!n || *n == 0)
				return bad("needs a number of iterations, at least 1");
			opt.iterations = *n;
		} else if (name == "-p" || name == "--port") {
			const auto v = take();
			const auto n = v ? parse_number<unsigned>(*v) : std::nullopt;
			if (!n || *n == 0 || *n > 65535)
				return bad("needs a TCP port from 1 to 65535");
			opt.port = static_cast<std::uint16_t>(*n);
		} else if (name == "--mr") {
			const auto v = take();
			const auto k = v ? parse_kind(*v) : std::nullopt;
			if (!k)
				return bad("needs pinned, odp or implicit");
			opt.mr = *k;
		} else if (name == "--prefetch") {
			opt.prefetch = true;
		} else if (name == "--loopback") {
			opt.loopback = true;
		} else if (name == "--json" || name == "--csv") {
			const auto v = take();
			if (!v || v->empty())
				return bad("needs a file name");
			(name == "--json" ? opt.json_file : opt.csv_file) = *v;
		} else if (!arg.empty() && arg[0] == '-') {
			return usage_error{"unknown option " + arg};
		} else if (opt.host.empty()) {
			opt.host = arg;
		} else {
			return usage_error{"unexpected argument " + arg};
		}
	}
	if (opt.loopback && !opt.host.empty())
		return usage_error{"--loopback takes no server host"};
	if (opt.prefetch && opt.mr == mr_kind::pinned)
		return usage_error{"--prefetch needs --mr odp or implicit"};
	return opt;
}

std::string tool_options_usage()
{
	return "  -d, --ib-dev=DEV       RDMA device (default rxe0)\n"
	       "  -x, --gid-index=N      GID index (default 1)\n"
	       "  -s, --size=BYTES       message size, K/M/G suffixes (default 4096)\n"
	       "  -n, --iters=N          iterations (default 1000)\n"
	       "  -p, --port=PORT        TCP port of the set-up exchange (default 18515)\n"
	       "      --loopback         client and server in this process\n"
	       "      --mr=KIND          pinned, odp or implicit (default odp)\n"
	       "      --prefetch         prefetch ODP memory before measuring\n"
	       "      --json=FILE        write results as JSON\n"
	       "      --csv=FILE         write results as CSV\n"
	       "  -h, --help             this text\n"
	       "  HOST                   run as client of the server on HOST\n";
}

} // namespace ibodp::tools
