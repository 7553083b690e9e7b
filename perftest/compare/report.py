#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
"""report.py OUTDIR: turn the results of perftest/compare/run.sh (one
boot, stock and ours interleaved in rounds) into OUTDIR/report.md,
OUTDIR/summary.json, OUTDIR/summary.csv and PNG plots. Every comparison is
a ratio with its 95% interval (stats.py); an interval that holds 1.0 is
"no difference"; figures whose spread is too wide are listed as noisy with
the reason. How to read it: docs/perftest.md."""
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stats  # noqa: E402

RXES = ("stock", "ours")


class Results:
    """The files of one run.sh run, and what the report makes of them."""

    def __init__(self, out):
        self.out = out
        self.summary = {}
        self.noisy = []
        self.round_windows = self._round_windows()
        self.steal = self._host_steal()

    def _round_windows(self):
        windows = []
        try:
            with open(os.path.join(self.out, "rounds.txt")) as f:
                for line in f:
                    rnd, rxe, begin, end = line.split()
                    windows.append((int(rnd), rxe, int(begin), int(end)))
        except (OSError, ValueError):
            pass
        return windows

    def _host_steal(self):
        """Share of the host's CPU time stolen by its hypervisor while the
        rounds ran, from tools/bench's samples of the host's /proc/stat
        (None when there are none, e.g. run.sh run by the test suite)."""
        samples = []
        try:
            with open(os.path.join(self.out, "host_cpu.txt")) as f:
                for line in f:
                    epoch, *ticks = (int(v) for v in line.split())
                    samples.append((epoch, sum(ticks), ticks[7]))
        except (OSError, ValueError, IndexError):
            return None
        if self.round_windows:
            begin = min(w[2] for w in self.round_windows)
            end = max(w[3] for w in self.round_windows)
            inside = [s for s in samples if begin - 10 <= s[0] <= end + 10]
            samples = inside if len(inside) >= 2 else samples
        if len(samples) < 2 or samples[-1][1] == samples[0][1]:
            return None
        return (samples[-1][2] - samples[0][2]) / (samples[-1][1] - samples[0][1])

    def rounds(self):
        return sorted({w[0] for w in self.round_windows}) or [1]

    def load(self, rxe, name):
        """NAME's JSON of every round on RXE, in round order (failed or
        missing rounds left out)."""
        found = []
        for rnd in self.rounds():
            try:
                with open(os.path.join(self.out, rxe, f"r{rnd}", name + ".json")) as f:
                    found.append(json.load(f))
            except (OSError, ValueError):
                pass
        return found

    def text(self, rxe, name):
        """NAME's standard output of every round on RXE."""
        found = []
        for rnd in self.rounds():
            try:
                with open(os.path.join(self.out, rxe, f"r{rnd}", name + ".txt")) as f:
                    found.append(f.read())
            except OSError:
                pass
        return found

    def failures(self, rxe):
        failed = []
        try:
            with open(os.path.join(self.out, rxe, "status.txt")) as f:
                for line in f:
                    name, rnd, rc = line.split()
                    if int(rc):
                        failed.append(f"{name} (round {rnd}, status {rc})")
        except (OSError, ValueError):
            pass
        return failed

    def record(self, key, value, interval=None, verdict=None, noise=()):
        entry = {"value": value}
        if interval is not None:
            entry["ci_low"], entry["ci_high"] = interval
        if verdict is not None:
            entry["verdict"] = verdict
        if noise:
            entry["noisy"] = list(noise)
            self.noisy.append((key, list(noise)))
        self.summary[key] = entry

    def median(self, key, rounds, repeated=False):
        """Median of ROUNDS (lists of samples; REPEATED: several a round by
        design) with its interval, recorded under KEY; returns the cell
        text, or "n/a"."""
        if not any(len(r) for r in rounds):
            return "n/a"
        est, lo, hi = stats.median_ci(rounds)
        noise = stats.noise(rounds, (est, lo, hi), self.steal, repeated)
        self.record(key, est, (lo, hi), noise=noise)
        return cell(est, lo, hi) + (" ⚠" if noise else "")

    def ratio(self, key, num, den, better="lower", labels=("ours better", "ours worse"),
              repeated=False):
        """Ratio of medians NUM/DEN (lists of rounds; REPEATED as for
        median()) with its interval and verdict, recorded under KEY;
        returns the cell text."""
        if not any(len(r) for r in num) or not any(len(r) for r in den):
            return "n/a"
        try:
            est, lo, hi = stats.ratio_ci(num, den)
        except ValueError:
            return "n/a"
        what = stats.verdict(lo, hi, better, labels=labels)
        noise = sorted(set(stats.noise([], (est, lo, hi), self.steal)
                           + [f"{side}: {r}" for side, rounds in (("numerator", num),
                                                                  ("denominator", den))
                              for r in stats.noise(rounds, repeated=repeated)]))
        self.record(key, est, (lo, hi), what, noise)
        return f"{cell(est, lo, hi, 2)} {what}" + (" ⚠" if noise else "")


