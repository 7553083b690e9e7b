// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "mpi_bench.hpp"

#include "output.hpp"
#include "stats.hpp"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ibodp::mpi
{

namespace
{

constexpr std::size_t warmup_round_trips = 2;

struct size_result {
	std::size_t size = 0;
	std::vector<double> warm_us; ///< half round trips
	std::vector<double> cold_us;
	long long warm_faults = -1; ///< ib_odp faults while measuring (-1: no counters)
	long long cold_faults = -1;
	std::size_t mismatches = 0;
};

class pingpong
{
public:
	pingpong(const session &s, const mpi_options &opt)
	    : s_(s), opt_(opt), out_(opt.largest(), opt.offset), in_(opt.largest(), opt.offset)
	{
	}

	// One round trip of @p size bytes; returns its time in microseconds
	// (rank 0) and counts a reply that is not the peer's pattern.
	double round_trip(std::size_t size, std::uint64_t seed, std::size_t trip)
	{
		const int count = static_cast<int>(size);
		const double start = MPI_Wtime();
		if (s_.rank() == 0) {
			check("MPI_Send",
			      MPI_Send(out_.data(), count, MPI_BYTE, 1, 0, MPI_COMM_WORLD));
			check("MPI_Recv", MPI_Recv(in_.data(), count, MPI_BYTE, 1, 0,
			                           MPI_COMM_WORLD, MPI_STATUS_IGNORE));
		} else {
			check("MPI_Recv", MPI_Recv(in_.data(), count, MPI_BYTE, 0, 0,
			                           MPI_COMM_WORLD, MPI_STATUS_IGNORE));
			if (trip + 1 == opt_.die_after)
				die_mid_transfer(count);
			check("MPI_Send",
			      MPI_Send(out_.data(), count, MPI_BYTE, 0, 0, MPI_COMM_WORLD));
		}
		const double us = (MPI_Wtime() - start) * 1e6;
		if (s_.rank() == 0 && !byte_pattern(seed ^ 1).matches(in_.data(), size))
			++mismatches_;
		return us;
	}

	// Both ranks fill their message with their pattern (rank r: seed ^ r);
	// cold: every page of both buffers is dropped first.
	void prepare(std::size_t size, std::uint64_t seed, bool cold)
	{
		if (cold) {
			out_.drop();
			in_.drop();
		}
		byte_pattern(seed ^ static_cast<std::uint64_t>(s_.rank())).fill(out_.data(), size);
		// Rank 1's drop must not race with rank 0's first packets.
		barrier();
	}

	[[nodiscard]] std::size_t take_mismatches() { return std::exchange(mismatches_, 0); }

private:
	// The reply starts on its way, then this rank dies (--die-after).
	[[noreturn]] void die_mid_transfer(int count)
	{
		MPI_Request req{};
		check("MPI_Isend",
		      MPI_Isend(out_.data(), count, MPI_BYTE, 0, 0, MPI_COMM_WORLD, &req));
		int done = 0;
		check("MPI_Test", MPI_Test(&req, &done, MPI_STATUS_IGNORE));
		std::fprintf(stderr,
		             "ibodp_mpi: rank 1 kills itself in round trip %zu (--die-after)\n",
		             opt_.die_after);
		std::fflush(stderr);
		std::raise(SIGKILL);
		std::abort();
	}

	const session &s_;
	const mpi_options &opt_;
	cold_buffer out_, in_;
	std::size_t mismatches_ = 0;
};

size_result measure_size(const mpi_options &opt, pingpong &pp, std::size_t size, std::size_t &trip)
{
	size_result r;
	r.size = size;
	for (bool cold : {false, true}) {
		auto &samples = cold ? r.cold_us : r.warm_us;
		const std::uint64_t seed =
		        (static_cast<std::uint64_t>(size) << 8) | (cold ? 2U : 0U);
		pp.prepare(size, seed, false);
		for (std::size_t i = 0; i < warmup_round_trips; ++i)
			(void)pp.round_trip(size, seed, trip++);
		const long long before = odp_faults_now(opt.common.device);
		for (std::size_t i = 0; i < opt.rounds(); ++i) {
			if (cold)
				pp.prepare(size, seed, true);
			samples.push_back(pp.round_trip(size, seed, trip++) / 2);
		}
		const long long after = odp_faults_now(opt.common.device);
		(cold ? r.cold_faults : r.warm_faults) =
		        before >= 0 && after >= 0 ? after - before : -1;
	}
	r.mismatches = pp.take_mismatches();
	return r;
}

// Bandwidth in MB/s of one message moved in @p us microseconds.
double mbps(std::size_t size, double us)
{
	return us > 0 ? static_cast<double>(size) / us : 0;
}

void print_row(const size_result &r)
{
	const auto w = tools::summarize(r.warm_us);
	const auto c = tools::summarize(r.cold_us);
	std::printf("%10zu %10.2f %10.2f %10.2f %10.2f %10.1f %10.1f %8lld %8lld %6zu\n", r.size,
	            w.p50, w.p99, c.p50, c.p99, mbps(r.size, w.p50), mbps(r.size, c.p50),
	            r.warm_faults, r.cold_faults, r.mismatches);
	std::fflush(stdout);
}

void write_results(const mpi_options &opt, const std::vector<size_result> &results)
{
	std::vector<std::string> rows;
	std::string csv = "size,mode,sample,latency_us\n";
	for (const auto &r : results) {
		const auto w = tools::summarize(r.warm_us);
		const auto c = tools::summarize(r.cold_us);
		tools::json_object j;
		j.add("size", static_cast<std::uint64_t>(r.size))
		        .add("offset", static_cast<std::uint64_t>(opt.offset))
		        .add_raw("warm", tools::json_summary(w))
		        .add_raw("cold", tools::json_summary(c))
		        .add("warm_mbps_p50", mbps(r.size, w.p50))
		        .add("cold_mbps_p50", mbps(r.size, c.p50))
		        .add("odp_faults_warm", static_cast<std::int64_t>(r.warm_faults))
		        .add("odp_faults_cold", static_cast<std::int64_t>(r.cold_faults))
		        .add("mismatches", static_cast<std::uint64_t>(r.mismatches))
		        .add_raw("warm_samples_us", tools::json_numbers(r.warm_us))
		        .add_raw("cold_samples_us", tools::json_numbers(r.cold_us));
		rows.push_back(j.str());
		for (const auto &[mode, samples] :
		     {std::pair{"warm", &r.warm_us}, std::pair{"cold", &r.cold_us}})
			for (std::size_t i = 0; i < samples->size(); ++i)
				csv += std::to_string(r.size) + "," + mode + "," +
				       std::to_string(i) + "," + std::to_string((*samples)[i]) +
				       "\n";
	}
	tools::write_row_results(opt.common, "ibodp_mpi", rows, csv);
}

} // namespace

std::size_t run_bench(const session &s, const mpi_options &opt)
{
	pingpong pp(s, opt);
	std::vector<size_result> results;
	std::size_t trip = 0;
	if (s.rank() == 0) {
		std::printf("ibodp_mpi --bench: ping-pong, %zu round trips per size and mode, "
		            "buffers at "
		            "offset %zu; latency = half a round trip\n",
		            opt.rounds(), opt.offset);
		std::printf("%10s %10s %10s %10s %10s %10s %10s %8s %8s %6s\n", "bytes", "warm p50",
		            "warm p99", "cold p50", "cold p99", "warm MB/s", "cold MB/s",
		            "faults w", "faults c", "bad");
		std::printf("%10s %10s %10s %10s %10s %10s %10s %8s %8s %6s\n", "", "[us]", "[us]",
		            "[us]", "[us]", "(p50)", "(p50)", "", "", "");
	}
	for (std::size_t size : opt.message_sizes()) {
		results.push_back(measure_size(opt, pp, size, trip));
		if (s.rank() == 0)
			print_row(results.back());
	}
	std::size_t mismatches = 0;
	for (const auto &r : results)
		mismatches += r.mismatches;
	unsigned long long all = mismatches;
	check("MPI_Bcast", MPI_Bcast(&all, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD));
	if (s.rank() == 0)
		write_results(opt, results);
	return static_cast<std::size_t>(all);
}

} // namespace ibodp::mpi
