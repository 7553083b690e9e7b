// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/verbs.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

namespace ibodp
{

namespace
{

struct device_list_releaser {
	void operator()(ibv_device **list) const noexcept { ibv_free_device_list(list); }
};

// errno after a verbs call that returns NULL; never 0, so that an error
// is never reported as success.
int last_errno() noexcept
{
	return errno != 0 ? errno : EIO;
}

} // namespace

context context::open(const std::string &name)
{
	int count = 0;
	std::unique_ptr<ibv_device *[], device_list_releaser> list(ibv_get_device_list(&count));
	// Without any RDMA support in the kernel the list itself fails
	// (ENOSYS): for the caller that is the same as "no such device".
	if (!list && errno != ENOSYS)
		throw error("ibv_get_device_list", last_errno());
	for (int i = 0; list && i < count; ++i) {
		if (name != ibv_get_device_name(list[i]))
			continue;
		ibv_context *ctx = ibv_open_device(list[i]);
		if (ctx == nullptr)
			throw error("ibv_open_device", last_errno(), name);
		return {name, ctx};
	}
	throw error("context::open", ENODEV, "no RDMA device named '" + name + "'");
}

ibv_port_attr context::port(std::uint8_t port_num) const
{
	ibv_port_attr attr{};
	if (int rc = ibv_query_port(get(), port_num, &attr))
		throw error("ibv_query_port", rc, name_);
	return attr;
}

ibv_gid context::gid(std::uint8_t port_num, int index) const
{
	ibv_gid gid{};
	if (ibv_query_gid(get(), port_num, index, &gid) != 0)
		throw error("ibv_query_gid", last_errno(), name_);
	return gid;
}

ibv_device_attr_ex context::attributes() const
{
	ibv_device_attr_ex attr{};
	if (int rc = ibv_query_device_ex(get(), nullptr, &attr))
		throw error("ibv_query_device_ex", rc, name_);
	return attr;
}

protection_domain::protection_domain(const context &ctx)
    : pd_(ibv_alloc_pd(ctx.get()), ibv_dealloc_pd, "ibv_dealloc_pd", ctx.share())
{
	if (!pd_)
		throw error("ibv_alloc_pd", last_errno(), ctx.name());
}

completion_channel::completion_channel(const context &ctx)
    : channel_(ibv_create_comp_channel(ctx.get()), ibv_destroy_comp_channel,
               "ibv_destroy_comp_channel", ctx.share())
{
	if (!channel_)
		throw error("ibv_create_comp_channel", last_errno(), ctx.name());
}

completion_queue::completion_queue(const context &ctx, int entries, completion_channel *channel)
    : channel_(channel != nullptr ? channel->share() : nullptr),
      cq_(ibv_create_cq(ctx.get(), entries, nullptr, channel_.get(), 0), ibv_destroy_cq,
          "ibv_destroy_cq", ctx.share(), channel_)
{
	if (!cq_)
		throw error("ibv_create_cq", last_errno(), ctx.name());
	if (channel_ != nullptr && ibv_req_notify_cq(cq_.get(), 0) != 0)
		throw error("ibv_req_notify_cq", last_errno(), ctx.name());
}

std::string poll_result::why_none() const
{
	if (done_)
		return "a completion";
	if (error_ == 0)
		return "no completion";
	if (error_ == ETIMEDOUT)
		return "no completion in time";
	return std::string("ibv_poll_cq failed: ") + std::strerror(error_);
}

poll_result completion_queue::poll() noexcept
{
	ibv_wc wc{};
	errno = 0;
	const int n = ibv_poll_cq(cq_.get(), 1, &wc);
	if (n == 0)
		return {};
	// Providers return a negative value on failure, some with errno set.
	if (n < 0)
		return poll_result::failure(errno != 0 ? errno : EIO);
	return poll_result(completion{wc.wr_id, wc.status, wc.opcode, wc.byte_len, wc.qp_num});
}

// Sleeps on the channel until the CQ signals, re-arming it; false on
// timeout or error.
bool completion_queue::wait_for_event(std::chrono::milliseconds timeout) noexcept
{
	pollfd pfd{channel_->fd, POLLIN, 0};
	if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0)
		return false;
	ibv_cq *cq = nullptr;
	void *cq_context = nullptr;
	if (ibv_get_cq_event(channel_.get(), &cq, &cq_context) != 0)
		return false;
	ibv_ack_cq_events(cq, 1);
	return ibv_req_notify_cq(cq, 0) == 0;
}

