// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// Out-of-band connection set-up between two processes over TCP, like
// perftest's: the server listens on a port, the client connects to
// host:port, and both exchange what the other needs to reach them (QP
// number, PSN, GID, and one buffer's address, rkey and length).

#include "ibodp/verbs.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace ibodp
{

/// What one side tells the other.
struct peer_info {
	endpoint ep;
	remote_buffer buffer;
	std::uint64_t length = 0;
};

/// One text line; the format is versioned ("ibodp1 ...").
[[nodiscard]] std::string to_wire(const peer_info &info);
/// Parses to_wire()'s line; throws ibodp::error (EPROTO) naming what is
/// wrong with a malformed one.
[[nodiscard]] peer_info from_wire(std::string_view line);

/// Named counts one side reports to the other (e.g. a server's results).
using wire_counters = std::map<std::string, std::uint64_t, std::less<>>;

/// One text line in the same versioned format ("ibodp1-counters a=1 b=2");
/// names are non-empty and contain no space, '=' or newline (else
/// ibodp::error, EINVAL).
[[nodiscard]] std::string counters_to_wire(const wire_counters &counters);
/// Parses counters_to_wire()'s line; throws ibodp::error (EPROTO) naming
/// what is wrong with a malformed one (bad tag, field, number, duplicate).
[[nodiscard]] wire_counters counters_from_wire(std::string_view line);

/// A connected TCP socket, closed on destruction.
class tcp_connection
{
public:
	/// Listens on @p port (all addresses) and accepts one client; throws
	/// ibodp::error, ETIMEDOUT if nobody connects within @p timeout.
	[[nodiscard]] static tcp_connection accept_one(std::uint16_t port,
	                                               std::chrono::milliseconds timeout);
	/// Connects to @p host:@p port, retrying while the server is not yet
	/// listening, until @p timeout; throws ibodp::error.
	[[nodiscard]] static tcp_connection connect_to(const std::string &host, std::uint16_t port,
	                                               std::chrono::milliseconds timeout);

	tcp_connection(tcp_connection &&other) noexcept;
	tcp_connection &operator=(tcp_connection &&other) noexcept;
	tcp_connection(const tcp_connection &) = delete;
	tcp_connection &operator=(const tcp_connection &) = delete;
	~tcp_connection();

	/// Sends @p mine and returns the peer's; throws ibodp::error.
	[[nodiscard]] peer_info exchange(const peer_info &mine, std::chrono::milliseconds timeout);
	/// Sends one line (a newline is added); throws ibodp::error.
	void send_line(std::string_view line);
	/// Receives one line without its newline; throws ibodp::error
	/// (ETIMEDOUT, ECONNRESET when the peer closed).
	[[nodiscard]] std::string receive_line(std::chrono::milliseconds timeout);

private:
	explicit tcp_connection(int fd) noexcept : fd_(fd) {}
	int fd_;
	std::string pending_;
};

} // namespace ibodp
