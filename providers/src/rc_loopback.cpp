// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/rc_loopback.hpp"

#include <optional>
#include <utility>

namespace ibodp
{

namespace
{

std::optional<shared_receive_queue> make_srq(const protection_domain &pd, bool wanted)
{
	if (!wanted)
		return std::nullopt;
	return std::optional<shared_receive_queue>(std::in_place, pd, 64);
}

} // namespace

rc_loopback::rc_loopback(const std::string &device, int gid_index, std::uint64_t send_ops_flags,
                         bool with_srq)
    : ctx(context::open(device)), pd(ctx), srq(make_srq(pd, with_srq)), req_cq(ctx, 256),
      resp_cq(ctx, 256), req(ctx, pd, req_cq, qp_options{.send_ops_flags = send_ops_flags}),
      resp(ctx, pd, resp_cq, qp_options{.srq = srq ? &*srq : nullptr}), gid_index_(gid_index)
{
	reconnect();
}

void rc_loopback::reconnect(connect_options options)
{
	options.gid_index = gid_index_;
	const ibv_gid gid = ctx.gid(options.port, gid_index_);
	req.reset();
	resp.reset();
	// Completions flushed from the old connection are not wanted.
	while (req_cq.poll() || resp_cq.poll()) {
	}
	req.connect({resp.qpn(), gid, 0}, options);
	resp.connect({req.qpn(), gid, 0}, options);
}

} // namespace ibodp