poll_result completion_queue::wait(std::chrono::milliseconds timeout) noexcept
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	for (;;) {
		auto polled = poll();
		if (polled || polled.error() != 0)
			return polled;
		const auto now = std::chrono::steady_clock::now();
		if (now > deadline)
			return poll_result::failure(ETIMEDOUT);
		if (channel_ != nullptr) {
			const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			        deadline - now);
			// A completion may have arrived between poll and arming.
			static_cast<void>(
			        wait_for_event(std::min(left, std::chrono::milliseconds(100))));
		} else {
			std::this_thread::yield();
		}
	}
}

namespace detail
{

void report_release_failure(const char *call, int errnum) noexcept
{
	std::fprintf(stderr, "ibodp: %s failed: %s (errno %d); the object is leaked\n", call,
	             std::strerror(errnum), errnum);
#ifdef IBODP_ABORT_ON_FAILED_RELEASE
	std::abort();
#endif
}

} // namespace detail

const char *to_string(mr_kind kind) noexcept
{
	switch (kind) {
	case mr_kind::pinned:
		return "pinned";
	case mr_kind::odp:
		return "odp";
	case mr_kind::implicit_odp:
		return "implicit_odp";
	}
	return "?";
}

memory_region::memory_region(const protection_domain &pd, void *addr, std::size_t length,
                             int access, mr_kind kind)
    : kind_(kind)
{
	if (kind != mr_kind::pinned)
		access |= IBV_ACCESS_ON_DEMAND;
	if (kind == mr_kind::implicit_odp) {
		if (addr != nullptr || length != SIZE_MAX)
			throw error("ibv_reg_mr", EINVAL, "implicit ODP covers NULL..SIZE_MAX");
	} else {
		if (length == 0)
			throw error("ibv_reg_mr", EINVAL, "empty range");
		const auto start = reinterpret_cast<std::uintptr_t>(addr);
		if (start + length - 1 < start)
			throw error("ibv_reg_mr", EOVERFLOW, "range wraps around");
	}
	errno = 0;
	mr_ = {ibv_reg_mr(pd.get(), addr, length, access), ibv_dereg_mr, "ibv_dereg_mr",
	       pd.share()};
	if (!mr_)
		throw error("ibv_reg_mr", last_errno());
}

memory_region memory_region::covering(const protection_domain &pd, void *addr, std::size_t length,
                                      int access, mr_kind kind)
{
	if (kind == mr_kind::implicit_odp)
		return {pd, nullptr, SIZE_MAX, access, kind};
	return {pd, addr, length, access, kind};
}

ibv_sge memory_region::sge(const void *addr, std::uint32_t length) const noexcept
{
	return {reinterpret_cast<std::uintptr_t>(addr), length, mr_->lkey};
}

remote_buffer memory_region::remote(const void *addr) const noexcept
{
	return {reinterpret_cast<std::uintptr_t>(addr), mr_->rkey};
}

int memory_region::prefetch(const void *addr, std::size_t length, prefetch_mode mode,
                            bool synchronous) const noexcept
{
	if (kind_ == mr_kind::pinned)
		return EOPNOTSUPP;
	if (length == 0 || length > UINT32_MAX)
		return EINVAL;
	ibv_advise_mr_advice advice = IBV_ADVISE_MR_ADVICE_PREFETCH;
	if (mode == prefetch_mode::write)
		advice = IBV_ADVISE_MR_ADVICE_PREFETCH_WRITE;
	else if (mode == prefetch_mode::no_fault)
		advice = IBV_ADVISE_MR_ADVICE_PREFETCH_NO_FAULT;
	ibv_sge sge = this->sge(addr, static_cast<std::uint32_t>(length));
	return ibv_advise_mr(mr_->pd, advice, synchronous ? IBV_ADVISE_MR_FLAG_FLUSH : 0, &sge, 1);
}

