// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_soak: RDMA traffic on ODP memory while the memory is churned.
//
// The requester cycles through slots of its buffer and the peer's: WRITE
// then READ back, SEND into the peer's receive slots, FETCH_ADD and
// CMP_SWAP on a word per slot. Every payload is a seeded pattern that is
// checked where it lands, and every atomic result against the value the
// requester expects. Meanwhile a churn thread changes the memory under
// the device: madvise(MADV_DONTNEED), munmap + mmap, mprotect toggles,
// fork, mremap away and back, THP advice and MADV_COLLAPSE, MADV_PAGEOUT,
// compaction (page migration) and KSM merging (MADV_MERGEABLE).
//
// Churn that destroys contents or access (DONTNEED, munmap, mprotect,
// mremap) takes the slot's lock, so it never races with an operation on
// the same slot; it does race with operations on neighbouring slots and
// huge pages. With two processes the server can only do churn that keeps
// contents and access (it cannot know which slot the client is using).
// Any mismatch or error completion fails the run.

#include "kernel_state.hpp"
#include "output.hpp"
#include "tool_options.hpp"

#include "ibodp/connection.hpp"
#include "ibodp/memory.hpp"
#include "ibodp/rc_loopback.hpp"
#include "ibodp/verbs.hpp"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

namespace
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

ibodp::tools::option_parser make_parser(soak_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_soak", "[options] [HOST]",
	        "RDMA WRITE/READ/SEND/atomics with checked payloads on ODP memory while\n"
	        "the memory is churned (madvise, munmap, mprotect, fork, mremap, THP,\n"
	        "pageout, compaction, KSM). Without HOST: server (or --loopback).",
	        "Exit status: 0 when every payload and atomic result was right and no\n"
	        "operation failed, 1 otherwise, 2 for bad options.");
	// -s is the slot size; -n and --prefetch mean nothing to a soak.
	add_tool_options(parser, opt.common, opt_all & ~(opt_iterations | opt_prefetch),
	                 {.size = "slot size"});
	parser.add(
	        {"minutes", 0, "N", "run for N minutes (default 1)", set_seconds(opt.seconds, 60)});
	parser.add({"seconds", 0, "N", "run for N seconds", set_seconds(opt.seconds)});
	parser.add({"slots", 0, "N",
	            "slots per buffer (default " + std::to_string(opt.slots) +
	                    "); -s, the slot size,\nis a multiple of 4K from 8K to 16M",
	            set_count(opt.slots, 2, 65536)});
	parser.add({"no-churn", 0, "", "traffic only", set_flag(opt.churn, false)});
	parser.check([&opt]() -> std::optional<std::string> {
		const std::size_t size = opt.common.size;
		if (opt.common.mr == ibodp::mr_kind::pinned)
			return "--mr pinned: the soak is about ODP memory";
		if (size < 2 * page || size % page != 0 || size > 16 << 20)
			return "-s: a multiple of 4K from 8K to 16M";
		return std::nullopt;
	});
	return parser;
}

// A payload is its seed (8 bytes) followed by that seed's byte pattern,
// so a receiver can check it without being told which it is.
void fill(std::byte *p, std::size_t n, std::uint64_t seed)
{
	std::memcpy(p, &seed, sizeof(seed));
	ibodp::byte_pattern(seed).fill(p + sizeof(seed), n - sizeof(seed), sizeof(seed));
}

[[nodiscard]] bool check(const std::byte *p, std::size_t n)
{
	std::uint64_t seed = 0;
	std::memcpy(&seed, p, sizeof(seed));
	return ibodp::byte_pattern(seed).matches(p + sizeof(seed), n - sizeof(seed), sizeof(seed));
}

