# SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
"""perftest/compare/stats.py: intervals hold what they should, verdicts
follow the interval, a fault cost is never negative and noise is named.
Run by ctest in the image (numpy is there): python3 -m unittest."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "perftest", "compare"))
import repeatability  # noqa: E402
import stats  # noqa: E402


def rounds(rng, centre, spread, n_rounds=6, n=50):
    return [list(rng.normal(centre, spread, n)) for _ in range(n_rounds)]


class Stats(unittest.TestCase):
    def test_ratio_interval_holds_the_true_ratio(self):
        rng = np.random.default_rng(1)
        est, lo, hi = stats.ratio_ci(rounds(rng, 200, 10), rounds(rng, 100, 5))
        self.assertTrue(lo < 2.0 < hi, (est, lo, hi))
        self.assertEqual(stats.verdict(lo, hi), "ours worse")
        self.assertEqual(stats.verdict(lo, hi, better="higher"), "ours better")

    def test_same_distribution_is_no_difference(self):
        rng = np.random.default_rng(2)
        est, lo, hi = stats.ratio_ci(rounds(rng, 100, 20), rounds(rng, 100, 20))
        self.assertLessEqual(lo, 1.0)
        self.assertGreaterEqual(hi, 1.0)
        self.assertEqual(stats.verdict(lo, hi), "no difference")

    def test_tiny_but_certain_difference_is_within_equivalence(self):
        self.assertTrue(stats.verdict(0.995, 0.999).startswith("no difference (within"))
        self.assertEqual(stats.verdict(0.90, 0.95), "ours better")

    def test_round_drift_widens_the_interval(self):
        rng = np.random.default_rng(3)
        steady = [list(rng.normal(100, 5, 50)) for _ in range(6)]
        drifting = [list(rng.normal(100 * (1 + (i % 2)), 5, 50)) for i in range(6)]
        _, lo1, hi1 = stats.median_ci(steady)
        _, lo2, hi2 = stats.median_ci(drifting)
        self.assertGreater(hi2 - lo2, 3 * (hi1 - lo1))
        self.assertTrue(any("rounds disagree" in r for r in stats.noise(drifting)))
        self.assertEqual(stats.noise(steady, stats.median_ci(steady)), [])

    def test_fault_cost_is_paired_and_never_negative(self):
        rng = np.random.default_rng(4)
        # Each round runs at its own speed; the pairs still show +30.
        base = [rng.normal(100 * (1 + i), 2, 40) for i in range(6)]
        cold = [list(b + 30) for b in base]
        warm = [list(b) for b in base]
        cost, lo, hi, raw = stats.paired_cost_ci(cold, warm)
        self.assertAlmostEqual(cost, 30, delta=1)
        self.assertTrue(lo <= 30 <= hi)
        # Cold faster than warm: clipped at 0, the raw median says so.
        cost, lo, hi, raw = stats.paired_cost_ci(warm, cold)
        self.assertEqual((cost, lo, hi), (0.0, 0.0, 0.0))
        self.assertLess(raw, -25)

    def test_outliers_and_steal_are_named(self):
        data = [[100.0] * 45 + [5000.0] * 5 for _ in range(4)]
        reasons = stats.noise(data, steal=0.2)
        self.assertTrue(any("10x the median" in r for r in reasons), reasons)
        self.assertTrue(any("steal 20%" in r for r in reasons), reasons)

    def test_too_few_samples_and_rounds_are_named(self):
        rng = np.random.default_rng(5)
        one_a_round = [[v] for v in rng.normal(100, 1, 6)]
        self.assertTrue(any("only 1 sample a round" in r
                            for r in stats.noise(one_a_round, repeated=True)))
        # A per-round figure (one throughput a round) is one by design.
        self.assertEqual(stats.noise(one_a_round), [])
        five_a_round = [list(rng.normal(100, 1, 5)) for _ in range(6)]
        self.assertEqual(stats.noise(five_a_round, repeated=True), [])
        self.assertIn("one round only", stats.noise([[100.0, 101.0]]))

    def test_no_samples_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.median_ci([[], []])


class Repeatability(unittest.TestCase):
    def test_overlap_and_agreement_are_counted(self):
        def entry(lo, hi, verdict):
            return {"value": (lo + hi) / 2, "ci_low": lo, "ci_high": hi, "verdict": verdict}
        runs = ({"ratio.x": entry(0.8, 0.9, "ours better"), "ratio.y": entry(1.0, 1.2, "a"),
                 "ours.z": {"value": 1}},
                {"ratio.x": entry(0.85, 0.95, "ours better"), "ratio.y": entry(1.3, 1.4, "b")})
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, run in enumerate(runs):
                paths.append(os.path.join(tmp, f"{i}.json"))
                with open(paths[-1], "w") as f:
                    json.dump(run, f)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(repeatability.main(["r"] + paths), 0)
        self.assertIn("| y | 1.10 [1.00, 1.20] | 1.35 [1.30, 1.40] | NO |", out.getvalue())
        self.assertIn("1/2 intervals overlap; 1/2 verdicts agree", out.getvalue())


if __name__ == "__main__":
    unittest.main()