def cell(est, lo, hi, digits=1):
    return f"{est:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def fmt(v, digits=1):
    return "n/a" if v is None else f"{v:.{digits}f}"


def samples(runs, phase):
    return [r[phase + "_samples_us"] for r in runs]


def fault_section(res, lines):
    lines.append("## Cold-fault latency (first RDMA access after MADV_DONTNEED)\n")
    lines.append("4 KiB operation, loopback on one rxe device, responder pages dropped "
                 "before every cold sample, each cold sample followed by a warm one. "
                 "Medians in µs with their 95% interval in brackets. Fault cost: the "
                 "median of the paired differences cold − warm, never below 0 (see "
                 "docs/perftest.md).\n")
    lines.append("| rxe | op | cold p50 | cold p99 | warm p50 | warm p99 | fault cost "
                 "| faults/cold sample (ib_odp) | page faults/cold sample (kernel) "
                 "| mismatches |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("fault_write", "fault_read", "prefetch_write"):
        for rxe in RXES:
            runs = res.load(rxe, name)
            if not runs:
                lines.append(f"| {rxe} | {name} | failed | | | | | | | |")
                continue
            op = runs[0]["op"] + (" + prefetch" if runs[0].get("prefetch") else "")
            cold, warm = samples(runs, "cold"), samples(runs, "warm")
            key = f"{rxe}.{name}"
            cold_cell = res.median(key + ".cold_p50_us", cold, repeated=True)
            warm_cell = res.median(key + ".warm_p50_us", warm, repeated=True)
            cost, lo, hi, raw = stats.paired_cost_ci(cold, warm)
            noise = stats.noise([], (cost, lo, hi), res.steal)
            if raw < 0:
                noise.append(f"cold faster than warm (raw median {raw:.1f} µs)")
            what = "no measurable cost" if lo <= 0 else None
            res.record(key + ".fault_cost_p50_us", cost, (lo, hi), what, noise)
            cost_cell = cell(cost, lo, hi) + (f" ({what})" if what else "") + \
                (" ⚠" if noise else "")
            n_cold = sum(len(c) for c in cold)
            odp = sum(r["odp_faults"] for r in runs) if all(r["odp_faults"] >= 0
                                                             for r in runs) else None
            kernel = None
            if all(r.get("pgfaults_cold", -1) >= 0 and r.get("pgfaults_warm", -1) >= 0
                   for r in runs):
                n_warm = sum(len(w) for w in warm)
                kernel = (sum(r["pgfaults_cold"] for r in runs) / n_cold
                          - sum(r["pgfaults_warm"] for r in runs) / n_warm)
            mismatches = sum(r["mismatches"] for r in runs)
            pooled_cold = sorted(v for c in cold for v in c)
            pooled_warm = sorted(v for w in warm for v in w)
            lines.append(
                f"| {rxe} | {op} | {cold_cell} | {fmt(p99(pooled_cold))} | {warm_cell} "
                f"| {fmt(p99(pooled_warm))} | {cost_cell} "
                f"| {fmt(odp / n_cold, 2) if odp is not None else 'n/a'} "
                f"| {fmt(kernel, 2)} | {mismatches} |")
            res.record(key + ".odp_faults_per_cold_sample",
                       odp / n_cold if odp is not None else None)
            res.record(key + ".kernel_faults_per_cold_sample", kernel)
            res.record(key + ".mismatches", mismatches)
    lines.append("\n\"+ prefetch\": after dropping the pages, ibv_advise_mr (synchronous) "
                 "maps them again before the timed write. ib_odp's faults exist on ours "
                 "only; the kernel's count (/proc/vmstat pgfault during the cold "
                 "operations minus that during the warm ones) exists on both.")
    lines.append("\nMismatches count samples whose data arrived wrong: stock rxe's ODP copy "
                 "ignores the offset inside a page, so multi-packet transfers (4 KiB at MTU "
                 "1024) into ODP memory land misplaced.\n")
    lines.append("| comparison | ratio [95% interval] |")
    lines.append("|---|---|")
    for name in ("fault_write", "fault_read"):
        stock, ours = res.load("stock", name), res.load("ours", name)
        for phase in ("cold", "warm"):
            lines.append(f"| {name[6:]} {phase} p50, ours/stock | " + res.ratio(
                f"ratio.{name}.{phase}_p50", samples(ours, phase), samples(stock, phase),
                repeated=True)
                + " |")
    for rxe in RXES:
        lines.append(f"| {rxe}: cold write p50, prefetched/not | " + res.ratio(
            f"ratio.{rxe}.prefetch_cold_write", samples(res.load(rxe, "prefetch_write"), "cold"),
            samples(res.load(rxe, "fault_write"), "cold"),
            labels=("prefetch helps", "prefetch hurts"), repeated=True) + " |")
    for rxe in RXES:
        pinned = res.load(rxe, "pinned_write")
        both = [r["cold_samples_us"] + r["warm_samples_us"] for r in pinned]
        lines.append(f"| {rxe}: warm write p50, ODP/pinned | " + res.ratio(
            f"ratio.{rxe}.warm_odp_vs_pinned", samples(res.load(rxe, "fault_write"), "warm"),
            both, labels=("ODP faster", "ODP slower"), repeated=True) + " |")
    lines.append("")


def p99(pooled):
    if not pooled:
        return None
    rank = 0.99 * (len(pooled) - 1)
    low = int(rank)
    high = min(low + 1, len(pooled) - 1)
    return pooled[low] + (pooled[high] - pooled[low]) * (rank - low)


def plot_latency(res, lines):
    fig, (cdf, hist) = plt.subplots(1, 2, figsize=(12, 4.5))
    for rxe, color in zip(RXES, ("tab:orange", "tab:blue")):
        runs = res.load(rxe, "fault_write")
        for phase, style in (("cold", "-"), ("warm", "--")):
            pooled = sorted(v for r in samples(runs, phase) for v in r)
            if not pooled:
                continue
            ys = [(i + 1) / len(pooled) for i in range(len(pooled))]
            cdf.plot(pooled, ys, style, color=color, label=f"{rxe} {phase}")
            hist.hist(pooled, bins=40, histtype="step", color=color, linestyle=style,
                      label=f"{rxe} {phase}")
    cdf.set_xscale("log")
    cdf.set_xlabel("latency of a 4 KiB RDMA WRITE [us]")
    cdf.set_ylabel("fraction of samples")
    cdf.set_title("Latency CDF, cold (faulting) and warm, all rounds")
    cdf.legend()
    hist.set_xlabel("latency [us]")
    hist.set_ylabel("samples")
    hist.set_title("Latency histogram")
    hist.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(res.out, "fault_latency.png"), dpi=100)
    plt.close(fig)
    lines.append("![latency CDF and histogram](fault_latency.png)\n")