// Slots of anonymous memory (2 MiB aligned, for THP) with their locks and
// an ODP MR through which the device reaches them.
class slot_buffer
{
public:
	slot_buffer(const ibodp::protection_domain &pd, std::size_t slots, std::size_t slot_size,
	            ibodp::mr_kind kind)
	    : slot_size_(slot_size), length_(slots * slot_size),
	      memory_(ibodp::mapping::aligned(length_, huge_page)), data_(memory_.data()),
	      locks_(slots), mr_(ibodp::memory_region::covering(pd, data_, length_, access, kind))
	{
	}

	[[nodiscard]] std::byte *slot(std::size_t i) const { return data_ + i * slot_size_; }
	[[nodiscard]] std::mutex &lock(std::size_t i) { return locks_[i]; }
	[[nodiscard]] std::size_t slots() const { return locks_.size(); }
	[[nodiscard]] std::size_t slot_size() const { return slot_size_; }
	[[nodiscard]] std::byte *data() const { return data_; }
	[[nodiscard]] std::size_t length() const { return length_; }
	[[nodiscard]] const ibodp::memory_region &mr() const { return mr_; }

private:
	std::size_t slot_size_;
	std::size_t length_;
	ibodp::mapping memory_; ///< outlives mr_ (declared first)
	std::byte *data_;
	std::vector<std::mutex> locks_;
	ibodp::memory_region mr_;
};

// Counters of one run, by name; what the server reports travels in the
// library's wire format for counters.
using tally = ibodp::wire_counters;
// The server's churn counts in its report: "churn.fork=12".
constexpr std::string_view churn_prefix = "churn.";

std::string tally_json(const tally &t)
{
	ibodp::tools::json_object o;
	for (const auto &[name, n] : t)
		o.add(name, n);
	return o.str();
}

