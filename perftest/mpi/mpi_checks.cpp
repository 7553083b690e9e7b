// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "mpi_checks.hpp"

#include "output.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ibodp::mpi
{

namespace
{

// Messages of each direction and phase get their own pattern, so data
// that lands in the wrong message, iteration or place does not match.
std::uint64_t seed_of(int phase, std::size_t size, std::size_t iter, int from)
{
	return (static_cast<std::uint64_t>(phase) << 56) ^ (static_cast<std::uint64_t>(size) << 8) ^
	       (static_cast<std::uint64_t>(iter) << 40) ^ static_cast<std::uint64_t>(from);
}

int as_int(std::size_t n)
{
	return static_cast<int>(n);
}

// One phase's verdict: checks and mismatches of this rank, the first
// mismatch printed with where it was.
class phase_log
{
public:
	phase_log(const session &s, const mpi_options &opt, const char *name)
	    : s_(s), opt_(opt), name_(name), before_(odp_faults_now(opt.common.device)),
	      start_(MPI_Wtime())
	{
	}

	// Compares @p length received bytes with the pattern of @p seed.
	void expect_pattern(const char *what, const std::byte *data, std::size_t length,
	                    std::uint64_t seed, std::size_t iter)
	{
		const std::size_t bad = byte_pattern(seed).first_mismatch(data, length);
		record(what, length, iter, bad == length ? std::nullopt : std::optional(bad));
	}

	// Compares 64-bit words with the expected ones.
	void expect_words(const char *what, const std::uint64_t *got,
	                  const std::vector<std::uint64_t> &want, std::size_t iter)
	{
		std::optional<std::size_t> bad;
		for (std::size_t i = 0; i < want.size() && !bad; ++i) {
			if (got[i] != want[i])
				bad = i * 8;
		}
		record(what, want.size() * 8, iter, bad);
	}

	void record(const char *what, std::size_t length, std::size_t iter,
	            std::optional<std::size_t> bad_byte)
	{
		++checks_;
		if (!bad_byte)
			return;
		if (mismatches_++ < 5)
			std::printf(
			        "MISMATCH %s: %s %s of %zu bytes, iteration %zu: first wrong byte "
			        "%zu\n",
			        s_.name().c_str(), name_, what, length, iter, *bad_byte);
		// Out before anything else: corrupt data can crash the process next.
		std::fflush(stdout);
	}

	// Sums the verdicts of both ranks; rank 0 prints the phase's line.
	[[nodiscard]] std::size_t finish()
	{
		std::array<unsigned long long, 2> mine{checks_, mismatches_}, all{};
		check("MPI_Allreduce",
		      MPI_Allreduce(mine.data(), all.data(), 2, MPI_UNSIGNED_LONG_LONG, MPI_SUM,
		                    MPI_COMM_WORLD));
		if (s_.rank() == 0) {
			const long long after = odp_faults_now(opt_.common.device);
			const std::string faults =
			        before_ >= 0 && after >= 0
			                ? "ODP faults: " + std::to_string(after - before_)
			                : std::string("ODP faults: n/a (no ib_odp counters)");
			std::printf("phase %s: %llu checks, %llu mismatches, %s (%.1f s)\n", name_,
			            all[0], all[1], faults.c_str(), MPI_Wtime() - start_);
			std::fflush(stdout);
		}
		return static_cast<std::size_t>(all[1]);
	}

private:
	const session &s_;
	const mpi_options &opt_;
	const char *name_;
	long long before_; ///< ib_odp faults at the start (-1: no counters)
	double start_;
	unsigned long long checks_ = 0;
	unsigned long long mismatches_ = 0;
};

// Blocking send and receive, one direction after the other.
std::size_t blocking(const session &s, const mpi_options &opt,
                     const std::vector<std::size_t> &sizes)
{
	phase_log log(s, opt, "send_recv");
	cold_buffer out(opt.largest(), opt.offset), in(opt.largest(), opt.offset);
	for (std::size_t iter = 0; iter < opt.rounds(); ++iter) {
		for (std::size_t size : sizes) {
			for (int sender : {0, 1}) {
				const std::uint64_t seed = seed_of(1, size, iter, sender);
				if (s.rank() == sender) {
					byte_pattern(seed).fill(out.data(), size);
					check("MPI_Send",
					      MPI_Send(out.data(), as_int(size), MPI_BYTE, s.peer(),
					               1, MPI_COMM_WORLD));
					continue;
				}
				MPI_Status st{};
				check("MPI_Recv", MPI_Recv(in.data(), as_int(size), MPI_BYTE,
				                           s.peer(), 1, MPI_COMM_WORLD, &st));
				int count = 0;
				check("MPI_Get_count", MPI_Get_count(&st, MPI_BYTE, &count));
				log.record("message length", size, iter,
				           static_cast<std::size_t>(count) == size
				                   ? std::nullopt
				                   : std::optional<std::size_t>(0));
				log.expect_pattern("message", in.data(), size, seed, iter);
			}
			out.drop();
			in.drop();
		}
	}
	return log.finish();
}

// Non-blocking: both ranks send two messages to each other at once, each
// into its own slot at a different offset inside a page.
std::size_t nonblocking(const session &s, const mpi_options &opt,
                        const std::vector<std::size_t> &sizes)
{
	constexpr std::size_t in_flight = 2;
	phase_log log(s, opt, "isend_irecv");
	// Slot k starts k * (largest + 1 KiB) in: a different in-page offset each.
	const std::size_t stride = opt.largest() + 1024;
	cold_buffer out(stride * in_flight, opt.offset), in(stride * in_flight, opt.offset);
	for (std::size_t iter = 0; iter < opt.rounds(); ++iter) {
		for (std::size_t size : sizes) {
			std::array<MPI_Request, 2 * in_flight> req{};
			for (std::size_t k = 0; k < in_flight; ++k) {
				check("MPI_Irecv",
				      MPI_Irecv(in.data() + k * stride, as_int(size), MPI_BYTE,
				                s.peer(), as_int(k), MPI_COMM_WORLD, &req[k]));
				byte_pattern(seed_of(2, size, iter * in_flight + k, s.rank()))
				        .fill(out.data() + k * stride, size);
				check("MPI_Isend", MPI_Isend(out.data() + k * stride, as_int(size),
				                             MPI_BYTE, s.peer(), as_int(k),
				                             MPI_COMM_WORLD, &req[in_flight + k]));
			}
			check("MPI_Waitall",
			      MPI_Waitall(as_int(req.size()), req.data(), MPI_STATUSES_IGNORE));
			for (std::size_t k = 0; k < in_flight; ++k)
				log.expect_pattern("message", in.data() + k * stride, size,
				                   seed_of(2, size, iter * in_flight + k, s.peer()),
				                   iter);
			out.drop();
			in.drop();
		}
	}
	return log.finish();
}

// The pattern of @p seed as 64-bit words.
std::vector<std::uint64_t> pattern_words(std::uint64_t seed, std::size_t words)
{
	std::vector<std::uint64_t> w(words);
	byte_pattern(seed).fill(w.data(), words * 8);
	return w;
}

// Allreduce (sum of 64-bit words), alltoall and bcast.
std::size_t collectives(const session &s, const mpi_options &opt,
                        const std::vector<std::size_t> &sizes)
{
	phase_log log(s, opt, "collectives");
	cold_buffer out(opt.largest(), opt.offset), in(opt.largest(), opt.offset);
	for (std::size_t iter = 0; iter < opt.rounds(); ++iter) {
		for (std::size_t size : sizes) {
			const std::size_t words = size / 8;
			if (words == 0)
				continue;
			auto *src = reinterpret_cast<std::uint64_t *>(out.data());
			auto *dst = reinterpret_cast<std::uint64_t *>(in.data());
			// allreduce: the sum of both ranks' patterns, word by word.
			const auto mine = pattern_words(seed_of(3, size, iter, s.rank()), words);
			auto sum = pattern_words(seed_of(3, size, iter, s.peer()), words);
			for (std::size_t i = 0; i < words; ++i)
				sum[i] += mine[i];
			std::memcpy(src, mine.data(), words * 8);
			check("MPI_Allreduce", MPI_Allreduce(src, dst, as_int(words), MPI_UINT64_T,
			                                     MPI_SUM, MPI_COMM_WORLD));
			log.expect_words("allreduce", dst, sum, iter);
			out.drop();
			in.drop();

			// alltoall: block j of each rank goes to rank j.
			const std::size_t block = size / 2;
			for (int to : {0, 1})
				byte_pattern(seed_of(4, size, iter, s.rank() * 2 + to))
				        .fill(out.data() + static_cast<std::size_t>(to) * block,
				              block);
			check("MPI_Alltoall",
			      MPI_Alltoall(out.data(), as_int(block), MPI_BYTE, in.data(),
			                   as_int(block), MPI_BYTE, MPI_COMM_WORLD));
			for (int from : {0, 1})
				log.expect_pattern(
				        "alltoall block",
				        in.data() + static_cast<std::size_t>(from) * block, block,
				        seed_of(4, size, iter, from * 2 + s.rank()), iter);
			out.drop();
			in.drop();

			// bcast: the root alternates.
			const int root = static_cast<int>(iter % 2);
			const std::uint64_t seed = seed_of(5, size, iter, root);
			if (s.rank() == root)
				byte_pattern(seed).fill(in.data(), size);
			check("MPI_Bcast",
			      MPI_Bcast(in.data(), as_int(size), MPI_BYTE, root, MPI_COMM_WORLD));
			log.expect_pattern("bcast", in.data(), size, seed, iter);
			in.drop();
		}
	}
	return log.finish();
}

// Put and get in fence epochs: rank 0 puts into rank 1's window and gets
// from it; the target checks (put) or fills (get) its own window.
void fence_epochs(const session &s, const cold_buffer &mem, const window &win, phase_log &log,
                  std::size_t size, std::size_t iter)
{
	const std::uint64_t put_seed = seed_of(6, size, iter, 0);
	const std::uint64_t get_seed = seed_of(7, size, iter, 1);
	std::vector<std::byte> local(size);
	win.fence();
	if (s.rank() == 0) {
		byte_pattern(put_seed).fill(local.data(), size);
		check("MPI_Put", MPI_Put(local.data(), as_int(size), MPI_BYTE, 1, 0, as_int(size),
		                         MPI_BYTE, win.get()));
	}
	win.fence();
	if (s.rank() == 1) {
		log.expect_pattern("put", mem.data(), size, put_seed, iter);
		mem.drop();
		byte_pattern(get_seed).fill(mem.data(), size);
	}
	win.fence();
	if (s.rank() == 0)
		check("MPI_Get", MPI_Get(local.data(), as_int(size), MPI_BYTE, 1, 0, as_int(size),
		                         MPI_BYTE, win.get()));
	win.fence();
	if (s.rank() == 0)
		log.expect_pattern("get", local.data(), size, get_seed, iter);
}

// Accumulate and fetch-and-op in lock epochs: each rank adds its words to
// the other's window (exclusive lock); then both count up one word of
// rank 0's window with fetch-and-op (shared locks), rank 0 in the low
// half and rank 1 in the high half, so each fetch shows how many of its
// own additions came before.
void lock_epochs(const session &s, const cold_buffer &mem, const window &win, phase_log &log,
                 std::size_t size, std::size_t iter)
{
	const std::size_t words = size / 8;
	auto *mine = reinterpret_cast<std::uint64_t *>(mem.data());
	const auto base = pattern_words(seed_of(8, size, iter, s.rank()), words);
	const auto add = pattern_words(seed_of(9, size, iter, s.peer()), words);
	std::memcpy(mine, base.data(), words * 8);
	barrier();
	check("MPI_Win_lock", MPI_Win_lock(MPI_LOCK_EXCLUSIVE, s.peer(), 0, win.get()));
	const auto ours = pattern_words(seed_of(9, size, iter, s.rank()), words);
	check("MPI_Accumulate", MPI_Accumulate(ours.data(), as_int(words), MPI_UINT64_T, s.peer(),
	                                       0, as_int(words), MPI_UINT64_T, MPI_SUM, win.get()));
	check("MPI_Win_unlock", MPI_Win_unlock(s.peer(), win.get()));
	barrier();
	auto want = base;
	for (std::size_t i = 0; i < words; ++i)
		want[i] += add[i];
	log.expect_words("accumulate", mine, want, iter);
	mem.drop();
	if (s.rank() == 0)
		*mine = 0;
	barrier();

	constexpr std::uint64_t adds = 16;
	const std::uint64_t one = s.rank() == 0 ? 1 : std::uint64_t{1} << 32;
	const unsigned shift = s.rank() == 0 ? 0 : 32;
	for (std::uint64_t k = 0; k < adds; ++k) {
		std::uint64_t fetched = 0;
		check("MPI_Win_lock", MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win.get()));
		check("MPI_Fetch_and_op",
		      MPI_Fetch_and_op(&one, &fetched, MPI_UINT64_T, 0, 0, MPI_SUM, win.get()));
		check("MPI_Win_unlock", MPI_Win_unlock(0, win.get()));
		log.record("fetch_and_op result", 8, iter,
		           ((fetched >> shift) & 0xffffffffU) == k ? std::nullopt
		                                                   : std::optional<std::size_t>(0));
	}
	barrier();
	if (s.rank() == 0)
		log.expect_words("fetch_and_op total", mine, {adds | adds << 32}, iter);
}

// One-sided sizes stop at 1 MiB: osc ucx accumulates through a copy at
// the origin, so a 16 MiB window took 20 s a pass under TCG and reaches
// no path that 1 MiB does not.
constexpr std::size_t largest_one_sided = std::size_t{1} << 20;

std::size_t one_sided(const session &s, const mpi_options &opt,
                      const std::vector<std::size_t> &sizes)
{
	phase_log log(s, opt, "one_sided");
	const cold_buffer mem(std::min(opt.largest(), largest_one_sided), opt.offset);
	const window win(mem.data(), mem.size());
	for (std::size_t iter = 0; iter < opt.rounds(); ++iter) {
		for (std::size_t size : sizes) {
			if (size > mem.size())
				continue;
			fence_epochs(s, mem, win, log, size, iter);
			mem.drop();
			lock_epochs(s, mem, win, log, size, iter);
			// Nobody touches the window between these barriers.
			barrier();
			mem.drop();
			barrier();
		}
	}
	return log.finish();
}

} // namespace

std::size_t run_checks(const session &s, const mpi_options &opt)
{
	const auto sizes = opt.message_sizes();
	const std::array<std::function<std::size_t()>, 4> phases{
	        [&] { return blocking(s, opt, sizes); }, [&] { return nonblocking(s, opt, sizes); },
	        [&] { return collectives(s, opt, sizes); },
	        [&] { return one_sided(s, opt, sizes); }};
	std::size_t mismatches = 0;
	for (const auto &phase : phases)
		mismatches += phase();
	return mismatches;
}

} // namespace ibodp::mpi
