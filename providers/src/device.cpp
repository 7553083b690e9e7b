// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#include "ibodp/device.hpp"

#include "ibodp/error.hpp"
#include "ibodp/verbs.hpp"

#include <infiniband/verbs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <utility>

namespace ibodp
{

#ifdef IBODP_HAVE_IBV_ODP_FLUSH_BITS
static_assert(odp_support_flush == IBV_ODP_SUPPORT_FLUSH &&
              odp_support_atomic_write == IBV_ODP_SUPPORT_ATOMIC_WRITE);
#endif

namespace
{

odp_transport_caps decode_transport(std::uint32_t bits) noexcept
{
	odp_transport_caps caps;
	caps.send = (bits & IBV_ODP_SUPPORT_SEND) != 0;
	caps.recv = (bits & IBV_ODP_SUPPORT_RECV) != 0;
	caps.write = (bits & IBV_ODP_SUPPORT_WRITE) != 0;
	caps.read = (bits & IBV_ODP_SUPPORT_READ) != 0;
	caps.atomic = (bits & IBV_ODP_SUPPORT_ATOMIC) != 0;
	caps.srq_recv = (bits & IBV_ODP_SUPPORT_SRQ_RECV) != 0;
	caps.flush = (bits & odp_support_flush) != 0;
	caps.atomic_write = (bits & odp_support_atomic_write) != 0;
	return caps;
}

struct device_list_deleter {
	void operator()(ibv_device **list) const noexcept { ibv_free_device_list(list); }
};

struct context_deleter {
	void operator()(ibv_context *ctx) const noexcept { ibv_close_device(ctx); }
};

using device_list = std::unique_ptr<ibv_device *[], device_list_deleter>;
using context_ptr = std::unique_ptr<ibv_context, context_deleter>;

std::string guid_hex(__be64 guid)
{
	std::array<char, 17> buf{};
	std::snprintf(buf.data(), buf.size(), "%016llx",
	              static_cast<unsigned long long>(be64toh(guid)));
	return buf.data();
}

std::string gid_text(const ibv_gid &gid)
{
	std::string out;
	std::array<char, 6> group{};
	for (std::size_t i = 0; i < sizeof(gid.raw); i += 2) {
		std::snprintf(group.data(), group.size(), "%s%02x%02x", i == 0 ? "" : ":",
		              gid.raw[i], gid.raw[i + 1]);
		out += group.data();
	}
	return out;
}

const char *gid_type_name(std::uint32_t type)
{
	switch (type) {
	case IBV_GID_TYPE_IB:
		return "IB";
	case IBV_GID_TYPE_ROCE_V1:
		return "RoCE v1";
	case IBV_GID_TYPE_ROCE_V2:
		return "RoCE v2";
	default:
		return "unknown";
	}
}

// The valid GID entries of every port of @p ctx, by port number.
std::vector<ibv_gid_entry> query_gid_table(ibv_context *ctx, std::size_t max_entries)
{
	std::vector<ibv_gid_entry> entries(max_entries);
	const ssize_t n = ibv_query_gid_table(ctx, entries.data(), entries.size(), 0);
	if (n < 0)
		throw error("ibv_query_gid_table", static_cast<int>(-n));
	entries.resize(static_cast<std::size_t>(n));
	return entries;
}

port_info query_port(ibv_context *ctx, unsigned number)
{
	ibv_port_attr attr{};
	if (int rc = ibv_query_port(ctx, static_cast<uint8_t>(number), &attr))
		throw error("ibv_query_port", rc);
	port_info port;
	port.number = number;
	port.state = ibv_port_state_str(attr.state);
	port.active_mtu = attr.active_mtu == 0 ? 0 : 128U << attr.active_mtu;
	port.gid_table_len = attr.gid_tbl_len;
	return port;
}

// Whether ibv_advise_mr() prefetches on device @p name: 0 or its errno on
// a one-page ODP region. There is no capability bit to read instead.
int probe_prefetch(const std::string &name)
{
	const context ctx = context::open(name);
	const protection_domain pd(ctx);
	std::vector<unsigned char> page(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
	const memory_region mr(pd, page.data(), page.size(), IBV_ACCESS_LOCAL_WRITE,
	                       mr_kind::odp);
	return mr.prefetch(page.data(), page.size(), prefetch_mode::read, true);
}

device_info describe(ibv_device *dev)
{
	device_info info;
	info.name = ibv_get_device_name(dev);
	info.node_guid = guid_hex(ibv_get_device_guid(dev));

	context_ptr ctx(ibv_open_device(dev));
	if (!ctx)
		throw error("ibv_open_device", errno, info.name);
	ibv_device_attr_ex attr{};
	if (int rc = ibv_query_device_ex(ctx.get(), nullptr, &attr))
		throw error("ibv_query_device_ex", rc, info.name);
	const auto &odp = attr.odp_caps;
	info.odp = decode_odp_caps(odp.general_caps, odp.per_transport_caps.rc_odp_caps,
	                           odp.per_transport_caps.uc_odp_caps,
	                           odp.per_transport_caps.ud_odp_caps, attr.xrc_odp_caps);
	std::size_t table = 0;
	for (unsigned p = 1; p <= attr.orig_attr.phys_port_cnt; ++p) {
		info.ports.push_back(query_port(ctx.get(), p));
		table += static_cast<std::size_t>(info.ports.back().gid_table_len);
	}
	for (const auto &entry : query_gid_table(ctx.get(), table)) {
		if (entry.port_num == 0 || entry.port_num > info.ports.size())
			continue;
		info.ports[entry.port_num - 1].gids.push_back(
		        {entry.gid_index, gid_text(entry.gid), gid_type_name(entry.gid_type)});
	}
	if (info.odp.supported)
		info.odp.prefetch = probe_prefetch(info.name) == 0;
	return info;
}

} // namespace

bool odp_transport_caps::any() const noexcept
{
	return send || recv || write || read || atomic || srq_recv || flush || atomic_write;
}

odp_caps decode_odp_caps(std::uint64_t general_caps, std::uint32_t rc_caps, std::uint32_t uc_caps,
                         std::uint32_t ud_caps, std::uint32_t xrc_caps) noexcept
{
	odp_caps caps;
	caps.supported = (general_caps & IBV_ODP_SUPPORT) != 0;
	caps.implicit = (general_caps & IBV_ODP_SUPPORT_IMPLICIT) != 0;
	caps.rc = decode_transport(rc_caps);
	caps.uc = decode_transport(uc_caps);
	caps.ud = decode_transport(ud_caps);
	caps.xrc = decode_transport(xrc_caps);
	return caps;
}

std::string to_string(const odp_transport_caps &caps)
{
	const std::array<std::pair<bool, const char *>, 8> names{{
	        {caps.send, "send"},
	        {caps.recv, "recv"},
	        {caps.write, "write"},
	        {caps.read, "read"},
	        {caps.atomic, "atomic"},
	        {caps.srq_recv, "srq_recv"},
	        {caps.flush, "flush"},
	        {caps.atomic_write, "atomic_write"},
	}};
	std::string out;
	for (const auto &[set, name] : names) {
		if (!set)
			continue;
		if (!out.empty())
			out += ',';
		out += name;
	}
	return out;
}

std::vector<device_info> list_devices()
{
	int count = 0;
	device_list list(ibv_get_device_list(&count));
	if (!list && errno == ENOSYS)
		return {}; // no RDMA support in this kernel: no devices
	if (!list)
		throw error("ibv_get_device_list", errno);
	std::vector<device_info> devices;
	devices.reserve(static_cast<std::size_t>(count));
	for (int i = 0; i < count; ++i)
		devices.push_back(describe(list[i]));
	return devices;
}

device_info find_device(const std::string &name)
{
	for (auto &dev : list_devices()) {
		if (dev.name == name)
			return std::move(dev);
	}
	throw error("find_device", ENODEV, "no RDMA device named '" + name + "'");
}

} // namespace ibodp
