// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_stream: cold streaming throughput. RDMA WRITEs of -s bytes fill a
// freshly mapped (never touched) region of --region bytes, so every page
// is touched first by the NIC. Pinned memory pays for its registration
// (counted in the time), ODP pays page faults, and --prefetch asks for the
// whole region up front (counted too). --random N writes only N messages at
// distinct random places instead (a sparse access pattern). --flush ends
// each pass with one RDMA FLUSH to persistence over the whole region,
// timed apart (the write-then-flush of a persistence-minded client).
// --touch has the CPU write every page of the region before it is
// registered (outside the time): memory the process has touched, which
// ODP fault-around can mirror ahead. Runs in one process (loopback).

#include "output.hpp"
#include "stats.hpp"
#include "tool_options.hpp"

#include "ibodp/memory.hpp"
#include "ibodp/rc_loopback.hpp"
#include "ibodp/verbs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
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

struct pass_result {
	double seconds = 0;
	double flush_seconds = 0; ///< --flush only
	std::size_t mismatched_messages = 0;
	std::size_t bytes = 0;
};

// One RDMA FLUSH to persistence of @p length bytes at @p dst (rxe writes
// the CPU caches back over it); returns its seconds. A long single
// operation: say it is under way.
double flush_region(ibodp::rc_loopback &pair, const ibodp::memory_region &dst_mr,
                    unsigned char *dst, std::size_t length, std::uint64_t wr_id)
{
	std::fprintf(stderr, "ibodp_stream: flushing %zu bytes\n", length);
	const auto t0 = std::chrono::steady_clock::now();
	if (int rc = pair.req.post_flush(dst_mr.remote(dst), length, IBV_FLUSH_PERSISTENT,
	                                 IBV_FLUSH_RANGE, wr_id))
		throw ibodp::error("post_flush", rc);
	const auto c = pair.req_cq.wait(240s);
	if (!c)
		throw ibodp::error("wait", c.error(),
		                   "the flush did not complete: " + c.why_none());
	if (!c->ok())
		throw ibodp::error("RDMA FLUSH", EIO, c->status_name());
	const double seconds =
	        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	std::fprintf(stderr, "ibodp_stream: flushed in %.2f s\n", seconds);
	return seconds;
}

// One pass: map, register (and prefetch), stream, (flush,) verify. @p
// order lists the message slots to write, in order.
pass_result one_pass(ibodp::rc_loopback &pair, const ibodp::memory_region &src_mr,
                     unsigned char *src, const ibodp::tools::tool_options &opt, std::size_t region,
                     const std::vector<std::size_t> &order, bool flush, bool touch)
{
	const auto fresh = ibodp::mapping::anonymous(region);
	auto *dst = reinterpret_cast<unsigned char *>(fresh.data());
	if (touch)
		std::memset(dst, 0xa5, region);
	const std::size_t messages = order.size();
	const auto len = static_cast<std::uint32_t>(opt.size);
	const auto t0 = std::chrono::steady_clock::now();
	const auto dst_mr = ibodp::memory_region::covering(
	        pair.pd, dst, region, flush ? mr_access | IBV_ACCESS_FLUSH_PERSISTENT : mr_access,
	        opt.mr);
	if (opt.prefetch) {
		// A long synchronous call: say it is under way (a test kills the
		// process inside it).
		std::fprintf(stderr, "ibodp_stream: prefetching %zu bytes\n", region);
		if (int rc = dst_mr.prefetch(dst, region, ibodp::prefetch_mode::write, true))
			throw ibodp::prefetch_error(rc, dst_mr);
		std::fprintf(stderr, "ibodp_stream: prefetched\n");
	}
	std::size_t posted = 0;
	std::size_t done = 0;
	while (done < messages) {
		while (posted < messages && posted - done < max_outstanding) {
			// Each message gets its own pattern slot in the source.
			const std::size_t slot = posted % max_outstanding;
			if (int rc = pair.req.post_write(
			            src_mr.sge(src + slot * opt.size, len),
			            dst_mr.remote(dst + order[posted] * opt.size), posted))
				throw ibodp::error("post_write", rc);
			++posted;
		}
		const auto c = pair.req_cq.wait(30s);
		if (!c)
			throw ibodp::error("wait", c.error(), "stream stalled: " + c.why_none());
		if (!c->ok())
			throw ibodp::error("RDMA WRITE", EIO, c->status_name());
		++done;
	}
	const auto t1 = std::chrono::steady_clock::now();
	pass_result r{.seconds = std::chrono::duration<double>(t1 - t0).count(),
	              .bytes = messages * opt.size};
	if (flush)
		r.flush_seconds = flush_region(pair, dst_mr, dst, region, messages);
	for (std::size_t m = 0; m < messages; ++m) {
		const unsigned char *got = dst + order[m] * opt.size;
		const std::size_t slot = m % max_outstanding;
		if (std::memcmp(got, src + slot * opt.size, opt.size) != 0)
			++r.mismatched_messages;
	}
	return r;
}

struct stream_options {
	ibodp::tools::tool_options common{.size = 64 * 1024, .iterations = 3};
	std::size_t region = 64ULL << 20;
	std::size_t random_messages = 0; ///< 0: every slot in order
	bool flush = false;
	bool touch = false;
};

