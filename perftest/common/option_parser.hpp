// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The one command-line parser of the perftest-style tools: a table of
// options (short and long name, argument, help, handler) from which both
// parsing and the --help text come, so a tool cannot accept an option its
// help does not list. Accepts "-s 4K", "--size 4K" and "--size=4K".

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ibodp::tools
{

/// A usage error: what is wrong, for a message followed by the usage text.
struct usage_error {
	std::string message;
};

/// Stores an option's value; returns what is wrong with it ("needs ..."),
/// or nullopt when it was taken. Flags get an empty value.
using option_handler = std::function<std::optional<std::string>(std::string_view value)>;

struct option_spec {
	std::string long_name;  ///< without the leading "--"
	char short_name = 0;    ///< 0: none
	std::string value_name; ///< empty: a flag without a value
	std::string help;       ///< may span lines ('\n')
	option_handler handler;
};

class option_parser
{
public:
	/// @p synopsis follows "Usage: TOOL " in the help; @p description and
	/// @p epilogue come before and after the option list.
	option_parser(std::string tool, std::string synopsis, std::string description,
	              std::string epilogue = {});

	/// Adds an option; later ones are listed after earlier ones.
	option_parser &add(option_spec spec);
	/// Takes the arguments that are not options (at most @p max of them),
	/// listed as @p name in the help.
	option_parser &positional(std::string name, std::string help, std::size_t max,
	                          option_handler handler);

	/// Adds a check run after every argument is parsed (not for --help):
	/// it returns what is wrong with the options together, or nullopt.
	option_parser &check(std::function<std::optional<std::string>()> rule);

	/// Parses @p args (without the program name). Never exits or prints.
	[[nodiscard]] std::optional<usage_error> parse(const std::vector<std::string> &args) const;
	/// True when the last parse saw -h or --help.
	[[nodiscard]] bool help_requested() const { return help_; }
	[[nodiscard]] std::string usage() const;
	[[nodiscard]] const std::string &tool() const { return tool_; }

private:
	[[nodiscard]] const option_spec *find(std::string_view name) const;

	std::string tool_, synopsis_, description_, epilogue_;
	std::vector<option_spec> options_;
	std::string positional_name_, positional_help_;
	std::size_t positional_max_ = 0;
	option_handler positional_handler_;
	std::vector<std::function<std::optional<std::string>()>> rules_;
	mutable bool help_ = false;
};

/// Parses argv for a tool's main(): nullopt to go on; otherwise the exit
/// status (0 after printing --help to stdout, 2 after printing the error
/// and the usage to stderr).
[[nodiscard]] std::optional<int> parse_command_line(const option_parser &parser, int argc,
                                                    char **argv);

/// A size in bytes with an optional K/M/G suffix (powers of 1024), as
/// perftest's -s; nullopt if malformed or too large.
[[nodiscard]] std::optional<std::size_t> parse_size(std::string_view text);
/// A size for a help text: "64K", "4M", "4097".
[[nodiscard]] std::string format_size(std::size_t bytes);

// Handlers for the usual kinds of value.
[[nodiscard]] option_handler set_flag(bool &target, bool value = true);
[[nodiscard]] option_handler set_string(std::string &target);
/// A size (K/M/G suffixes) from @p min to @p max.
[[nodiscard]] option_handler set_size(std::size_t &target, std::size_t min, std::size_t max);
/// An unsigned integer from @p min to @p max.
[[nodiscard]] option_handler set_count(std::size_t &target, std::size_t min, std::size_t max);
/// A non-negative decimal number, scaled by @p scale (e.g. minutes to seconds).
[[nodiscard]] option_handler set_seconds(double &target, double scale = 1);

/// One of a list of names, each standing for a value.
template <typename T>
[[nodiscard]] option_handler set_choice(T &target, std::vector<std::pair<std::string, T>> names)
{
	return [&target, names](std::string_view value) -> std::optional<std::string> {
		std::string all;
		for (const auto &[name, v] : names) {
			if (name == value) {
				target = v;
				return std::nullopt;
			}
			all += (all.empty() ? "" : ", ") + name;
		}
		return "needs one of " + all;
	};
}

} // namespace ibodp::tools
