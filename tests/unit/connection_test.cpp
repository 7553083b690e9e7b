// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/connection.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace
{

ibodp::peer_info sample()
{
	ibodp::peer_info info;
	info.ep.qpn = 0x11;
	info.ep.psn = 0xabcdef;
	for (unsigned i = 0; i < 16; ++i)
		info.ep.gid.raw[i] = static_cast<std::uint8_t>(i * 17);
	info.buffer.addr = 0x7f0012345000ULL;
	info.buffer.rkey = 0x1234;
	info.length = 1ULL << 36;
	return info;
}

TEST(Wire, RoundTrip)
{
	const auto info = sample();
	const auto back = ibodp::from_wire(ibodp::to_wire(info));
	EXPECT_EQ(back.ep.qpn, info.ep.qpn);
	EXPECT_EQ(back.ep.psn, info.ep.psn);
	EXPECT_EQ(0, std::memcmp(back.ep.gid.raw, info.ep.gid.raw, 16));
	EXPECT_EQ(back.buffer.addr, info.buffer.addr);
	EXPECT_EQ(back.buffer.rkey, info.buffer.rkey);
	EXPECT_EQ(back.length, info.length);
}

void expect_rejected(const std::string &line)
{
	try {
		static_cast<void>(ibodp::from_wire(line));
		ADD_FAILURE() << "accepted: " << line;
	} catch (const ibodp::error &e) {
		EXPECT_EQ(e.errnum(), EPROTO) << line;
		EXPECT_EQ(e.call(), "from_wire");
	}
}

TEST(Wire, MalformedLinesAreRejected)
{
	const std::string good = ibodp::to_wire(sample());
	expect_rejected("");
	expect_rejected("hello");
	expect_rejected(good + " extra");
	expect_rejected("ibodp9" + good.substr(6));
	std::string bad_gid = good;
	bad_gid[20] = 'z';
	expect_rejected(bad_gid);
	expect_rejected(good.substr(0, good.size() - 3) + "x12");
}

} // namespace

namespace
{

TEST(Wire, CountersRoundTrip)
{
	const ibodp::wire_counters counters{
	        {"received", 12}, {"churn.fork", 3}, {"zero", 0}, {"big", UINT64_MAX}};
	const std::string line = ibodp::counters_to_wire(counters);
	EXPECT_EQ(line.rfind("ibodp1-counters ", 0), 0U) << line;
	EXPECT_EQ(ibodp::counters_from_wire(line), counters);
	EXPECT_EQ(ibodp::counters_from_wire("ibodp1-counters"), ibodp::wire_counters{});
}

void expect_counters_rejected(const std::string &line)
{
	try {
		static_cast<void>(ibodp::counters_from_wire(line));
		ADD_FAILURE() << "accepted: " << line;
	} catch (const ibodp::error &e) {
		EXPECT_EQ(e.errnum(), EPROTO) << line;
	}
}

TEST(Wire, MalformedCountersAreRejected)
{
	expect_counters_rejected("");
	expect_counters_rejected("received 1 mismatches 0"); // the old ad-hoc line
	expect_counters_rejected("ibodp1-countersx a=1");
	expect_counters_rejected("ibodp2-counters a=1");
	expect_counters_rejected("ibodp1-counters a");
	expect_counters_rejected("ibodp1-counters =1");
	expect_counters_rejected("ibodp1-counters a=");
	expect_counters_rejected("ibodp1-counters a=-1");
	expect_counters_rejected("ibodp1-counters a=1x");
	expect_counters_rejected("ibodp1-counters a=99999999999999999999");
	expect_counters_rejected("ibodp1-counters a=1  b=2");
	expect_counters_rejected("ibodp1-counters a=1 ");
	expect_counters_rejected("ibodp1-counters a=1 a=2");
}

TEST(Wire, CounterNamesThatCannotTravelAreRefused)
{
	for (const char *name : {"", "two words", "a=b"}) {
		try {
			static_cast<void>(ibodp::counters_to_wire({{name, 1}}));
			ADD_FAILURE() << "accepted '" << name << "'";
		} catch (const ibodp::error &e) {
			EXPECT_EQ(e.errnum(), EINVAL) << name;
		}
	}
}

} // namespace
