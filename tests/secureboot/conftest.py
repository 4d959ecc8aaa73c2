"""pytest fixtures of the Secure Boot suite (tests/secureboot/test_secureboot.py):
one machine per Debian release, made once per session and shared by its tests.

- chain: a release's machine (machine.Chain): Debian RELEASE's stock signed
  shim and GRUB on an ESP template, OVMF variables with Microsoft's keys and
  a test MOK (tests/secureboot/mkchain.sh), the release's signed kernel and
  the test initramfs. Parametrized: debian12, debian13.
- efi_image: build/chainloader.efi as make builds it (unsigned); the test
  fails when it is missing. CHAINLOADER_EFI=PATH tests another build.
- signed_efi: that image signed with the release's test MOK (sbsign).
- tampered_kernel: the release's signed kernel with one byte changed in its
  signed bytes (machine.tamper), and the offset changed.
- sb_result: the test's result dict, into --results-json when it ends.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import machine as m  # noqa: E402
import plumbing as pl  # noqa: E402  (tests/qemu, put on sys.path by machine)

RELEASES = ("12", "13")


@pytest.fixture(scope="session", params=RELEASES, ids=[f"debian{r}" for r in RELEASES])
def chain(request):
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    try:
        return m.make_chain(request.param)
    except pl.Fail as e:
        why = e.args[0]
    pytest.fail(f"the Secure Boot machine of Debian {request.param}: {why}", pytrace=False)


@pytest.fixture(scope="session")
def efi_image():
    path = Path(os.environ.get("CHAINLOADER_EFI", m.EFI_IMAGE))
    if not path.exists():
        pytest.fail(f"{m.relpath(path)} missing (make build/chainloader.efi)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def signed_efi(chain, efi_image):
    try:
        return m.sbsign(efi_image, chain.dir / "chainloader.signed.efi", chain)
    except pl.Fail as e:
        why = e.args[0]
    pytest.fail(why, pytrace=False)


@pytest.fixture(scope="session")
def unsigned_efi(efi_image):
    """build/chainloader.efi, which must carry no signature (as make builds it)."""
    listed = subprocess.run(["sbverify", "--list", str(efi_image)], capture_output=True, text=True)
    if "signature 1" in listed.stdout:
        pytest.fail(f"{m.relpath(efi_image)} is signed already: the unsigned case needs make's "
                    f"unsigned image", pytrace=False)
    return efi_image


@pytest.fixture(scope="session")
def tampered_kernel(chain):
    out = chain.dir / "vmlinuz.tampered"
    try:
        return out, m.tamper(chain.kernel, out)
    except pl.Fail as e:
        why = e.args[0]
    pytest.fail(why, pytrace=False)


@pytest.fixture
def sb_result(request, chain, results):
    """The test's result dict (results.json: boot times, measured values,
    why it failed)."""
    r = {"name": request.node.name, "release": chain.release, "passed": False, "reason": None,
         **chain.info}
    yield r
    # Release by release, the tests in the module's order.
    results((RELEASES.index(chain.release), request.node.function.__code__.co_firstlineno), r)


# What proves the tampered byte lies inside the signed bytes is the same on
# both releases (machine.tamper: halfway to the certificate table); make test
# shows it on Debian 12, make test-full on 13 too.
FULL_ONLY = {"test_grub_linux_tampered[debian13]"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if item.name in FULL_ONLY:
            item.add_marker(pytest.mark.full)