// The churn thread: one memory event after another on random slots until
// stopped. @p destructive allows the events that change contents or
// access (only on slots whose traffic this process controls); it is told
// through @p zeroed which slots lost their contents.
class churner
{
public:
	churner(slot_buffer &buf, bool destructive, std::function<void(std::size_t)> zeroed)
	    : buf_(buf), destructive_(destructive), zeroed_(std::move(zeroed)),
	      away_(reserve(buf.slot_size()))
	{
		madvise(buf_.data(), buf_.length(), MADV_MERGEABLE); // KSM, where enabled
	}
	churner(const churner &) = delete;
	churner &operator=(const churner &) = delete;
	~churner()
	{
		if (away_)
			munmap(away_, buf_.slot_size());
	}
	void run(const std::atomic<bool> &stop)
	{
		std::mt19937_64 rng(getpid());
		while (!stop.load()) {
			one(rng);
			std::this_thread::sleep_for(200us);
		}
	}
	[[nodiscard]] const tally &done() const { return done_; }

private:
	void one(std::mt19937_64 &rng)
	{
		const std::size_t s = rng() % buf_.slots();
		std::byte *p = buf_.slot(s);
		const std::size_t n = buf_.slot_size();
		switch (rng() % (destructive_ ? 10 : 6)) {
		case 0:
			fork_once();
			break;
		case 1:
			count("thp_huge", madvise(buf_.data(), buf_.length(), MADV_HUGEPAGE));
			break;
		case 2:
			count("thp_nohuge", madvise(buf_.data(), buf_.length(), MADV_NOHUGEPAGE));
			break;
		case 3: {
			const std::size_t unit =
			        (rng() % (buf_.length() / huge_page + 1)) * huge_page;
			const std::size_t len = std::min(huge_page, buf_.length() - unit);
			if (len)
				count("thp_collapse",
				      madvise(buf_.data() + unit, len, MADV_COLLAPSE));
			break;
		}
		case 4:
			count("pageout", madvise(p, n, MADV_PAGEOUT));
			break;
		case 5:
			compact();
			break;
		default:
			destroy(rng() % 4, s, p, n);
			break;
		}
	}
	void destroy(unsigned kind, std::size_t s, std::byte *p, std::size_t n)
	{
		const std::lock_guard guard(buf_.lock(s));
		switch (kind) {
		case 0:
			count("dontneed", madvise(p, n, MADV_DONTNEED));
			zeroed_(s);
			break;
		case 1:
			count("munmap_mmap",
			      munmap(p, n) == 0 && mmap(p, n, PROT_READ | PROT_WRITE,
			                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			                                0) == p
			              ? 0
			              : -1);
			zeroed_(s);
			break;
		case 2:
			count("mprotect",
			      mprotect(p, n, PROT_READ) == 0 &&
			                      mprotect(p, n, PROT_READ | PROT_WRITE) == 0
			              ? 0
			              : -1);
			break;
		default:
			count("mremap", remap_away_and_back(s, p, n));
			break;
		}
	}
	// An inaccessible range of @p n bytes for remap_away_and_back(), or
	// nullptr.
	static std::byte *reserve(std::size_t n, void *at = nullptr)
	{
		void *p = mmap(at, n, PROT_NONE,
		               MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED_NOREPLACE : 0), -1, 0);
		return p == MAP_FAILED || (at && p != at) ? nullptr : static_cast<std::byte *>(p);
	}
	// Moves slot @p s's pages to this churner's reserved range and back,
	// then reserves that range again. The range is chosen once, before any
	// churn: an address the kernel picked now could be the hole that the
	// other churner of a loopback run has just made in its buffer, and the
	// two would then move each other's slots. 0, or -1 when refused.
	int remap_away_and_back(std::size_t s, std::byte *p, std::size_t n)
	{
		if (!away_ || mremap(p, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, away_) == MAP_FAILED)
			return -1;
		if (mremap(away_, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED) {
			// Never leave a hole in the buffer: the pages stay away (that
			// mapping is the reservation now) and the slot starts afresh.
			mmap(p, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     -1, 0);
			zeroed_(s);
			return -1;
		}
		away_ = reserve(n, away_);
		return 0;
	}
	void fork_once()
	{
		const pid_t pid = fork();
		if (pid == 0)
			_exit(0); // the child only has to exist: the parent's pages become COW
		int status = 0;
		count("fork", pid > 0 && waitpid(pid, &status, 0) == pid ? 0 : -1);
	}
	// At most once a second: compaction walks all of memory.
	void compact()
	{
		const auto now = std::chrono::steady_clock::now();
		if (now < next_compaction_)
			return;
		next_compaction_ = now + 1s;
		std::ofstream f("/proc/sys/vm/compact_memory");
		f << "1\n";
		count("compact", f.good() ? 0 : -1);
	}
	// Counts an event; failures are counted apart (MADV_COLLAPSE and
	// compaction may legitimately be refused).
	void count(const std::string &name, int rc) { ++done_[rc == 0 ? name : name + "_refused"]; }

	slot_buffer &buf_;
	bool destructive_;
	std::function<void(std::size_t)> zeroed_;
	tally done_;
	std::chrono::steady_clock::time_point next_compaction_;
	std::byte *away_; ///< reserved range that mremap churn moves a slot to
};

// What the requester found.
struct traffic_result {
	tally ops;
	tally errors; ///< error completions and timeouts, by status
	std::uint64_t mismatches = 0;
};

// The requester's side of the traffic. The peer's receive slots are
// posted by @p post_peer_recv (loopback) or by the server itself.
class requester
{
public:
	requester(ibodp::queue_pair &qp, ibodp::completion_queue &cq, slot_buffer &local,
	          ibodp::remote_buffer remote, std::size_t remote_slots, std::size_t slot_size)
	    : qp_(qp), cq_(cq), local_(local), remote_(remote), remote_slots_(remote_slots),
	      half_(slot_size / 2), expected_(remote_slots, 0)
	{
	}

	// The remote slot lost its contents (loopback churn): its atomic word
	// is zero again.
	void remote_zeroed(std::size_t s)
	{
		const std::lock_guard guard(expected_lock_);
		expected_[s] = 0;
	}