ibodp::tools::option_parser make_parser(stream_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_stream", "[options]",
	        "Throughput of RDMA WRITEs of -s bytes over a freshly mapped region of\n"
	        "--region bytes, registration (and prefetch) included; in one process.",
	        "Exit status: 0 ok, 1 error or data mismatch, 2 usage.");
	add_tool_options(parser, opt.common,
	                 opt_device | opt_gid | opt_size | opt_iterations | opt_mr | opt_prefetch |
	                         opt_output,
	                 {.iterations = "passes, each over a new region"});
	parser.add({"region", 0, "BYTES",
	            "bytes of fresh memory per pass (default " + format_size(opt.region) + ")",
	            set_size(opt.region, 1, std::size_t{1} << 40)});
	parser.add({"random", 0, "N",
	            "write only N messages at distinct random places\n(default: every slot "
	            "in order)",
	            set_count(opt.random_messages, 1, std::size_t{1} << 32)});
	parser.add({"touch", 0, "",
	            "the CPU writes every page of each region before it is\nregistered "
	            "(not timed): touched memory instead of fresh",
	            set_flag(opt.touch)});
	parser.add({"flush", 0, "",
	            "end each pass with one RDMA FLUSH to persistence over the\nwhole "
	            "region, timed apart",
	            set_flag(opt.flush)});
	parser.check([&opt]() -> std::optional<std::string> {
		if (opt.region < opt.common.size || opt.region % opt.common.size != 0)
			return "--region must be a multiple of -s";
		if (opt.flush && opt.region > UINT32_MAX)
			return "--flush: a FLUSH covers at most 4 GiB - 1 (--region)";
		return std::nullopt;
	});
	return parser;
}

void write_results(const stream_options &opt, const std::vector<double> &mbps,
                   const std::vector<double> &flush_seconds, std::size_t messages,
                   std::size_t mismatches)
{
	const auto &c = opt.common;
	const auto s = ibodp::tools::summarize(mbps);
	const auto f = ibodp::tools::summarize(flush_seconds);
	std::printf("ibodp_stream: %s%s, %zu %s %zu-byte writes over %zu MiB %s memory, "
	            "%zu passes\n",
	            ibodp::to_string(c.mr), c.prefetch ? " + prefetch" : "", messages,
	            opt.random_messages != 0 ? "random" : "sequential", c.size, opt.region >> 20,
	            opt.touch ? "touched" : "fresh", mbps.size());
	std::printf(" throughput [MB/s]: p50 %.1f, min %.1f, max %.1f; mismatched messages %zu\n",
	            s.p50, s.min, s.max, mismatches);
	if (opt.flush)
		std::printf(" flush of the region [s]: p50 %.3f, min %.3f, max %.3f\n", f.p50,
		            f.min, f.max);
	auto json = ibodp::tools::json_object()
	                    .add("tool", "ibodp_stream")
	                    .add("mr", ibodp::to_string(c.mr))
	                    .add("prefetch", c.prefetch)
	                    .add("size", static_cast<std::uint64_t>(c.size))
	                    .add("region", static_cast<std::uint64_t>(opt.region))
	                    .add("messages", static_cast<std::uint64_t>(messages))
	                    .add("random", opt.random_messages != 0)
	                    .add("touched", opt.touch)
	                    .add("mbps_p50", s.p50)
	                    .add("mbps_min", s.min)
	                    .add("mbps_max", s.max)
	                    .add("mismatches", static_cast<std::uint64_t>(mismatches));
	if (opt.flush)
		json.add("flush_s_p50", f.p50).add("flush_s_max", f.max);
	if (!c.json_file.empty())
		ibodp::tools::write_file(c.json_file, json.str() + "\n");
	if (!c.csv_file.empty()) {
		std::string csv = "pass,mb_per_s\n";
		for (std::size_t i = 0; i < mbps.size(); ++i)
			csv += std::to_string(i) + "," + std::to_string(mbps[i]) + "\n";
		ibodp::tools::write_file(c.csv_file, csv);
	}
}

// Every pass over a new region; returns the number of mismatched messages.
std::size_t run(const stream_options &opt)
{
	const auto &c = opt.common;
	ibodp::rc_loopback pair(c.device, c.gid_index,
	                        opt.flush ? IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_FLUSH : 0);
	std::vector<unsigned char> src_data(max_outstanding * c.size);
	for (std::size_t slot = 0; slot < max_outstanding; ++slot)
		ibodp::byte_pattern(slot).fill(src_data.data() + slot * c.size, c.size);
	ibodp::memory_region src_mr(pair.pd, src_data.data(), src_data.size(), mr_access,
	                            ibodp::mr_kind::pinned);
	std::vector<std::size_t> order(opt.region / c.size);
	std::iota(order.begin(), order.end(), std::size_t{0});
	if (opt.random_messages != 0) {
		std::mt19937_64 rng(42);
		std::shuffle(order.begin(), order.end(), rng);
		order.resize(std::min(opt.random_messages, order.size()));
	}
	std::vector<double> mbps;
	std::vector<double> flush_seconds;
	std::size_t mismatches = 0;
	for (std::size_t p = 0; p < c.iterations; ++p) {
		const auto r = one_pass(pair, src_mr, src_data.data(), c, opt.region, order,
		                        opt.flush, opt.touch);
		mbps.push_back(static_cast<double>(r.bytes) / r.seconds / 1e6);
		flush_seconds.push_back(r.flush_seconds);
		mismatches += r.mismatched_messages;
	}
	write_results(opt, mbps, flush_seconds, order.size(), mismatches);
	return mismatches;
}

} // namespace

int main(int argc, char **argv)
{
	stream_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		return run(opt) == 0 ? 0 : 1;
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_stream: %s\n", e.what());
		return 1;
	}
}
