// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_reg_cost: what registering memory costs, pinned vs ODP vs implicit
// ODP, for sizes from 4 KiB to 64 GiB of sparse (never touched) memory:
// ibv_reg_mr and ibv_dereg_mr time, and the memory the registration takes
// (MemAvailable before minus after, which includes pinned pages). Runs in
// one process; sizes above --max-pinned are not pinned.

#include "kernel_state.hpp"
#include "output.hpp"
#include "stats.hpp"
#include "tool_options.hpp"

#include "ibodp/verbs.hpp"

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace
{

using ibodp::mr_kind;

constexpr int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

struct row {
	mr_kind kind;
	std::size_t size;
	std::string error;                  ///< empty when registration worked
	std::vector<double> reg_samples_us; ///< every registration, in order
	ibodp::tools::summary reg_us;
	ibodp::tools::summary dereg_us;
	double mem_kib = 0; ///< median MemAvailable drop while registered
};

std::string human(std::size_t bytes)
{
	const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	while (bytes >= 1024 && bytes % 1024 == 0 && u < 4) {
		bytes /= 1024;
		++u;
	}
	return std::to_string(bytes) + " " + units[u];
}

// Registers [addr, addr + size) @p reps times.
row measure(const ibodp::protection_domain &pd, mr_kind kind, void *addr, std::size_t size,
            std::size_t reps)
{
	row r{kind, size, {}, {}, {}, {}, 0};
	std::vector<double> reg;
	std::vector<double> dereg;
	std::vector<double> mem;
	for (std::size_t i = 0; i < reps; ++i) {
		const long long before = ibodp::tools::mem_available_kib();
		const auto t0 = std::chrono::steady_clock::now();
		std::optional<ibodp::memory_region> mr;
		try {
			if (kind == mr_kind::implicit_odp)
				mr.emplace(pd, nullptr, SIZE_MAX, access, kind);
			else
				mr.emplace(pd, addr, size, access, kind);
		} catch (const ibodp::error &e) {
			r.error = e.code().message() + " (" + std::to_string(e.errnum()) + ")";
			return r;
		}
		const auto t1 = std::chrono::steady_clock::now();
		mem.push_back(static_cast<double>(before - ibodp::tools::mem_available_kib()));
		mr.reset();
		const auto t2 = std::chrono::steady_clock::now();
		// Pinning allocated the pages: free them, so every repetition
		// registers fresh sparse memory.
		if (kind == mr_kind::pinned)
			madvise(addr, size, MADV_DONTNEED);
		reg.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
		dereg.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
	}
	r.reg_us = ibodp::tools::summarize(reg);
	r.reg_samples_us = std::move(reg);
	r.dereg_us = ibodp::tools::summarize(dereg);
	r.mem_kib = ibodp::tools::summarize(mem).p50;
	return r;
}

struct reg_cost_options {
	ibodp::tools::tool_options common{.iterations = 5};
	std::size_t max_size = 64ULL << 30;
	std::size_t max_pinned = 256ULL << 20;
};

ibodp::tools::option_parser make_parser(reg_cost_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_reg_cost", "[options]",
	        "Registration time and memory of sparse regions of 4 KiB .. --max-size\n"
	        "(powers of 16), pinned, ODP and implicit ODP (or only the one of --mr).",
	        "Exit status: 0 ok, 1 error, 2 usage.");
	add_tool_options(parser, opt.common, opt_device | opt_iterations | opt_mr | opt_output,
	                 {.iterations = "registrations per size, at most 100",
	                  .mr = "only this kind: pinned, odp or implicit\n(default: all three)"});
	parser.add({"max-size", 0, "BYTES",
	            "largest region (default " + format_size(opt.max_size) + ")",
	            set_size(opt.max_size, 4096, std::size_t{1} << 50)});
	parser.add({"max-pinned", 0, "BYTES",
	            "largest region to pin (default " + format_size(opt.max_pinned) + ")",
	            set_size(opt.max_pinned, 1, std::size_t{1} << 50)});
	parser.check([&opt]() -> std::optional<std::string> {
		if (opt.common.iterations > 100)
			return "-n: at most 100 registrations per size";
		return std::nullopt;
	});
	return parser;
}

std::vector<row> measure_all(const reg_cost_options &opt)
{
	const auto &c = opt.common;
	std::vector<mr_kind> kinds{mr_kind::pinned, mr_kind::odp, mr_kind::implicit_odp};
	if (c.mr_given)
		kinds = {c.mr};
	auto ctx = ibodp::context::open(c.device);
	ibodp::protection_domain pd(ctx);
	std::vector<row> rows;
	for (std::size_t size = 4096; size <= opt.max_size; size *= 16) {
		void *addr = mmap(nullptr, size, PROT_READ | PROT_WRITE,
		                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (addr == MAP_FAILED)
			throw ibodp::error("mmap", errno, human(size));
		for (mr_kind kind : kinds) {
			if (kind == mr_kind::implicit_odp && size != 4096)
				continue; // one implicit region covers every size
			if (kind == mr_kind::pinned && size > opt.max_pinned) {
				rows.push_back(
				        {kind, size, "skipped: above --max-pinned", {}, {}, 0});
				continue;
			}
			std::fprintf(stderr, "%s %s...\n", ibodp::to_string(kind),
			             human(size).c_str());
			rows.push_back(measure(pd, kind, addr, size, c.iterations));
		}
		munmap(addr, size);
	}
	return rows;
}

void write_results(const reg_cost_options &opt, const std::vector<row> &rows)
{
	std::printf("ibodp_reg_cost on %s, %zu registrations per size, median times\n",
	            opt.common.device.c_str(), opt.common.iterations);
	std::printf(" %-13s %10s %14s %14s %14s  %s\n", "kind", "size", "reg p50[us]",
	            "dereg p50[us]", "memory[KiB]", "note");
	std::vector<std::string> json_rows;
	std::string csv = "kind,size_bytes,reg_p50_us,reg_mean_us,dereg_p50_us,memory_kib,error\n";
	for (const auto &r : rows) {
		const std::string size = r.kind == mr_kind::implicit_odp ? "all" : human(r.size);
		std::printf(" %-13s %10s %14.1f %14.1f %14.0f  %s\n", ibodp::to_string(r.kind),
		            size.c_str(), r.reg_us.p50, r.dereg_us.p50, r.mem_kib, r.error.c_str());
		json_rows.push_back(
		        ibodp::tools::json_object()
		                .add("kind", ibodp::to_string(r.kind))
		                .add("size", static_cast<std::uint64_t>(r.size))
		                .add("error", r.error)
		                .add_raw("reg", ibodp::tools::json_summary(r.reg_us))
		                .add_raw("reg_samples_us",
		                         ibodp::tools::json_numbers(r.reg_samples_us))
		                .add_raw("dereg", ibodp::tools::json_summary(r.dereg_us))
		                .add("memory_kib", r.mem_kib)
		                .str());
		csv += std::string(ibodp::to_string(r.kind)) + "," + std::to_string(r.size) + "," +
		       std::to_string(r.reg_us.p50) + "," + std::to_string(r.reg_us.mean) + "," +
		       std::to_string(r.dereg_us.p50) + "," + std::to_string(r.mem_kib) + ",\"" +
		       r.error + "\"\n";
	}
	ibodp::tools::write_row_results(opt.common, "ibodp_reg_cost", json_rows, csv);
}

} // namespace

int main(int argc, char **argv)
{
	reg_cost_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		write_results(opt, measure_all(opt));
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_reg_cost: %s\n", e.what());
		return 1;
	}
	return 0;
}