	// One operation on slot @p i; false when an operation failed (the QP
	// is then in the error state).
	bool step(std::uint64_t i, std::mutex *remote_lock, traffic_result &r)
	{
		const std::size_t s = i % std::min(local_.slots(), remote_slots_);
		const std::lock_guard local_guard(local_.lock(s));
		std::unique_lock<std::mutex> remote_guard;
		if (remote_lock)
			remote_guard = std::unique_lock(*remote_lock);
		std::byte *src = local_.slot(s);
		std::byte *back = src + half_;
		const std::uint64_t remote_slot = remote_.addr + s * 2 * half_;
		switch (i % 4) {
		case 0: {
			fill(src, half_, i);
			if (!run("write",
			         qp_.post_write(sge(src, half_), {remote_slot, remote_.rkey}, i),
			         r))
				return false;
			std::memset(back, 0, half_ - 8);
			if (!run("read",
			         qp_.post_read(sge(back, half_ - 8), {remote_slot, remote_.rkey},
			                       i),
			         r))
				return false;
			if (std::memcmp(back, src, half_ - 8) != 0)
				++r.mismatches;
			return true;
		}
		case 1:
			fill(src, half_ - 8, i);
			return run("send", qp_.post_send(sge(src, half_ - 8), i), r);
		default:
			return atomic(i, s, remote_slot + 2 * half_ - 8, back + half_ - 8, r);
		}
	}

private:
	bool atomic(std::uint64_t i, std::size_t s, std::uint64_t word, std::byte *result,
	            traffic_result &r)
	{
		std::uint64_t expected = 0;
		{
			const std::lock_guard guard(expected_lock_);
			expected = expected_[s];
		}
		const bool add = i % 4 == 2;
		const std::uint64_t operand = add ? i : expected ^ (i * 0x5851f42d4c957f2dULL);
		const int rc =
		        add ? qp_.post_fetch_add(sge(result, 8), {word, remote_.rkey}, operand, i)
		            : qp_.post_compare_swap(sge(result, 8), {word, remote_.rkey}, expected,
		                                    operand, i);
		if (!run(add ? "fetch_add" : "cmp_swap", rc, r))
			return false;
		std::uint64_t old = 0;
		std::memcpy(&old, result, sizeof(old));
		if (old != expected)
			++r.mismatches;
		const std::lock_guard guard(expected_lock_);
		expected_[s] = add ? expected + operand : operand;
		return true;
	}
	[[nodiscard]] ibv_sge sge(std::byte *p, std::size_t n) const
	{
		return local_.mr().sge(p, static_cast<std::uint32_t>(n));
	}
	bool run(const char *op, int post_rc, traffic_result &r)
	{
		if (post_rc != 0) {
			++r.errors[std::string("post_") + op + ": " + std::strerror(post_rc)];
			return false;
		}
		const auto wc = cq_.wait(completion_timeout);
		if (!wc) {
			++r.errors[wc.why_none()];
			return false;
		}
		if (!wc->ok()) {
			++r.errors[wc->status_name()];
			return false;
		}
		++r.ops[op];
		return true;
	}

	ibodp::queue_pair &qp_;
	ibodp::completion_queue &cq_;
	slot_buffer &local_;
	ibodp::remote_buffer remote_;
	std::size_t remote_slots_;
	std::size_t half_;
	std::mutex expected_lock_;
	std::vector<std::uint64_t> expected_; ///< atomic word per remote slot
};

