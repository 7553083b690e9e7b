// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// RAII owners of verbs objects and typed posting.
//
// Error model (see docs/library.md):
//  - set-up (opening, allocating, registering, connecting) throws
//    ibodp::error, which names the failed call and carries its errno;
//  - the data path (post_*, poll, wait, prefetch) never throws: posting
//    returns an errno value (0 on success), polling and waiting return a
//    poll_result: a completion (whose status carries its name), none, or
//    an errno value (ETIMEDOUT for a wait that ran out, or a failed poll);
//  - destructors never throw.
// Each type owns exactly one ibv_* object, is movable but not copyable,
// and get() exposes the raw handle for interoperation (ownership stays).
// Ownership (docs/library.md, "Ownership"): an object keeps what it was
// made from alive (a QP its PD, CQs and SRQ; an MR its PD; everything its
// device context), so destroying the C++ owner of a parent first only
// drops its share, and the verbs objects are released children first.

#include "ibodp/error.hpp"

#include <infiniband/verbs.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ibodp
{

namespace detail
{
/// Reports a verbs object that could not be released (e.g. EBUSY from
/// ibv_destroy_cq while a QP still uses the CQ): one line on stderr naming
/// @p call and the errno. Debug builds (CMAKE_BUILD_TYPE=Debug) then abort,
/// so that the code that leaked it is found.
void report_release_failure(const char *call, int errnum) noexcept;

/// Releases @p object with @p release (one of the ibv_destroy_* family:
/// 0 or an errno value, or -1 with errno set) and reports a failure.
/// errno is left as it was: a destructor must not change what an error
/// path is about to read.
template <typename T>
void release_checked(T *object, int (*release)(T *), const char *call) noexcept
{
	const int saved = errno;
	errno = 0;
	if (const int rc = release(object))
		report_release_failure(call, rc > 0 ? rc : (errno != 0 ? errno : EIO));
	errno = saved;
}

/// The owner's share of one verbs object. The objects made from it
/// (children) hold shares too (share()), so the object is released only
/// after the last of them, in whatever order their C++ owners go: a parent
/// cannot be destroyed under its children. Move-only, like its owner.
template <typename T> class handle
{
public:
	using release_fn = int (*)(T *);

	handle() noexcept = default;
	/// Owns @p object (nullptr: nothing), to be released by @p release,
	/// named @p call in a failure report; each of @p parents is kept alive
	/// until then.
	template <typename... Parents>
	handle(T *object, release_fn release, const char *call, std::shared_ptr<Parents>... parents)
	{
		if (object == nullptr)
			return;
		// If allocating the count fails, shared_ptr releases the object.
		object_ = std::shared_ptr<T>(object, [release, call, parents...](T *o) noexcept {
			release_checked(o, release, call);
		});
	}
	handle(handle &&) noexcept = default;
	handle &operator=(handle &&) noexcept = default;
	handle(const handle &) = delete;
	handle &operator=(const handle &) = delete;
	~handle() = default;

	[[nodiscard]] T *get() const noexcept { return object_.get(); }
	[[nodiscard]] T *operator->() const noexcept { return object_.get(); }
	[[nodiscard]] explicit operator bool() const noexcept { return object_ != nullptr; }
	/// A share for a child: the object outlives it.
	[[nodiscard]] std::shared_ptr<T> share() const noexcept { return object_; }
	/// Gives up this share (the object goes with the last share).
	void reset() noexcept { object_.reset(); }

private:
	std::shared_ptr<T> object_;
};
} // namespace detail

/// The name of a work completion status, e.g. "IBV_WC_REM_ACCESS_ERR".
[[nodiscard]] std::string wc_status_name(ibv_wc_status status);

/// A work completion.
struct completion {
	std::uint64_t wr_id = 0;
	ibv_wc_status status = IBV_WC_GENERAL_ERR;
	ibv_wc_opcode opcode = IBV_WC_SEND;
	std::uint32_t byte_len = 0;
	std::uint32_t qp_num = 0;

	[[nodiscard]] bool ok() const noexcept { return status == IBV_WC_SUCCESS; }
	[[nodiscard]] std::string status_name() const { return wc_status_name(status); }
};

/// What polling a completion queue found: a completion, nothing (yet), or
/// a failure, told apart by error(): 0 with a completion or when there is
/// none; ETIMEDOUT when wait() ran out of time; the errno value of a
/// failed ibv_poll_cq otherwise. Tests as true when it holds a completion.
class poll_result
{
public:
	poll_result() noexcept = default;
	explicit poll_result(const completion &done) noexcept : done_(done) {}
	[[nodiscard]] static poll_result failure(int errnum) noexcept
	{
		poll_result r;
		r.error_ = errnum;
		return r;
	}

	[[nodiscard]] explicit operator bool() const noexcept { return done_.has_value(); }
	[[nodiscard]] const completion &operator*() const noexcept { return *done_; }
	[[nodiscard]] const completion *operator->() const noexcept { return &*done_; }
	[[nodiscard]] int error() const noexcept { return error_; }
	/// "no completion", "timed out" or the failed poll's strerror.
	[[nodiscard]] std::string why_none() const;

private:
	std::optional<completion> done_;
	int error_ = 0;
};

/// An open RDMA device.
class context
{
public:
	/// Opens the device called @p name; throws ibodp::error (ENODEV)
	/// naming it when there is no such device.
	[[nodiscard]] static context open(const std::string &name);

	[[nodiscard]] ibv_context *get() const noexcept { return ctx_.get(); }
	/// A share that keeps the object alive (what is made from it holds one).
	[[nodiscard]] std::shared_ptr<ibv_context> share() const noexcept { return ctx_.share(); }
	[[nodiscard]] const std::string &name() const noexcept { return name_; }
	[[nodiscard]] ibv_port_attr port(std::uint8_t port_num) const;
	[[nodiscard]] ibv_gid gid(std::uint8_t port_num, int index) const;
	[[nodiscard]] ibv_device_attr_ex attributes() const;

private:
	context(std::string name, ibv_context *ctx)
	    : name_(std::move(name)), ctx_(ctx, ibv_close_device, "ibv_close_device")
	{
	}
	std::string name_;
	detail::handle<ibv_context> ctx_;
};

/// A protection domain.
class protection_domain
{
public:
	explicit protection_domain(const context &ctx);
	[[nodiscard]] ibv_pd *get() const noexcept { return pd_.get(); }
	/// A share that keeps the object alive (what is made from it holds one).
	[[nodiscard]] std::shared_ptr<ibv_pd> share() const noexcept { return pd_.share(); }

private:
	detail::handle<ibv_pd> pd_;
};

/// A completion channel: a file descriptor that signals completions.
class completion_channel
{
public:
	explicit completion_channel(const context &ctx);
	[[nodiscard]] ibv_comp_channel *get() const noexcept { return channel_.get(); }
	/// A share that keeps the object alive (what is made from it holds one).
	[[nodiscard]] std::shared_ptr<ibv_comp_channel> share() const noexcept
	{
		return channel_.share();
	}

private:
	detail::handle<ibv_comp_channel> channel_;
};

/// A completion queue, optionally attached to a completion channel.
class completion_queue
{
public:
	completion_queue(const context &ctx, int entries, completion_channel *channel = nullptr);
	[[nodiscard]] ibv_cq *get() const noexcept { return cq_.get(); }
	/// A share that keeps the object alive (what is made from it holds one).
	[[nodiscard]] std::shared_ptr<ibv_cq> share() const noexcept { return cq_.share(); }

	/// One completion if there is one; a failed poll is an error, not
	/// "no completion" (see poll_result).
	[[nodiscard]] poll_result poll() noexcept;
	/// A completion, or ETIMEDOUT if none arrived within @p timeout, or
	/// the error of a failed poll. Busy polls, or sleeps on the completion
	/// channel if there is one.
	[[nodiscard]] poll_result wait(std::chrono::milliseconds timeout) noexcept;

private:
	[[nodiscard]] bool wait_for_event(std::chrono::milliseconds timeout) noexcept;
	/// The channel's share, for wait(); null without a channel.
	std::shared_ptr<ibv_comp_channel> channel_;
	detail::handle<ibv_cq> cq_;
};

/// How the pages of a memory region are made available to the device.
enum class mr_kind {
	pinned,       ///< classic registration: pages pinned at registration
	odp,          ///< explicit on-demand paging over [addr, addr + length)
	implicit_odp, ///< on-demand paging over the whole address space
};

/// The name of a kind ("pinned", "odp", "implicit_odp").
[[nodiscard]] const char *to_string(mr_kind kind) noexcept;

/// What ibv_advise_mr() should make present.
enum class prefetch_mode {
	read,     ///< fault the pages in for reading
	write,    ///< fault the pages in for writing
	no_fault, ///< map what the CPU already has, fault nothing
};

/// A buffer of a peer: its address in the peer's MR and the MR's rkey.
struct remote_buffer {
	std::uint64_t addr = 0;
	std::uint32_t rkey = 0;
};

/// A registered memory region. The memory itself is not owned.
class memory_region
{
public:
	/// Registers [addr, addr + length) with @p access (IBV_ACCESS_*; the
	/// ON_DEMAND bit is added for ODP kinds). For implicit_odp, @p addr
	/// must be nullptr and @p length SIZE_MAX. Throws ibodp::error: EINVAL
	/// for an empty or implicit-shaped explicit range, EOVERFLOW for a
	/// range that wraps (both checked before the kernel is asked), and
	/// the kernel's errno otherwise.
	memory_region(const protection_domain &pd, void *addr, std::size_t length, int access,
	              mr_kind kind);
	/// A region through which the device reaches the buffer [addr, addr +
	/// length) with @p kind: the buffer itself for pinned and odp, the
	/// whole address space (which holds the buffer) for implicit_odp.
	[[nodiscard]] static memory_region covering(const protection_domain &pd, void *addr,
	                                            std::size_t length, int access, mr_kind kind);

	[[nodiscard]] ibv_mr *get() const noexcept { return mr_.get(); }
	[[nodiscard]] std::uint32_t lkey() const noexcept { return mr_->lkey; }
	[[nodiscard]] std::uint32_t rkey() const noexcept { return mr_->rkey; }
	[[nodiscard]] mr_kind kind() const noexcept { return kind_; }
	/// A scatter-gather entry for [addr, addr + length) of this region.
	[[nodiscard]] ibv_sge sge(const void *addr, std::uint32_t length) const noexcept;
	/// How a peer addresses @p addr of this region.
	[[nodiscard]] remote_buffer remote(const void *addr) const noexcept;

	/// Asks the device to make [addr, addr + length) present
	/// (ibv_advise_mr); @p synchronous waits until it is. Returns 0 or an
	/// errno: EOPNOTSUPP on a pinned region or a device without prefetch
	/// (odp_caps::prefetch says which devices have it; prefetch_error()
	/// turns the errno into an error that says so).
	[[nodiscard]] int prefetch(const void *addr, std::size_t length, prefetch_mode mode,
	                           bool synchronous) const noexcept;

private:
	detail::handle<ibv_mr> mr_;
	mr_kind kind_;
};

/// The error to throw for errno @p err of @p mr's prefetch(): for
/// EOPNOTSUPP its likely cause (a pinned region, or a device whose driver
/// or verbs provider has no advise_mr) in the message.
[[nodiscard]] error prefetch_error(int err, const memory_region &mr);

/// A shared receive queue.
class shared_receive_queue
{
public:
	shared_receive_queue(const protection_domain &pd, std::uint32_t max_wr);
	[[nodiscard]] ibv_srq *get() const noexcept { return srq_.get(); }
	/// A share that keeps the object alive (what is made from it holds one).
	[[nodiscard]] std::shared_ptr<ibv_srq> share() const noexcept { return srq_.share(); }
	[[nodiscard]] int post_recv(const ibv_sge &sge, std::uint64_t wr_id) noexcept;

private:
	detail::handle<ibv_srq> srq_;
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
	/// IBV_QP_EX_WITH_* operations for the extended posting API, needed
	/// for post_atomic_write() and post_flush() (0: none).
	std::uint64_t send_ops_flags = 0;
	const shared_receive_queue *srq = nullptr;
};

/// How connect() sets up a connection. The defaults suit soft-RoCE and ODP
/// (docs/library.md, "Connection settings").
struct connect_options {
	std::uint8_t port = 1;
	int gid_index = 1;
	/// 0: the port's active MTU, as ibv_query_port reports it (both ends'
	/// ports are expected to agree; set it when they do not).
	std::uint8_t path_mtu = 0;
	/// Local ACK timeout, 4.096 us * 2^timeout: 14 is ~67 ms, room for a
	/// responder that faults pages in under emulation.
	std::uint8_t timeout = 14;
	std::uint8_t retry_cnt = 7;
	/// 7: retry for ever after an RNR NAK (a responder faulting pages).
	std::uint8_t rnr_retry = 7;
	/// The RNR delay this side asks a requester to wait (12: 0.64 ms).
	std::uint8_t min_rnr_timer = 12;
	/// Outstanding RDMA READs and atomics each way; lowered to what the
	/// device allows (max_qp_rd_atom, max_qp_init_rd_atom).
	std::uint8_t max_rd_atomic = 16;
	std::uint8_t hop_limit = 1;
};

/// An address handle for UD sends.
class address_handle
{
public:
	address_handle(const protection_domain &pd, const ibv_gid &dgid, int gid_index);
	[[nodiscard]] ibv_ah *get() const noexcept { return ah_.get(); }

private:
	detail::handle<ibv_ah> ah_;
};

/// The Q_Key our UD queue pairs use.
inline constexpr std::uint32_t ud_qkey = 0x11111111;

/// A queue pair (RC or UD) on one CQ for sends and receives.
class queue_pair
{
public:
	queue_pair(const context &ctx, const protection_domain &pd, completion_queue &cq,
	           const qp_options &options);

	[[nodiscard]] ibv_qp *get() const noexcept { return qp_.get(); }
	/// The extended QP for ibv_wr_* posting; nullptr unless created with
	/// send_ops_flags.
	[[nodiscard]] ibv_qp_ex *ex() const noexcept { return qpx_; }
	[[nodiscard]] std::uint32_t qpn() const noexcept { return qp_->qp_num; }

	/// RC: moves the QP to RTS connected to @p remote over RoCE with
	/// @p options. UD: moves it to RTS on options.port. Throws ibodp::error.
	void connect(const endpoint &remote, const connect_options &options,
	             std::uint32_t local_psn = 0);
	/// connect() with the default options over GID @p gid_index of port 1.
	void connect(const endpoint &remote, int gid_index, std::uint32_t local_psn = 0)
	{
		connect(remote, connect_options{.gid_index = gid_index}, local_psn);
	}
	/// Moves the QP back to RESET (for example out of ERR), dropping its
	/// outstanding work, so that connect() can be called again.
	void reset();
	/// Moves the QP to ERR: the work it still holds (posted sends and
	/// receives, and for an SRQ the receive it took for a message not
	/// completed) completes with IBV_WC_WR_FLUSH_ERR.
	void to_error();
	/// The QP state as the device reports it.
	[[nodiscard]] ibv_qp_state state() const;

	// Typed posting: 0 or an errno. EINVAL is returned before anything
	// reaches the device for misaligned atomics and atomics whose local
	// buffer is not 8 bytes; EOPNOTSUPP for extended operations on a QP
	// created without them.
	[[nodiscard]] int post_send(const ibv_sge &local, std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_send_ud(const ibv_sge &local, const address_handle &ah,
	                               std::uint32_t remote_qpn, std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_recv(const ibv_sge &local, std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_write(const ibv_sge &local, remote_buffer remote,
	                             std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_read(const ibv_sge &local, remote_buffer remote,
	                            std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_compare_swap(const ibv_sge &local, remote_buffer remote,
	                                    std::uint64_t compare, std::uint64_t swap,
	                                    std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_fetch_add(const ibv_sge &local, remote_buffer remote,
	                                 std::uint64_t add, std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_atomic_write(remote_buffer remote, std::uint64_t value,
	                                    std::uint64_t wr_id) noexcept;
	[[nodiscard]] int post_flush(remote_buffer remote, std::size_t length, std::uint8_t type,
	                             std::uint8_t level, std::uint64_t wr_id) noexcept;
	/// Raw posting of a prepared work request list.
	[[nodiscard]] int post_send(ibv_send_wr &wr) noexcept;
	[[nodiscard]] int post_recv(ibv_recv_wr &wr) noexcept;

private:
	[[nodiscard]] int post_one(ibv_wr_opcode opcode, const ibv_sge &local, remote_buffer remote,
	                           std::uint64_t wr_id, std::uint64_t compare_add = 0,
	                           std::uint64_t swap = 0) noexcept;
	detail::handle<ibv_qp> qp_;
	ibv_qp_ex *qpx_ = nullptr;
	ibv_qp_type type_;
};

} // namespace ibodp
