// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "tool_options.hpp"

#include <gtest/gtest.h>

namespace
{

using ibodp::tools::parse_tool_options;
using ibodp::tools::tool_options;
using ibodp::tools::usage_error;

tool_options parsed(const std::vector<std::string> &args)
{
	auto result = parse_tool_options(args);
	if (auto *err = std::get_if<usage_error>(&result))
		ADD_FAILURE() << "rejected: " << err->message;
	return std::get<tool_options>(result);
}

std::string rejected(const std::vector<std::string> &args)
{
	auto result = parse_tool_options(args);
	if (std::holds_alternative<tool_options>(result)) {
		ADD_FAILURE() << "accepted";
		return {};
	}
	return std::get<usage_error>(result).message;
}

TEST(ToolOptions, DefaultsAreAServer)
{
	const auto opt = parsed({});
	EXPECT_EQ(opt.device, "rxe0");
	EXPECT_EQ(opt.gid_index, 1);
	EXPECT_EQ(opt.port, 18515);
	EXPECT_EQ(opt.mr, ibodp::mr_kind::odp);
	EXPECT_TRUE(opt.is_server());
}

TEST(ToolOptions, PerftestSpelling)
{
	const auto opt =
	        parsed({"-d", "rxe1", "-x", "3", "-s", "64K", "-n", "500", "-p", "19000", "--mr",
	                "pinned", "--json=out.json", "--csv", "out.csv", "192.0.2.2"});
	EXPECT_EQ(opt.device, "rxe1");
	EXPECT_EQ(opt.gid_index, 3);
	EXPECT_EQ(opt.size, 65536U);
	EXPECT_EQ(opt.iterations, 500U);
	EXPECT_EQ(opt.port, 19000);
	EXPECT_EQ(opt.mr, ibodp::mr_kind::pinned);
	EXPECT_EQ(opt.json_file, "out.json");
	EXPECT_EQ(opt.csv_file, "out.csv");
	EXPECT_EQ(opt.host, "192.0.2.2");
	EXPECT_FALSE(opt.is_server());
}

TEST(ToolOptions, SizeSuffixes)
{
	EXPECT_EQ(parsed({"-s", "2"}).size, 2U);
	EXPECT_EQ(parsed({"-s", "1m"}).size, 1U << 20);
	EXPECT_EQ(parsed({"--size=64G"}).size, 64ULL << 30);
}

TEST(ToolOptions, BadValuesNameTheOption)
{
	EXPECT_NE(rejected({"-s", "0"}).find("-s"), std::string::npos);
	EXPECT_NE(rejected({"-s", "12Q"}).find("-s"), std::string::npos);
	EXPECT_NE(rejected({"-n"}).find("-n"), std::string::npos);
	EXPECT_NE(rejected({"-p", "70000"}).find("-p"), std::string::npos);
	EXPECT_NE(rejected({"-x", "-1"}).find("-x"), std::string::npos);
	EXPECT_NE(rejected({"--mr", "pinned-ish"}).find("--mr"), std::string::npos);
	EXPECT_NE(rejected({"--bogus"}).find("unknown option --bogus"), std::string::npos);
	EXPECT_NE(rejected({"a", "b"}).find("unexpected argument b"), std::string::npos);
}

TEST(ToolOptions, ContradictionsAreRejected)
{
	EXPECT_NE(rejected({"--loopback", "host"}).find("--loopback"), std::string::npos);
	EXPECT_NE(rejected({"--mr", "pinned", "--prefetch"}).find("--prefetch"), std::string::npos);
}

TEST(ToolOptions, HelpShowsTheToolsDefaults)
{
	ibodp::tools::tool_options opt{.size = 64 * 1024, .iterations = 3};
	ibodp::tools::option_parser parser("ibodp_x", "[options]", "");
	ibodp::tools::add_tool_options(parser, opt, ibodp::tools::opt_all,
	                               {.iterations = "passes"});
	const std::string usage = parser.usage();
	EXPECT_NE(usage.find("-s, --size=BYTES"), std::string::npos) << usage;
	EXPECT_NE(usage.find("(default 64K)"), std::string::npos) << usage;
	EXPECT_NE(usage.find("passes (default 3)"), std::string::npos) << usage;
	EXPECT_NE(usage.find("--mr=KIND"), std::string::npos) << usage;
	EXPECT_NE(usage.find("HOST"), std::string::npos) << usage;
}

// A tool that takes only some groups rejects the others.
TEST(ToolOptions, GroupsLeftOutAreUnknown)
{
	ibodp::tools::tool_options opt;
	ibodp::tools::option_parser parser("ibodp_x", "[options]", "");
	ibodp::tools::add_tool_options(parser, opt, ibodp::tools::opt_device);
	EXPECT_FALSE(parser.parse({"-d", "rxe1"}));
	EXPECT_EQ(opt.device, "rxe1");
	for (const std::vector<std::string> &args :
	     {std::vector<std::string>{"-s", "4K"}, {"--prefetch"}, {"--loopback"}, {"host"}}) {
		const auto err = parser.parse(args);
		ASSERT_TRUE(err) << args[0];
		EXPECT_EQ(parser.usage().find(args[0] == "host" ? "HOST" : args[0]),
		          std::string::npos)
		        << args[0];
	}
}

TEST(ToolOptions, MrGivenIsRecorded)
{
	EXPECT_FALSE(parsed({}).mr_given);
	EXPECT_TRUE(parsed({"--mr=odp"}).mr_given);
}

} // namespace

namespace
{

TEST(ToolOptions, ParseSizeAlone)
{
	EXPECT_EQ(ibodp::tools::parse_size("16M"), std::optional<std::size_t>(16U << 20));
	EXPECT_EQ(ibodp::tools::parse_size("0"), std::optional<std::size_t>(0));
	EXPECT_FALSE(ibodp::tools::parse_size("16X"));
	EXPECT_FALSE(ibodp::tools::parse_size(""));
	EXPECT_FALSE(ibodp::tools::parse_size("99999999999999999999G"));
}

// A tool's own defaults hold unless the command line overrides them, in
// either spelling.
TEST(ToolOptions, ToolDefaultsAndOverrides)
{
	const tool_options defaults{.size = 64 * 1024, .iterations = 3};
	const auto kept = std::get<tool_options>(parse_tool_options({}, defaults));
	EXPECT_EQ(kept.size, 64U * 1024);
	EXPECT_EQ(kept.iterations, 3U);
	for (const std::vector<std::string> &args :
	     {std::vector<std::string>{"-s", "4096", "-n", "1000"},
	      std::vector<std::string>{"--size=4096", "--iters=1000"}}) {
		const auto set = std::get<tool_options>(parse_tool_options(args, defaults));
		EXPECT_EQ(set.size, 4096U);
		EXPECT_EQ(set.iterations, 1000U);
	}
}

} // namespace
