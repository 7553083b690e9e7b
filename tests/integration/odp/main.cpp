// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// main() of the ODP integration tests: GoogleTest's, after one check.
//
// Every test here needs ODP memory regions. On a device without them
// (stock rxe before kernel 6.15, such as Debian 13's) none can run: the
// binary says so and exits 77, which the runner reports as UNSUPPORTED
// with this reason. (A GTEST_SKIP() in a global environment would do it
// per test, but GoogleTest 1.15 counts such tests as passed.) That stock
// refuses ODP is tested on its own (harness/stock_without_odp.sh).
#include "fixture.hpp"

#include "ibodp/device.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <iostream>

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	if (!GTEST_FLAG_GET(list_tests)) {
		const std::string &dev = ibodp::test::test_env::get().dev;
		try {
			if (!ibodp::find_device(dev).odp.supported) {
				std::cout << "unsupported: " << dev
				          << " has no ODP (no ODP_SUPPORT in its caps)\n";
				return 77;
			}
		} catch (const std::exception &e) {
			std::cerr << "cannot read the capabilities of " << dev << ": " << e.what()
			          << '\n';
			return 1;
		}
	}
	return RUN_ALL_TESTS();
}
