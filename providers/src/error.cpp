// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/error.hpp"

namespace ibodp
{

namespace
{

std::string describe(std::string_view call, std::string_view detail)
{
	std::string what(call);
	if (!detail.empty()) {
		what += " (";
		what += detail;
		what += ')';
	}
	return what;
}

} // namespace

error::error(std::string_view call, int errnum, std::string_view detail)
    : std::system_error(errnum, std::generic_category(), describe(call, detail)), call_(call)
{
}

} // namespace ibodp
