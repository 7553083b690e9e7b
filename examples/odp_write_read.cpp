// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// odp_write_read: register unpinned (ODP) memory with the ibodp library and
// move data with RDMA WRITE and READ between two processes.
//
//   server:  odp_write_read [-d rxe0] [-x 1] [-p 18700] [-s 65536] [--mr odp]
//   client:  odp_write_read [same options] SERVER_HOST
//
// The client writes a pattern into the server's buffer, reads it back into
// its own buffer and checks every byte; the server checks its buffer too.
// Both exit 0 only if all data arrived intact.

#include <ibodp/connection.hpp>
#include <ibodp/device.hpp>
#include <ibodp/memory.hpp>
#include <ibodp/policy.hpp>
#include <ibodp/registered_buffer.hpp>
#include <ibodp/verbs.hpp>

#include <getopt.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace
{

using namespace std::chrono_literals;

struct options {
	std::string device = "rxe0";
	int gid_index = 1;
	std::uint16_t port = 18700;
	std::size_t size = 65536;
	std::string mr = "odp";
	bool prefetch = false;
	std::string host; // empty: server
};

void usage(std::FILE *out)
{
	std::fprintf(out, "Usage: odp_write_read [options] [SERVER_HOST]\n"
	                  "Without SERVER_HOST: server. With it: client.\n\n"
	                  "  -d, --ib-dev=DEV     RDMA device (default rxe0)\n"
	                  "  -x, --gid-index=N    GID index (default 1)\n"
	                  "  -p, --port=PORT      TCP port for the set-up (default 18700)\n"
	                  "  -s, --size=BYTES     bytes to write and read (default 65536)\n"
	                  "      --mr=KIND        pinned, odp, implicit or auto (default odp)\n"
	                  "      --prefetch       prefetch the buffers before use (ODP only)\n"
	                  "  -h, --help           this text\n");
}

std::optional<options> parse(int argc, char **argv)
{
	static const option long_options[] = {
	        {"ib-dev", required_argument, nullptr, 'd'},
	        {"gid-index", required_argument, nullptr, 'x'},
	        {"port", required_argument, nullptr, 'p'},
	        {"size", required_argument, nullptr, 's'},
	        {"mr", required_argument, nullptr, 'm'},
	        {"prefetch", no_argument, nullptr, 'P'},
	        {"help", no_argument, nullptr, 'h'},
	        {nullptr, 0, nullptr, 0},
	};
	options opt;
	int c = 0;
	while ((c = getopt_long(argc, argv, "d:x:p:s:h", long_options, nullptr)) != -1) {
		switch (c) {
		case 'd':
			opt.device = optarg;
			break;
		case 'x':
			opt.gid_index = std::atoi(optarg);
			break;
		case 'p':
			opt.port = static_cast<std::uint16_t>(std::atoi(optarg));
			break;
		case 's':
			opt.size = std::strtoull(optarg, nullptr, 0);
			break;
		case 'm':
			opt.mr = optarg;
			break;
		case 'P':
			opt.prefetch = true;
			break;
		case 'h':
			usage(stdout);
			std::exit(0);
		default:
			return std::nullopt;
		}
	}
	if (optind < argc)
		opt.host = argv[optind++];
	if (optind != argc || opt.size == 0 || opt.size > (1UL << 30) ||
	    (opt.mr != "pinned" && opt.mr != "odp" && opt.mr != "implicit" && opt.mr != "auto"))
		return std::nullopt;
	return opt;
}

// What the client writes: seed 1 of the library's byte pattern.
constexpr std::uint64_t pattern_seed = 1;

ibodp::mr_kind kind_for(const options &opt, const ibodp::context &ctx)
{
	if (opt.mr == "pinned")
		return ibodp::mr_kind::pinned;
	if (opt.mr == "odp")
		return ibodp::mr_kind::odp;
	if (opt.mr == "implicit") {
		if (!ibodp::find_device(ctx.name()).odp.implicit)
			throw ibodp::error("implicit ODP", EOPNOTSUPP,
			                   ctx.name() + " does not support implicit ODP");
		return ibodp::mr_kind::implicit_odp;
	}
	const auto decision = ibodp::choose_mr_kind(ibodp::find_device(ctx.name()).odp, IBV_QPT_RC,
	                                            ibodp::op_write | ibodp::op_read);
	std::printf("auto: %s (%s)\n", ibodp::to_string(decision.kind), decision.reason.c_str());
	return decision.kind;
}

void maybe_prefetch(const options &opt, const ibodp::registered_buffer &buf)
{
	if (!opt.prefetch || buf.mr().kind() == ibodp::mr_kind::pinned)
		return;
	if (int rc = buf.prefetch(true))
		throw ibodp::prefetch_error(rc, buf.mr());
}

// Waits for one completion of @p cq and throws unless it succeeded.
void complete(ibodp::completion_queue &cq, const char *what)
{
	const auto done = cq.wait(10s);
	if (!done)
		throw ibodp::error(what, done.error(), done.why_none());
	if (!done->ok())
		throw ibodp::error(what, EIO, done->status_name());
}

int run(const options &opt)
{
	auto ctx = ibodp::context::open(opt.device);
	ibodp::protection_domain pd(ctx);
	ibodp::completion_queue cq(ctx, 16);
	ibodp::queue_pair qp(ctx, pd, cq, {});
	const ibodp::mr_kind kind = kind_for(opt, ctx);
	const bool server = opt.host.empty();
	// The client's buffer holds the data to write and, from the next page
	// on, the read-back area.
	const std::size_t readback = (opt.size + 4095) & ~std::size_t{4095};
	const int access =
	        IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
	const ibodp::registered_buffer buf(pd, server ? opt.size : readback + opt.size, access,
	                                   kind);
	maybe_prefetch(opt, buf);

	const ibodp::peer_info mine{
	        {qp.qpn(), ctx.gid(1, opt.gid_index), 0}, buf.remote(), opt.size};
	auto tcp = server ? ibodp::tcp_connection::accept_one(opt.port, 60s)
	                  : ibodp::tcp_connection::connect_to(opt.host, opt.port, 30s);
	const ibodp::peer_info peer = tcp.exchange(mine, 30s);
	qp.connect(peer.ep, opt.gid_index);
	tcp.send_line("ready");
	if (tcp.receive_line(30s) != "ready")
		throw ibodp::error("set-up", EPROTO, "peer not ready");

	if (server) {
		if (tcp.receive_line(60s) != "done")
			throw ibodp::error("client", EPROTO, "no 'done' from the client");
		const std::size_t bad =
		        ibodp::byte_pattern(pattern_seed).first_mismatch(buf.data(), opt.size);
		tcp.send_line(bad == opt.size ? "ok" : "mismatch");
		std::printf("server (%s MR): %zu of %zu bytes intact\n", ibodp::to_string(kind),
		            bad, opt.size);
		return bad == opt.size ? 0 : 1;
	}

	ibodp::byte_pattern(pattern_seed).fill(buf.data(), opt.size);
	const auto len = static_cast<std::uint32_t>(opt.size);
	if (int rc = qp.post_write(buf.sge(0, len), peer.buffer, 1))
		throw ibodp::error("post_write", rc);
	complete(cq, "RDMA WRITE");
	if (int rc = qp.post_read(buf.sge(readback, len), peer.buffer, 2))
		throw ibodp::error("post_read", rc);
	complete(cq, "RDMA READ");
	const std::size_t bad =
	        ibodp::byte_pattern(pattern_seed).first_mismatch(buf.data() + readback, opt.size);
	tcp.send_line("done");
	const std::string verdict = tcp.receive_line(30s);
	std::printf("client (%s MR): wrote %zu bytes, read back %zu intact, server says %s\n",
	            ibodp::to_string(kind), opt.size, bad, verdict.c_str());
	return bad == opt.size && verdict == "ok" ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	const auto opt = parse(argc, argv);
	if (!opt) {
		usage(stderr);
		return 2;
	}
	try {
		return run(*opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "odp_write_read: %s\n", e.what());
		return 1;
	}
}
