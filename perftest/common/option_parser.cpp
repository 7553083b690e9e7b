// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "option_parser.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace ibodp::tools
{

namespace
{

// Option names in the help are padded to this column.
constexpr std::size_t help_column = 25;

template <typename T> std::optional<T> parse_number(std::string_view text)
{
	T value{};
	const char *end = text.data() + text.size();
	auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc() || ptr != end)
		return std::nullopt;
	return value;
}

// "  -s, --size=BYTES" then the help, its later lines indented alike.
std::string help_entry(std::string names, const std::string &help)
{
	std::string out;
	std::size_t start = 0;
	while (start <= help.size()) {
		const std::size_t nl = help.find('\n', start);
		const std::string line =
		        help.substr(start, nl == std::string::npos ? nl : nl - start);
		if (names.size() + 1 > help_column) {
			out += names + "\n";
			names.clear();
		}
		names.resize(help_column, ' ');
		out += names + line + "\n";
		names.clear();
		if (nl == std::string::npos)
			break;
		start = nl + 1;
	}
	return out;
}

} // namespace

option_parser::option_parser(std::string tool, std::string synopsis, std::string description,
                             std::string epilogue)
    : tool_(std::move(tool)), synopsis_(std::move(synopsis)), description_(std::move(description)),
      epilogue_(std::move(epilogue))
{
}

option_parser &option_parser::add(option_spec spec)
{
	options_.push_back(std::move(spec));
	return *this;
}

option_parser &option_parser::positional(std::string name, std::string help, std::size_t max,
                                         option_handler handler)
{
	positional_name_ = std::move(name);
	positional_help_ = std::move(help);
	positional_max_ = max;
	positional_handler_ = std::move(handler);
	return *this;
}

option_parser &option_parser::check(std::function<std::optional<std::string>()> rule)
{
	rules_.push_back(std::move(rule));
	return *this;
}

const option_spec *option_parser::find(std::string_view name) const
{
	for (const auto &spec : options_) {
		if (name.starts_with("--") ? name.substr(2) == spec.long_name
		                           : name.size() == 2 && name[1] == spec.short_name &&
		                                     spec.short_name != 0)
			return &spec;
	}
	return nullptr;
}

std::optional<usage_error> option_parser::parse(const std::vector<std::string> &args) const
{
	help_ = false;
	std::size_t positionals = 0;
	for (std::size_t i = 0; i < args.size(); ++i) {
		const std::string &arg = args[i];
		if (arg == "-h" || arg == "--help") {
			help_ = true;
			continue;
		}
		if (arg.size() < 2 || arg[0] != '-') {
			if (positionals == positional_max_)
				return usage_error{"unexpected argument " + arg};
			++positionals;
			if (auto why = positional_handler_(arg))
				return usage_error{positional_name_ + ": " + *why};
			continue;
		}
		std::string name = arg;
		std::optional<std::string> value;
		if (const auto eq = arg.find('=');
		    arg.starts_with("--") && eq != std::string::npos) {
			name = arg.substr(0, eq);
			value = arg.substr(eq + 1);
		}
		const option_spec *spec = find(name);
		if (spec == nullptr)
			return usage_error{"unknown option " + name};
		if (spec->value_name.empty()) {
			if (value)
				return usage_error{name + ": takes no value"};
			value = "";
		} else if (!value) {
			if (i + 1 == args.size())
				return usage_error{name + ": needs a value (" + spec->value_name +
				                   ")"};
			value = args[++i];
		}
		if (auto why = spec->handler(*value))
			return usage_error{name + ": " + *why};
	}
	if (help_)
		return std::nullopt;
	for (const auto &rule : rules_) {
		if (auto why = rule())
			return usage_error{*why};
	}
	return std::nullopt;
}

std::string option_parser::usage() const
{
	std::string out = "Usage: " + tool_ + " " + synopsis_ + "\n";
	if (!description_.empty())
		out += description_ + "\n";
	out += "\nOptions:\n";
	for (const auto &spec : options_) {
		std::string names = spec.short_name != 0
		                            ? std::string("  -") + spec.short_name + ", "
		                            : std::string(6, ' ');
		names += "--" + spec.long_name;
		if (!spec.value_name.empty())
			names += "=" + spec.value_name;
		out += help_entry(names, spec.help);
	}
	out += help_entry("  -h, --help", "this text");
	if (positional_max_ != 0)
		out += help_entry("  " + positional_name_, positional_help_);
	if (!epilogue_.empty())
		out += "\n" + epilogue_ + "\n";
	return out;
}

std::optional<int> parse_command_line(const option_parser &parser, int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	if (auto err = parser.parse(args)) {
		std::fprintf(stderr, "%s: %s\n%s", parser.tool().c_str(), err->message.c_str(),
		             parser.usage().c_str());
		return 2;
	}
	if (parser.help_requested()) {
		std::fputs(parser.usage().c_str(), stdout);
		return 0;
	}
	return std::nullopt;
}

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

std::string format_size(std::size_t bytes)
{
	for (const auto &[shift, suffix] : {std::pair{30U, "G"}, {20U, "M"}, {10U, "K"}}) {
		const std::size_t unit = std::size_t{1} << shift;
		if (bytes != 0 && bytes % unit == 0)
			return std::to_string(bytes / unit) + suffix;
	}
	return std::to_string(bytes);
}

option_handler set_flag(bool &target, bool value)
{
	return [&target, value](std::string_view) -> std::optional<std::string> {
		target = value;
		return std::nullopt;
	};
}

option_handler set_string(std::string &target)
{
	return [&target](std::string_view value) -> std::optional<std::string> {
		if (value.empty())
			return "needs a non-empty value";
		target = value;
		return std::nullopt;
	};
}

option_handler set_size(std::size_t &target, std::size_t min, std::size_t max)
{
	return [&target, min, max](std::string_view value) -> std::optional<std::string> {
		const auto n = parse_size(value);
		if (!n || *n < min || *n > max)
			return "needs a size in bytes (suffix K, M or G allowed) from " +
			       format_size(min) + " to " + format_size(max);
		target = *n;
		return std::nullopt;
	};
}

option_handler set_count(std::size_t &target, std::size_t min, std::size_t max)
{
	return [&target, min, max](std::string_view value) -> std::optional<std::string> {
		const auto n = parse_number<std::size_t>(value);
		if (!n || *n < min || *n > max)
			return "needs a whole number from " + std::to_string(min) + " to " +
			       std::to_string(max);
		target = *n;
		return std::nullopt;
	};
}

option_handler set_seconds(double &target, double scale)
{
	return [&target, scale](std::string_view value) -> std::optional<std::string> {
		const auto n = parse_number<double>(value);
		if (!n || !(*n > 0))
			return "needs a number greater than 0";
		target = *n * scale;
		return std::nullopt;
	};
}

} // namespace ibodp::tools
