#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
"""Whether two runs of tools/bench say the same: for every ratio in both
summary.json files, its interval in each run, whether the intervals
overlap and whether the verdicts agree. A Markdown table on standard
output, then totals; exit status 0 (it reports, it does not judge).

Usage: repeatability.py RUN_A/summary.json RUN_B/summary.json"""
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"repeatability.py: {path}: {e}")


def interval(entry):
    return f"{entry['value']:.2f} [{entry['ci_low']:.2f}, {entry['ci_high']:.2f}]"


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    a, b = load(argv[1]), load(argv[2])
    keys = sorted(k for k in a if k.startswith("ratio.") and k in b
                  and "ci_low" in a[k] and "ci_low" in b[k])
    if not keys:
        sys.exit("repeatability.py: the two runs have no ratio in common")
    print("| ratio | run A | run B | intervals overlap | verdict A | verdict B |")
    print("|---|---|---|---|---|---|")
    overlap = agree = 0
    for k in keys:
        ea, eb = a[k], b[k]
        ok = ea["ci_low"] <= eb["ci_high"] and eb["ci_low"] <= ea["ci_high"]
        same = ea.get("verdict") == eb.get("verdict")
        overlap += ok
        agree += same
        print(f"| {k[6:]} | {interval(ea)}{' ⚠' if ea.get('noisy') else ''} "
              f"| {interval(eb)}{' ⚠' if eb.get('noisy') else ''} | {'yes' if ok else 'NO'} "
              f"| {ea.get('verdict', '')} | {eb.get('verdict', '')} |")
    print(f"\n{overlap}/{len(keys)} intervals overlap; {agree}/{len(keys)} verdicts agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