error prefetch_error(int err, const memory_region &mr)
{
	if (err != EOPNOTSUPP)
		return {"ibv_advise_mr", err};
	if (mr.kind() == mr_kind::pinned)
		return {"ibv_advise_mr", err, "a pinned region has nothing to prefetch"};
	return {"ibv_advise_mr", err,
	        "no prefetch on this device: its kernel driver or verbs provider has no "
	        "advise_mr (rxe's provider has it from rdma-core 59); ibodp_caps shows it"};
}

shared_receive_queue::shared_receive_queue(const protection_domain &pd, std::uint32_t max_wr)
{
	ibv_srq_init_attr attr{};
	attr.attr.max_wr = max_wr;
	attr.attr.max_sge = 4;
	srq_ = {ibv_create_srq(pd.get(), &attr), ibv_destroy_srq, "ibv_destroy_srq", pd.share()};
	if (!srq_)
		throw error("ibv_create_srq", last_errno());
}

namespace
{

// A receive request of one entry; @p sge must outlive the posting.
ibv_recv_wr one_entry_recv(ibv_sge &sge, std::uint64_t wr_id) noexcept
{
	ibv_recv_wr wr{};
	wr.wr_id = wr_id;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	return wr;
}

} // namespace

int shared_receive_queue::post_recv(const ibv_sge &sge, std::uint64_t wr_id) noexcept
{
	ibv_sge local = sge;
	ibv_recv_wr wr = one_entry_recv(local, wr_id);
	ibv_recv_wr *bad = nullptr;
	return ibv_post_srq_recv(srq_.get(), &wr, &bad);
}

queue_pair::queue_pair(const context &ctx, const protection_domain &pd, completion_queue &cq,
                       const qp_options &options)
    : type_(options.type)
{
	ibv_qp_init_attr_ex attr{};
	attr.qp_type = options.type;
	attr.send_cq = cq.get();
	attr.recv_cq = cq.get();
	attr.srq = options.srq != nullptr ? options.srq->get() : nullptr;
	attr.cap.max_send_wr = options.max_send_wr;
	attr.cap.max_recv_wr = options.srq != nullptr ? 0 : options.max_recv_wr;
	attr.cap.max_send_sge = options.max_sge;
	attr.cap.max_recv_sge = options.max_sge;
	attr.pd = pd.get();
	attr.comp_mask = IBV_QP_INIT_ATTR_PD;
	if (options.send_ops_flags != 0) {
		attr.comp_mask |= IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
		attr.send_ops_flags = options.send_ops_flags;
	}
	qp_ = {ibv_create_qp_ex(ctx.get(), &attr),
	       ibv_destroy_qp,
	       "ibv_destroy_qp",
	       ctx.share(),
	       pd.share(),
	       cq.share(),
	       options.srq != nullptr ? options.srq->share() : std::shared_ptr<ibv_srq>()};
	if (!qp_)
		throw error("ibv_create_qp_ex", last_errno(), ctx.name());
	if (options.send_ops_flags != 0)
		qpx_ = ibv_qp_to_qp_ex(qp_.get());
}

namespace
{

// The settings connect() uses once the device has been asked: the path MTU
// of the port and read/atomic depths within the device's limits.
struct resolved_connection {
	ibv_mtu path_mtu;
	std::uint8_t max_dest_rd_atomic;
	std::uint8_t max_rd_atomic;
};

resolved_connection resolve(ibv_context *ctx, const connect_options &options)
{
	resolved_connection r{static_cast<ibv_mtu>(options.path_mtu), options.max_rd_atomic,
	                      options.max_rd_atomic};
	if (options.path_mtu == 0) {
		ibv_port_attr port{};
		if (int rc = ibv_query_port(ctx, options.port, &port))
			throw error("ibv_query_port", rc, "port " + std::to_string(options.port));
		r.path_mtu = port.active_mtu;
	}
	ibv_device_attr dev{};
	if (int rc = ibv_query_device(ctx, &dev))
		throw error("ibv_query_device", rc);
	const auto clamp = [](std::uint8_t want, int limit) {
		return static_cast<std::uint8_t>(std::clamp<int>(want, 1, std::max(limit, 1)));
	};
	r.max_dest_rd_atomic = clamp(options.max_rd_atomic, dev.max_qp_rd_atom);
	r.max_rd_atomic = clamp(options.max_rd_atomic, dev.max_qp_init_rd_atom);
	return r;
}

} // namespace

