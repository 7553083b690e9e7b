// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// The unit tests run where there is no RDMA device (the build host): the
// library must say so clearly, naming the device, instead of crashing.
#include "ibodp/device.hpp"
#include "ibodp/verbs.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace
{

constexpr const char *missing = "ibodp_no_such_device";

TEST(NoDevice, OpeningAMissingDeviceNamesIt)
{
	try {
		static_cast<void>(ibodp::context::open(missing));
		FAIL() << "opened a device that does not exist";
	} catch (const ibodp::error &e) {
		EXPECT_EQ(e.errnum(), ENODEV);
		EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
	}
}

TEST(NoDevice, FindingAMissingDeviceNamesIt)
{
	try {
		static_cast<void>(ibodp::find_device(missing));
		FAIL() << "found a device that does not exist";
	} catch (const ibodp::error &e) {
		EXPECT_EQ(e.errnum(), ENODEV);
		EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
	}
}

} // namespace
