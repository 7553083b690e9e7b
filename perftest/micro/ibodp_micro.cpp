// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// Google Benchmark microbenchmarks of the host-independent parts of the
// library and tools: capability decoding, the MR policy, the set-up wire
// format and the latency statistics the tools compute per run.

#include "stats.hpp"

#include "ibodp/connection.hpp"
#include "ibodp/device.hpp"
#include "ibodp/policy.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <vector>

namespace
{

void decode_caps(benchmark::State &state)
{
	for (auto _ : state) {
		auto caps = ibodp::decode_odp_caps(IBV_ODP_SUPPORT, 0xff, 0, 0x3, 0);
		benchmark::DoNotOptimize(caps);
	}
}
BENCHMARK(decode_caps);

void choose_kind(benchmark::State &state)
{
	const auto caps = ibodp::decode_odp_caps(IBV_ODP_SUPPORT, 0xff, 0, 0x3, 0);
	for (auto _ : state) {
		auto d = ibodp::choose_mr_kind(caps, IBV_QPT_RC, ibodp::op_write | ibodp::op_read);
		benchmark::DoNotOptimize(d);
	}
}
BENCHMARK(choose_kind);

void wire_round_trip(benchmark::State &state)
{
	ibodp::peer_info info;
	info.ep.qpn = 17;
	info.buffer.addr = 0x7f0000001000ULL;
	info.length = 1 << 20;
	for (auto _ : state) {
		auto back = ibodp::from_wire(ibodp::to_wire(info));
		benchmark::DoNotOptimize(back);
	}
}
BENCHMARK(wire_round_trip);

void summarize_samples(benchmark::State &state)
{
	std::mt19937_64 rng(1);
	std::lognormal_distribution<double> latency(4.0, 0.5);
	std::vector<double> samples(static_cast<std::size_t>(state.range(0)));
	for (double &s : samples)
		s = latency(rng);
	for (auto _ : state) {
		auto s = ibodp::tools::summarize(samples);
		benchmark::DoNotOptimize(s);
	}
	state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(summarize_samples)->Arg(1000)->Arg(100000);

void usage()
{
	std::printf("Usage: ibodp_micro [--benchmark_OPTION=VALUE...]\n"
	            "Microbenchmarks of the library and the tools (no RDMA device needed).\n"
	            "Exit status: 0, 2 for bad options. Google Benchmark's options:\n\n");
	benchmark::PrintDefaultHelp();
}

} // namespace

// BENCHMARK_MAIN() with the tools' contract: --help names the tool, an
// unknown option exits 2.
int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv, usage);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
