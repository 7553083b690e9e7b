// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "fixture.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

namespace ibodp::test {

const test_env &test_env::get()
{
	static const test_env env = [] {
		auto value = [](const char *name, const char *fallback) {
			const char *v = std::getenv(name);
			return std::string(v != nullptr ? v : fallback);
		};
		return test_env{value("IB_ODP_DEV", "rxe0"), std::stoi(value("IB_ODP_GID_INDEX", "1")),
				value("IB_ODP_RXE", "stock")};
	}();
	return env;
}

mapping mapping::anonymous(std::size_t length, int prot, int flags)
{
	void *addr = mmap(nullptr, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (addr == MAP_FAILED)
		throw error("mmap", errno);
	return {addr, length};
}

mapping mapping::aligned(std::size_t length, std::size_t align)
{
	const std::size_t span = length + align;
	void *raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		throw error("mmap", errno);
	const auto base = reinterpret_cast<std::uintptr_t>(raw);
	const auto start = (base + align - 1) & ~(align - 1);
	if (start > base)
		munmap(raw, start - base);
	if (start + length < base + span)
		munmap(reinterpret_cast<void *>(start + length), base + span - start - length);
	return {reinterpret_cast<void *>(start), length};
}

mapping::mapping(mapping &&other) noexcept
	: addr_(std::exchange(other.addr_, nullptr)), length_(other.length_)
{
}

mapping &mapping::operator=(mapping &&other) noexcept
{
	if (this != &other) {
		if (addr_ != nullptr)
			munmap(addr_, length_);
		addr_ = std::exchange(other.addr_, nullptr);
		length_ = other.length_;
	}
	return *this;
}

mapping::~mapping()
{
	if (addr_ != nullptr)
		munmap(addr_, length_);
}

namespace {

std::byte pattern_byte(std::size_t i, unsigned seed)
{
	return static_cast<std::byte>((seed * 131U + i * 7U + (i >> 8U) * 13U + 1U) & 0xffU);
}

} // namespace

void fill_pattern(void *addr, std::size_t length, unsigned seed)
{
	auto *p = static_cast<std::byte *>(addr);
	for (std::size_t i = 0; i < length; ++i)
		p[i] = pattern_byte(i, seed);
}

std::size_t pattern_mismatch(const void *addr, std::size_t length, unsigned seed)
{
	const auto *p = static_cast<const std::byte *>(addr);
	for (std::size_t i = 0; i < length; ++i) {
		if (p[i] != pattern_byte(i, seed))
			return i;
	}
	return length;
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

std::optional<std::map<std::string, long long>> read_odp_counters(const std::string &dev)
{
	std::ifstream in("/sys/kernel/debug/ib_odp/" + dev + "/counters");
	if (!in)
		return std::nullopt;
	std::map<std::string, long long> counters;
	std::string name;
	long long value = 0;
	while (in >> name >> value)
		counters[name] = value;
	return counters;
}

std::optional<int> count_odp_regions(const std::string &dev)
{
	std::ifstream in("/sys/kernel/debug/ib_odp/" + dev + "/regions");
	if (!in)
		return std::nullopt;
	int regions = 0;
	for (std::string line; std::getline(in, line);) {
		if (!line.empty() && line[0] != '#')
			++regions;
	}
	return regions;
}

void expect_success(const ibv_wc &wc, const char *what)
{
	if (wc.status != IBV_WC_SUCCESS)
		throw error(what, EIO, "completion " + wc_status_name(wc.status));
}

namespace {

std::optional<shared_receive_queue> make_srq(const protection_domain &pd, bool wanted)
{
	if (!wanted)
		return std::nullopt;
	return std::optional<shared_receive_queue>(std::in_place, pd, 64);
}

} // namespace

rc_pair::rc_pair(std::uint64_t send_ops_flags, bool with_srq)
	: ctx(context::open(test_env::get().dev)), pd(ctx), srq(make_srq(pd, with_srq)),
	  req_cq(ctx, 256), resp_cq(ctx, 256),
	  req(ctx, pd, req_cq, qp_options{.send_ops_flags = send_ops_flags}),
	  resp(ctx, pd, resp_cq, qp_options{.srq = srq ? &*srq : nullptr})
{
	reconnect();
}

void rc_pair::reconnect()
{
	const int gid_index = test_env::get().gid_index;
	const ibv_gid gid = ctx.gid(1, gid_index);
	req.reset();
	resp.reset();
	// Completions of the old connection (flushed work) are not wanted.
	while (req_cq.poll() || resp_cq.poll()) {
	}
	req.connect({resp.qpn(), gid, 0}, gid_index);
	resp.connect({req.qpn(), gid, 0}, gid_index);
}

ibv_wc rc_pair::post_and_wait(ibv_send_wr &wr)
{
	wr.send_flags |= IBV_SEND_SIGNALED;
	if (int rc = req.post_send(wr))
		throw error("ibv_post_send", rc);
	return req_cq.wait(wc_timeout);
}

namespace {

ibv_sge sge_of(const memory_region &mr, const void *addr, std::uint32_t length)
{
	return {reinterpret_cast<std::uintptr_t>(addr), length, mr.lkey()};
}

} // namespace

ibv_wc rc_pair::post_remote(ibv_wr_opcode opcode, ibv_sge sge, const memory_region &remote,
			    const void *remote_addr, std::uint64_t compare_add, std::uint64_t swap)
{
	ibv_send_wr wr{};
	wr.wr_id = opcode;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = opcode;
	const auto addr = reinterpret_cast<std::uintptr_t>(remote_addr);
	if (opcode == IBV_WR_ATOMIC_CMP_AND_SWP || opcode == IBV_WR_ATOMIC_FETCH_AND_ADD) {
		wr.wr.atomic = {addr, compare_add, swap, remote.rkey()};
	} else {
		wr.wr.rdma = {addr, remote.rkey()};
	}
	return post_and_wait(wr);
}

ibv_wc rc_pair::write(const memory_region &src, const void *src_addr, std::uint32_t length,
		      const memory_region &dst, void *dst_addr)
{
	return post_remote(IBV_WR_RDMA_WRITE, sge_of(src, src_addr, length), dst, dst_addr);
}

ibv_wc rc_pair::read(const memory_region &local, void *local_addr, std::uint32_t length,
		     const memory_region &remote, const void *remote_addr)
{
	return post_remote(IBV_WR_RDMA_READ, sge_of(local, local_addr, length), remote,
			   remote_addr);
}

ibv_wc rc_pair::compare_swap(const memory_region &local, std::uint64_t *result,
			     const memory_region &remote, std::uint64_t *target,
			     std::uint64_t compare, std::uint64_t swap)
{
	return post_remote(IBV_WR_ATOMIC_CMP_AND_SWP, sge_of(local, result, sizeof(*result)),
			   remote, target, compare, swap);
}

ibv_wc rc_pair::fetch_add(const memory_region &local, std::uint64_t *result,
			  const memory_region &remote, std::uint64_t *target, std::uint64_t add)
{
	return post_remote(IBV_WR_ATOMIC_FETCH_AND_ADD, sge_of(local, result, sizeof(*result)),
			   remote, target, add);
}

ibv_wc rc_pair::send(const memory_region &src, const void *src_addr, std::uint32_t length,
		     const memory_region &dst, void *dst_addr)
{
	ibv_sge recv_sge = sge_of(dst, dst_addr, length);
	ibv_recv_wr recv{};
	recv.wr_id = 5;
	recv.sg_list = &recv_sge;
	recv.num_sge = 1;
	int rc = srq ? srq->post_recv(recv)
				: resp.post_recv(recv);
	if (rc != 0)
		throw error("ibv_post_recv", rc);

	ibv_sge sge = sge_of(src, src_addr, length);
	ibv_send_wr wr{};
	wr.wr_id = 6;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IBV_WR_SEND;
	const ibv_wc sent = post_and_wait(wr);
	if (sent.status != IBV_WC_SUCCESS)
		return sent;
	return resp_cq.wait(wc_timeout);
}

} // namespace ibodp::test
