"""The QEMU boot scenarios (tests/qemu/scenarios.py), one test each, the
scenario's name as its id:

    pytest tests/qemu/test_boot.py -m "not full"          what make test runs
    pytest tests/qemu/test_boot.py -k chainloader-amd64   the scenarios whose name contains it
    pytest tests/qemu/test_boot.py --collect-only -q      list them

Each boots its GRUB ISO headless in QEMU, the serial port logged to
build/qemu/<name>.serial.log, and checks what its expectations ask
(tests/qemu/checks.py): for Linux, the CL-* marker lines the test initramfs
(tests/qemu/initramfs/init) prints once Linux is up.
"""

import pytest

import plumbing as pl
import scenario as scn
from scenarios import SCENARIOS


def marks(sc):
    out = [pytest.mark.full] if sc.full else []
    if sc.setup.firmware == "uefi":
        out.append(pytest.mark.uefi)
    if sc.setup.tpm:
        out.append(pytest.mark.tpm)
    return out


@pytest.mark.parametrize("scenario", [pytest.param(sc, id=sc.name, marks=marks(sc)) for sc in SCENARIOS])
def test_boot(scenario, iso, boot_machine, result):
    sc, media = iso
    try:
        scn.boot_and_check(sc, media, result, boot_machine)
        why = None
    except pl.Fail as e:
        why = e.args[0]
    if why is not None:  # outside the except: no chained traceback
        pytest.fail(scn.failure_message(sc, result, why), pytrace=False)
    result["passed"] = True
