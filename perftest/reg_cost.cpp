// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_reg_cost: what registering memory costs, pinned vs ODP vs implicit
// ODP, for sizes from 4 KiB to 64 GiB of sparse (never touched) memory:
// ibv_reg_mr and ibv_dereg_mr time, and the memory the registration takes
// (MemAvailable before minus after, which includes pinned pages). Runs in
// one process; sizes above --max-pinned are not pinned.

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
#include <vector>

namespace
{

using ibodp::mr_kind;

constexpr int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

struct row {
	mr_kind kind;
	std::size_t size;
	std::string error; ///< empty when registration worked
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
	row r{kind, size, {}, {}, {}, 0};
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
	r.dereg_us = ibodp::tools::summarize(dereg);
	r.mem_kib = ibodp::tools::summarize(mem).p50;
	return r;
}

void usage(std::FILE *out)
{
	std::fprintf(out,
	             "Usage: ibodp_reg_cost [-d DEV] [-n REPS] [--mr KIND] [--max-size SIZE]\n"
	             "                      [--max-pinned SIZE] [--json FILE] [--csv FILE]\n"
	             "Registration time and memory of sparse regions of 4 KiB .. --max-size\n"
	             "(default 64G, powers of 16), pinned, ODP and implicit ODP (or only --mr).\n"
	             "  -n REPS             registrations per size (default 5)\n"
	             "  --max-pinned SIZE   largest size to pin (default 256M)\n"
	             "Other options as the other tools:\n%s",
	             ibodp::tools::tool_options_usage().c_str());
}

} // namespace

int main(int argc, char **argv)
{
	std::vector<std::string> rest;
	std::size_t max_size = 64ULL << 30;
	std::size_t max_pinned = 256ULL << 20;
	bool only_kind = false;
	for (int i = 1; i < argc; ++i) {
		const std::string arg = argv[i];
		if ((arg == "--max-size" || arg == "--max-pinned") && i + 1 < argc) {
			const auto size = ibodp::tools::parse_size(argv[++i]);
			if (!size || *size == 0) {
				std::fprintf(stderr,
				             "ibodp_reg_cost: %s: needs a size in bytes "
				             "(suffix K, M or G allowed), at least 1\n",
				             arg.c_str());
				return 2;
			}
			(arg == "--max-size" ? max_size : max_pinned) = *size;
			continue;
		}
		only_kind |= arg.starts_with("--mr");
		rest.push_back(arg);
	}
	auto parsed = ibodp::tools::parse_tool_options(rest, {.iterations = 5});
	if (auto *err = std::get_if<ibodp::tools::usage_error>(&parsed)) {
		std::fprintf(stderr, "ibodp_reg_cost: %s\n", err->message.c_str());
		usage(stderr);
		return 2;
	}
	auto opt = std::get<ibodp::tools::tool_options>(parsed);
	if (opt.help) {
		usage(stdout);
		return 0;
	}
	const std::size_t reps = std::min<std::size_t>(opt.iterations, 100);
	std::vector<mr_kind> kinds{mr_kind::pinned, mr_kind::odp, mr_kind::implicit_odp};
	if (only_kind)
		kinds = {opt.mr};
	try {
		auto ctx = ibodp::context::open(opt.device);
		ibodp::protection_domain pd(ctx);
		std::vector<row> rows;
		for (std::size_t size = 4096; size <= max_size; size *= 16) {
			void *addr = mmap(nullptr, size, PROT_READ | PROT_WRITE,
			                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (addr == MAP_FAILED)
				throw ibodp::error("mmap", errno, human(size));
			for (mr_kind kind : kinds) {
				if (kind == mr_kind::implicit_odp && size != 4096)
					continue; // one implicit region covers every size
				if (kind == mr_kind::pinned && size > max_pinned) {
					rows.push_back({kind,
					                size,
					                "skipped: above --max-pinned",
					                {},
					                {},
					                0});
					continue;
				}
				std::fprintf(stderr, "%s %s...\n", ibodp::to_string(kind),
				             human(size).c_str());
				rows.push_back(measure(pd, kind, addr, size, reps));
			}
			munmap(addr, size);
		}

		std::printf("ibodp_reg_cost on %s, %zu registrations per size, median times\n",
		            opt.device.c_str(), reps);
		std::printf(" %-13s %10s %14s %14s %14s  %s\n", "kind", "size", "reg p50[us]",
		            "dereg p50[us]", "memory[KiB]", "note");
		std::vector<std::string> json_rows;
		std::string csv =
		        "kind,size_bytes,reg_p50_us,reg_mean_us,dereg_p50_us,memory_kib,error\n";
		for (const auto &r : rows) {
			const std::string size =
			        r.kind == mr_kind::implicit_odp ? "all" : human(r.size);
			std::printf(" %-13s %10s %14.1f %14.1f %14.0f  %s\n",
			            ibodp::to_string(r.kind), size.c_str(), r.reg_us.p50,
			            r.dereg_us.p50, r.mem_kib, r.error.c_str());
			json_rows.push_back(
			        ibodp::tools::json_object()
			                .add("kind", ibodp::to_string(r.kind))
			                .add("size", static_cast<std::uint64_t>(r.size))
			                .add("error", r.error)
			                .add_raw("reg", ibodp::tools::json_summary(r.reg_us))
			                .add_raw("dereg", ibodp::tools::json_summary(r.dereg_us))
			                .add("memory_kib", r.mem_kib)
			                .str());
			csv += std::string(ibodp::to_string(r.kind)) + "," +
			       std::to_string(r.size) + "," + std::to_string(r.reg_us.p50) + "," +
			       std::to_string(r.reg_us.mean) + "," +
			       std::to_string(r.dereg_us.p50) + "," + std::to_string(r.mem_kib) +
			       ",\"" + r.error + "\"\n";
		}
		ibodp::tools::write_row_results(opt, "ibodp_reg_cost", json_rows, csv);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_reg_cost: %s\n", e.what());
		return 1;
	}
	return 0;
}