def human(size):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or size % 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} PiB"


def rows_by(res, name, key_fields):
    """{key: {rxe: [row of each round]}} from the rows of NAME's JSON."""
    rows = {}
    for rxe in RXES:
        for run in res.load(rxe, name):
            for row in run.get("rows", []):
                key = tuple(row[k] for k in key_fields)
                rows.setdefault(key, {}).setdefault(rxe, []).append(row)
    return rows


def reg_section(res, lines):
    lines.append("## Registration cost of sparse memory\n")
    lines.append("ibv_reg_mr time (median of every registration, several a round, µs, "
                 "95% interval) and memory taken while registered (MemAvailable drop, "
                 "includes pinned pages; median over rounds).\n")
    lines.append("| kind | size | stock reg | ours reg | ours/stock | stock mem [KiB] "
                 "| ours mem [KiB] |")
    lines.append("|---|---:|---:|---:|---|---:|---:|")
    rows = rows_by(res, "reg_cost", ("kind", "size"))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind in ("pinned", "odp", "implicit_odp"):
        for rxe, style in zip(RXES, ("--", "-")):
            xs, ys = [], []
            for (k, size), per in sorted(rows.items()):
                good = [r["reg"]["p50_us"] for r in per.get(rxe, []) if not r["error"]]
                if k == kind and good:
                    xs.append(size)
                    ys.append(sorted(good)[len(good) // 2])
            if xs:
                ax.plot(xs, ys, style, marker="o", label=f"{kind} ({rxe})")
    for (kind, size), per in sorted(rows.items()):
        label = "all" if kind == "implicit_odp" else human(size)
        cells, mems, rounds = [], [], {}
        for rxe in RXES:
            got = per.get(rxe, [])
            errors = sorted({r["error"] for r in got if r["error"]})
            # Every registration of the round (older results: its p50).
            rounds[rxe] = [r.get("reg_samples_us") or [r["reg"]["p50_us"]]
                           for r in got if not r["error"]]
            key = f"{rxe}.reg.{kind}.{size}.p50_us"
            cells.append(", ".join(errors) if errors and not rounds[rxe]
                         else res.median(key, rounds[rxe], repeated=True))
            kib = sorted(r["memory_kib"] for r in got if not r["error"])
            mems.append(fmt(kib[len(kib) // 2], 0) if kib else "")
        ratio = res.ratio(f"ratio.reg.{kind}.{size}", rounds["ours"], rounds["stock"],
                          repeated=True)
        lines.append(f"| {kind} | {label} | {cells[0]} | {cells[1]} | {ratio} "
                     f"| {mems[0]} | {mems[1]} |")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("region size [bytes]")
    ax.set_ylabel("ibv_reg_mr time, p50 [us]")
    ax.set_title("Registration cost vs size (median over rounds)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(res.out, "registration_cost.png"), dpi=100)
    plt.close(fig)
    lines.append("\n![registration cost](registration_cost.png)\n")


def inval_section(res, lines):
    lines.append("## Invalidation cost (4 MiB of touched pages)\n")
    lines.append("Median over rounds of each round's p50 [µs]; \"vs no MR\": the same call "
                 "without any MR.\n")
    lines.append("| call | variant | stock | ours | ours/stock | stock vs no MR "
                 "| ours vs no MR |")
    lines.append("|---|---|---:|---:|---|---|---|")
    for (call, variant), per in rows_by(res, "inval_cost", ("call", "variant")).items():
        times = {rxe: [[r["time"]["p50_us"]] for r in per.get(rxe, [])] for rxe in RXES}
        cells = [res.median(f"{rxe}.inval.{call}.{variant}.p50_us", times[rxe]) for rxe in RXES]
        ratio = res.ratio(f"ratio.inval.{call}.{variant}", times["ours"], times["stock"])
        vs_none = []
        for rxe in RXES:
            rel = [[r["ratio_to_no_mr"]] for r in per.get(rxe, []) if r.get("ratio_to_no_mr")]
            vs_none.append(res.median(f"{rxe}.inval.{call}.{variant}.ratio_to_no_mr", rel)
                           if variant != "no_mr" else "1")
        lines.append(f"| {call} | {variant} | {cells[0]} | {cells[1]} | {ratio} "
                     f"| {vs_none[0]} | {vs_none[1]} |")
    lines.append("")


def stream_section(res, lines):
    lines.append("## Cold streaming (64 KiB RDMA WRITEs over fresh memory, registration "
                 "included)\n")
    lines.append("Median over rounds of each round's MB/s, 95% interval.\n")
    lines.append("| memory | stock [MB/s] | ours [MB/s] | ours/stock | mismatches stock/ours |")
    lines.append("|---|---:|---:|---|---|")
    for mode in ("pinned", "odp", "odp_prefetch"):
        runs = {rxe: res.load(rxe, "stream_" + mode) for rxe in RXES}
        mbps = {rxe: [[r["mbps_p50"]] for r in runs[rxe]] for rxe in RXES}
        cells = [res.median(f"{rxe}.stream.{mode}.mbps", mbps[rxe]) for rxe in RXES]
        ratio = res.ratio(f"ratio.stream.{mode}", mbps["ours"], mbps["stock"], better="higher")
        bad = [str(sum(r["mismatches"] for r in runs[rxe])) if runs[rxe] else "failed"
               for rxe in RXES]
        lines.append(f"| {mode} | {cells[0]} | {cells[1]} | {ratio} | {bad[0]} / {bad[1]} |")
    lines.append("")


def parse_rounds(texts, pattern, group):
    found = []
    for text in texts:
        m = None
        for m in re.finditer(pattern, text, re.M):
            pass
        if m:
            found.append([float(m.group(group))])
    return found


def peers_section(res, lines):
    lines.append("## Peers: what a user would run\n")
    lines.append("Warm 64-byte RDMA WRITE (put) latency on the same boot, in the same "
                 "rounds: our tool (one process, posting to completion), `ib_write_lat "
                 "--odp` (two processes, half a round trip, t_typical) and `ucx_perftest "
                 "-t ucp_put_lat` (two processes, UCX over rc_verbs, 50th percentile) with "
                 "its buffers registered on demand (ODP) or pinned. Median over rounds [µs], "
                 "95% interval.\n")
    peer = {}
    for rxe in RXES:
        warm = samples(res.load(rxe, "warm_write_64"), "warm")
        peer[rxe] = {
            "ibodp_fault_lat": warm,
            "ib_write_lat": parse_rounds(res.text(rxe, "ib_write_lat"),
                                         r"^\s*64\s+\d+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", 3),
            "ucx_put_lat_odp": parse_rounds(res.text(rxe, "ucx_put_lat_odp"),
                                            r"^Final:\s+\d+\s+([\d.]+)", 1),
            "ucx_put_lat_pinned": parse_rounds(res.text(rxe, "ucx_put_lat_pinned"),
                                               r"^Final:\s+\d+\s+([\d.]+)", 1),
        }
    lines.append("| tool | stock | ours | ours/stock |")
    lines.append("|---|---:|---:|---|")
    for tool in peer["ours"]:
        cells = [res.median(f"{rxe}.peer.{tool}.p50_us", peer[rxe][tool]) for rxe in RXES]
        ratio = res.ratio(f"ratio.peer.{tool}", peer["ours"][tool], peer["stock"][tool])
        lines.append(f"| {tool} | {cells[0]} | {cells[1]} | {ratio} |")
    lines.append("\n| comparison | ratio [95% interval] |")
    lines.append("|---|---|")
    for rxe in RXES:
        lines.append(f"| {rxe}: UCX put latency, ODP/pinned | " + res.ratio(
            f"ratio.{rxe}.ucx_odp_vs_pinned", peer[rxe]["ucx_put_lat_odp"],
            peer[rxe]["ucx_put_lat_pinned"], labels=("ODP faster", "ODP slower")) + " |")
        lines.append(f"| {rxe}: ibodp_fault_lat / ib_write_lat | " + res.ratio(
            f"ratio.{rxe}.crosscheck", peer[rxe]["ibodp_fault_lat"], peer[rxe]["ib_write_lat"],
            labels=("ours lower", "ours higher")) + " |")
    lines.append("\nThe three time different things (see docs/perftest.md): our sample is one "
                 "write from posting to its completion, which includes the responder's ACK; "
                 "the two-process tools time half a ping-pong, and under single-threaded "
                 "TCG their two processes take turns on the one host CPU, which sets a floor "
                 "of about 2 ms on UCX's figure.\n")


def mpi_section(res, lines):
    lines.append("## MPI ping-pong on ODP memory (Open MPI over UCX, two ranks)\n")
    lines.append("`ibodp_mpi --bench` (docs/mpi.md): half a round trip per message size, "
                 "buffers warm (registered and mapped) or cold (both ranks drop both buffers "
                 "before each round trip, so every transfer faults). Median over rounds "
                 "[µs], 95% interval; bandwidth is the size over the median latency.\n")
    lines.append("| size | stock warm | stock cold | ours warm | ours cold | ours cold/warm "
                 "| ours/stock cold | ours MB/s warm / cold | faults per cold trip (ours) "
                 "| bad replies stock/ours |")
    lines.append("|---:|---:|---:|---:|---:|---|---|---|---:|---|")
    rows = rows_by(res, "mpi_pingpong", ("size",))
    if not rows:
        lines.append("| n/a | | | | | | | | | |")
    for (size,), per in sorted(rows.items()):
        lat = {(rxe, mode): samples(per.get(rxe, []), mode) for rxe in RXES
               for mode in ("warm", "cold")}
        cells = [res.median(f"{rxe}.mpi.{mode}.{size}.p50_us", lat[(rxe, mode)], repeated=True)
                 for rxe in RXES for mode in ("warm", "cold")]
        cold_warm = res.ratio(f"ratio.ours.mpi_cold_vs_warm.{size}", lat[("ours", "cold")],
                              lat[("ours", "warm")], labels=("cold faster", "cold slower"),
                              repeated=True)
        vs_stock = res.ratio(f"ratio.mpi.cold.{size}", lat[("ours", "cold")],
                             lat[("stock", "cold")], repeated=True)
        ours = per.get("ours", [])
        mbps = " / ".join(fmt(sorted(r[f"{mode}_mbps_p50"] for r in ours)[len(ours) // 2])
                          if ours else "n/a" for mode in ("warm", "cold"))
        faults = [r["odp_faults_cold"] / max(1, r["cold"]["count"]) for r in ours
                  if r["odp_faults_cold"] >= 0]
        bad = " / ".join(str(sum(r["mismatches"] for r in per.get(rxe, [])))
                         if per.get(rxe) else "failed" for rxe in RXES)
        lines.append(f"| {human(size)} | {' | '.join(cells)} | {cold_warm} | {vs_stock} "
                     f"| {mbps} | {fmt(sorted(faults)[len(faults) // 2]) if faults else 'n/a'} "
                     f"| {bad} |")
    lines.append("\nStock's ODP copy ignores the offset inside a page (docs/perftest.md), "
                 "so its replies arrive corrupt (\"bad replies\"); its times are what a user "
                 "would wait for wrong data.\n")


def header(res, quick):
    windows = res.round_windows
    order = " | ".join(" ".join(w[1] for w in windows if w[0] == rnd) for rnd in res.rounds())
    steal = "not measured" if res.steal is None else f"{res.steal:.1%}"
    return ["# ib_odp page-fault benchmark: stock rxe vs ours\n",
            f"All figures from one VM boot (QEMU TCG, so absolute times are slow; compare "
            f"ratios). Kernel: {os.uname().release}. {len(res.rounds())} rounds"
            f"{' (--quick)' if quick else ''}, in this order: {order}. Host CPU steal "
            f"during the rounds: {steal}.\n",
            "Each ratio is ours/stock (or as named) of medians, with its 95% bootstrap "
            "interval over rounds and samples; \"no difference\" means the interval holds "
            "1.0. ⚠ marks a noisy figure (reasons at the end).\n"]


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    if len(args) != 1:
        print("usage: report.py [--quick] OUTDIR", file=sys.stderr)
        return 2
    res = Results(args[0])
    body = []
    fault_section(res, body)
    plot_latency(res, body)
    reg_section(res, body)
    inval_section(res, body)
    stream_section(res, body)
    peers_section(res, body)
    mpi_section(res, body)
    body.append("## Noisy figures\n")
    body.extend(f"- {key}: {'; '.join(reasons)}" for key, reasons in res.noisy)
    if not res.noisy:
        body.append("none")
    body.append("\n## Runs that reported failure\n")
    for rxe in RXES:
        body.append(f"- {rxe}: {', '.join(res.failures(rxe)) or 'none'}")
    body.append("")
    with open(os.path.join(res.out, "report.md"), "w") as f:
        f.write("\n".join(header(res, quick) + body))
    with open(os.path.join(res.out, "summary.json"), "w") as f:
        json.dump(res.summary, f, indent=1, sort_keys=True)
    with open(os.path.join(res.out, "summary.csv"), "w") as f:
        f.write("figure,value,ci_low,ci_high,verdict,noisy\n")
        for key in sorted(res.summary):
            e = res.summary[key]
            f.write(",".join([key] + [str(e.get(k, "")) for k in ("value", "ci_low", "ci_high",
                                                                  "verdict")]
                             + ['"' + "; ".join(e.get("noisy", [])) + '"']) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
