// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Two connected RC queue pairs in one process: a helper for tests and
// single-process tools, not part of what a two-host application needs.

#include "ibodp/verbs.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ibodp
{

/// Two RC queue pairs on one device connected to each other, for
/// single-process use and tests: "req" posts, "resp" is the remote side.
class rc_loopback
{
public:
	/// Opens @p device and connects through GID @p gid_index of port 1
	/// (connect_options' defaults otherwise).
	rc_loopback(const std::string &device, int gid_index, std::uint64_t send_ops_flags = 0,
	            bool with_srq = false);
	/// Brings both QPs back from an error to a working connection, with
	/// @p options (their GID index is the pair's).
	void reconnect(connect_options options = {});

	context ctx;
	protection_domain pd;
	std::optional<shared_receive_queue> srq;
	completion_queue req_cq;
	completion_queue resp_cq;
	queue_pair req;
	queue_pair resp;

private:
	int gid_index_;
};

} // namespace ibodp
