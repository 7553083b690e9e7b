// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Result files of the tools: a small JSON writer and CSV rows.

#include "stats.hpp"
#include "tool_options.hpp"

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ibodp::tools
{

/// Builds one JSON object, member by member; nested objects and arrays
/// are added as already-rendered JSON text.
class json_object
{
public:
	json_object &add(std::string_view key, std::string_view text);
	json_object &add(std::string_view key, const char *text)
	{
		return add(key, std::string_view(text));
	}
	json_object &add(std::string_view key, double value);
	json_object &add(std::string_view key, std::int64_t value);
	json_object &add(std::string_view key, std::uint64_t value);
	json_object &add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
	json_object &add(std::string_view key, bool value);
	json_object &add_raw(std::string_view key, std::string_view json);
	[[nodiscard]] std::string str() const { return "{" + body_ + "}"; }

private:
	void key(std::string_view name);
	std::string body_;
};

/// @p text as a JSON string literal.
[[nodiscard]] std::string json_string(std::string_view text);
/// A summary as a JSON object, times in microseconds.
[[nodiscard]] std::string json_summary(const summary &s);
/// A JSON array of rendered elements.
[[nodiscard]] std::string json_array(const std::vector<std::string> &elements);
/// A JSON array of numbers (samples, for the comparison's bootstrap).
[[nodiscard]] std::string json_numbers(const std::vector<double> &values);

/// Writes @p content to @p path; throws ibodp::error naming the path.
void write_file(const std::string &path, const std::string &content);

/// Writes what --json and --csv asked for: {"tool", "device", "rows"} and
/// @p csv as it is.
void write_row_results(const tool_options &opt, std::string_view tool,
                       const std::vector<std::string> &json_rows, const std::string &csv);

} // namespace ibodp::tools
