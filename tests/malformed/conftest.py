"""pytest fixtures for the malformed corpus (tests/malformed/test_malformed.py).

The corpus (tests/malformed/gen_corpus.py) is written once, by the process
that runs the session (pytest-xdist's workers only read it): to
build/malformed/corpus/, cases.json listing the cases.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "qemu"))
import plumbing as pl  # noqa: E402

OUT = pl.BUILD / "malformed"
CORPUS = OUT / "corpus"
# The runs' logs, ISOs and monitor sockets, per firmware.
RUNS = {"bios": OUT / "runs", "uefi": OUT / "runs-uefi"}
LOADER = Path(os.environ.get("LOADER", pl.BUILD / "chainloader.elf"))
HOST_CHECK = pl.BUILD / "chainloader-check"


def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return
    subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(CORPUS)],
                   check=True, stdout=subprocess.DEVNULL)


@pytest.fixture
def runs_dir(request):
    """The firmware's run directory, as plumbing's QDIR for this test."""
    firmware = request.node.get_closest_marker("uefi") and "uefi" or "bios"
    pl.QDIR = RUNS[firmware]
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    return pl.QDIR


@pytest.fixture(scope="session")
def loader_elf():
    if not LOADER.exists():
        pytest.fail(f"{LOADER} missing (make)", pytrace=False)
    return LOADER


@pytest.fixture(scope="session")
def host_check():
    if not HOST_CHECK.exists():
        pytest.fail(f"{HOST_CHECK} missing (make build/chainloader-check)", pytrace=False)
    return HOST_CHECK
