// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_inval_cost: what an ODP registration adds to munmap() and
// madvise(MADV_DONTNEED) of touched memory. Three variants of the same
// -s bytes of touched pages: no MR, an ODP MR the device has not used, and
// an ODP MR whose pages the device mirrors (prefetched). Runs in one
// process.

#include "output.hpp"
#include "stats.hpp"
#include "tool_options.hpp"

#include "ibodp/device.hpp"
#include "ibodp/verbs.hpp"

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace
{

constexpr int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

enum class variant { no_mr, odp_idle, odp_mirrored };

const char *name(variant v)
{
	switch (v) {
	case variant::no_mr:
		return "no_mr";
	case variant::odp_idle:
		return "odp_unused";
	case variant::odp_mirrored:
		return "odp_mirrored";
	}
	return "?";
}

// Microseconds of one munmap (or madvise) of @p size touched bytes.
double one_sample(const ibodp::protection_domain &pd, std::size_t size, variant v, bool unmap)
{
	void *addr =
	        mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		throw ibodp::error("mmap", errno);
	std::memset(addr, 0x5a, size);
	std::optional<ibodp::memory_region> mr;
	if (v != variant::no_mr)
		mr.emplace(pd, addr, size, access, ibodp::mr_kind::odp);
	if (v == variant::odp_mirrored) {
		if (int rc = mr->prefetch(addr, size, ibodp::prefetch_mode::read, true))
			throw ibodp::prefetch_error(rc, *mr);
	}
	const auto t0 = std::chrono::steady_clock::now();
	const int rc = unmap ? munmap(addr, size) : madvise(addr, size, MADV_DONTNEED);
	const auto t1 = std::chrono::steady_clock::now();
	if (rc != 0)
		throw ibodp::error(unmap ? "munmap" : "madvise", errno);
	mr.reset();
	if (!unmap)
		munmap(addr, size);
	return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

ibodp::tools::option_parser make_parser(ibodp::tools::tool_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_inval_cost", "[options]",
	        "Time of munmap() and madvise(MADV_DONTNEED) of -s touched bytes (rounded\n"
	        "up to pages) without an MR, under an unused ODP MR and under a mirrored\n"
	        "ODP MR.",
	        "Exit status: 0 ok, 1 error, 2 usage.");
	add_tool_options(parser, opt, opt_device | opt_size | opt_iterations | opt_output,
	                 {.size = "touched bytes", .iterations = "samples per variant"});
	return parser;
}

void run(const ibodp::tools::tool_options &opt)
{
	const std::size_t size = (opt.size + 4095) / 4096 * 4096;
	const std::size_t reps = opt.iterations;
	auto ctx = ibodp::context::open(opt.device);
	ibodp::protection_domain pd(ctx);
	// odp_mirrored fills the mirror with a prefetch; without one
	// (rdma-core 56.1 on rxe) it is reported as not measured.
	const bool prefetch = ibodp::find_device(opt.device).odp.prefetch;
	const std::string no_prefetch =
	        "not measured: no prefetch on this device to fill the mirror";
	std::printf("ibodp_inval_cost on %s: %zu touched pages, %zu samples each\n",
	            opt.device.c_str(), size / 4096, reps);
	std::printf(" %-8s %-13s %12s %12s %14s %10s\n", "call", "variant", "p50[us]", "mean[us]",
	            "p50/page[ns]", "vs no_mr");
	std::vector<std::string> json_rows;
	std::string csv = "call,variant,sample,time_us\n";
	for (bool unmap : {false, true}) {
		const char *call = unmap ? "munmap" : "madvise";
		double base = 0;
		for (variant v : {variant::no_mr, variant::odp_idle, variant::odp_mirrored}) {
			std::vector<double> samples;
			const bool measured = v != variant::odp_mirrored || prefetch;
			for (std::size_t i = 0; measured && i < reps; ++i) {
				samples.push_back(one_sample(pd, size, v, unmap));
				csv += std::string(call) + "," + name(v) + "," + std::to_string(i) +
				       "," + std::to_string(samples.back()) + "\n";
			}
			const auto s = ibodp::tools::summarize(samples);
			if (v == variant::no_mr)
				base = s.p50;
			if (measured)
				std::printf(" %-8s %-13s %12.1f %12.1f %14.1f %10.2f\n", call,
				            name(v), s.p50, s.mean,
				            s.p50 * 1000.0 / static_cast<double>(size / 4096),
				            base > 0 ? s.p50 / base : 0.0);
			else
				std::printf(" %-8s %-13s %s\n", call, name(v), no_prefetch.c_str());
			json_rows.push_back(
			        ibodp::tools::json_object()
			                .add("call", call)
			                .add("variant", name(v))
			                .add("pages", static_cast<std::uint64_t>(size / 4096))
			                .add_raw("time", ibodp::tools::json_summary(s))
			                .add("ratio_to_no_mr",
			                     measured && base > 0 ? s.p50 / base : 0.0)
			                .add("error", measured ? "" : no_prefetch)
			                .str());
		}
	}
	ibodp::tools::write_row_results(opt, "ibodp_inval_cost", json_rows, csv);
}

} // namespace

int main(int argc, char **argv)
{
	ibodp::tools::tool_options opt{.size = 4U << 20, .iterations = 20};
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		run(opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_inval_cost: %s\n", e.what());
		return 1;
	}
	return 0;
}
