// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_mpi: MPI (two ranks, Open MPI over UCX) on memory that UCX
// registers on demand: data checks of point-to-point, collective and
// one-sided operations, or (--bench) ping-pong latency warm and cold.
#include "mpi_bench.hpp"
#include "mpi_checks.hpp"

#include "ibodp/error.hpp"

#include <cstdio>

namespace
{

// A failed call on one rank ends the whole job (MPI_Abort): the other
// rank would otherwise wait for it for ever.
int run(const ibodp::mpi::session &s, const ibodp::mpi::mpi_options &opt)
{
	if (s.size() != 2) {
		std::fprintf(stderr, "ibodp_mpi: needs exactly 2 ranks, has %d\n", s.size());
		MPI_Abort(MPI_COMM_WORLD, 2);
		return 2;
	}
	try {
		const auto bad = opt.bench ? run_bench(s, opt) : run_checks(s, opt);
		if (s.rank() == 0)
			std::printf("ibodp_mpi: %zu mismatches\n", bad);
		return bad == 0 ? 0 : 1;
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_mpi: %s: %s\n", s.name().c_str(), e.what());
		MPI_Abort(MPI_COMM_WORLD, 1);
		return 1;
	}
}

} // namespace

int main(int argc, char **argv)
{
	ibodp::mpi::mpi_options opt;
	if (const auto status = ibodp::mpi::parse_mpi_options(argc, argv, opt))
		return *status;
	try {
		const ibodp::mpi::session s(argc, argv);
		return run(s, opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_mpi: %s\n", e.what());
		return 1;
	}
}
