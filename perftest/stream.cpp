// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_stream: cold streaming throughput. RDMA WRITEs of -s bytes fill a
// freshly mapped (never touched) region of --region bytes, so every page
// is touched first by the NIC. Pinned memory pays for its registration
// (counted in the time), ODP pays page faults, and --prefetch asks for the
// whole region up front (counted too). --random N writes only N messages at
// distinct random places instead (a sparse access pattern). Runs in one
// process (loopback).

#include "output.hpp"
#include "stats.hpp"
#include "tool_options.hpp"

#include "ibodp/verbs.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace
{

using namespace std::chrono_literals;

constexpr int mr_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
constexpr std::size_t max_outstanding = 16;

unsigned char pattern(std::size_t msg, std::size_t i)
{
	return static_cast<unsigned char>(msg * 31 + i * 7);
}

struct pass_result {
	double seconds = 0;
	std::size_t mismatched_messages = 0;
	std::size_t bytes = 0;
};

// One pass: map, register (and prefetch), stream, verify. @p order lists
// the message slots to write, in order.
pass_result one_pass(ibodp::rc_loopback &pair, const ibodp::memory_region &src_mr,
                     unsigned char *src, const ibodp::tools::tool_options &opt, std::size_t region,
                     const std::vector<std::size_t> &order)
{
	auto *dst = static_cast<unsigned char *>(
	        mmap(nullptr, region, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	if (dst == MAP_FAILED)
		throw ibodp::error("mmap", errno);
	const std::size_t messages = order.size();
	const auto len = static_cast<std::uint32_t>(opt.size);
	const auto t0 = std::chrono::steady_clock::now();
	std::optional<ibodp::memory_region> dst_mr;
	dst_mr.emplace(ibodp::memory_region::covering(pair.pd, dst, region, mr_access, opt.mr));
	if (opt.prefetch) {
		if (int rc = dst_mr->prefetch(dst, region, ibodp::prefetch_mode::write, true))
			throw ibodp::prefetch_error(rc, *dst_mr);
	}
	std::size_t posted = 0;
	std::size_t done = 0;
	while (done < messages) {
		while (posted < messages && posted - done < max_outstanding) {
			// Each message gets its own pattern slot in the source.
			const std::size_t slot = posted % max_outstanding;
			if (int rc = pair.req.post_write(
			            src_mr.sge(src + slot * opt.size, len),
			            dst_mr->remote(dst + order[posted] * opt.size), posted))
				throw ibodp::error("post_write", rc);
			++posted;
		}
		const auto c = pair.req_cq.wait(30s);
		if (!c)
			throw ibodp::error("wait", ETIMEDOUT, "stream stalled");
		if (!c->ok())
			throw ibodp::error("RDMA WRITE", EIO, c->status_name());
		++done;
	}
	const auto t1 = std::chrono::steady_clock::now();
	pass_result r{std::chrono::duration<double>(t1 - t0).count(), 0, messages * opt.size};
	for (std::size_t m = 0; m < messages; ++m) {
		const unsigned char *got = dst + order[m] * opt.size;
		const std::size_t slot = m % max_outstanding;
		if (std::memcmp(got, src + slot * opt.size, opt.size) != 0)
			++r.mismatched_messages;
	}
	dst_mr.reset();
	munmap(dst, region);
	return r;
}

void usage(std::FILE *out)
{
	std::fprintf(out,
	             "Usage: ibodp_stream [--region BYTES] [-s BYTES] [-n PASSES] [--mr KIND]\n"
	             "                    [--prefetch] [-d DEV] [--json FILE] [--csv FILE]\n"
	             "Throughput of RDMA WRITEs of -s bytes (default 64K) over a freshly mapped\n"
	             "region of --region bytes (default 64M), registration included.\n"
	             "  -n PASSES   passes, each over a new region (default 3)\n%s",
	             ibodp::tools::tool_options_usage().c_str());
}

} // namespace

int main(int argc, char **argv)
{
	std::vector<std::string> rest;
	std::size_t region = 64ULL << 20;
	std::size_t random_messages = 0;
	for (int i = 1; i < argc; ++i) {
		const std::string arg = argv[i];
		if (arg == "--random" && i + 1 < argc) {
			random_messages = std::strtoull(argv[++i], nullptr, 10);
			if (random_messages == 0) {
				std::fprintf(
				        stderr,
				        "ibodp_stream: --random needs a count of at least 1\n");
				return 2;
			}
			continue;
		}
		if (arg == "--region" && i + 1 < argc) {
			const auto size = ibodp::tools::parse_size(argv[++i]);
			if (!size || *size == 0) {
				std::fprintf(stderr,
				             "ibodp_stream: --region: needs a size in bytes "
				             "(suffix K, M or G allowed), at least 1\n");
				return 2;
			}
			region = *size;
			continue;
		}
		rest.push_back(arg);
	}
	auto parsed = ibodp::tools::parse_tool_options(rest, {.size = 64 * 1024, .iterations = 3});
	if (auto *err = std::get_if<ibodp::tools::usage_error>(&parsed)) {
		std::fprintf(stderr, "ibodp_stream: %s\n", err->message.c_str());
		usage(stderr);
		return 2;
	}
	auto opt = std::get<ibodp::tools::tool_options>(parsed);
	if (opt.help) {
		usage(stdout);
		return 0;
	}
	const std::size_t passes = opt.iterations;
	if (region < opt.size || region % opt.size != 0) {
		std::fprintf(stderr, "ibodp_stream: --region must be a multiple of -s\n");
		return 2;
	}
	try {
		ibodp::rc_loopback pair(opt.device, opt.gid_index);
		std::vector<unsigned char> src_data(max_outstanding * opt.size);
		for (std::size_t i = 0; i < src_data.size(); ++i)
			src_data[i] = pattern(i / opt.size, i);
		ibodp::memory_region src_mr(pair.pd, src_data.data(), src_data.size(), mr_access,
		                            ibodp::mr_kind::pinned);
		std::vector<std::size_t> order(region / opt.size);
		std::iota(order.begin(), order.end(), std::size_t{0});
		if (random_messages != 0) {
			std::mt19937_64 rng(42);
			std::shuffle(order.begin(), order.end(), rng);
			order.resize(std::min(random_messages, order.size()));
		}
		std::vector<double> mbps;
		std::size_t mismatches = 0;
		for (std::size_t p = 0; p < passes; ++p) {
			const auto r = one_pass(pair, src_mr, src_data.data(), opt, region, order);
			mbps.push_back(static_cast<double>(r.bytes) / r.seconds / 1e6);
			mismatches += r.mismatched_messages;
		}
		const auto s = ibodp::tools::summarize(mbps);
		std::printf("ibodp_stream: %s%s, %zu %s %zu-byte writes over %zu MiB fresh memory, "
		            "%zu passes\n",
		            ibodp::to_string(opt.mr), opt.prefetch ? " + prefetch" : "",
		            order.size(), random_messages != 0 ? "random" : "sequential", opt.size,
		            region >> 20, passes);
		std::printf(" throughput [MB/s]: p50 %.1f, min %.1f, max %.1f; mismatched messages "
		            "%zu\n",
		            s.p50, s.min, s.max, mismatches);
		if (!opt.json_file.empty())
			ibodp::tools::write_file(
			        opt.json_file,
			        ibodp::tools::json_object()
			                        .add("tool", "ibodp_stream")
			                        .add("mr", ibodp::to_string(opt.mr))
			                        .add("prefetch", opt.prefetch)
			                        .add("size", static_cast<std::uint64_t>(opt.size))
			                        .add("region", static_cast<std::uint64_t>(region))
			                        .add("messages",
			                             static_cast<std::uint64_t>(order.size()))
			                        .add("random", random_messages != 0)
			                        .add("mbps_p50", s.p50)
			                        .add("mbps_min", s.min)
			                        .add("mbps_max", s.max)
			                        .add("mismatches",
			                             static_cast<std::uint64_t>(mismatches))
			                        .str() +
			                "\n");
		if (!opt.csv_file.empty()) {
			std::string csv = "pass,mb_per_s\n";
			for (std::size_t i = 0; i < mbps.size(); ++i)
				csv += std::to_string(i) + "," + std::to_string(mbps[i]) + "\n";
			ibodp::tools::write_file(opt.csv_file, csv);
		}
		return mismatches == 0 ? 0 : 1;
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_stream: %s\n", e.what());
		return 1;
	}
}
