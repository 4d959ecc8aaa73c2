"""Statistics for make bench (scripts/bench.py): the median, and how sure
it is, without assuming any distribution of the boot times.

Under TCG a boot's wall time moves by +-10 % from run to run with the host's
load (the same firmware phase took 5.5 to 9.5 s in one series), so a median
ratio near 1.00 says little by itself. The interval below says which
differences the rounds can show and which they cannot.
"""
import math
import statistics

LEVEL = 0.95  # the coverage asked of an interval


def median(values):
    return statistics.median(values) if values else float("nan")


def coverage(n, k):
    """How often [k-th smallest, k-th largest] of N values holds the true
    median: each value falls below it with probability 1/2 whatever the
    distribution, so the interval misses only when fewer than K fall on one
    side (the sign test)."""
    return 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2 ** n


def median_ci(values, level=LEVEL):
    """(low, high, coverage) for the median of VALUES: the narrowest interval
    between order statistics whose coverage is still at least LEVEL. Six or
    more values reach 95 %; fewer give (min, max) and its lower coverage.
    None for no values."""
    v = sorted(values)
    n = len(v)
    if not n:
        return None
    k = 1
    while k + 1 <= n // 2 and coverage(n, k + 1) >= level:
        k += 1
    return v[k - 1], v[n - k], coverage(n, k)


def ratio_verdict(ci, level=LEVEL):
    """What an interval of ratios (c)/(b) shows about 1.00."""
    if ci is None:
        return "no rounds"
    low, high, cov = ci
    short = f" (only {100 * cov:.1f} % from so few rounds)" if cov < level else ""
    if high < 1.0:
        return f"(c) faster: the whole interval is below 1.00{short}"
    if low > 1.0:
        return f"(c) slower: the whole interval is above 1.00{short}"
    return f"no difference shown: the interval spans 1.00{short}"


def ci_text(ci):
    if ci is None:
        return "-"
    low, high, cov = ci
    return f"{low:.2f}-{high:.2f} ({100 * cov:.1f} %)"
