// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "output.hpp"

#include "ibodp/error.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>

namespace ibodp::tools
{

std::string json_string(std::string_view text)
{
	std::string out = "\"";
	for (char c : text) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		default:
			if (static_cast<unsigned char>(c) < 0x20) {
				std::array<char, 8> esc{};
				std::snprintf(esc.data(), esc.size(), "\\u%04x", c);
				out += esc.data();
			} else {
				out += c;
			}
		}
	}
	return out + "\"";
}

void json_object::key(std::string_view name)
{
	if (!body_.empty())
		body_ += ", ";
	body_ += json_string(name) + ": ";
}

json_object &json_object::add(std::string_view name, std::string_view text)
{
	key(name);
	body_ += json_string(text);
	return *this;
}

json_object &json_object::add(std::string_view name, double value)
{
	key(name);
	if (!std::isfinite(value)) {
		body_ += "null";
		return *this;
	}
	std::array<char, 32> buf{};
	std::snprintf(buf.data(), buf.size(), "%.6g", value);
	body_ += buf.data();
	return *this;
}

json_object &json_object::add(std::string_view name, std::int64_t value)
{
	key(name);
	body_ += std::to_string(value);
	return *this;
}

json_object &json_object::add(std::string_view name, std::uint64_t value)
{
	key(name);
	body_ += std::to_string(value);
	return *this;
}

json_object &json_object::add(std::string_view name, bool value)
{
	key(name);
	body_ += value ? "true" : "false";
	return *this;
}

json_object &json_object::add_raw(std::string_view name, std::string_view json)
{
	key(name);
	body_ += json;
	return *this;
}

std::string json_summary(const summary &s)
{
	return json_object()
	        .add("count", static_cast<std::uint64_t>(s.count))
	        .add("min_us", s.min)
	        .add("max_us", s.max)
	        .add("mean_us", s.mean)
	        .add("stdev_us", s.stdev)
	        .add("p50_us", s.p50)
	        .add("p90_us", s.p90)
	        .add("p99_us", s.p99)
	        .add("p99_9_us", s.p999)
	        .str();
}

std::string json_array(const std::vector<std::string> &elements)
{
	std::string out = "[";
	for (std::size_t i = 0; i < elements.size(); ++i)
		out += (i == 0 ? "" : ", ") + elements[i];
	return out + "]";
}

std::string json_numbers(const std::vector<double> &values)
{
	std::vector<std::string> elements;
	elements.reserve(values.size());
	for (double v : values)
		elements.push_back(std::to_string(v));
	return json_array(elements);
}

void write_file(const std::string &path, const std::string &content)
{
	std::ofstream out(path);
	if (!out)
		throw error("open", errno, path);
	out << content;
	if (!out)
		throw error("write", errno, path);
}

void write_row_results(const tool_options &opt, std::string_view tool,
                       const std::vector<std::string> &json_rows, const std::string &csv)
{
	if (!opt.json_file.empty())
		write_file(opt.json_file, json_object().add("tool", tool)
		                                          .add("device", opt.device)
		                                          .add_raw("rows", json_array(json_rows))
		                                          .str() +
		                                  "\n");
	if (!opt.csv_file.empty())
		write_file(opt.csv_file, csv);
}

} // namespace ibodp::tools