void queue_pair::connect(const endpoint &remote, const connect_options &options,
                         std::uint32_t local_psn)
{
	if (options.gid_index < 0 || options.gid_index > 255)
		throw error("queue_pair::connect", EINVAL,
		            "GID index " + std::to_string(options.gid_index));
	const resolved_connection how = type_ == IBV_QPT_RC
	                                        ? resolve(qp_->context, options)
	                                        : resolved_connection{IBV_MTU_1024, 0, 0};
	ibv_qp_attr attr{};
	attr.qp_state = IBV_QPS_INIT;
	attr.port_num = options.port;
	attr.pkey_index = 0;
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;
	if (type_ == IBV_QPT_UD) {
		attr.qkey = ud_qkey;
		mask |= IBV_QP_QKEY;
	} else {
		attr.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
		                       IBV_ACCESS_REMOTE_ATOMIC | IBV_ACCESS_FLUSH_GLOBAL |
		                       IBV_ACCESS_FLUSH_PERSISTENT;
		mask |= IBV_QP_ACCESS_FLAGS;
	}
	if (int rc = ibv_modify_qp(qp_.get(), &attr, mask))
		throw error("ibv_modify_qp", rc, "RESET to INIT");

	attr = {};
	attr.qp_state = IBV_QPS_RTR;
	mask = IBV_QP_STATE;
	if (type_ == IBV_QPT_RC) {
		attr.path_mtu = how.path_mtu;
		attr.dest_qp_num = remote.qpn;
		attr.rq_psn = remote.psn;
		attr.max_dest_rd_atomic = how.max_dest_rd_atomic;
		attr.min_rnr_timer = options.min_rnr_timer;
		attr.ah_attr.is_global = 1;
		attr.ah_attr.grh.dgid = remote.gid;
		attr.ah_attr.grh.sgid_index = static_cast<std::uint8_t>(options.gid_index);
		attr.ah_attr.grh.hop_limit = options.hop_limit;
		attr.ah_attr.port_num = options.port;
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
		        IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER;
	}
	if (int rc = ibv_modify_qp(qp_.get(), &attr, mask))
		throw error("ibv_modify_qp", rc, "INIT to RTR");

	attr = {};
	attr.qp_state = IBV_QPS_RTS;
	attr.sq_psn = local_psn;
	mask = IBV_QP_STATE | IBV_QP_SQ_PSN;
	if (type_ == IBV_QPT_RC) {
		attr.timeout = options.timeout;
		attr.retry_cnt = options.retry_cnt;
		attr.rnr_retry = options.rnr_retry;
		attr.max_rd_atomic = how.max_rd_atomic;
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
		        IBV_QP_MAX_QP_RD_ATOMIC;
	}
	if (int rc = ibv_modify_qp(qp_.get(), &attr, mask))
		throw error("ibv_modify_qp", rc, "RTR to RTS");
}

void queue_pair::reset()
{
	ibv_qp_attr attr{};
	attr.qp_state = IBV_QPS_RESET;
	if (int rc = ibv_modify_qp(qp_.get(), &attr, IBV_QP_STATE))
		throw error("ibv_modify_qp", rc, "to RESET");
}

void queue_pair::to_error()
{
	ibv_qp_attr attr{};
	attr.qp_state = IBV_QPS_ERR;
	if (int rc = ibv_modify_qp(qp_.get(), &attr, IBV_QP_STATE))
		throw error("ibv_modify_qp", rc, "to ERR");
}