// The receiving side of SENDs: receive slots in the upper half of each
// slot of @p buf, reposted after each message is checked.
class receiver
{
public:
	receiver(ibodp::queue_pair &qp, ibodp::completion_queue &cq, slot_buffer &buf)
	    : qp_(qp), cq_(cq), buf_(buf)
	{
	}
	// Posts the receive for slot @p s (its upper half, as a SEND may be
	// up to half a slot).
	[[nodiscard]] int post(std::size_t s)
	{
		const std::size_t half = buf_.slot_size() / 2;
		return qp_.post_recv(
		        buf_.mr().sge(buf_.slot(s) + half, static_cast<std::uint32_t>(half - 8)),
		        s);
	}
	// Takes one completion if one comes within @p timeout (when
	// @p required, its absence is an error) and, with @p repost, posts
	// its slot again: false on an error.
	bool poll_one(std::uint64_t &received, std::uint64_t &mismatches, tally &errors,
	              std::chrono::milliseconds timeout, bool required, bool repost)
	{
		const auto wc = cq_.wait(timeout);
		if (!wc) {
			// Without a required receive, only a failed poll is an error.
			if (required || wc.error() != ETIMEDOUT)
				++errors["recv: " + wc.why_none()];
			return !required && wc.error() == ETIMEDOUT;
		}
		if (!wc->ok()) {
			++errors["recv " + wc->status_name()];
			return false;
		}
		const std::size_t s = wc->wr_id;
		const std::size_t half = buf_.slot_size() / 2;
		if (wc->byte_len != half - 8 || !check(buf_.slot(s) + half, half - 8))
			++mismatches;
		++received;
		return !repost || post(s) == 0;
	}

private:
	ibodp::queue_pair &qp_;
	ibodp::completion_queue &cq_;
	slot_buffer &buf_;
};

void progress(double elapsed, double total, std::uint64_t ops, std::uint64_t mismatches)
{
	std::fprintf(stderr, "ibodp_soak: %.0f/%.0f s, %llu operations, %llu mismatches\n", elapsed,
	             total, static_cast<unsigned long long>(ops),
	             static_cast<unsigned long long>(mismatches));
}

std::uint64_t total(const tally &t)
{
	std::uint64_t n = 0;
	for (const auto &[name, v] : t)
		n += v;
	return n;
}

struct run_report {
	traffic_result traffic;
	tally churn_local;
	std::optional<tally> peer_churn; ///< the server's churn, as it reported it
	std::uint64_t received = 0;
	std::uint64_t recv_mismatches = 0;
	double seconds = 0;
};

int report(const soak_options &opt, const run_report &rep,
           const std::optional<std::map<std::string, long long>> &before)
{
	const auto after = ibodp::tools::odp_counters(opt.common.device);
	const std::uint64_t mismatches = rep.traffic.mismatches + rep.recv_mismatches;
	const std::uint64_t errors = total(rep.traffic.errors);
	std::printf("ibodp_soak: %.0f s on %s, %s, slots of %zu bytes\n", rep.seconds,
	            opt.common.device.c_str(), ibodp::to_string(opt.common.mr), opt.common.size);
	for (const auto &[op, n] : rep.traffic.ops)
		std::printf("  %-10s %llu\n", op.c_str(), static_cast<unsigned long long>(n));
	std::printf("  received   %llu (checked by the receiver)\n",
	            static_cast<unsigned long long>(rep.received));
	std::printf("mismatches: %llu\n", static_cast<unsigned long long>(mismatches));
	std::printf("error completions: %llu\n", static_cast<unsigned long long>(errors));
	for (const auto &[cause, n] : rep.traffic.errors)
		std::printf("  %s: %llu\n", cause.c_str(), static_cast<unsigned long long>(n));
	std::printf("churn: %s\n", tally_json(rep.churn_local).c_str());
	if (rep.peer_churn)
		std::printf("peer churn: %s\n", tally_json(*rep.peer_churn).c_str());
	ibodp::tools::json_object counters;
	if (before && after) {
		std::printf("ib_odp counters (delta):");
		for (const auto &[name, v] : *after) {
			const long long d = v - before->at(name);
			std::printf(" %s %lld", name.c_str(), d);
			counters.add(name, std::int64_t{d});
		}
		std::printf("\n");
	}
	if (!opt.common.json_file.empty()) {
		ibodp::tools::write_file(
		        opt.common.json_file,
		        ibodp::tools::json_object()
		                        .add("tool", "ibodp_soak")
		                        .add("device", opt.common.device)
		                        .add("mr", ibodp::to_string(opt.common.mr))
		                        .add("seconds", rep.seconds)
		                        .add("slot_size", std::uint64_t{opt.common.size})
		                        .add("operations", total(rep.traffic.ops))
		                        .add_raw("ops", tally_json(rep.traffic.ops))
		                        .add("received", rep.received)
		                        .add("mismatches", mismatches)
		                        .add("errors", errors)
		                        .add_raw("errors_by_cause", tally_json(rep.traffic.errors))
		                        .add_raw("churn", tally_json(rep.churn_local))
		                        .add_raw("peer_churn",
		                                 tally_json(rep.peer_churn.value_or(tally{})))
		                        .add_raw("odp_counters", counters.str())
		                        .str() +
		                "\n");
	}
	return mismatches == 0 && errors == 0 ? 0 : 1;
}

