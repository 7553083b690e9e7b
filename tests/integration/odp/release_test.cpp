// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// A verbs object that cannot be released is reported, not dropped: a PD
// destroyed while an MR still uses it (EBUSY from the kernel).

#include "fixture.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace ibodp::test
{
namespace
{

TEST(Release, PdDestroyedBeforeItsMrIsReported)
{
	auto ctx = context::open(test_env::get().dev);
	std::optional<protection_domain> pd(std::in_place, ctx);
	auto buf = mapping::anonymous(page_size);
	std::optional<memory_region> mr(std::in_place, *pd, buf.data(), page_size,
	                                IBV_ACCESS_LOCAL_WRITE, mr_kind::odp);
	testing::internal::CaptureStderr();
	pd.reset(); // the wrong order: the MR still needs the PD
	const std::string said = testing::internal::GetCapturedStderr();
	EXPECT_NE(said.find("ibv_dealloc_pd failed"), std::string::npos) << said;
	EXPECT_NE(said.find("Device or resource busy"), std::string::npos) << said;
	// The PD was kept, so the MR is still released cleanly, silently.
	testing::internal::CaptureStderr();
	mr.reset();
	const std::string later = testing::internal::GetCapturedStderr();
	EXPECT_EQ(later, "");
}

} // namespace
} // namespace ibodp::test
