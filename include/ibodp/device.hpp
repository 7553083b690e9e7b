// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ibodp
{

/// What a device can do on ODP memory for one transport.
struct odp_transport_caps {
	bool send = false;
	bool recv = false;
	bool write = false;
	bool read = false;
	bool atomic = false;
	bool srq_recv = false;
	bool flush = false;
	bool atomic_write = false;

	[[nodiscard]] bool any() const noexcept;
	friend bool operator==(const odp_transport_caps &, const odp_transport_caps &) = default;
};

/// A device's on-demand paging capabilities, decoded from the verbs bits.
struct odp_caps {
	bool supported = false; ///< explicit ODP memory regions
	bool implicit = false;  ///< implicit ODP (the whole address space)
	odp_transport_caps rc;
	odp_transport_caps uc;
	odp_transport_caps ud;
	odp_transport_caps xrc;
	/// ibv_advise_mr() prefetches on this device. No verbs bit says so:
	/// list_devices() and find_device() try it on a one-page ODP region.
	/// It needs advise_mr in both the kernel driver and the verbs
	/// provider; rxe's provider has it from rdma-core 59 (Debian 13 ships
	/// 56.1, where it fails with EOPNOTSUPP whatever the kernel does).
	bool prefetch = false;

	friend bool operator==(const odp_caps &, const odp_caps &) = default;
};

/// The per-transport ODP capability bits of the verbs uAPI for FLUSH and
/// ATOMIC WRITE (IB_UVERBS_ODP_SUPPORT_FLUSH, _ATOMIC_WRITE). rdma-core
/// 56.1 (Debian 13) has no IBV_ names for them, while kernels with ODP for
/// these operations report them through it all the same.
inline constexpr std::uint32_t odp_support_flush = 1U << 6;
inline constexpr std::uint32_t odp_support_atomic_write = 1U << 7;

/// Decodes the ODP capability bits a device reports. Unknown bits are
/// ignored so that newer kernels do not break older builds.
[[nodiscard]] odp_caps decode_odp_caps(std::uint64_t general_caps, std::uint32_t rc_caps,
                                       std::uint32_t uc_caps, std::uint32_t ud_caps,
                                       std::uint32_t xrc_caps) noexcept;

/// The names of the operations in @p caps, in verbs order, for messages
/// and reports (for example "send,recv,write").
[[nodiscard]] std::string to_string(const odp_transport_caps &caps);

/// One valid entry of a port's GID table.
struct gid_info {
	unsigned index = 0;
	std::string gid;  ///< "0000:0000:0000:0000:0000:ffff:c000:0201"
	std::string type; ///< "IB", "RoCE v1" or "RoCE v2"
};

/// One port of a device as discovery saw it.
struct port_info {
	unsigned number = 0;
	std::string state;       ///< "active", "down", ... (verbs names)
	unsigned active_mtu = 0; ///< bytes
	int gid_table_len = 0;
	std::vector<gid_info> gids; ///< the valid entries only
};

/// One RDMA device and its ODP capabilities.
struct device_info {
	std::string name;
	std::string node_guid; ///< 16 hex digits
	odp_caps odp;
	std::vector<port_info> ports;
};

/// Lists the RDMA devices of this host with their ODP capabilities.
/// Throws ibodp::error when the verbs library fails; an empty list means
/// there is no device.
[[nodiscard]] std::vector<device_info> list_devices();

/// The device called @p name. Throws ibodp::error (ENODEV) naming the
/// device when there is none of that name.
[[nodiscard]] device_info find_device(const std::string &name);

} // namespace ibodp
