"""pytest fixtures for the QEMU boots: the boot plumbing (tests/qemu/plumbing.py)
as fixtures, for tests/qemu/test_boot.py and the other boot suites.

- qemu_dir: plumbing.QDIR, made (logs, ISOs, monitor sockets).
- loader_elf: build/chainloader.elf, which must exist (make).
- ovmf: the scenario's OVMF (code, variable-store template), Debian 13's
  fetched on demand; None on SeaBIOS.
- iso: the scenario made concrete (a probe's arguments) and its media: the
  kernel, the initrd, the GRUB rescue ISO (or TFTP directory) with its menu
  entry (plumbing.Media).
- tpm: a factory of software TPMs, a fresh swtpm per boot, all stopped when
  the test ends.
- boot_machine: plumbing.boot's signature; the boot, with the scenario's
  OVMF and a fresh swtpm when its setup asks for a TPM.
- result: the scenario's result dict (results.json), handed to `results`
  when the test ends, passed or not.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plumbing as pl  # noqa: E402
import scenario as scn  # noqa: E402


@pytest.fixture(scope="session")
def qemu_dir():
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    return pl.QDIR


@pytest.fixture(scope="session")
def loader_elf():
    if not pl.LOADER.exists():
        pytest.fail(f"{pl.LOADER} missing (make)", pytrace=False)
    return pl.LOADER


@pytest.fixture
def result(scenario, results, request):
    """The scenario's result dict; into results.json at the end of the test."""
    r = scn.new_result(scenario)
    yield r
    results(request.node.callspec.indices.get("scenario", 0), scn.finish(r))


def fail(sc, result, reason):
    """The test fails with REASON and the serial output's last lines."""
    pytest.fail(scn.failure_message(sc, result, reason), pytrace=False)


@pytest.fixture
def ovmf(scenario, qemu_dir, result):
    """(code, vars template) of the scenario's OVMF, or None on SeaBIOS."""
    if scenario.setup.firmware != "uefi":
        return None
    try:
        return pl.ovmf_files(scenario.setup)
    except pl.Fail as e:
        why = e.args[0]
    fail(scenario, result, why)


@pytest.fixture
def iso(scenario, qemu_dir, ovmf, result):
    """(scenario made concrete, plumbing.Media): what the scenario boots from."""
    try:
        return scn.prepare(scenario, result)
    except pl.Fail as e:
        why = e.args[0]
    fail(scenario, result, why)


@pytest.fixture
def tpm():
    """tpm(name): a started plumbing.SoftwareTPM for boot NAME (its socket:
    .socket); every one is stopped when the test ends."""
    started = []

    def start(name):
        t = pl.SoftwareTPM(name).__enter__()
        started.append(t)
        return t
    yield start
    for t in started:
        t.__exit__(None, None, None)


@pytest.fixture
def boot_machine(tpm):
    """plumbing.boot, with a fresh swtpm (the tpm fixture's) for each boot that asks for one."""
    def boot(name, setup, iso, until=None, marks=None):
        if not setup.tpm:
            return pl.boot_with(name, setup, iso, until or pl.Until(), marks, None)
        t = tpm(name)
        try:
            return pl.boot_with(name, setup, iso, until or pl.Until(), marks, t.socket)
        finally:
            t.__exit__(None, None, None)
    return boot
