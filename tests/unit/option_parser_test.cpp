// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "option_parser.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace
{

using ibodp::tools::option_parser;

enum class colour { red, green };

// A tool's table: a flag, a size, a count, a choice, a string and HOST.
struct example {
	bool verbose = false;
	std::size_t region = 1 << 20;
	std::size_t count = 3;
	colour shade = colour::red;
	std::string name;
	std::string host;
	option_parser parser{"ibodp_example", "[options] [HOST]", "An example.", "Exit status: 0."};

	// The handlers keep references to the members: not copyable.
	example(const example &) = delete;
	example &operator=(const example &) = delete;
	example()
	{
		using namespace ibodp::tools;
		parser.add({"verbose", 'v', "", "say more", set_flag(verbose)})
		        .add({"region", 0, "BYTES", "region size\nsecond line",
		              set_size(region, 4096, 1 << 30)})
		        .add({"count", 'c', "N", "how many", set_count(count, 1, 10)})
		        .add({"colour", 0, "C", "red or green",
		              set_choice(shade, {{"red", colour::red}, {"green", colour::green}})})
		        .add({"name", 0, "TEXT", "a name", set_string(name)})
		        .positional("HOST", "the server", 1, set_string(host))
		        .check([this]() -> std::optional<std::string> {
			        if (verbose && count > 5)
				        return "--verbose allows at most 5";
			        return std::nullopt;
		        });
	}
};

std::string error_of(example &e, const std::vector<std::string> &args)
{
	const auto err = e.parser.parse(args);
	return err ? err->message : std::string("accepted");
}

TEST(OptionParser, BothSpellingsOfAValue)
{
	for (const std::vector<std::string> &args :
	     {std::vector<std::string>{"--region", "8K", "--count", "4", "--colour", "green"},
	      {"--region=8K", "--count=4", "--colour=green"},
	      {"--region=8K", "-c", "4", "--colour", "green"}}) {
		example e;
		ASSERT_FALSE(e.parser.parse(args)) << args[0];
		EXPECT_EQ(e.region, 8192U);
		EXPECT_EQ(e.count, 4U);
		EXPECT_EQ(e.shade, colour::green);
	}
}

TEST(OptionParser, ValuesAreStored)
{
	example e;
	ASSERT_FALSE(e.parser.parse({"--region", "2M", "-c", "4", "-v", "--name=x", "server"}));
	EXPECT_EQ(e.region, 2U << 20);
	EXPECT_EQ(e.count, 4U);
	EXPECT_TRUE(e.verbose);
	EXPECT_EQ(e.name, "x");
	EXPECT_EQ(e.host, "server");
	EXPECT_FALSE(e.parser.help_requested());
}

TEST(OptionParser, BadInputNamesWhatIsWrong)
{
	example e;
	EXPECT_EQ(error_of(e, {"--bogus"}), "unknown option --bogus");
	EXPECT_EQ(error_of(e, {"--bogus=1"}), "unknown option --bogus");
	EXPECT_EQ(error_of(e, {"-q"}), "unknown option -q");
	EXPECT_EQ(error_of(e, {"--verbose=yes"}), "--verbose: takes no value");
	EXPECT_EQ(error_of(e, {"--count"}), "--count: needs a value (N)");
	EXPECT_EQ(error_of(e, {"-c", "11"}), "-c: needs a whole number from 1 to 10");
	EXPECT_EQ(error_of(e, {"--count=2x"}), "--count: needs a whole number from 1 to 10");
	EXPECT_EQ(error_of(e, {"--region=1K"}),
	          "--region: needs a size in bytes (suffix K, M or G allowed) from 4K to 1G");
	EXPECT_EQ(error_of(e, {"--colour=blue"}), "--colour: needs one of red, green");
	EXPECT_EQ(error_of(e, {"--name="}), "--name: needs a non-empty value");
	EXPECT_EQ(error_of(e, {"a", "b"}), "unexpected argument b");
}

TEST(OptionParser, ChecksRunAfterParsingButNotForHelp)
{
	example e;
	EXPECT_EQ(error_of(e, {"-c", "6", "-v"}), "--verbose allows at most 5");
	example f;
	EXPECT_EQ(error_of(f, {"-c", "6", "-v", "--help"}), "accepted");
	EXPECT_TRUE(f.parser.help_requested());
}

// The help is made from the table, so it lists every option there is.
TEST(OptionParser, HelpListsEveryOption)
{
	example e;
	const std::string usage = e.parser.usage();
	EXPECT_EQ(usage.rfind("Usage: ibodp_example [options] [HOST]\n", 0), 0U) << usage;
	for (const char *entry :
	     {"  -v, --verbose", "      --region=BYTES", "  -c, --count=N", "      --colour=C",
	      "      --name=TEXT", "  -h, --help", "  HOST", "Exit status: 0."})
		EXPECT_NE(usage.find(entry), std::string::npos) << entry << "\n" << usage;
	// A help text's later lines start in the help column.
	EXPECT_NE(usage.find("region size\n" + std::string(25, ' ') + "second line\n"),
	          std::string::npos)
	        << usage;
}

TEST(OptionParser, SizesForHelp)
{
	EXPECT_EQ(ibodp::tools::format_size(65536), "64K");
	EXPECT_EQ(ibodp::tools::format_size(64ULL << 30), "64G");
	EXPECT_EQ(ibodp::tools::format_size(4097), "4097");
	EXPECT_EQ(ibodp::tools::format_size(0), "0");
}

} // namespace
