"""The installed-system test under pytest: chainloader's Debian package in
real Debian systems (tests/system/run_system.py says what each step does).

One test per step and release, in order, named as the old runner printed
them: system12-unpack, system12-deb-install, system12-grub-menu,
system12-grub-menu-settings, system12-deb-remove-purge, then the boots
(system12-chainloader-seabios, ...), then the boots on Debian's stock
signed chain, shim and GRUB from the system's own packages on an ESP, with
the disk the other boots have (tests/system/secureboot_system.py):
system12-shim-sb-on (Secure Boot enforced, the package's MOK enrolled: the
signed chainloader.efi body), system12-shim-sb-off (Secure Boot off: the
multiboot2 body), system12-shim-sb-unenrolled (the MOK not enrolled: "bad
shim signature", GRUB's fallback boots 10_linux's entry); the same for
13. A step runs the steps
it needs first if they have not run (so `-k system13-chainloader-ovmf`
works alone), and is skipped when one of them failed. The boots that
make test does not run (run_system.py --full: both releases on both
firmwares, chainloader's entry and GRUB's own; the stock-chain boots not
in Release.shim_boots: 13's) are marked "full".
Needs root. Results (the same as run_system.py's) in build/system/results.json.

    make system-test                      (pytest -m "not full" tests/system/test_system.py)
    make system-test SYSTEM_TEST_ARGS="-k system13"
"""

import json
import os
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_system as rs  # noqa: E402  (the steps; tests/qemu on sys.path through it)
import secureboot_system as sb  # noqa: E402  (the stock signed chain's boots)

STEPS = ("unpack", "deb-install", "grub-menu", "grub-menu-settings", "deb-remove-purge")
BOOTS_ALL = tuple((via, fw) for via in ("chainloader", "linux") for fw in ("bios", "uefi"))
BOOT_TIMEOUT = 300


def boot_name(number, via, firmware):
    return f"system{number}-{via}-{'seabios' if firmware == 'bios' else 'ovmf'}"


class System:
    """One release's system under test: its steps run once each, in order."""

    def __init__(self, rel, results):
        self.rel = rel
        self.results = results.setdefault(rel.number, {})
        self.root_uuid = str(uuid.uuid4())
        self.tree = rs.SYS / f"root-{rel.number}"
        self.outcome = {}  # step -> None (passed) or why it failed
        self.version = self.disk = None
        self.isos = {}
        self.chain = None  # the stock chain's ESP and variables (sb.Chain), made once

    def enter(self):
        rs.TREE = self.tree  # run_system's steps work on rs.TREE

    def run_step(self, step):
        self.enter()
        if step == "unpack":
            rs.expect(rs.DEB.exists(), f"{rs.DEB} missing (make deb)")
            if self.rel.ovmf != "2022":
                rs.pl.debian13("ovmf")
            rs.unpack(rs.system_tarball(self.rel))
            fstab = rs.tree("/etc/fstab")
            fstab.write_text(fstab.read_text().replace("CL_ROOT_UUID", self.root_uuid))
            self.version = rs.kernel_version()
            _, out, _ = rs.chroot("dpkg-query", "-W", "-f=${Version}", "grub-common")
            self.results["grub"] = out
            self.results["kernel"] = self.version
        elif step == "deb-install":
            with rs.Probes(self.root_uuid):
                rs.step_install(self.results)
        elif step == "grub-menu":
            with rs.Probes(self.root_uuid):
                rs.step_menu(self.version, self.root_uuid, self.results)
        elif step == "grub-menu-settings":
            with rs.Probes(self.root_uuid):
                rs.step_menu_settings(self.version, self.root_uuid)
            # The disk is the tree as it is now (the real grub-probe back in place).
            self.disk = rs.make_disk(self.rel, self.root_uuid)
        elif step == "deb-remove-purge":
            with rs.Probes(self.root_uuid):
                rs.step_remove_purge()
        else:
            raise ValueError(step)

    def need(self, step):
        """Run STEP (and the steps before it) unless done; raise Fail if it failed."""
        for before in STEPS[:STEPS.index(step) + 1]:
            if before not in self.outcome:
                try:
                    self.run_step(before)
                    self.outcome[before] = None
                except (rs.Fail, OSError, rs.subprocess.CalledProcessError) as e:
                    self.outcome[before] = f"{type(e).__name__}: {e}" if not isinstance(e, rs.Fail) else str(e)
            if self.outcome[before] is not None:
                raise rs.Fail(self.outcome[before] if before == step else
                              f"skipped: system{self.rel.number}-{before} failed")

    def boot(self, via, firmware):
        self.enter()
        name = boot_name(self.rel.number, via, firmware)
        if (via, firmware) not in self.isos:
            self.isos[via, firmware] = rs.make_iso(self.rel, firmware, self.root_uuid,
                                                   None if via == "chainloader" else f"gnulinux-simple-{self.root_uuid}")
        data, done, rc, marks = rs.boot(self.rel, name, self.isos[via, firmware], self.disk, firmware, BOOT_TIMEOUT)
        self.results.setdefault("boots", {}).setdefault(name, []).append({"done": done, **marks})
        rs.check_boot(data, done, rc, via, self.version, self.root_uuid, BOOT_TIMEOUT)
        print(f"    {name}: GRUB's entry at {marks.get('grub_entry', 0):.1f} s, "
              f"CL-SYSTEM-DONE at {done:.1f} s", flush=True)

    def shim_boot(self, kind):
        """One boot of KIND (secureboot_system.KINDS) on the stock signed chain."""
        self.enter()
        name = f"system{self.rel.number}-shim-{kind}"
        if self.chain is None:
            self.chain = sb.Chain(self.rel, self.disk, self.root_uuid)
        data, done, rc, marks = sb.boot(self.rel, name, self.chain, self.disk, kind)
        self.results.setdefault("boots", {}).setdefault(name, []).append({"done": done, **marks})
        kernel_size = rs.tree(f"/boot/vmlinuz-{self.version}").stat().st_size
        initrd_size = rs.tree(f"/boot/initrd.img-{self.version}").stat().st_size
        shown = sb.check(self.rel, kind, data, done, rc, self.version, self.root_uuid, kernel_size, initrd_size)
        self.results.setdefault("shim", {})[kind] = shown
        print(f"    {name}: GRUB's entry at {marks.get('grub_entry', 0):.1f} s, "
              f"CL-SYSTEM-DONE at {done:.1f} s", flush=True)
        for line in shown:
            print(f"      {line}", flush=True)


