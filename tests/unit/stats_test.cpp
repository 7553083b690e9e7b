// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "output.hpp"
#include "stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace
{

using ibodp::tools::summarize;

TEST(Stats, EmptyIsAllZero)
{
	const auto s = summarize({});
	EXPECT_EQ(s.count, 0U);
	EXPECT_EQ(s.p99, 0.0);
}

TEST(Stats, OneToHundred)
{
	std::vector<double> v;
	for (int i = 100; i >= 1; --i) // unsorted on purpose
		v.push_back(i);
	const auto s = summarize(v);
	EXPECT_EQ(s.count, 100U);
	EXPECT_DOUBLE_EQ(s.min, 1);
	EXPECT_DOUBLE_EQ(s.max, 100);
	EXPECT_DOUBLE_EQ(s.mean, 50.5);
	EXPECT_NEAR(s.stdev, 29.011491975882016, 1e-12);
	EXPECT_DOUBLE_EQ(s.p50, 50.5);
	EXPECT_DOUBLE_EQ(s.p90, 90.1);
	EXPECT_DOUBLE_EQ(s.p99, 99.01);
	EXPECT_DOUBLE_EQ(s.p999, 99.901);
}

TEST(Stats, NoSampleIsDropped)
{
	std::vector<double> v(999, 1.0);
	v.push_back(1e6); // one huge outlier must move max, mean and p99.9
	const auto s = summarize(v);
	EXPECT_EQ(s.count, 1000U);
	EXPECT_DOUBLE_EQ(s.max, 1e6);
	EXPECT_GT(s.mean, 1000.0);
	EXPECT_GT(s.p999, 1.0);
	EXPECT_DOUBLE_EQ(s.p99, 1.0);
}

TEST(Json, EscapesAndNumbers)
{
	ibodp::tools::json_object j;
	j.add("name", "a\"b\\c\n")
	        .add("n", 3)
	        .add("x", 0.5)
	        .add("ok", true)
	        .add("bad", std::nan(""));
	EXPECT_EQ(j.str(), R"({"name": "a\"b\\c\n", "n": 3, "x": 0.5, "ok": true, "bad": null})");
}

} // namespace
