// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// RAII owners of verbs objects. Each type owns exactly one ibv_* object,
// is movable but not copyable, and releases it in its destructor, which
// never throws. Set-up failures throw ibodp::error; data-path calls return
// an errno value (0 on success) and are [[nodiscard]]. get() exposes the
// raw handle for interoperation; ownership stays with the object.

#include "ibodp/error.hpp"

#include <infiniband/verbs.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ibodp {

namespace detail {
template <typename T, auto Release> struct releaser {
	void operator()(T *object) const noexcept { static_cast<void>(Release(object)); }
};
} // namespace detail

/// An open RDMA device.
class context {
public:
	/// Opens the device called @p name; throws ibodp::error (ENODEV)
	/// naming it when there is no such device.
	[[nodiscard]] static context open(const std::string &name);

	[[nodiscard]] ibv_context *get() const noexcept { return ctx_.get(); }
	[[nodiscard]] const std::string &name() const noexcept { return name_; }
	[[nodiscard]] ibv_port_attr port(std::uint8_t port_num) const;
	[[nodiscard]] ibv_gid gid(std::uint8_t port_num, int index) const;
	[[nodiscard]] ibv_device_attr_ex attributes() const;

private:
	context(std::string name, ibv_context *ctx) : name_(std::move(name)), ctx_(ctx) {}
	std::string name_;
	std::unique_ptr<ibv_context, detail::releaser<ibv_context, ibv_close_device>> ctx_;
};

/// A protection domain.
class protection_domain {
public:
	explicit protection_domain(const context &ctx);
	[[nodiscard]] ibv_pd *get() const noexcept { return pd_.get(); }

private:
	std::unique_ptr<ibv_pd, detail::releaser<ibv_pd, ibv_dealloc_pd>> pd_;
};

/// A completion queue, polled by the owner.
class completion_queue {
public:
	completion_queue(const context &ctx, int entries);
	[[nodiscard]] ibv_cq *get() const noexcept { return cq_.get(); }

	/// One completion if there is one.
	[[nodiscard]] std::optional<ibv_wc> poll();
	/// Polls until a completion arrives or @p timeout passes; throws
	/// ibodp::error (ETIMEDOUT) on timeout, since a lost completion is a
	/// set-up level failure of the caller's protocol.
	[[nodiscard]] ibv_wc wait(std::chrono::milliseconds timeout);

private:
	std::unique_ptr<ibv_cq, detail::releaser<ibv_cq, ibv_destroy_cq>> cq_;
};

/// How the pages of a memory region are made available to the device.
enum class mr_kind {
	pinned,       ///< classic registration: pages pinned at registration
	odp,          ///< explicit on-demand paging over [addr, addr + length)
	implicit_odp, ///< on-demand paging over the whole address space
};

/// A registered memory region. The memory itself is not owned.
class memory_region {
public:
	/// Registers [addr, addr + length) with @p access (IBV_ACCESS_*; the
	/// ON_DEMAND bit is added for ODP kinds). For implicit_odp, @p addr
	/// must be nullptr and @p length SIZE_MAX. Throws ibodp::error.
	memory_region(const protection_domain &pd, void *addr, std::size_t length, int access,
		      mr_kind kind);

	[[nodiscard]] ibv_mr *get() const noexcept { return mr_.get(); }
	[[nodiscard]] std::uint32_t lkey() const noexcept { return mr_->lkey; }
	[[nodiscard]] std::uint32_t rkey() const noexcept { return mr_->rkey; }
	[[nodiscard]] mr_kind kind() const noexcept { return kind_; }

private:
	std::unique_ptr<ibv_mr, detail::releaser<ibv_mr, ibv_dereg_mr>> mr_;
	mr_kind kind_;
};

/// A shared receive queue.
class shared_receive_queue {
public:
	shared_receive_queue(const protection_domain &pd, std::uint32_t max_wr);
	[[nodiscard]] ibv_srq *get() const noexcept { return srq_.get(); }
	[[nodiscard]] int post_recv(ibv_recv_wr &wr) noexcept;

private:
	std::unique_ptr<ibv_srq, detail::releaser<ibv_srq, ibv_destroy_srq>> srq_;
};

/// Where a connected or datagram peer is.
struct endpoint {
	std::uint32_t qpn = 0;
	ibv_gid gid{};
	std::uint32_t psn = 0;
};

/// Options of a queue pair.
struct qp_options {
	ibv_qp_type type = IBV_QPT_RC;
	std::uint32_t max_send_wr = 64;
	std::uint32_t max_recv_wr = 64;
	std::uint32_t max_sge = 4;
	/// IBV_QP_EX_WITH_* operations for the extended posting API (0: none).
	std::uint64_t send_ops_flags = 0;
	const shared_receive_queue *srq = nullptr;
};

/// A queue pair (RC or UD) on one CQ for sends and receives.
class queue_pair {
public:
	queue_pair(const context &ctx, const protection_domain &pd, completion_queue &cq,
		   const qp_options &options);

	[[nodiscard]] ibv_qp *get() const noexcept { return qp_.get(); }
	/// The extended QP for ibv_wr_* posting; nullptr unless created with
	/// send_ops_flags.
	[[nodiscard]] ibv_qp_ex *ex() const noexcept { return qpx_; }
	[[nodiscard]] std::uint32_t qpn() const noexcept { return qp_->qp_num; }

	/// RC: moves the QP to RTS connected to @p remote over RoCE (GID
	/// @p gid_index of port 1). UD: moves it to RTS. Throws ibodp::error.
	void connect(const endpoint &remote, int gid_index, std::uint32_t local_psn = 0);
	/// Moves the QP back to RESET (for example out of ERR), dropping its
	/// outstanding work, so that connect() can be called again.
	void reset();

	[[nodiscard]] int post_send(ibv_send_wr &wr) noexcept;
	[[nodiscard]] int post_recv(ibv_recv_wr &wr) noexcept;
	/// The QP state as the device reports it.
	[[nodiscard]] ibv_qp_state state() const;

private:
	std::unique_ptr<ibv_qp, detail::releaser<ibv_qp, ibv_destroy_qp>> qp_;
	ibv_qp_ex *qpx_ = nullptr;
	ibv_qp_type type_;
};

/// An address handle for UD sends.
class address_handle {
public:
	address_handle(const protection_domain &pd, const ibv_gid &dgid, int gid_index);
	[[nodiscard]] ibv_ah *get() const noexcept { return ah_.get(); }

private:
	std::unique_ptr<ibv_ah, detail::releaser<ibv_ah, ibv_destroy_ah>> ah_;
};

/// The name of a work completion status, e.g. "IBV_WC_REM_ACCESS_ERR".
[[nodiscard]] std::string wc_status_name(ibv_wc_status status);

} // namespace ibodp
