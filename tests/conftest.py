"""pytest hooks shared by the boot suites (tests/qemu, tests/malformed,
tests/system): each test's result dict into a results file.

A test hands its result (a JSON-able dict) to the `results` fixture; the
dict travels with the test's report (so also from pytest-xdist's workers)
and `--results-json PATH` writes all of them, in the suite's order, once
the session ends: the results.json that scripts/bench.py, the docs and
people read (timings, marker values, why a test failed). The terminal
summary then lists each test's time, as the old runners printed it.
"""

import json
import sys
from pathlib import Path

import pytest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
KEY = "results_json"


def pytest_addoption(parser):
    parser.addoption("--results-json", metavar="PATH",
                     help="write every test's result dict there (a JSON list), in the suite's order")


@pytest.fixture
def results(request):
    """results(order, result): RESULT (a dict) goes to --results-json,
    sorted by ORDER (the test's place in its table). Call it once the
    result is complete, passed or not, before the test ends."""
    def add(order, result):
        request.node.user_properties.append((KEY, [order, result]))
    return add


class Results:
    """Collects the result dicts from the reports (on the controller)."""

    def __init__(self, config):
        self.config = config
        self.rows = []

    def pytest_runtest_logreport(self, report):
        if report.when != "teardown":
            return
        self.rows += [value for name, value in report.user_properties if name == KEY]

    def pytest_sessionfinish(self, session, exitstatus):
        path = self.config.getoption("--results-json")
        if not path or hasattr(self.config, "workerinput"):
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps([r for _, r in sorted(self.rows, key=lambda r: r[0])], indent=2) + "\n")

    def pytest_terminal_summary(self, terminalreporter):
        if not self.rows:
            return
        tr = terminalreporter
        tr.section("boot results")
        for _, r in sorted(self.rows, key=lambda r: r[0]):
            secs = r.get("seconds", r.get("seconds_to_done"))
            if isinstance(secs, (int, float)):
                how = f"{secs:.1f} s"
            else:  # a failure scenario's boot stops at its error line
                how = "error shown, CPU halted" if r.get("passed") and "qemu_exit" in r else "-"
            tr.write_line(f"{'PASS' if r.get('passed') else 'FAIL'} {r['name']} ({how})"
                          + (f": {r['summary']}" if r.get("summary") else ""))
            if "kaslr_kernel_map" in r:  # the KASLR scenarios: each range the loader placed
                for line in r.get("kaslr") or []:
                    tr.write_line(f"    kaslr: {line}")


def pytest_configure(config):
    config.pluginmanager.register(Results(config), "chainloader-results")
