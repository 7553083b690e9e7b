// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "fixture.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace ibodp::test
{

const test_env &test_env::get()
{
	static const test_env env = [] {
		auto value = [](const char *name, const char *fallback) {
			const char *v = std::getenv(name);
			return std::string(v != nullptr ? v : fallback);
		};
		return test_env{value("IB_ODP_DEV", "rxe0"),
		                std::stoi(value("IB_ODP_GID_INDEX", "1")),
		                value("IB_ODP_RXE", "stock"), value("IB_ODP_KERNEL", "image")};
	}();
	return env;
}

const odp_caps &device_odp_caps()
{
	static const odp_caps caps = find_device(test_env::get().dev).odp;
	return caps;
}

void fill_pattern(void *addr, std::size_t length, unsigned seed)
{
	byte_pattern(seed).fill(addr, length);
}

std::size_t pattern_mismatch(const void *addr, std::size_t length, unsigned seed)
{
	return byte_pattern(seed).first_mismatch(addr, length);
}

std::size_t value_mismatch(const void *addr, std::size_t length, std::byte value)
{
	const auto *p = static_cast<const std::byte *>(addr);
	for (std::size_t i = 0; i < length; ++i) {
		if (p[i] != value)
			return i;
	}
	return length;
}

void advise(void *addr, std::size_t length, int advice)
{
	if (madvise(addr, length, advice) != 0)
		throw error("madvise", errno);
}

void write_file(const std::string &path, const std::string &value)
{
	std::ofstream f(path);
	f << value << "\n";
	if (!f.flush())
		throw error("write " + path, EIO);
}

std::optional<int> count_odp_regions(const std::string &dev)
{
	const auto lines = tools::odp_region_lines(dev);
	if (!lines)
		return std::nullopt;
	return static_cast<int>(lines->size());
}

completion wait_one(completion_queue &cq)
{
	const auto done = cq.wait(wc_timeout);
	if (done)
		return *done;
	throw error("completion_queue::wait", done.error(), done.why_none());
}

ibv_qp_state wait_for_state(const queue_pair &qp, ibv_qp_state wanted)
{
	const auto deadline = std::chrono::steady_clock::now() + wc_timeout;
	ibv_qp_state state = qp.state();
	while (state != wanted && std::chrono::steady_clock::now() < deadline) {
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
		state = qp.state();
	}
	return state;
}

namespace
{

// Throws if posting failed; otherwise waits for the completion.
completion posted(int rc, completion_queue &cq, const char *what)
{
	if (rc != 0)
		throw error(what, rc);
	return wait_one(cq);
}

} // namespace

namespace
{

std::optional<completion_channel> make_channel(const context &ctx, bool wanted)
{
	if (!wanted)
		return std::nullopt;
	return std::optional<completion_channel>(std::in_place, ctx);
}

} // namespace

ud_pair::ud_pair(bool with_channel)
    : ctx(context::open(test_env::get().dev)), pd(ctx), channel(make_channel(ctx, with_channel)),
      send_cq(ctx, 64, channel ? &*channel : nullptr),
      recv_cq(ctx, 64, channel ? &*channel : nullptr),
      sender(ctx, pd, send_cq, qp_options{.type = IBV_QPT_UD}),
      receiver(ctx, pd, recv_cq, qp_options{.type = IBV_QPT_UD}),
      ah(pd, ctx.gid(1, test_env::get().gid_index), test_env::get().gid_index)
{
	sender.connect({}, test_env::get().gid_index);
	receiver.connect({}, test_env::get().gid_index);
}

rc_pair::rc_pair(std::uint64_t send_ops_flags, bool with_srq)
    : rc_loopback(test_env::get().dev, test_env::get().gid_index, send_ops_flags, with_srq)
{
}

completion rc_pair::write(const memory_region &src, const void *src_addr, std::uint32_t length,
                          const memory_region &dst, void *dst_addr)
{
	return posted(req.post_write(src.sge(src_addr, length), dst.remote(dst_addr), 1), req_cq,
	              "post_write");
}

completion rc_pair::read(const memory_region &local, void *local_addr, std::uint32_t length,
                         const memory_region &remote, const void *remote_addr)
{
	return posted(req.post_read(local.sge(local_addr, length), remote.remote(remote_addr), 2),
	              req_cq, "post_read");
}

completion rc_pair::compare_swap(const memory_region &local, std::uint64_t *result,
                                 const memory_region &remote, std::uint64_t *target,
                                 std::uint64_t compare, std::uint64_t swap)
{
	return posted(req.post_compare_swap(local.sge(result, sizeof(*result)),
	                                    remote.remote(target), compare, swap, 3),
	              req_cq, "post_compare_swap");
}

completion rc_pair::fetch_add(const memory_region &local, std::uint64_t *result,
                              const memory_region &remote, std::uint64_t *target, std::uint64_t add)
{
	return posted(req.post_fetch_add(local.sge(result, sizeof(*result)), remote.remote(target),
	                                 add, 4),
	              req_cq, "post_fetch_add");
}

completion rc_pair::send(const memory_region &src, const void *src_addr, std::uint32_t length,
                         const memory_region &dst, void *dst_addr)
{
	const ibv_sge recv = dst.sge(dst_addr, length);
	const int rc = srq ? srq->post_recv(recv, 5) : resp.post_recv(recv, 5);
	if (rc != 0)
		throw error("post_recv", rc);
	const completion sent =
	        posted(req.post_send(src.sge(src_addr, length), 6), req_cq, "post_send");
	if (!sent.ok())
		return sent;
	return wait_one(resp_cq);
}

} // namespace ibodp::test
