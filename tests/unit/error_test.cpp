// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace
{

TEST(Error, CarriesCallAndErrno)
{
	const ibodp::error err("ibv_reg_mr", EINVAL);
	EXPECT_EQ(err.call(), "ibv_reg_mr");
	EXPECT_EQ(err.errnum(), EINVAL);
	EXPECT_EQ(err.code(), std::errc::invalid_argument);
}

TEST(Error, MessageNamesCallDetailAndReason)
{
	const ibodp::error err("ibv_open_device", ENODEV, "rxe0");
	const std::string what = err.what();
	EXPECT_NE(what.find("ibv_open_device"), std::string::npos) << what;
	EXPECT_NE(what.find("rxe0"), std::string::npos) << what;
	EXPECT_NE(what.find("No such device"), std::string::npos) << what;
}

TEST(Error, IsASystemError)
{
	try {
		throw ibodp::error("ibv_alloc_pd", ENOMEM);
	} catch (const std::system_error &e) {
		EXPECT_EQ(e.code().value(), ENOMEM);
		return;
	}
	FAIL() << "ibodp::error was not caught as std::system_error";
}

} // namespace
