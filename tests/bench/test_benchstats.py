"""Host tests of scripts/benchstats.py, the statistics make bench reports.
Run by `make bench-selftest` (part of make test)."""
import math
import random
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import benchstats as bs  # noqa: E402


class MedianInterval(unittest.TestCase):
    def test_ranks_from_the_published_table(self):
        # Distribution-free 95 % intervals for the median (e.g. Conover,
        # Practical Nonparametric Statistics, table A3): the ranks (k, n+1-k).
        for n, k in ((6, 1), (10, 2), (20, 6), (30, 10)):
            with self.subTest(n=n):
                values = [10.0 * i for i in range(1, n + 1)]
                low, high, cov = bs.median_ci(values)
                self.assertEqual((low, high), (10.0 * k, 10.0 * (n + 1 - k)))
                self.assertGreaterEqual(cov, 0.95)

    def test_exact_coverage_values(self):
        self.assertAlmostEqual(bs.median_ci(list(range(10)))[2], 1 - 2 * 11 / 1024)    # 0.9785
        self.assertAlmostEqual(bs.median_ci(list(range(20)))[2], 1 - 2 * 21700 / 2 ** 20)

    def test_few_values_give_min_max_with_their_lower_coverage(self):
        low, high, cov = bs.median_ci([3.0, 1.0, 2.0, 5.0, 4.0])
        self.assertEqual((low, high), (1.0, 5.0))
        self.assertAlmostEqual(cov, 1 - 2 / 32)  # 0.9375 < 0.95
        self.assertIn("only 93.8 %", bs.ratio_verdict((0.9, 0.99, cov)))

    def test_order_of_input_does_not_matter(self):
        v = [1.3, 0.7, 1.1, 0.9, 1.0, 1.2, 0.8, 1.05, 0.95, 1.15]
        self.assertEqual(bs.median_ci(v), bs.median_ci(sorted(v, reverse=True)))

    def test_no_values(self):
        self.assertIsNone(bs.median_ci([]))
        self.assertTrue(math.isnan(bs.median([])))
        self.assertEqual(bs.ci_text(None), "-")

    def test_intervals_hold_the_true_median_as_often_as_they_claim(self):
        # A skewed distribution (lognormal, true median 1.0): over 4000
        # samples of 20, the interval must hold 1.0 close to its claimed
        # 95.9 % of the time (binomial sd of the rate: 0.3 %).
        rng = random.Random(7)
        trials, hits = 4000, 0
        claimed = None
        for _ in range(trials):
            low, high, claimed = bs.median_ci([rng.lognormvariate(0.0, 0.3) for _ in range(20)])
            hits += low <= 1.0 <= high
        self.assertAlmostEqual(hits / trials, claimed, delta=0.012)


class Verdict(unittest.TestCase):
    def test_three_outcomes(self):
        self.assertTrue(bs.ratio_verdict((0.70, 0.80, 0.97)).startswith("(c) faster"))
        self.assertTrue(bs.ratio_verdict((1.02, 1.10, 0.97)).startswith("(c) slower"))
        self.assertTrue(bs.ratio_verdict((0.97, 1.06, 0.97)).startswith("no difference shown"))
        self.assertEqual(bs.ratio_verdict(None), "no rounds")


if __name__ == "__main__":
    unittest.main()