def cases():
    out = []
    for number in sorted(rs.RELEASES):
        rel = rs.RELEASES[number]
        for step in STEPS:
            out.append(pytest.param(number, step, None, id=f"system{number}-{step}"))
        for via, fw in BOOTS_ALL:
            marks = ([] if (via, fw) in rel.boots else [pytest.mark.full]) + ([pytest.mark.uefi] if fw == "uefi" else [])
            out.append(pytest.param(number, "boot", (via, fw), id=boot_name(number, via, fw), marks=marks))
        for kind in sb.KINDS:
            marks = ([] if kind in rel.shim_boots else [pytest.mark.full]) + [pytest.mark.uefi, pytest.mark.tpm]
            out.append(pytest.param(number, "shim", kind, id=f"system{number}-shim-{kind}", marks=marks))
    return out


@pytest.fixture(scope="module")
def systems():
    """The releases' System objects; build/system/results.json at the end."""
    if os.geteuid() != 0:
        pytest.fail("the installed-system test needs root (chroot, mkfs.ext4 -d keeps owners)", pytrace=False)
    rs.SYS.mkdir(parents=True, exist_ok=True)
    results, made = {}, {}
    yield lambda number: made.setdefault(number, System(rs.RELEASES[number], results))
    (rs.SYS / "results.json").write_text(json.dumps(results, indent=2) + "\n")


@pytest.mark.parametrize("number,step,boot", cases())
def test_system(number, step, boot, systems, results, request):
    system = systems(number)
    t = time.monotonic()
    result = {"name": request.node.callspec.id, "passed": False, "reason": None}
    try:
        if boot is None:
            system.need(step)
        elif step == "shim":
            system.need(STEPS[-2])
            system.shim_boot(boot)
        else:
            system.need(STEPS[-2])  # the disk: made once the menu steps passed
            system.boot(*boot)
        result["passed"] = True
    except rs.Fail as e:
        result["reason"] = str(e)
    result["seconds"] = round(time.monotonic() - t, 1)
    results(request.node.callspec.indices["number"], result)
    if result["reason"] and result["reason"].startswith("skipped: "):
        pytest.skip(result["reason"])
    if not result["passed"]:
        pytest.fail(f"{result['name']}: {result['reason']}", pytrace=False)
