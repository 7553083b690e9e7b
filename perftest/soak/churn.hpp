// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The churn job of ibodp_soak: memory events under the device.

#include "common.hpp"

namespace ibodp::soak
{

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
		// The kinds take turns (slots and ranges stay random): a short run
		// under TCG manages only a few events, and chance alone left fork
		// out of one in two such runs. Fork (COW under the device) comes
		// first, then the events that take pages away (6-9: destroy()),
		// then THP, reclaim and compaction (1-5).
		static constexpr std::array<unsigned, 10> turns{0, 6, 7, 8, 9, 1, 2, 3, 4, 5};
		static constexpr std::array<unsigned, 6> gentle_turns{0, 1, 2, 3, 4, 5};
		const unsigned kind = destructive_
		                              ? turns[next_turn_++ % turns.size()]
		                              : gentle_turns[next_turn_++ % gentle_turns.size()];
		switch (kind) {
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
			destroy(kind - 6, s, p, n);
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
	std::size_t next_turn_ = 0; ///< counts the events done, for whose turn is next
	std::chrono::steady_clock::time_point next_compaction_;
	std::byte *away_; ///< reserved range that mremap churn moves a slot to
};

// What the requester found.
} // namespace ibodp::soak