int queue_pair::post_send(ibv_send_wr &wr) noexcept
{
	ibv_send_wr *bad = nullptr;
	return ibv_post_send(qp_.get(), &wr, &bad);
}

int queue_pair::post_recv(ibv_recv_wr &wr) noexcept
{
	ibv_recv_wr *bad = nullptr;
	return ibv_post_recv(qp_.get(), &wr, &bad);
}

int queue_pair::post_one(ibv_wr_opcode opcode, const ibv_sge &local, remote_buffer remote,
                         std::uint64_t wr_id, std::uint64_t compare_add,
                         std::uint64_t swap) noexcept
{
	ibv_sge sge = local;
	ibv_send_wr wr{};
	wr.wr_id = wr_id;
	wr.sg_list = &sge;
	wr.num_sge = sge.length != 0 ? 1 : 0;
	wr.opcode = opcode;
	wr.send_flags = IBV_SEND_SIGNALED;
	if (opcode == IBV_WR_ATOMIC_CMP_AND_SWP || opcode == IBV_WR_ATOMIC_FETCH_AND_ADD) {
		if (remote.addr % 8 != 0 || local.length != 8)
			return EINVAL;
		wr.wr.atomic = {remote.addr, compare_add, swap, remote.rkey};
	} else if (opcode != IBV_WR_SEND) {
		wr.wr.rdma = {remote.addr, remote.rkey};
	}
	return post_send(wr);
}

int queue_pair::post_send(const ibv_sge &local, std::uint64_t wr_id) noexcept
{
	return post_one(IBV_WR_SEND, local, {}, wr_id);
}

int queue_pair::post_send_ud(const ibv_sge &local, const address_handle &ah,
                             std::uint32_t remote_qpn, std::uint64_t wr_id) noexcept
{
	ibv_sge sge = local;
	ibv_send_wr wr{};
	wr.wr_id = wr_id;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IBV_WR_SEND;
	wr.send_flags = IBV_SEND_SIGNALED;
	wr.wr.ud.ah = ah.get();
	wr.wr.ud.remote_qpn = remote_qpn;
	wr.wr.ud.remote_qkey = ud_qkey;
	return post_send(wr);
}

int queue_pair::post_recv(const ibv_sge &local, std::uint64_t wr_id) noexcept
{
	ibv_sge sge = local;
	ibv_recv_wr wr = one_entry_recv(sge, wr_id);
	return post_recv(wr);
}

int queue_pair::post_write(const ibv_sge &local, remote_buffer remote, std::uint64_t wr_id) noexcept
{
	return post_one(IBV_WR_RDMA_WRITE, local, remote, wr_id);
}

int queue_pair::post_read(const ibv_sge &local, remote_buffer remote, std::uint64_t wr_id) noexcept
{
	return post_one(IBV_WR_RDMA_READ, local, remote, wr_id);
}

int queue_pair::post_compare_swap(const ibv_sge &local, remote_buffer remote, std::uint64_t compare,
                                  std::uint64_t swap, std::uint64_t wr_id) noexcept
{
	return post_one(IBV_WR_ATOMIC_CMP_AND_SWP, local, remote, wr_id, compare, swap);
}

int queue_pair::post_fetch_add(const ibv_sge &local, remote_buffer remote, std::uint64_t add,
                               std::uint64_t wr_id) noexcept
{
	return post_one(IBV_WR_ATOMIC_FETCH_AND_ADD, local, remote, wr_id, add);
}

int queue_pair::post_atomic_write(remote_buffer remote, std::uint64_t value,
                                  std::uint64_t wr_id) noexcept
{
	if (qpx_ == nullptr)
		return EOPNOTSUPP;
	if (remote.addr % 8 != 0)
		return EINVAL;
	ibv_wr_start(qpx_);
	qpx_->wr_id = wr_id;
	qpx_->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_write(qpx_, remote.rkey, remote.addr, &value);
	return ibv_wr_complete(qpx_);
}

