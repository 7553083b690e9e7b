// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// The library's shared handle of a verbs object, with stand-in objects and
// release calls (no device needed): release order and failure reports.

#include "ibodp/verbs.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

namespace
{

using ibodp::detail::handle;

struct object {
	const char *name;
	std::vector<std::string> *released;
	int result = 0;
	int errno_value = 0;
};

int release(object *o)
{
	o->released->push_back(o->name);
	if (o->errno_value != 0)
		errno = o->errno_value;
	return o->result;
}

TEST(Handle, ParentIsReleasedAfterItsLastChild)
{
	std::vector<std::string> released;
	object parent{"parent", &released};
	object first{"first", &released};
	object second{"second", &released};
	handle<object> p(&parent, release, "release");
	handle<object> c1(&first, release, "release", p.share());
	handle<object> c2(&second, release, "release", p.share());
	p.reset();
	EXPECT_TRUE(released.empty());
	c1.reset();
	EXPECT_EQ(released, (std::vector<std::string>{"first"}));
	c2.reset();
	EXPECT_EQ(released, (std::vector<std::string>{"first", "second", "parent"}));
}

TEST(Handle, MovedHandleReleasesOnce)
{
	std::vector<std::string> released;
	object o{"o", &released};
	handle<object> a(&o, release, "release");
	handle<object> b(std::move(a));
	EXPECT_EQ(b.get(), &o);
	a.reset();
	EXPECT_TRUE(released.empty());
	b.reset();
	EXPECT_EQ(released.size(), 1U);
}

TEST(Handle, NullIsNothing)
{
	const handle<object> h(nullptr, release, "release");
	EXPECT_FALSE(h);
	EXPECT_EQ(h.share(), nullptr);
}

#ifndef IBODP_ABORT_ON_FAILED_RELEASE
// A failed release is reported with the call's name and errno (an errno
// value returned, or -1 with errno set), and errno is left as it was.
TEST(Handle, FailedReleaseIsReported)
{
	std::vector<std::string> released;
	object busy{"busy", &released, EBUSY};
	object failed{"failed", &released, -1, EIO};
	{
		handle<object> a(&busy, release, "ibv_dealloc_pd");
		handle<object> b(&failed, release, "ibv_destroy_cq");
		errno = ENOENT;
		testing::internal::CaptureStderr();
	}
	const std::string said = testing::internal::GetCapturedStderr();
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NE(said.find("ibodp: ibv_dealloc_pd failed: Device or resource busy (errno 16)"),
	          std::string::npos)
	        << said;
	EXPECT_NE(said.find("ibodp: ibv_destroy_cq failed: Input/output error (errno 5)"),
	          std::string::npos)
	        << said;
	EXPECT_EQ(released.size(), 2U);
}
#else
// Debug builds stop at a failed release, so that it is found.
TEST(HandleDeathTest, FailedReleaseAborts)
{
	EXPECT_DEATH(
	        {
		        std::vector<std::string> released;
		        object busy{"busy", &released, EBUSY};
		        handle<object> a(&busy, release, "ibv_dealloc_pd");
	        },
	        "ibv_dealloc_pd failed");
}
#endif

} // namespace
