// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace ibodp
{

/// The library's set-up error: every failed verbs or system call during
/// discovery, registration or connection set-up is reported as an
/// ibodp::error that names the call and carries its errno. The data path
/// reports through result values instead and never throws.
class error : public std::system_error
{
public:
	error(std::string_view call, int errnum, std::string_view detail = {});

	/// The failed call, for example "ibv_open_device".
	[[nodiscard]] const std::string &call() const noexcept { return call_; }
	/// The errno value of the failure.
	[[nodiscard]] int errnum() const noexcept { return code().value(); }

private:
	std::string call_;
};

} // namespace ibodp