// Runs @p step until the time is up or it fails, printing progress.
template <typename Step> void drive(const soak_options &opt, run_report &rep, Step step)
{
	const auto start = std::chrono::steady_clock::now();
	auto next_progress = start + 10s;
	std::fprintf(stderr, "ibodp_soak: traffic started\n");
	for (std::uint64_t i = 0;; ++i) {
		const auto now = std::chrono::steady_clock::now();
		rep.seconds = std::chrono::duration<double>(now - start).count();
		if (rep.seconds >= opt.seconds)
			break;
		if (now >= next_progress) {
			progress(rep.seconds, opt.seconds, total(rep.traffic.ops),
			         rep.traffic.mismatches + rep.recv_mismatches);
			next_progress += 10s;
		}
		if (!step(i))
			break;
	}
}

int run_loopback(const soak_options &opt)
{
	const auto &c = opt.common;
	ibodp::rc_loopback pair(c.device, c.gid_index);
	slot_buffer local(pair.pd, opt.slots, c.size, c.mr);
	slot_buffer remote(pair.pd, opt.slots, c.size, c.mr);
	const auto before = ibodp::tools::odp_counters(c.device);
	requester req(pair.req, pair.req_cq, local, remote.mr().remote(remote.data()), opt.slots,
	              c.size);
	receiver recv(pair.resp, pair.resp_cq, remote);
	churner local_churn(local, true, [](std::size_t) {});
	churner remote_churn(remote, true, [&req](std::size_t s) { req.remote_zeroed(s); });
	std::atomic<bool> stop{false};
	std::vector<std::thread> threads;
	if (opt.churn) {
		threads.emplace_back([&] { local_churn.run(stop); });
		threads.emplace_back([&] { remote_churn.run(stop); });
	}
	run_report rep;
	drive(opt, rep, [&](std::uint64_t i) {
		if (i % 4 != 1)
			return req.step(i, &remote.lock(i % opt.slots), rep.traffic);
		// A SEND: the remote slot stays locked from posting the receive
		// until its contents are checked.
		const std::lock_guard guard(remote.lock(i % opt.slots));
		if (const int rc = recv.post(i % opt.slots)) {
			++rep.traffic.errors[std::string("post_recv: ") + std::strerror(rc)];
			return false;
		}
		return req.step(i, nullptr, rep.traffic) &&
		       recv.poll_one(rep.received, rep.recv_mismatches, rep.traffic.errors,
		                     completion_timeout, true, false);
	});
	stop.store(true);
	for (auto &t : threads)
		t.join();
	rep.churn_local = local_churn.done();
	for (const auto &[name, n] : remote_churn.done())
		rep.churn_local[name] += n;
	return report(opt, rep, before);
}

