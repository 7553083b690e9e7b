// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The traffic job of ibodp_soak: checked operations and receives.

#include "common.hpp"

namespace ibodp::soak
{

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

} // namespace ibodp::soak
