// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_soak: RDMA traffic on ODP memory while the memory is churned.
//
// The requester cycles through slots of its buffer and the peer's: WRITE
// then READ back, SEND into the peer's receive slots, FETCH_ADD and
// CMP_SWAP on a word per slot. Every payload is a seeded pattern that is
// checked where it lands, and every atomic result against the value the
// requester expects. Meanwhile a churn thread changes the memory under
// the device: madvise(MADV_DONTNEED), munmap + mmap, mprotect toggles,
// fork, mremap away and back, THP advice and MADV_COLLAPSE, MADV_PAGEOUT,
// compaction (page migration) and KSM merging (MADV_MERGEABLE).
//
// Churn that destroys contents or access (DONTNEED, munmap, mprotect,
// mremap) takes the slot's lock, so it never races with an operation on
// the same slot; it does race with operations on neighbouring slots and
// huge pages. With two processes the server can only do churn that keeps
// contents and access (it cannot know which slot the client is using).
// Any mismatch or error completion fails the run.

#include "churn.hpp"
#include "common.hpp"
#include "kernel_state.hpp"
#include "report.hpp"
#include "traffic.hpp"

namespace ibodp::soak
{
namespace
{

ibodp::tools::option_parser make_parser(soak_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser(
	        "ibodp_soak", "[options] [HOST]",
	        "RDMA WRITE/READ/SEND/atomics with checked payloads on ODP memory while\n"
	        "the memory is churned (madvise, munmap, mprotect, fork, mremap, THP,\n"
	        "pageout, compaction, KSM). Without HOST: server (or --loopback).",
	        "Exit status: 0 when every payload and atomic result was right and no\n"
	        "operation failed, 1 otherwise, 2 for bad options.");
	// -s is the slot size; -n and --prefetch mean nothing to a soak.
	add_tool_options(parser, opt.common, opt_all & ~(opt_iterations | opt_prefetch),
	                 {.size = "slot size"});
	parser.add(
	        {"minutes", 0, "N", "run for N minutes (default 1)", set_seconds(opt.seconds, 60)});
	parser.add({"seconds", 0, "N", "run for N seconds", set_seconds(opt.seconds)});
	parser.add({"slots", 0, "N",
	            "slots per buffer (default " + std::to_string(opt.slots) +
	                    "); -s, the slot size,\nis a multiple of 4K from 8K to 16M",
	            set_count(opt.slots, 2, 65536)});
	parser.add({"no-churn", 0, "", "traffic only", set_flag(opt.churn, false)});
	parser.check([&opt]() -> std::optional<std::string> {
		const std::size_t size = opt.common.size;
		if (opt.common.mr == ibodp::mr_kind::pinned)
			return "--mr pinned: the soak is about ODP memory";
		if (size < 2 * page || size % page != 0 || size > 16 << 20)
			return "-s: a multiple of 4K from 8K to 16M";
		return std::nullopt;
	});
	return parser;
}

int run_loopback(const soak_options &opt)
{
	const auto &c = opt.common;
	ibodp::rc_loopback pair(c.device, c.gid_index);
	slot_buffer local(pair.pd, opt.slots, c.size, c.mr);
	slot_buffer remote(pair.pd, opt.slots, c.size, c.mr);
	const auto before = ibodp::tools::odp_counters(c.device);
	requester req(pair.req, pair.req_cq, local, remote.mr().remote(remote.data()), opt.slots,
	              c.size);
	receiver recv(pair.resp, pair.resp_cq, remote);
	churner local_churn(local, true, [](std::size_t) {});
	churner remote_churn(remote, true, [&req](std::size_t s) { req.remote_zeroed(s); });
	std::atomic<bool> stop{false};
	std::vector<std::thread> threads;
	if (opt.churn) {
		threads.emplace_back([&] { local_churn.run(stop); });
		threads.emplace_back([&] { remote_churn.run(stop); });
	}
	run_report rep;
	drive(opt, rep, [&](std::uint64_t i) {
		if (i % 4 != 1)
			return req.step(i, &remote.lock(i % opt.slots), rep.traffic);
		// A SEND: the remote slot stays locked from posting the receive
		// until its contents are checked.
		const std::lock_guard guard(remote.lock(i % opt.slots));
		if (const int rc = recv.post(i % opt.slots)) {
			++rep.traffic.errors[std::string("post_recv: ") + std::strerror(rc)];
			return false;
		}
		return req.step(i, nullptr, rep.traffic) &&
		       recv.poll_one(rep.received, rep.recv_mismatches, rep.traffic.errors,
		                     completion_timeout, true, false);
	});
	stop.store(true);
	for (auto &t : threads)
		t.join();
	rep.churn_local = local_churn.done();
	for (const auto &[name, n] : remote_churn.done())
		rep.churn_local[name] += n;
	return report(opt, rep, before);
}

int run_server(const soak_options &opt, ibodp::queue_pair &qp, ibodp::completion_queue &cq,
               slot_buffer &buf, ibodp::tcp_connection &tcp)
{
	receiver recv(qp, cq, buf);
	for (std::size_t s = 0; s < std::min<std::size_t>(buf.slots(), 32); ++s) {
		if (recv.post(s) != 0)
			throw ibodp::error("ibv_post_recv", EIO);
	}
	churner churn(buf, false, [](std::size_t) {});
	std::atomic<bool> stop{false};
	std::thread churn_thread;
	if (opt.churn)
		churn_thread = std::thread([&] { churn.run(stop); });
	std::atomic<bool> client_done{false};
	std::thread control([&] {
		(void)tcp.receive_line(std::chrono::milliseconds(
		        static_cast<long long>(opt.seconds * 1000) + 600000));
		client_done.store(true);
	});
	std::uint64_t received = 0;
	std::uint64_t mismatches = 0;
	tally errors;
	bool ok = true;
	while (!client_done.load() && ok)
		ok = recv.poll_one(received, mismatches, errors, 100ms, false, true);
	control.join();
	stop.store(true);
	if (churn_thread.joinable())
		churn_thread.join();
	tally report{{"received", received}, {"mismatches", mismatches}, {"errors", total(errors)}};
	for (const auto &[name, n] : churn.done())
		report.emplace(std::string(churn_prefix) + name, n);
	tcp.send_line(ibodp::counters_to_wire(report));
	return mismatches == 0 && errors.empty() ? 0 : 1;
}

int run_two_processes(const soak_options &opt)
{
	const auto &c = opt.common;
	auto ctx = ibodp::context::open(c.device);
	ibodp::protection_domain pd(ctx);
	ibodp::completion_queue cq(ctx, 128);
	ibodp::queue_pair qp(ctx, pd, cq, {});
	slot_buffer buf(pd, opt.slots, c.size, c.mr);
	const auto before = ibodp::tools::odp_counters(c.device);
	auto tcp = c.is_server() ? ibodp::tcp_connection::accept_one(c.port, 120s)
	                         : ibodp::tcp_connection::connect_to(c.host, c.port, 30s);
	const ibodp::peer_info mine{
	        {qp.qpn(), ctx.gid(1, c.gid_index), 0}, buf.mr().remote(buf.data()), buf.length()};
	const auto peer = tcp.exchange(mine, 30s);
	qp.connect(peer.ep, c.gid_index);
	tcp.send_line("ready");
	if (tcp.receive_line(30s) != "ready")
		throw ibodp::error("exchange", EPROTO, "peer not ready");
	if (c.is_server())
		return run_server(opt, qp, cq, buf, tcp);

	const std::size_t peer_slots = peer.length / c.size;
	requester req(qp, cq, buf, peer.buffer, peer_slots, c.size);
	churner churn(buf, true, [](std::size_t) {});
	std::atomic<bool> stop{false};
	std::thread churn_thread;
	if (opt.churn)
		churn_thread = std::thread([&] { churn.run(stop); });
	run_report rep;
	// The server has 32 receives posted and reposts each as it checks it;
	// a SEND every 4th operation cannot outrun it by more than that with
	// one operation in flight, but RNR retries cover a slow server.
	drive(opt, rep, [&](std::uint64_t i) { return req.step(i, nullptr, rep.traffic); });
	stop.store(true);
	if (churn_thread.joinable())
		churn_thread.join();
	rep.churn_local = churn.done();
	tcp.send_line("end");
	const tally server = ibodp::counters_from_wire(tcp.receive_line(60s));
	const auto count = [&server](const char *name) {
		const auto it = server.find(name);
		if (it == server.end())
			throw ibodp::error("soak", EPROTO,
			                   std::string("server report without ") + name);
		return it->second;
	};
	rep.received = count("received");
	rep.recv_mismatches = count("mismatches");
	if (const std::uint64_t errors = count("errors"))
		rep.traffic.errors["server"] += errors;
	rep.peer_churn.emplace();
	for (const auto &[name, n] : server) {
		if (name.starts_with(churn_prefix))
			rep.peer_churn->emplace(name.substr(churn_prefix.size()), n);
	}
	return report(opt, rep, before);
}

} // namespace
} // namespace ibodp::soak

int main(int argc, char **argv)
{
	using namespace ibodp::soak;
	soak_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		return opt.common.loopback ? run_loopback(opt) : run_two_processes(opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_soak: %s\n", e.what());
		return 1;
	}
}
