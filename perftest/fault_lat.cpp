// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
// ibodp_fault_lat: what a page fault costs on the RDMA path.
//
// Each sample is one RDMA WRITE, READ or SEND of -s bytes, timed from
// posting to its completion. Cold samples drop the target pages first
// (MADV_DONTNEED on the responder, the requester or both), so the NIC must
// fault them back; warm samples do not. Cold and warm samples alternate so
// that drift hits both alike. The fault cost is the median of cold minus
// warm over the pairs (a cold sample and the warm one after it). Every
// transfer is verified; on our rxe the ib_odp counters prove each cold
// sample faulted.
//
// Server (responder) without HOST, client (requester) with HOST, or both
// in one process with --loopback.

#include "kernel_state.hpp"
#include "output.hpp"
#include "stats.hpp"
#include "tool_options.hpp"

#include "ibodp/connection.hpp"
#include "ibodp/memory.hpp"
#include "ibodp/rc_loopback.hpp"
#include "ibodp/registered_buffer.hpp"
#include "ibodp/verbs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace
{

using namespace std::chrono_literals;
using ibodp::tools::tool_options;

enum class operation { write, read, send };
enum class side { none, responder, requester, both };

struct fault_options {
	tool_options common;
	operation op = operation::write;
	side invalidate = side::responder;
};

constexpr int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;

ibodp::tools::option_parser make_parser(fault_options &opt)
{
	using namespace ibodp::tools;
	option_parser parser("ibodp_fault_lat", "[options] [HOST]",
	                     "Measure cold (page-faulting) and warm RDMA latency on ODP memory.",
	                     "Exit status: 0 ok, 1 error or data mismatch, 2 usage.");
	add_tool_options(parser, opt.common, opt_all);
	parser.add({"op", 0, "OP", "write, read or send (default write)",
	            set_choice(opt.op, {{"write", operation::write},
	                                {"read", operation::read},
	                                {"send", operation::send}})});
	parser.add({"invalidate", 0, "SIDE",
	            "responder, requester, both or none (default\nresponder): whose pages each "
	            "cold sample drops",
	            set_choice(opt.invalidate, {{"responder", side::responder},
	                                        {"requester", side::requester},
	                                        {"both", side::both},
	                                        {"none", side::none}})});
	parser.check([&opt]() -> std::optional<std::string> {
		if (opt.common.mr == ibodp::mr_kind::pinned && opt.invalidate != side::none)
			return "--mr pinned: pinned pages must not be dropped; add --invalidate "
			       "none";
		if (opt.op == operation::send && opt.common.size > 1024 * 1024)
			return "-s: sends are limited to 1 MiB";
		return std::nullopt;
	});
	return parser;
}

const char *name(operation op)
{
	return op == operation::write ? "write" : op == operation::read ? "read" : "send";
}

const char *name(side s)
{
	switch (s) {
	case side::none:
		return "none";
	case side::responder:
		return "responder";
	case side::requester:
		return "requester";
	case side::both:
		return "both";
	}
	return "?";
}

void fill(unsigned char *p, std::size_t n, std::size_t sample)
{
	ibodp::byte_pattern(sample).fill(p, n);
}

bool intact(const unsigned char *p, std::size_t n, std::size_t sample)
{
	return ibodp::byte_pattern(sample).matches(p, n);
}

// The buffer of one side; drop() with @p prefetch asks the device to fault
// the pages back at once, outside the timed operation.
struct buffer {
	buffer(const ibodp::protection_domain &pd, std::size_t size, ibodp::mr_kind kind)
	    : memory(pd, size, access, kind), data(reinterpret_cast<unsigned char *>(memory.data()))
	{
	}
	void drop(bool prefetch) const
	{
		memory.drop();
		if (prefetch) {
			if (int rc = memory.prefetch(true))
				throw ibodp::prefetch_error(rc, memory.mr());
		}
	}
	[[nodiscard]] const ibodp::memory_region &mr() const { return memory.mr(); }
	ibodp::registered_buffer memory;
	unsigned char *data;
};

// The responder's part of a sample: before it, drop its pages (cold) and
// prepare data or a receive; after it, check what arrived.
class responder
{
public:
	responder(const fault_options &opt, buffer &buf, ibodp::queue_pair &qp,
	          ibodp::completion_queue &cq)
	    : opt_(opt), buf_(buf), qp_(qp), cq_(cq)
	{
	}
	void prepare(bool cold, std::size_t sample)
	{
		if (cold && (opt_.invalidate == side::responder || opt_.invalidate == side::both))
			buf_.drop(opt_.common.prefetch);
		if (opt_.op == operation::read)
			fill(buf_.data, opt_.common.size, sample);
		if (opt_.op == operation::send) {
			const auto len = static_cast<std::uint32_t>(opt_.common.size);
			if (int rc = qp_.post_recv(buf_.mr().sge(buf_.data, len), sample))
				throw ibodp::error("post_recv", rc);
		}
	}
	[[nodiscard]] bool check(std::size_t sample)
	{
		if (opt_.op == operation::send) {
			const auto done = cq_.wait(10s);
			if (!done || !done->ok())
				return false;
		}
		if (opt_.op == operation::read)
			return true; // the requester checks what it read
		return intact(buf_.data, opt_.common.size, sample);
	}

private:
	const fault_options &opt_;
	buffer &buf_;
	ibodp::queue_pair &qp_;
	ibodp::completion_queue &cq_;
};

// Drives the responder: directly (loopback) or over TCP (two processes).
class responder_link
{
public:
	explicit responder_link(responder *local) : local_(local) {}
	explicit responder_link(ibodp::tcp_connection *tcp) : tcp_(tcp) {}
	void prepare(bool cold, std::size_t sample)
	{
		if (local_ != nullptr)
			return local_->prepare(cold, sample);
		tcp_->send_line(std::string(cold ? "cold " : "warm ") + std::to_string(sample));
		if (tcp_->receive_line(30s) != "ok")
			throw ibodp::error("responder", EPROTO, "prepare failed");
	}
	[[nodiscard]] bool check(std::size_t sample)
	{
		if (local_ != nullptr)
			return local_->check(sample);
		tcp_->send_line("check " + std::to_string(sample));
		return tcp_->receive_line(30s) == "ok";
	}
	void finish()
	{
		if (tcp_ != nullptr)
			tcp_->send_line("end");
	}

private:
	responder *local_ = nullptr;
	ibodp::tcp_connection *tcp_ = nullptr;
};

struct results {
	std::vector<double> cold_us;
	std::vector<double> warm_us;
	std::size_t mismatches = 0;
	// Page faults the kernel counted (/proc/vmstat pgfault) while the cold
	// and the warm operations ran; -1 without /proc/vmstat. What the warm
	// ones saw is the background (other processes, the tool itself), so
	// the difference is the faults a cold sample costs, on any rxe.
	long long pgfaults_cold = 0;
	long long pgfaults_warm = 0;
	std::optional<std::map<std::string, long long>> counters_before;
	std::optional<std::map<std::string, long long>> counters_after;
};

// One timed operation; returns microseconds or throws on failure.
double timed_op(const fault_options &opt, ibodp::queue_pair &qp, ibodp::completion_queue &cq,
                buffer &local, const ibodp::remote_buffer &remote, std::size_t sample)
{
	const auto len = static_cast<std::uint32_t>(opt.common.size);
	const ibv_sge sge = local.mr().sge(local.data, len);
	const auto start = std::chrono::steady_clock::now();
	int rc = 0;
	switch (opt.op) {
	case operation::write:
		rc = qp.post_write(sge, remote, sample);
		break;
	case operation::read:
		rc = qp.post_read(sge, remote, sample);
		break;
	case operation::send:
		rc = qp.post_send(sge, sample);
		break;
	}
	if (rc != 0)
		throw ibodp::error("post", rc, name(opt.op));
	const auto done = cq.wait(10s);
	const auto stop = std::chrono::steady_clock::now();
	if (!done)
		throw ibodp::error("wait", done.error(),
		                   std::string(name(opt.op)) + ": " + done.why_none());
	if (!done->ok())
		throw ibodp::error(name(opt.op), EIO, done->status_name());
	return std::chrono::duration<double, std::micro>(stop - start).count();
}

results run_requester(const fault_options &opt, ibodp::queue_pair &qp, ibodp::completion_queue &cq,
                      buffer &local, const ibodp::remote_buffer &remote, responder_link &peer)
{
	results r;
	const std::string &dev = opt.common.device;
	r.counters_before = ibodp::tools::odp_counters(dev);
	const std::size_t n = opt.common.iterations;
	for (std::size_t i = 0; i < 2 * n; ++i) {
		const bool cold = i % 2 == 0;
		peer.prepare(cold, i);
		if (cold && (opt.invalidate == side::requester || opt.invalidate == side::both))
			local.drop(opt.common.prefetch);
		if (opt.op != operation::read)
			fill(local.data, opt.common.size, i);
		const auto faults_before = ibodp::tools::vmstat_counter("pgfault");
		const double us = timed_op(opt, qp, cq, local, remote, i);
		const auto faults_after = ibodp::tools::vmstat_counter("pgfault");
		(cold ? r.cold_us : r.warm_us).push_back(us);
		long long &pgfaults = cold ? r.pgfaults_cold : r.pgfaults_warm;
		if (faults_before && faults_after && pgfaults >= 0)
			pgfaults += *faults_after - *faults_before;
		else
			pgfaults = -1;
		bool ok = peer.check(i);
		if (opt.op == operation::read)
			ok = ok && intact(local.data, opt.common.size, i);
		if (!ok)
			++r.mismatches;
		if (n >= 10 && (i + 1) % (2 * n / 10) == 0)
			std::fprintf(stderr, "\r%zu%% ", (i + 1) * 100 / (2 * n));
	}
	std::fprintf(stderr, "\r");
	r.counters_after = ibodp::tools::odp_counters(dev);
	peer.finish();
	return r;
}

// The median of paired differences: warm sample i ran right after cold
// sample i, so slow drift of the machine cancels (a difference of the two
// medians does not pair them and can come out negative on a busy host).
double paired_cost_p50(const results &r)
{
	std::vector<double> diffs;
	for (std::size_t i = 0; i < r.cold_us.size() && i < r.warm_us.size(); ++i)
		diffs.push_back(r.cold_us[i] - r.warm_us[i]);
	if (diffs.empty())
		return 0;
	std::sort(diffs.begin(), diffs.end());
	return ibodp::tools::percentile(diffs, 0.5);
}

void report(const fault_options &opt, const results &r)
{
	const auto cold = ibodp::tools::summarize(r.cold_us);
	const auto warm = ibodp::tools::summarize(r.warm_us);
	std::printf("ibodp_fault_lat: %s of %zu bytes, %s memory%s, invalidate %s, %zu cold + %zu "
	            "warm samples\n",
	            name(opt.op), opt.common.size, ibodp::to_string(opt.common.mr),
	            opt.common.prefetch ? " (prefetched after each drop)" : "",
	            name(opt.invalidate), cold.count, warm.count);
	std::printf(" %-5s %10s %10s %10s %10s %10s %10s %10s %10s\n", "", "min[us]", "max[us]",
	            "mean[us]", "stdev[us]", "p50[us]", "p90[us]", "p99[us]", "p99.9[us]");
	for (const auto &[label, s] : {std::pair{"cold", cold}, std::pair{"warm", warm}})
		std::printf(" %-5s %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f\n",
		            label, s.min, s.max, s.mean, s.stdev, s.p50, s.p90, s.p99, s.p999);
	const double cost = paired_cost_p50(r);
	std::printf(" fault cost (median of cold - warm, each cold sample with the warm one after "
	            "it): %.2f us\n",
	            cost);
	if (r.pgfaults_cold >= 0 && r.pgfaults_warm >= 0)
		std::printf(" kernel page faults (/proc/vmstat) per cold sample: %.2f, per warm "
		            "sample: %.2f\n",
		            static_cast<double>(r.pgfaults_cold) / static_cast<double>(cold.count),
		            static_cast<double>(r.pgfaults_warm) / static_cast<double>(warm.count));
	long long faults = -1;
	if (r.counters_before && r.counters_after) {
		faults = r.counters_after->at("faults") - r.counters_before->at("faults");
		std::printf(" ib_odp faults during the run: %lld (%.2f per cold sample)\n", faults,
		            static_cast<double>(faults) / static_cast<double>(cold.count));
	}
	std::printf(" data mismatches: %zu\n", r.mismatches);

	if (!opt.common.json_file.empty()) {
		ibodp::tools::json_object j;
		j.add("tool", "ibodp_fault_lat")
		        .add("op", name(opt.op))
		        .add("size", static_cast<std::uint64_t>(opt.common.size))
		        .add("mr", ibodp::to_string(opt.common.mr))
		        .add("invalidate", name(opt.invalidate))
		        .add("prefetch", opt.common.prefetch)
		        .add("device", opt.common.device)
		        .add_raw("cold", ibodp::tools::json_summary(cold))
		        .add_raw("warm", ibodp::tools::json_summary(warm))
		        .add("fault_cost_p50_us", cost)
		        .add("pgfaults_cold", static_cast<std::int64_t>(r.pgfaults_cold))
		        .add("pgfaults_warm", static_cast<std::int64_t>(r.pgfaults_warm))
		        .add("odp_faults", static_cast<std::int64_t>(faults))
		        .add("mismatches", static_cast<std::uint64_t>(r.mismatches));
		j.add_raw("cold_samples_us", ibodp::tools::json_numbers(r.cold_us));
		j.add_raw("warm_samples_us", ibodp::tools::json_numbers(r.warm_us));
		ibodp::tools::write_file(opt.common.json_file, j.str() + "\n");
	}
	if (!opt.common.csv_file.empty()) {
		std::string csv = "phase,sample,latency_us\n";
		for (std::size_t i = 0; i < r.cold_us.size(); ++i)
			csv += "cold," + std::to_string(i) + "," + std::to_string(r.cold_us[i]) +
			       "\n";
		for (std::size_t i = 0; i < r.warm_us.size(); ++i)
			csv += "warm," + std::to_string(i) + "," + std::to_string(r.warm_us[i]) +
			       "\n";
		ibodp::tools::write_file(opt.common.csv_file, csv);
	}
}

// The server: answers the client's prepare/check requests until "end".
void serve(responder &resp, ibodp::tcp_connection &tcp)
{
	for (;;) {
		const std::string line = tcp.receive_line(120s);
		const auto space = line.find(' ');
		const std::string verb = line.substr(0, space);
		const std::size_t sample =
		        space == std::string::npos ? 0 : std::stoul(line.substr(space + 1));
		if (verb == "end")
			return;
		if (verb == "cold" || verb == "warm") {
			resp.prepare(verb == "cold", sample);
			tcp.send_line("ok");
		} else if (verb == "check") {
			tcp.send_line(resp.check(sample) ? "ok" : "bad");
		} else {
			throw ibodp::error("serve", EPROTO, "unknown request '" + line + "'");
		}
	}
}

int run(const fault_options &opt)
{
	const auto &c = opt.common;
	if (c.loopback) {
		ibodp::rc_loopback pair(c.device, c.gid_index);
		buffer local(pair.pd, c.size, c.mr);
		buffer remote(pair.pd, c.size, c.mr);
		responder resp(opt, remote, pair.resp, pair.resp_cq);
		responder_link link(&resp);
		const auto r = run_requester(opt, pair.req, pair.req_cq, local,
		                             remote.memory.remote(), link);
		report(opt, r);
		return r.mismatches == 0 ? 0 : 1;
	}
	auto ctx = ibodp::context::open(c.device);
	ibodp::protection_domain pd(ctx);
	ibodp::completion_queue cq(ctx, 64);
	ibodp::queue_pair qp(ctx, pd, cq, {});
	buffer buf(pd, c.size, c.mr);
	auto tcp = c.is_server() ? ibodp::tcp_connection::accept_one(c.port, 120s)
	                         : ibodp::tcp_connection::connect_to(c.host, c.port, 30s);
	const ibodp::peer_info mine{
	        {qp.qpn(), ctx.gid(1, c.gid_index), 0}, buf.memory.remote(), buf.memory.size()};
	const auto peer = tcp.exchange(mine, 30s);
	if (peer.length < c.size)
		throw ibodp::error("exchange", EINVAL, "the peer's buffer is smaller than -s");
	qp.connect(peer.ep, c.gid_index);
	tcp.send_line("ready");
	if (tcp.receive_line(30s) != "ready")
		throw ibodp::error("exchange", EPROTO, "peer not ready");
	if (c.is_server()) {
		responder resp(opt, buf, qp, cq);
		serve(resp, tcp);
		return 0;
	}
	responder_link link(&tcp);
	const auto r = run_requester(opt, qp, cq, buf, peer.buffer, link);
	report(opt, r);
	return r.mismatches == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	fault_options opt;
	const auto parser = make_parser(opt);
	if (const auto status = ibodp::tools::parse_command_line(parser, argc, argv))
		return *status;
	try {
		return run(opt);
	} catch (const ibodp::error &e) {
		std::fprintf(stderr, "ibodp_fault_lat: %s\n", e.what());
		return 1;
	}
}
