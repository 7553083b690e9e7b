// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_caps: list RDMA devices with their ports and ODP capabilities.
#include "option_parser.hpp"

#include "ibodp/device.hpp"
#include "ibodp/error.hpp"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace
{

struct caps_options {
	std::string device; ///< empty: every device
	bool json = false;
};

ibodp::tools::option_parser make_parser(caps_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser("ibodp_caps", "[options]",
	                     "List RDMA devices, their ports and their on-demand paging\n"
	                     "(ODP) capabilities per transport.",
	                     "Exit status: 0 ok, 1 no such device or verbs error, 2 usage.");
	parser.add(
	        {"ib-dev", 'd', "DEV", "only this device (default: all)", set_string(opt.device)});
	parser.add({"json", 'j', "", "JSON on stdout instead of text", set_flag(opt.json)});
	return parser;
}

void print_text(const std::vector<ibodp::device_info> &devices)
{
	for (const auto &dev : devices) {
		std::cout << dev.name << " (node GUID " << dev.node_guid << ")\n";
		for (const auto &port : dev.ports) {
			std::cout << "  port " << port.number << ": " << port.state << ", mtu "
			          << port.active_mtu << ", " << port.gids.size() << " of "
			          << port.gid_table_len << " GIDs set\n";
			for (const auto &gid : port.gids)
				std::cout << "    gid " << gid.index << ": " << gid.gid << " ("
				          << gid.type << ")\n";
		}
		std::cout << "  odp: " << (dev.odp.supported ? "supported" : "no")
		          << ", implicit: " << (dev.odp.implicit ? "yes" : "no")
		          << ", prefetch: " << (dev.odp.prefetch ? "yes" : "no")
		          << "\n  odp rc: " << ibodp::to_string(dev.odp.rc)
		          << "\n  odp uc: " << ibodp::to_string(dev.odp.uc)
		          << "\n  odp ud: " << ibodp::to_string(dev.odp.ud)
		          << "\n  odp xrc: " << ibodp::to_string(dev.odp.xrc) << '\n';
	}
}

// Names and states are plain ASCII identifiers, so no escaping is needed
// beyond quoting.
void print_json(const std::vector<ibodp::device_info> &devices)
{
	std::cout << "[";
	const char *sep = "";
	for (const auto &dev : devices) {
		std::cout << sep << "\n  {\"name\": \"" << dev.name << "\", \"node_guid\": \""
		          << dev.node_guid << "\", \"odp\": {\"supported\": "
		          << (dev.odp.supported ? "true" : "false")
		          << ", \"implicit\": " << (dev.odp.implicit ? "true" : "false")
		          << ", \"prefetch\": " << (dev.odp.prefetch ? "true" : "false")
		          << ", \"rc\": \"" << ibodp::to_string(dev.odp.rc) << "\", \"uc\": \""
		          << ibodp::to_string(dev.odp.uc) << "\", \"ud\": \""
		          << ibodp::to_string(dev.odp.ud) << "\", \"xrc\": \""
		          << ibodp::to_string(dev.odp.xrc) << "\"}, \"ports\": [";
		const char *psep = "";
		for (const auto &port : dev.ports) {
			std::cout << psep << "{\"port\": " << port.number << ", \"state\": \""
			          << port.state << "\", \"mtu\": " << port.active_mtu
			          << ", \"gid_table_len\": " << port.gid_table_len
			          << ", \"gids\": [";
			const char *gsep = "";
			for (const auto &gid : port.gids) {
				std::cout << gsep << "{\"index\": " << gid.index << ", \"gid\": \""
				          << gid.gid << "\", \"type\": \"" << gid.type << "\"}";
				gsep = ", ";
			}
			std::cout << "]}";
			psep = ", ";
		}
		std::cout << "]}";
		sep = ",";
	}
	std::cout << "\n]\n";
}

} // namespace

int main(int argc, char **argv)
{
	caps_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		std::vector<ibodp::device_info> devices;
		if (opt.device.empty())
			devices = ibodp::list_devices();
		else
			devices.push_back(ibodp::find_device(opt.device));
		if (devices.empty()) {
			std::fprintf(stderr, "ibodp_caps: no RDMA device found\n");
			return 1;
		}
		if (opt.json)
			print_json(devices);
		else
			print_text(devices);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_caps: %s\n", e.what());
		return 1;
	}
	return 0;
}
