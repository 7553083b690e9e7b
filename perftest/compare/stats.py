# SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB
"""Statistics for the stock-vs-ours comparison (report.py).

The suite runs in rounds, stock and ours alternating (ABBA), so a figure is
a list of rounds, each a list of samples (latencies) or of one value (a
round's throughput). Uncertainty comes from a hierarchical bootstrap: pick
rounds with replacement (the same rounds for both rxes, which ran side by
side), then samples with replacement inside each picked round, and take
the statistic of the pooled resample. Intervals are the 2.5th and 97.5th
percentiles of the resampled statistic (95%)."""
import numpy as np

RESAMPLES = 2000
# Fixed, so that a report rebuilt from the same data says the same.
SEED = 20261202

# A figure is "noisy" when any of these hold (the reasons are reported).
MAX_RELATIVE_HALF_WIDTH = 0.25   # interval half-width over the estimate
MAX_ROUND_SPREAD = 0.25          # coefficient of variation of round medians
MAX_OUTLIER_SHARE = 0.02         # share of samples above OUTLIER_FACTOR x median
OUTLIER_FACTOR = 10.0
MAX_STEAL = 0.05                 # share of host CPU time stolen
# Where a round holds repeated samples (latencies, registrations), fewer
# than this many a round leaves the spread inside a round unseen and the
# interval too narrow to repeat (two runs of one sample a round gave
# intervals that did not overlap).
MIN_SAMPLES_PER_ROUND = 3
# A ratio whose whole interval lies this close to 1 is no difference worth
# the name: the timer and TCG's scheduling do not resolve less.
EQUIVALENCE = 0.02


def _rounds(rounds):
    """Rounds as a 2-D array (round x sample), cut to the shortest round
    so that every resample pools the same number of samples."""
    rounds = [np.asarray(r, dtype=float) for r in rounds if len(r)]
    if not rounds:
        raise ValueError("no samples")
    n = min(len(r) for r in rounds)
    return np.stack([r[:n] for r in rounds])


def _resample(data, picks, rng):
    """Pooled hierarchical resamples of DATA (round x sample) for PICKS
    (resample x round indices): shape (resamples, rounds * samples)."""
    b, r = picks.shape
    n = data.shape[1]
    inner = rng.integers(n, size=(b, r, n))
    return data[picks[:, :, None], inner].reshape(b, r * n)


def _interval(values):
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def median_ci(rounds, resamples=RESAMPLES, seed=SEED):
    """Median of all samples and its 95% interval: (estimate, low, high)."""
    data = _rounds(rounds)
    rng = np.random.default_rng(seed)
    picks = rng.integers(data.shape[0], size=(resamples, data.shape[0]))
    meds = np.median(_resample(data, picks, rng), axis=1)
    return (float(np.median(data)),) + _interval(meds)


def ratio_ci(a_rounds, b_rounds, resamples=RESAMPLES, seed=SEED):
    """Ratio of medians a/b with its 95% interval: (estimate, low, high).
    With as many rounds on both sides the rounds are picked in pairs (round
    i of a ran next to round i of b); otherwise independently."""
    a, b = _rounds(a_rounds), _rounds(b_rounds)
    rng = np.random.default_rng(seed)
    picks_a = rng.integers(a.shape[0], size=(resamples, a.shape[0]))
    picks_b = picks_a if a.shape[0] == b.shape[0] else \
        rng.integers(b.shape[0], size=(resamples, b.shape[0]))
    med_a = np.median(_resample(a, picks_a, rng), axis=1)
    med_b = np.median(_resample(b, picks_b, rng), axis=1)
    ok = med_b > 0
    if not ok.any() or np.median(b) <= 0:
        raise ValueError("denominator is not positive")
    return (float(np.median(a) / np.median(b)),) + _interval(med_a[ok] / med_b[ok])


def paired_cost_ci(cold_rounds, warm_rounds, resamples=RESAMPLES, seed=SEED):
    """What a fault adds: the median of paired differences cold[i] - warm[i]
    (warm sample i ran right after cold sample i, so drift cancels) with its
    95% interval, as (estimate, low, high, raw). A cost cannot be negative:
    estimate and bounds are clipped at 0; RAW is the unclipped median, so
    that a negative one (cold faster than warm: the measurement is off) can
    be flagged."""
    diffs = []
    for cold, warm in zip(cold_rounds, warm_rounds):
        n = min(len(cold), len(warm))
        if n:
            diffs.append(np.asarray(cold[:n], dtype=float) - np.asarray(warm[:n], dtype=float))
    raw, lo, hi = median_ci(diffs, resamples, seed)
    return max(raw, 0.0), max(lo, 0.0), max(hi, 0.0), raw


def verdict(low, high, better="lower", neutral=1.0,
            labels=("ours better", "ours worse")):
    """What a ratio (neutral 1.0) or difference (neutral 0.0) with the
    interval LOW..HIGH says: "no difference" when it holds NEUTRAL, else LABELS[0] when the
    numerator side is better for a figure where BETTER ("lower" or
    "higher") values are better, LABELS[1] when it is worse."""
    if low <= neutral <= high:
        return "no difference"
    if neutral and abs(low / neutral - 1) <= EQUIVALENCE and abs(high / neutral - 1) <= EQUIVALENCE:
        return f"no difference (within {EQUIVALENCE:.0%})"
    lower = high < neutral
    return labels[0] if lower == (better == "lower") else labels[1]


def noise(rounds, interval=None, steal=None, repeated=False):
    """Reasons (a list of short strings, empty when none) why a figure's
    spread is too wide to say much: wide interval, rounds that disagree,
    outliers, stolen CPU time, and for a figure of REPEATED samples a
    round, too few of them."""
    reasons = []
    fewest = min((len(r) for r in rounds if len(r)), default=0)
    if repeated and 0 < fewest < MIN_SAMPLES_PER_ROUND:
        reasons.append(f"only {fewest} sample{'s' if fewest > 1 else ''} a round "
                       f"(want {MIN_SAMPLES_PER_ROUND})")
    if interval is not None:
        est, lo, hi = interval[:3]
        if est and (hi - lo) / 2 > MAX_RELATIVE_HALF_WIDTH * abs(est):
            reasons.append(f"interval ±{(hi - lo) / 2 / abs(est):.0%}")
    data = [np.asarray(r, dtype=float) for r in rounds if len(r)]
    if len(data) == 1:
        # A quick run's peers: nothing to resample between rounds.
        reasons.append("one round only")
    if len(data) >= 2:
        meds = np.array([np.median(r) for r in data])
        mean = meds.mean()
        if mean > 0 and meds.std(ddof=1) / mean > MAX_ROUND_SPREAD:
            reasons.append(f"rounds disagree (CV {meds.std(ddof=1) / mean:.0%})")
    pooled = np.concatenate(data) if data else np.array([])
    if len(pooled) >= 20:
        med = np.median(pooled)
        share = float(np.mean(pooled > OUTLIER_FACTOR * med)) if med > 0 else 0.0
        if share > MAX_OUTLIER_SHARE:
            reasons.append(f"{share:.0%} of samples over {OUTLIER_FACTOR:g}x the median")
    if steal is not None and steal > MAX_STEAL:
        reasons.append(f"host CPU steal {steal:.0%}")
    return reasons
