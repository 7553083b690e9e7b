// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// What every part of ibodp_soak shares: its options, the slot buffers,
// the payload format and the counters.

#include "output.hpp"
#include "tool_options.hpp"

#include "ibodp/connection.hpp"
#include "ibodp/memory.hpp"
#include "ibodp/rc_loopback.hpp"
#include "ibodp/registered_buffer.hpp"
#include "ibodp/verbs.hpp"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ibodp::soak
{

using namespace std::chrono_literals;

constexpr int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
                       IBV_ACCESS_REMOTE_ATOMIC;
constexpr std::size_t huge_page = 2 << 20;
constexpr std::size_t page = 4096;
constexpr auto completion_timeout = 20s;

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

struct soak_options {
	ibodp::tools::tool_options common{.size = 64 * 1024};
	double seconds = 60;
	std::size_t slots = 256;
	bool churn = true;
};

// A payload is its seed (8 bytes) followed by that seed's byte pattern,
// so a receiver can check it without being told which it is.
inline void fill(std::byte *p, std::size_t n, std::uint64_t seed)
{
	std::memcpy(p, &seed, sizeof(seed));
	ibodp::byte_pattern(seed).fill(p + sizeof(seed), n - sizeof(seed), sizeof(seed));
}

[[nodiscard]] inline bool check(const std::byte *p, std::size_t n)
{
	std::uint64_t seed = 0;
	std::memcpy(&seed, p, sizeof(seed));
	return ibodp::byte_pattern(seed).matches(p + sizeof(seed), n - sizeof(seed), sizeof(seed));
}

// Slots of anonymous memory (2 MiB aligned, for THP) with their locks and
// the MR through which the device reaches them.
class slot_buffer
{
public:
	slot_buffer(const ibodp::protection_domain &pd, std::size_t slots, std::size_t slot_size,
	            ibodp::mr_kind kind)
	    : slot_size_(slot_size), memory_(pd, slots * slot_size, access, kind, huge_page),
	      locks_(slots)
	{
	}

	[[nodiscard]] std::byte *slot(std::size_t i) const { return data() + i * slot_size_; }
	[[nodiscard]] std::mutex &lock(std::size_t i) { return locks_[i]; }
	[[nodiscard]] std::size_t slots() const { return locks_.size(); }
	[[nodiscard]] std::size_t slot_size() const { return slot_size_; }
	[[nodiscard]] std::byte *data() const { return memory_.data(); }
	[[nodiscard]] std::size_t length() const { return slots() * slot_size_; }
	[[nodiscard]] const ibodp::memory_region &mr() const { return memory_.mr(); }

private:
	std::size_t slot_size_;
	ibodp::registered_buffer memory_;
	std::vector<std::mutex> locks_;
};

// Counters of one run, by name; what the server reports travels in the
// library's wire format for counters.
using tally = ibodp::wire_counters;
// The server's churn counts in its report: "churn.fork=12".
constexpr std::string_view churn_prefix = "churn.";

inline std::string tally_json(const tally &t)
{
	ibodp::tools::json_object o;
	for (const auto &[name, n] : t)
		o.add(name, n);
	return o.str();
}

inline std::uint64_t total(const tally &t)
{
	std::uint64_t n = 0;
	for (const auto &[name, v] : t)
		n += v;
	return n;
}

} // namespace ibodp::soak
