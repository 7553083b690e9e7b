// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_caps: list RDMA devices with their ports and ODP capabilities.
#include "ibodp/device.hpp"
#include "ibodp/error.hpp"

#include <getopt.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace
{

void usage(std::FILE *out)
{
	std::fprintf(out, "Usage: ibodp_caps [-d DEV] [--json]\n"
	                  "List RDMA devices, their ports and their on-demand paging\n"
	                  "(ODP) capabilities per transport.\n\n"
	                  "  -d, --ib-dev=DEV  only this device\n"
	                  "  -j, --json        JSON instead of text\n"
	                  "  -h, --help        this text\n\n"
	                  "Exit status: 0 ok, 1 no such device or verbs error, 2 usage.\n");
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
	static const option long_options[] = {
	        {"ib-dev", required_argument, nullptr, 'd'},
	        {"json", no_argument, nullptr, 'j'},
	        {"help", no_argument, nullptr, 'h'},
	        {nullptr, 0, nullptr, 0},
	};
	std::string device;
	bool json = false;
	int opt = 0;
	while ((opt = getopt_long(argc, argv, "d:jh", long_options, nullptr)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		std::fprintf(stderr, "ibodp_caps: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	try {
		std::vector<ibodp::device_info> devices;
		if (device.empty())
			devices = ibodp::list_devices();
		else
			devices.push_back(ibodp::find_device(device));
		if (devices.empty()) {
			std::fprintf(stderr, "ibodp_caps: no RDMA device found\n");
			return 1;
		}
		if (json)
			print_json(devices);
		else
			print_text(devices);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_caps: %s\n", e.what());
		return 1;
	}
	return 0;
}
