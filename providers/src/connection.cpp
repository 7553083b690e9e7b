// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/connection.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

namespace ibodp
{

namespace
{

constexpr std::string_view wire_tag = "ibodp1";

// Closes a descriptor that is not handed on.
struct fd_guard {
	int fd;
	~fd_guard()
	{
		if (fd >= 0)
			::close(fd);
	}
	int release() noexcept { return std::exchange(fd, -1); }
};

std::string gid_hex(const ibv_gid &gid)
{
	std::string out;
	std::array<char, 3> byte{};
	for (unsigned char b : gid.raw) {
		std::snprintf(byte.data(), byte.size(), "%02x", b);
		out += byte.data();
	}
	return out;
}

bool parse_gid(std::string_view hex, ibv_gid &gid)
{
	if (hex.size() != 2 * sizeof(gid.raw))
		return false;
	for (std::size_t i = 0; i < sizeof(gid.raw); ++i) {
		const char *first = hex.data() + 2 * i;
		std::uint8_t value = 0;
		const auto [end, ec] = std::from_chars(first, first + 2, value, 16);
		if (ec != std::errc() || end != first + 2)
			return false;
		gid.raw[i] = value;
	}
	return true;
}

int wait_fd(int fd, short events, std::chrono::milliseconds timeout)
{
	pollfd pfd{fd, events, 0};
	const int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
	if (n < 0)
		return errno;
	return n == 0 ? ETIMEDOUT : 0;
}

} // namespace

std::string to_wire(const peer_info &info)
{
	std::array<char, 160> line{};
	std::snprintf(line.data(), line.size(),
	              "%s %" PRIu32 " %" PRIu32 " %s %" PRIu64 " %" PRIu32 " %" PRIu64,
	              wire_tag.data(), info.ep.qpn, info.ep.psn, gid_hex(info.ep.gid).c_str(),
	              info.buffer.addr, info.buffer.rkey, info.length);
	return line.data();
}

peer_info from_wire(std::string_view line)
{
	peer_info info;
	std::array<char, 8> tag{};
	std::array<char, 40> gid{};
	const std::string text(line);
	int used = 0;
	const int fields = std::sscanf(text.c_str(),
	                               "%7s %" SCNu32 " %" SCNu32 " %39s %" SCNu64 " %" SCNu32
	                               " %" SCNu64 "%n",
	                               tag.data(), &info.ep.qpn, &info.ep.psn, gid.data(),
	                               &info.buffer.addr, &info.buffer.rkey, &info.length, &used);
	if (fields != 7 || static_cast<std::size_t>(used) != text.size())
		throw error("from_wire", EPROTO, "malformed peer line '" + text + "'");
	if (wire_tag != tag.data())
		throw error("from_wire", EPROTO,
		            "unknown peer format '" + std::string(tag.data()) + "'");
	if (!parse_gid(gid.data(), info.ep.gid))
		throw error("from_wire", EPROTO, "malformed GID '" + std::string(gid.data()) + "'");
	return info;
}

namespace
{

constexpr std::string_view counters_tag = "ibodp1-counters";

bool valid_counter_name(std::string_view name)
{
	return !name.empty() && name.find_first_of(" =\n") == std::string_view::npos;
}

} // namespace

std::string counters_to_wire(const wire_counters &counters)
{
	std::string line(counters_tag);
	for (const auto &[name, value] : counters) {
		if (!valid_counter_name(name))
			throw error("counters_to_wire", EINVAL, "bad counter name '" + name + "'");
		line += " " + name + "=" + std::to_string(value);
	}
	return line;
}

wire_counters counters_from_wire(std::string_view line)
{
	const auto bad = [&](const std::string &why) {
		return error("counters_from_wire", EPROTO, why + " in '" + std::string(line) + "'");
	};
	if (!line.starts_with(counters_tag) ||
	    (line.size() > counters_tag.size() && line[counters_tag.size()] != ' '))
		throw bad("unknown counters format");
	wire_counters counters;
	std::string_view rest = line.substr(counters_tag.size());
	while (!rest.empty()) {
		rest.remove_prefix(1); // the space before each field
		const std::string_view field = rest.substr(0, rest.find(' '));
		rest.remove_prefix(field.size());
		const auto eq = field.find('=');
		if (eq == std::string_view::npos || !valid_counter_name(field.substr(0, eq)))
			throw bad("malformed field '" + std::string(field) + "'");
		const std::string_view digits = field.substr(eq + 1);
		std::uint64_t value = 0;
		const auto [end, ec] =
		        std::from_chars(digits.data(), digits.data() + digits.size(), value);
		if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
			throw bad("bad number in '" + std::string(field) + "'");
		if (!counters.emplace(std::string(field.substr(0, eq)), value).second)
			throw bad("duplicate counter '" + std::string(field.substr(0, eq)) + "'");
	}
	return counters;
}

tcp_connection tcp_connection::accept_one(std::uint16_t port, std::chrono::milliseconds timeout)
{
	fd_guard listener{::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)};
	if (listener.fd < 0)
		throw error("socket", errno);
	const int on = 1;
	const int off = 0;
	::setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	::setsockopt(listener.fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	sockaddr_in6 addr{};
	addr.sin6_family = AF_INET6;
	addr.sin6_addr = in6addr_any;
	addr.sin6_port = htons(port);
	if (::bind(listener.fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
		throw error("bind", errno, "port " + std::to_string(port));
	if (::listen(listener.fd, 1) != 0)
		throw error("listen", errno);
	if (int rc = wait_fd(listener.fd, POLLIN, timeout))
		throw error("accept", rc, "no client on port " + std::to_string(port));
	const int fd = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
	if (fd < 0)
		throw error("accept", errno);
	return tcp_connection(fd);
}

tcp_connection tcp_connection::connect_to(const std::string &host, std::uint16_t port,
                                          std::chrono::milliseconds timeout)
{
	addrinfo hints{};
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	addrinfo *found = nullptr;
	if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
		throw error("getaddrinfo", EHOSTUNREACH, host + ": " + gai_strerror(rc));
	std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	int last = ECONNREFUSED;
	do {
		for (const addrinfo *ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
			fd_guard fd{::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			                     ai->ai_protocol)};
			if (fd.fd < 0) {
				last = errno;
				continue;
			}
			if (::connect(fd.fd, ai->ai_addr, ai->ai_addrlen) == 0)
				return tcp_connection(fd.release());
			last = errno;
		}
		// The server may not listen yet: try again shortly.
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	} while (std::chrono::steady_clock::now() < deadline);
	throw error("connect", last, host + ":" + std::to_string(port));
}

tcp_connection::tcp_connection(tcp_connection &&other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_))
{
}

tcp_connection &tcp_connection::operator=(tcp_connection &&other) noexcept
{
	if (this != &other) {
		if (fd_ >= 0)
			::close(fd_);
		fd_ = std::exchange(other.fd_, -1);
		pending_ = std::move(other.pending_);
	}
	return *this;
}

tcp_connection::~tcp_connection()
{
	if (fd_ >= 0)
		::close(fd_);
}

void tcp_connection::send_line(std::string_view line)
{
	std::string data(line);
	data += '\n';
	std::size_t sent = 0;
	while (sent < data.size()) {
		const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw error("send", errno);
		sent += static_cast<std::size_t>(n);
	}
}

std::string tcp_connection::receive_line(std::chrono::milliseconds timeout)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	for (;;) {
		const auto newline = pending_.find('\n');
		if (newline != std::string::npos) {
			std::string line = pending_.substr(0, newline);
			pending_.erase(0, newline + 1);
			return line;
		}
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
		        deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0)
			throw error("recv", ETIMEDOUT, "no line from the peer");
		if (int rc = wait_fd(fd_, POLLIN, left))
			throw error("recv", rc, "no line from the peer");
		std::array<char, 512> buf{};
		const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw error("recv", errno);
		if (n == 0)
			throw error("recv", ECONNRESET, "the peer closed the connection");
		pending_.append(buf.data(), static_cast<std::size_t>(n));
	}
}

peer_info tcp_connection::exchange(const peer_info &mine, std::chrono::milliseconds timeout)
{
	send_line(to_wire(mine));
	return from_wire(receive_line(timeout));
}

} // namespace ibodp