int queue_pair::post_flush(remote_buffer remote, std::size_t length, std::uint8_t type,
                           std::uint8_t level, std::uint64_t wr_id) noexcept
{
	if (qpx_ == nullptr)
		return EOPNOTSUPP;
	ibv_wr_start(qpx_);
	qpx_->wr_id = wr_id;
	qpx_->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_flush(qpx_, remote.rkey, remote.addr, length, type, level);
	return ibv_wr_complete(qpx_);
}

ibv_qp_state queue_pair::state() const
{
	ibv_qp_attr attr{};
	ibv_qp_init_attr init{};
	if (int rc = ibv_query_qp(qp_.get(), &attr, IBV_QP_STATE, &init))
		throw error("ibv_query_qp", rc);
	return attr.qp_state;
}

address_handle::address_handle(const protection_domain &pd, const ibv_gid &dgid, int gid_index)
{
	ibv_ah_attr attr{};
	attr.is_global = 1;
	attr.grh.dgid = dgid;
	attr.grh.sgid_index = static_cast<std::uint8_t>(gid_index);
	attr.grh.hop_limit = 1;
	attr.port_num = 1;
	ah_ = {ibv_create_ah(pd.get(), &attr), ibv_destroy_ah, "ibv_destroy_ah", pd.share()};
	if (!ah_)
		throw error("ibv_create_ah", last_errno());
}

std::string wc_status_name(ibv_wc_status status)
{
	static constexpr std::array<std::pair<ibv_wc_status, const char *>, 22> names{{
	        {IBV_WC_SUCCESS, "IBV_WC_SUCCESS"},
	        {IBV_WC_LOC_LEN_ERR, "IBV_WC_LOC_LEN_ERR"},
	        {IBV_WC_LOC_QP_OP_ERR, "IBV_WC_LOC_QP_OP_ERR"},
	        {IBV_WC_LOC_EEC_OP_ERR, "IBV_WC_LOC_EEC_OP_ERR"},
	        {IBV_WC_LOC_PROT_ERR, "IBV_WC_LOC_PROT_ERR"},
	        {IBV_WC_WR_FLUSH_ERR, "IBV_WC_WR_FLUSH_ERR"},
	        {IBV_WC_MW_BIND_ERR, "IBV_WC_MW_BIND_ERR"},
	        {IBV_WC_BAD_RESP_ERR, "IBV_WC_BAD_RESP_ERR"},
	        {IBV_WC_LOC_ACCESS_ERR, "IBV_WC_LOC_ACCESS_ERR"},
	        {IBV_WC_REM_INV_REQ_ERR, "IBV_WC_REM_INV_REQ_ERR"},
	        {IBV_WC_REM_ACCESS_ERR, "IBV_WC_REM_ACCESS_ERR"},
	        {IBV_WC_REM_OP_ERR, "IBV_WC_REM_OP_ERR"},
	        {IBV_WC_RETRY_EXC_ERR, "IBV_WC_RETRY_EXC_ERR"},
	        {IBV_WC_RNR_RETRY_EXC_ERR, "IBV_WC_RNR_RETRY_EXC_ERR"},
	        {IBV_WC_LOC_RDD_VIOL_ERR, "IBV_WC_LOC_RDD_VIOL_ERR"},
	        {IBV_WC_REM_INV_RD_REQ_ERR, "IBV_WC_REM_INV_RD_REQ_ERR"},
	        {IBV_WC_REM_ABORT_ERR, "IBV_WC_REM_ABORT_ERR"},
	        {IBV_WC_INV_EECN_ERR, "IBV_WC_INV_EECN_ERR"},
	        {IBV_WC_INV_EEC_STATE_ERR, "IBV_WC_INV_EEC_STATE_ERR"},
	        {IBV_WC_FATAL_ERR, "IBV_WC_FATAL_ERR"},
	        {IBV_WC_RESP_TIMEOUT_ERR, "IBV_WC_RESP_TIMEOUT_ERR"},
	        {IBV_WC_GENERAL_ERR, "IBV_WC_GENERAL_ERR"},
	}};
	for (const auto &[value, name] : names) {
		if (value == status)
			return name;
	}
	return "IBV_WC_STATUS_" + std::to_string(static_cast<int>(status));
}

} // namespace ibodp
