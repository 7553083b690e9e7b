// SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
#pragma once

// The report job of ibodp_soak: progress while it runs, the result at the end.

#include "common.hpp"
#include "kernel_state.hpp"
#include "traffic.hpp"

namespace ibodp::soak
{

inline void progress(double elapsed, double total, std::uint64_t ops, std::uint64_t mismatches)
{
	std::fprintf(stderr, "ibodp_soak: %.0f/%.0f s, %llu operations, %llu mismatches\n", elapsed,
	             total, static_cast<unsigned long long>(ops),
	             static_cast<unsigned long long>(mismatches));
}

struct run_report {
	traffic_result traffic;
	tally churn_local;
	std::optional<tally> peer_churn; ///< the server's churn, as it reported it
	std::uint64_t received = 0;
	std::uint64_t recv_mismatches = 0;
	double seconds = 0;
};

inline int report(const soak_options &opt, const run_report &rep,
                  const std::optional<std::map<std::string, long long>> &before)
{
	const auto after = ibodp::tools::odp_counters(opt.common.device);
	const std::uint64_t mismatches = rep.traffic.mismatches + rep.recv_mismatches;
	const std::uint64_t errors = total(rep.traffic.errors);
	std::printf("ibodp_soak: %.0f s on %s, %s, slots of %zu bytes\n", rep.seconds,
	            opt.common.device.c_str(), ibodp::to_string(opt.common.mr), opt.common.size);
	for (const auto &[op, n] : rep.traffic.ops)
		std::printf("  %-10s %llu\n", op.c_str(), static_cast<unsigned long long>(n));
	std::printf("  received   %llu (checked by the receiver)\n",
	            static_cast<unsigned long long>(rep.received));
	std::printf("mismatches: %llu\n", static_cast<unsigned long long>(mismatches));
	std::printf("error completions: %llu\n", static_cast<unsigned long long>(errors));
	for (const auto &[cause, n] : rep.traffic.errors)
		std::printf("  %s: %llu\n", cause.c_str(), static_cast<unsigned long long>(n));
	std::printf("churn: %s\n", tally_json(rep.churn_local).c_str());
	if (rep.peer_churn)
		std::printf("peer churn: %s\n", tally_json(*rep.peer_churn).c_str());
	ibodp::tools::json_object counters;
	if (before && after) {
		std::printf("ib_odp counters (delta):");
		for (const auto &[name, v] : *after) {
			const long long d = v - before->at(name);
			std::printf(" %s %lld", name.c_str(), d);
			counters.add(name, std::int64_t{d});
		}
		std::printf("\n");
	}
	if (!opt.common.json_file.empty()) {
		ibodp::tools::write_file(
		        opt.common.json_file,
		        ibodp::tools::json_object()
		                        .add("tool", "ibodp_soak")
		                        .add("device", opt.common.device)
		                        .add("mr", ibodp::to_string(opt.common.mr))
		                        .add("seconds", rep.seconds)
		                        .add("slot_size", std::uint64_t{opt.common.size})
		                        .add("operations", total(rep.traffic.ops))
		                        .add_raw("ops", tally_json(rep.traffic.ops))
		                        .add("received", rep.received)
		                        .add("mismatches", mismatches)
		                        .add("errors", errors)
		                        .add_raw("errors_by_cause", tally_json(rep.traffic.errors))
		                        .add_raw("churn", tally_json(rep.churn_local))
		                        .add_raw("peer_churn",
		                                 tally_json(rep.peer_churn.value_or(tally{})))
		                        .add_raw("odp_counters", counters.str())
		                        .str() +
		                "\n");
	}
	return mismatches == 0 && errors == 0 ? 0 : 1;
}

// Runs @p step until the time is up or it fails, printing progress.
template <typename Step> void drive(const soak_options &opt, run_report &rep, Step step)
{
	const auto start = std::chrono::steady_clock::now();
	auto next_progress = start + 10s;
	std::fprintf(stderr, "ibodp_soak: traffic started\n");
	for (std::uint64_t i = 0;; ++i) {
		const auto now = std::chrono::steady_clock::now();
		rep.seconds = std::chrono::duration<double>(now - start).count();
		if (rep.seconds >= opt.seconds)
			break;
		if (now >= next_progress) {
			progress(rep.seconds, opt.seconds, total(rep.traffic.ops),
			         rep.traffic.mismatches + rep.recv_mismatches);
			next_progress += 10s;
		}
		if (!step(i))
			break;
	}
}

} // namespace ibodp::soak
