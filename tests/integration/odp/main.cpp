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

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

namespace
{

// The runner (tests/ibodp_testlib/gtest_batch.py) runs many cases in one
// process: a process start costs 3 s on the debug kernel. It still needs
// to know which case a kernel log line and a hang belong to, so with
// IBODP_TEST_MARKERS=1 each case announces its start in the kernel log
// ("<binary's file name>: start Suite.Case"),
// and with IBODP_TEST_TIMEOUT=SECONDS a case that runs longer ends the
// process by SIGALRM (the runner fails that case and runs the rest anew).
class case_boundaries final : public ::testing::EmptyTestEventListener
{
public:
	// @p program: the binary's file name, which starts each mark.
	case_boundaries(std::string program, int kmsg_fd, unsigned timeout_s)
	    : marker_(std::move(program) + ": start "), kmsg_fd_(kmsg_fd), timeout_s_(timeout_s)
	{
	}
	case_boundaries(const case_boundaries &) = delete;
	case_boundaries &operator=(const case_boundaries &) = delete;
	~case_boundaries() override
	{
		if (kmsg_fd_ >= 0)
			close(kmsg_fd_);
	}

	void OnTestStart(const ::testing::TestInfo &info) override
	{
		if (kmsg_fd_ >= 0) {
			const std::string line =
			        marker_ + info.test_suite_name() + "." + info.name() + "\n";
			// A lost marker only blurs which case a log line belongs to.
			(void)!write(kmsg_fd_, line.data(), line.size());
		}
		if (timeout_s_ > 0)
			alarm(timeout_s_);
	}

	void OnTestEnd(const ::testing::TestInfo & /*info*/) override
	{
		if (timeout_s_ > 0)
			alarm(0);
	}

private:
	std::string marker_;
	int kmsg_fd_;
	unsigned timeout_s_;
};

void install_case_boundaries(const char *argv0)
{
	const char *markers = std::getenv("IBODP_TEST_MARKERS");
	const char *timeout = std::getenv("IBODP_TEST_TIMEOUT");
	int fd = -1;
	if (markers != nullptr && std::string(markers) == "1") {
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			std::cerr << "IBODP_TEST_MARKERS: cannot open /dev/kmsg\n";
	}
	const unsigned timeout_s =
	        timeout != nullptr ? static_cast<unsigned>(std::strtoul(timeout, nullptr, 10)) : 0;
	if (fd >= 0 || timeout_s > 0)
		::testing::UnitTest::GetInstance()->listeners().Append(new case_boundaries(
		        std::filesystem::path(argv0).filename().string(), fd, timeout_s));
}

} // namespace

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
	install_case_boundaries(argv[0]);
	return RUN_ALL_TESTS();
}
