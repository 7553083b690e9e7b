// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/error.hpp"
#include "ibodp/verbs.hpp"

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

namespace
{

// A failed poll, a timeout and "nothing yet" are three different answers.
TEST(PollResult, TellsNoneTimeoutAndFailureApart)
{
	const ibodp::poll_result none;
	EXPECT_FALSE(none);
	EXPECT_EQ(none.error(), 0);
	EXPECT_EQ(none.why_none(), "no completion");

	const auto timed_out = ibodp::poll_result::failure(ETIMEDOUT);
	EXPECT_FALSE(timed_out);
	EXPECT_EQ(timed_out.error(), ETIMEDOUT);
	EXPECT_EQ(timed_out.why_none(), "no completion in time");

	const auto failed = ibodp::poll_result::failure(EIO);
	EXPECT_FALSE(failed);
	EXPECT_EQ(failed.error(), EIO);
	EXPECT_NE(failed.why_none().find("ibv_poll_cq failed"), std::string::npos);

	const ibodp::poll_result done(
	        ibodp::completion{7, IBV_WC_SUCCESS, IBV_WC_RDMA_WRITE, 64, 1});
	ASSERT_TRUE(done);
	EXPECT_EQ(done.error(), 0);
	EXPECT_EQ(done->wr_id, 7U);
	EXPECT_TRUE((*done).ok());
}

} // namespace