int run_server(const soak_options &opt, ibodp::queue_pair &qp, ibodp::completion_queue &cq,
               slot_buffer &buf, ibodp::tcp_connection &tcp)
{
	receiver recv(qp, cq, buf);
	for (std::size_t s = 0; s < std::min<std::size_t>(buf.slots(), 32); ++s) {
		if (recv.post(s) != 0)
			throw ibodp::error("ibv_post_recv", EIO);
	}
	churner churn(buf, false, [](std::size_t) {});
	std::atomic<bool> stop{false};
	std::thread churn_thread;
	if (opt.churn)
		churn_thread = std::thread([&] { churn.run(stop); });
	std::atomic<bool> client_done{false};
	std::thread control([&] {
		(void)tcp.receive_line(std::chrono::milliseconds(
		        static_cast<long long>(opt.seconds * 1000) + 600000));
		client_done.store(true);
	});
	std::uint64_t received = 0;
	std::uint64_t mismatches = 0;
	tally errors;
	bool ok = true;
	while (!client_done.load() && ok)
		ok = recv.poll_one(received, mismatches, errors, 100ms, false, true);
	control.join();
	stop.store(true);
	if (churn_thread.joinable())
		churn_thread.join();
	tally report{{"received", received}, {"mismatches", mismatches}, {"errors", total(errors)}};
	for (const auto &[name, n] : churn.done())
		report.emplace(std::string(churn_prefix) + name, n);
	tcp.send_line(ibodp::counters_to_wire(report));
	return mismatches == 0 && errors.empty() ? 0 : 1;
}

int run_two_processes(const soak_options &opt)
{
	const auto &c = opt.common;
	auto ctx = ibodp::context::open(c.device);
	ibodp::protection_domain pd(ctx);
	ibodp::completion_queue cq(ctx, 128);
	ibodp::queue_pair qp(ctx, pd, cq, {});
	slot_buffer buf(pd, opt.slots, c.size, c.mr);
	const auto before = ibodp::tools::odp_counters(c.device);
	auto tcp = c.is_server() ? ibodp::tcp_connection::accept_one(c.port, 120s)
	                         : ibodp::tcp_connection::connect_to(c.host, c.port, 30s);
	const ibodp::peer_info mine{
	        {qp.qpn(), ctx.gid(1, c.gid_index), 0}, buf.mr().remote(buf.data()), buf.length()};
	const auto peer = tcp.exchange(mine, 30s);
	qp.connect(peer.ep, c.gid_index);
	tcp.send_line("ready");
	if (tcp.receive_line(30s) != "ready")
		throw ibodp::error("exchange", EPROTO, "peer not ready");
	if (c.is_server())
		return run_server(opt, qp, cq, buf, tcp);

	const std::size_t peer_slots = peer.length / c.size;
	requester req(qp, cq, buf, peer.buffer, peer_slots, c.size);
	churner churn(buf, true, [](std::size_t) {});
	std::atomic<bool> stop{false};
	std::thread churn_thread;
	if (opt.churn)
		churn_thread = std::thread([&] { churn.run(stop); });
	run_report rep;
	// The server has 32 receives posted and reposts each as it checks it;
	// a SEND every 4th operation cannot outrun it by more than that with
	// one operation in flight, but RNR retries cover a slow server.
	drive(opt, rep, [&](std::uint64_t i) { return req.step(i, nullptr, rep.traffic); });
	stop.store(true);
	if (churn_thread.joinable())
		churn_thread.join();
	rep.churn_local = churn.done();
	tcp.send_line("end");
	const tally server = ibodp::counters_from_wire(tcp.receive_line(60s));
	const auto count = [&server](const char *name) {
		const auto it = server.find(name);
		if (it == server.end())
			throw ibodp::error("soak", EPROTO,
			                   std::string("server report without ") + name);
		return it->second;
	};
	rep.received = count("received");
	rep.recv_mismatches = count("mismatches");
	if (const std::uint64_t errors = count("errors"))
		rep.traffic.errors["server"] += errors;
	rep.peer_churn.emplace();
	for (const auto &[name, n] : server) {
		if (name.starts_with(churn_prefix))
			rep.peer_churn->emplace(name.substr(churn_prefix.size()), n);
	}
	return report(opt, rep, before);
}

} // namespace

int main(int argc, char **argv)
{
	soak_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		return opt.common.loopback ? run_loopback(opt) : run_two_processes(opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_soak: %s\n", e.what());
		return 1;
	}
}
