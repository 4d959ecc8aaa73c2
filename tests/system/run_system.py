#!/usr/bin/env python3
"""The installed-system test: chainloader's Debian package in real Debian systems.

On Debian 12 (bookworm, the last release: GRUB 2.06, kernel 6.1) and Debian
13 (trixie, the current one: GRUB 2.12, kernel 6.12), each in turn:

1. The system from mmdebstrap (tests/system/mksystem.sh), cached under
   build/system by the script's hash and the suite, is unpacked afresh.
2. build/chainloader_<version>_amd64.deb is installed into it with dpkg,
   and GRUB's own update-grub makes its grub.cfg: 00_header, 10_linux, the
   package's 15_chainloader and the rest, as on an installed system. Only
   the two device probes (grub-probe, grub-mkrelpath) are stand-ins
   (tests/system/grub-probe), answering for the disk made next; grub-install's
   part is /boot/grub/x86_64-efi (grub_install_modules).
3. The menu follows a kernel install and removal (GRUB's own kernel hooks,
   /etc/kernel/post{inst,rm}.d/zz-update-grub); a kernel the loader refuses
   gets no entry and a warning naming it and the loader's reason; a loader
   option one firmware refuses limits the entry to the other.
4. The tree becomes a virtio disk (mkfs.ext4 -d: no mount, no loop device),
   and a GRUB rescue ISO made from the system's own GRUB modules, which
   sources that disk's grub.cfg, boots its default entry, the chainloader
   one (CHAINLOADER_DEFAULT=true), to systemd's multi-user target. A unit of
   the image (cl-system-marker.service) reports the boot on ttyS0 and powers
   off: the state, /proc/cmdline byte for byte, root by UUID, the initrd's
   size from the zero page against /boot/initrd.img-*, initramfs-tools'
   /run/initramfs. make test boots Debian 12 on SeaBIOS and OVMF and Debian
   13 on OVMF 2025.
5. dpkg -r takes the entries out of the menu, reinstalling brings them back,
   dpkg -P removes every file the package added.

    tests/system/run_system.py               the above
    tests/system/run_system.py --full        every release on both firmwares,
                                             chainloader's entry and GRUB's own (linux)
    tests/system/run_system.py --release 13  one release

Prints PASS/FAIL lines; exits 1 on any failure. Timings go to
build/system/results.json, the boots' serial logs to build/qemu/.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "qemu"))
import plumbing as pl  # noqa: E402 (the QEMU boots: tests/qemu/plumbing.py)

BUILD = ROOT / os.environ.get("BUILD", "build")
SYS = BUILD / "system"
TREE = None  # the system tree under test: build/system/root-<release>, set by test_release()
HERE = ROOT / "tests" / "system"
VERSION = (ROOT / "VERSION").read_text().strip()
DEB = BUILD / f"chainloader_{VERSION}_amd64.deb"


@dataclasses.dataclass
class Release:
    number: str            # "12"
    suite: str             # mmdebstrap's suite
    ovmf: str              # the OVMF its UEFI boots run on, as plumbing.Setup.ovmf
    # (via, firmware) booted by make test; --full boots every combination.
    boots: tuple = (("chainloader", "bios"), ("chainloader", "uefi"))
    # The boots on Debian's stock signed chain (tests/system/secureboot_system.py,
    # under pytest only) that make test runs; make test-full runs them all.
    shim_boots: tuple = ()


RELEASES = {
    # Debian 12 (bookworm, the last release): GRUB 2.06, kernel 6.1, the machine's OVMF.
    "12": Release("12", "bookworm", "2022", shim_boots=("sb-on", "sb-off", "sb-unenrolled")),
    # Debian 13 (trixie, the current release): GRUB 2.12, kernel 6.12, its OVMF
    # 2025 (scripts/fetch-debian13.sh ovmf). make test boots it on OVMF only.
    "13": Release("13", "trixie", "2025", boots=(("chainloader", "uefi"),)),
}

# The test's settings in /etc/default/chainloader: the chainloader entry is
# the default, and its own extra argument shows the setting reached the kernel.
CHAINLOADER_SETTINGS = {"CHAINLOADER_DEFAULT": "true", "CHAINLOADER_CMDLINE_EXTRA": "cl.via=chainloader"}
# /etc/default/grub as mksystem.sh leaves it: Debian's, plus the serial console.
GRUB_CMDLINE = "console=ttyS0,115200 cl.system=1 quiet"
FAKE_KERNEL = "99.0.0-1-amd64"       # a "newly installed" kernel, newer than any: a copy of the real one
BROKEN_KERNEL = "0.0.0-broken"       # a file the loader refuses
PACKAGE_FILES = ("/boot/chainloader.elf", "/usr/lib/chainloader/chainloader.elf", "/usr/bin/chainloader-check",
                 "/etc/grub.d/15_chainloader", "/etc/default/chainloader",
                 "/usr/share/man/man1/chainloader-check.1.gz")


Fail = pl.Fail


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def chroot(*cmd, env=None):
    """A command in the tree, which must succeed; returns (status, stdout, stderr).
    /proc is mounted there as on a running system (in a mount namespace of
    the command's own, gone when it exits): 15_chainloader reads the menu
    grub-mkconfig is writing through /proc/$$/fd/1 to find 10_linux's entry
    for its fallback. (Not a PID namespace too: in one, Debian 13's
    systemd-detect-virt calls the tree a container, and GRUB's kernel hooks
    then skip update-grub.)"""
    full_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8", "HOME": "/root"}
    full_env.update(env or {})
    p = subprocess.run(["unshare", f"--mount-proc={TREE}/proc", "chroot", str(TREE), *cmd],
                       capture_output=True, text=True, env=full_env)
    if p.returncode:
        raise Fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-800:]}")
    return p.returncode, p.stdout, p.stderr


def system_tarball(rel):
    """The cached system: rebuilt only when mksystem.sh changes."""
    key = hashlib.sha256((HERE / "mksystem.sh").read_bytes() + rel.suite.encode()).hexdigest()[:12]
    tar = SYS / f"debian{rel.number}-{key}.tar"
    if not tar.exists():
        for old in SYS.glob(f"debian{rel.number}-*.tar"):
            old.unlink()
        t = time.monotonic()
        log = SYS / f"mksystem-{rel.number}.log"
        with open(log, "w") as f:
            if subprocess.run([HERE / "mksystem.sh", rel.suite, tar], stdout=f, stderr=subprocess.STDOUT).returncode:
                raise Fail(f"mksystem.sh failed (see {log})")
        print(f"built the Debian {rel.number} system in {time.monotonic() - t:.0f} s: {tar}", flush=True)
    return tar


def unpack(tar):
    if TREE.exists():
        shutil.rmtree(TREE)
    TREE.mkdir(parents=True)
    run(["tar", "-x", "--numeric-owner", "-p", "-f", tar, "-C", TREE])


def tree(path):
    return TREE / path.lstrip("/")


class Probes:
    """grub-probe and grub-mkrelpath stand-ins for the disk of this UUID, and
    the /dev/disk/by-uuid link udev would have made (10_linux and
    15_chainloader write root=UUID= only when it resolves)."""

    REAL = ("/usr/sbin/grub-probe", "/usr/bin/grub-mkrelpath")

    def __init__(self, root_uuid):
        self.uuid = root_uuid

    def __enter__(self):
        for real in self.REAL:
            os.rename(tree(real), tree(real + ".real"))
            text = (HERE / Path(real).name).read_text().replace("CL_ROOT_UUID", self.uuid)
            tree(real).write_text(text)
            tree(real).chmod(0o755)
        # The link and what it points to (a placeholder file: no device node
        # needs to exist for test -e).
        tree("/dev/vda").touch()
        link = tree(f"/dev/disk/by-uuid/{self.uuid}")
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("../../vda")
        return self

    def __exit__(self, *exc):
        for real in self.REAL:
            os.replace(tree(real + ".real"), tree(real))
        shutil.rmtree(tree("/dev/disk"))
        tree("/dev/vda").unlink()


def chainloader_menu():
    """The chainloader part of the tree's grub.cfg: its entries' titles
    (submenu entries prefixed with '>') and its text."""
    cfg = tree("/boot/grub/grub.cfg").read_text()
    part = cfg.split("### BEGIN /etc/grub.d/15_chainloader ###")[1].split("### END /etc/grub.d/15_chainloader ###")[0]
    titles = []
    for line in part.splitlines():
        m = re.match(r"^(\t?)menuentry '([^']*)'", line)
        if m:
            titles.append((">" if m.group(1) else "") + m.group(2))
    return titles, part


def expect(cond, what):
    if not cond:
        raise Fail(what)


def step_install(results):
    """dpkg -i: the loader lands in /boot; no grub.cfg yet, so no update-grub."""
    shutil.copyfile(DEB, tree("/tmp/chainloader.deb"))
    chroot("dpkg", "-i", "/tmp/chainloader.deb")
    _, out, _ = chroot("dpkg-query", "-W", "-f=${Status} ${Version}", "chainloader")
    expect(out == f"install ok installed {VERSION}", f"dpkg-query says {out!r}")
    expect(tree("/boot/chainloader.elf").read_bytes() == tree("/usr/lib/chainloader/chainloader.elf").read_bytes(),
           "/boot/chainloader.elf is not the package's loader")
    text = tree("/etc/default/chainloader").read_text()
    for key in CHAINLOADER_SETTINGS:
        expect(re.search(rf"(?m)^{key}=", text), f"/etc/default/chainloader has no {key}= line")
    set_settings("/etc/default/chainloader", CHAINLOADER_SETTINGS)
    results["installed_files"] = sorted(l for l in chroot("dpkg", "-L", "chainloader")[1].splitlines())


def kernel_version():
    kernels = sorted(p.name[len("vmlinuz-"):] for p in tree("/boot").glob("vmlinuz-*"))
    expect(len(kernels) == 1, f"the system has kernels {kernels}, expected one")
    return kernels[0]


def grub_install_modules():
    """What grub-install --target=x86_64-efi leaves in /boot/grub: the
    directory, and grub-efi-amd64-bin's modules in /boot/grub/x86_64-efi,
    where Debian's signed GRUB (the same release and version) loads
    multiboot2.mod from when Secure Boot is off. (The rescue ISOs of the
    boots here bring their own modules.)"""
    src = tree("/usr/lib/grub/x86_64-efi")
    dst = tree("/boot/grub/x86_64-efi")
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.suffix in (".mod", ".lst"):
            shutil.copyfile(f, dst / f.name)


def step_menu(version, root_uuid, results):
    """update-grub, a kernel install and removal, a refused kernel."""
    grub_install_modules()
    chroot("update-grub")
    titles, part = chainloader_menu()
    results["menu_entry"] = part
    want = ["Debian GNU/Linux, via chainloader",
            f">Debian GNU/Linux, with Linux {version}, via chainloader"]
    expect(titles == want, f"the chainloader entries are {titles}, expected {want}")
    entry = part.split("menuentry ")[1]
    for line in (f"module2\t/boot/vmlinuz-{version} root=UUID={root_uuid} ro {GRUB_CMDLINE} cl.via=chainloader",
                 f"module2\t--nounzip /boot/initrd.img-{version}", "multiboot2\t/boot/chainloader.elf\n",
                 f"search --no-floppy --fs-uuid --set=root {root_uuid}",
                 'if [ "x$grub_platform" = xefi ]; then load_video; fi', "insmod ext2"):
        expect(line in entry, f"the chainloader entry has no line {line!r}:\n{entry}")
    expect(f"set default='chainloader-simple-{root_uuid}'" in part, "no default line (CHAINLOADER_DEFAULT=true)")
    # 10_linux's first entry, "Debian GNU/Linux", boots the same kernel.
    expect("\tset fallback='0'\n" in part, "no fallback line naming 10_linux's entry 0 (CHAINLOADER_DEFAULT=true)")
    expect("gnulinux-simple-" in tree("/boot/grub/grub.cfg").read_text(), "10_linux's entry is missing")

    # A kernel package's install: the files, then GRUB's own postinst.d hook.
    for name in ("vmlinuz", "initrd.img"):
        shutil.copyfile(tree(f"/boot/{name}-{version}"), tree(f"/boot/{name}-{FAKE_KERNEL}"))
    tree(f"/boot/vmlinuz-{BROKEN_KERNEL}").write_bytes(tree(f"/boot/vmlinuz-{version}").read_bytes()[:4096])
    maint = {"DEB_MAINT_PARAMS": "'configure'"}
    _, _, err = chroot("/etc/kernel/postinst.d/zz-update-grub", FAKE_KERNEL, f"/boot/vmlinuz-{FAKE_KERNEL}", env=maint)
    warning = [l for l in err.splitlines() if f"vmlinuz-{BROKEN_KERNEL}" in l and "chainloader" in l]
    expect(warning, f"grub-mkconfig gave no chainloader warning for the refused kernel:\n{err}")
    results["refused_kernel_warning"] = warning[0]
    expect("the loader would refuse it" in warning[0] and "chainloader: error:" not in warning[0]
           and "on BIOS and UEFI: bzImage: setup_sects" in warning[0],
           f"the warning does not give the loader's reason: {warning[0]}")
    titles, part = chainloader_menu()
    want = ["Debian GNU/Linux, via chainloader",
            f">Debian GNU/Linux, with Linux {FAKE_KERNEL}, via chainloader",
            f">Debian GNU/Linux, with Linux {version}, via chainloader"]
    expect(titles == want, f"after a kernel install the chainloader entries are {titles}, expected {want}")
    expect(f"/boot/vmlinuz-{FAKE_KERNEL} " in part.split("submenu")[0], "the top entry is not the newest kernel")

    # Its removal: the files go, then GRUB's postrm.d hook.
    for name in (f"vmlinuz-{FAKE_KERNEL}", f"initrd.img-{FAKE_KERNEL}", f"vmlinuz-{BROKEN_KERNEL}"):
        tree(f"/boot/{name}").unlink()
    chroot("/etc/kernel/postrm.d/zz-update-grub", FAKE_KERNEL, f"/boot/vmlinuz-{FAKE_KERNEL}",
           env={"DEB_MAINT_PARAMS": "'remove'"})
    titles, _ = chainloader_menu()
    want = ["Debian GNU/Linux, via chainloader", f">Debian GNU/Linux, with Linux {version}, via chainloader"]
    expect(titles == want, f"after the kernel's removal the chainloader entries are {titles}, expected {want}")


def set_settings(path, values):
    """Sets KEY="VALUE" lines of a settings file (each key added if missing)."""
    text = tree(path).read_text()
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^{key}=.*$", f'{key}="{value}"', text)
        if not n:
            text += f'{key}="{value}"\n'
    tree(path).write_text(text)


def step_menu_settings(version, root_uuid):
    """A loader option that one firmware refuses, and GRUB_DISABLE_SUBMENU;
    then the test's settings again."""
    set_settings("/etc/default/chainloader", {"CHAINLOADER_OPTIONS": "entry=16"})
    set_settings("/etc/default/grub", {"GRUB_DISABLE_SUBMENU": "true"})
    try:
        _, _, err = chroot("update-grub")
        titles, part = chainloader_menu()
        want = [f"Debian GNU/Linux, with Linux {version}, via chainloader"]
        expect(titles == want, f"with GRUB_DISABLE_SUBMENU=true the entries are {titles}, expected {want}")
        expect(part.lstrip().startswith('if [ "x$grub_platform" = xpc ]; then\nmenuentry '),
               f"an entry=16 entry is not limited to BIOS:\n{part}")
        expect("multiboot2\t/boot/chainloader.elf entry=16\n" in part, "CHAINLOADER_OPTIONS is not on the multiboot2 line")
        expect(f"set default='chainloader-{version}-{root_uuid}'" in part, "no default line for the flat entry")
        warning = [l for l in err.splitlines() if f"vmlinuz-{version} only on bios" in l]
        expect(warning and "on uefi: " in warning[0] and "entry=16" in warning[0],
               f"no warning that the kernel boots on BIOS only, with the loader's reason:\n{err}")
    finally:
        set_settings("/etc/default/chainloader", {"CHAINLOADER_OPTIONS": ""})
        set_settings("/etc/default/grub", {"GRUB_DISABLE_SUBMENU": "false"})
    chroot("update-grub")


def step_remove_purge():
    """dpkg -r, reinstall, dpkg -P on the tree (the disk image is already made)."""
    chroot("dpkg", "-r", "chainloader")
    titles, _ = chainloader_menu()
    expect(titles == [], f"after dpkg -r the menu still has {titles}")
    expect(not tree("/boot/chainloader.elf").exists(), "dpkg -r left /boot/chainloader.elf")
    expect(tree("/etc/grub.d/15_chainloader").exists(), "dpkg -r removed a conffile")
    chroot("dpkg", "-i", "/tmp/chainloader.deb")
    titles, _ = chainloader_menu()
    expect(len(titles) == 2, f"after reinstalling the menu has {titles}")
    chroot("dpkg", "-P", "chainloader")
    left = [f for f in PACKAGE_FILES if os.path.lexists(tree(f))]
    expect(not left, f"dpkg -P left {left}")
    expect(not tree("/usr/lib/chainloader").exists(), "dpkg -P left /usr/lib/chainloader")
    expect("chainloader" not in tree("/boot/grub/grub.cfg").read_text(), "after dpkg -P grub.cfg still mentions chainloader")


def make_disk(rel, root_uuid):
    disk = SYS / f"disk-{rel.number}.img"
    disk.unlink(missing_ok=True)
    run(["mkfs.ext4", "-q", "-F", "-U", root_uuid, "-L", "cl-root", "-d", TREE, disk, "2G"],
        stdout=subprocess.DEVNULL)
    return disk


def make_iso(rel, firmware, root_uuid, grub_entry):
    """A GRUB rescue ISO for FIRMWARE, made from the system's own GRUB
    modules (grub-pc-bin, grub-efi-amd64-bin in the tree), that runs the
    disk's grub.cfg in its own context (source). With grub_entry,
    next_entry names it, as grub-reboot would."""
    platform = {"bios": "i386-pc", "uefi": "x86_64-efi"}[firmware]
    cfg = SYS / f"rescue-{rel.number}-{platform}-{'default' if grub_entry is None else 'linux'}.cfg"
    cfg.write_text("serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n"
                   f"search --no-floppy --fs-uuid --set=root {root_uuid}\n"
                   + (f"set next_entry='{grub_entry}'\n" if grub_entry else "")
                   + "source ($root)/boot/grub/grub.cfg\n")
    iso = cfg.with_suffix(".iso")
    with open(SYS / "grub-mkrescue.log", "w") as log:
        run(["grub-mkrescue", "-d", tree(f"/usr/lib/grub/{platform}"), "--locales=", "--fonts=", "--themes=",
             "-o", iso, f"/boot/grub/grub.cfg={cfg}"], stdout=log, stderr=subprocess.STDOUT)
    return iso


# Anywhere in a line: getty's terminal queries may land in front of one.
MARK = re.compile(rb"(CL-SYSTEM-[A-Z-]+)(?:: ?([^\r\n]*))?")


def boot(rel, name, iso, disk, firmware, timeout):
    """Boots through the tests' QEMU plumbing (tests/qemu/plumbing.py: its
    serial, monitor and OVMF handling; logs in build/qemu/NAME.*); returns
    (serial output, seconds to CL-SYSTEM-DONE or None, QEMU status or None,
    marks: its "grub_entry", the seconds to GRUB's "Booting `...'" line)."""
    setup = pl.Setup("chainloader", memory_mib=1024, firmware=firmware, ovmf=rel.ovmf,
                     timeout=timeout, time_marks=(("system_done", rb"CL-SYSTEM-DONE"),),
                     qemu_extra=("-drive", f"file={disk},if=virtio,format=raw,snapshot=on"))
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    b = pl.boot(name, setup, iso)
    return b.data, b.marks.pop("system_done", None), b.rc, b.marks


def check_boot(data, done, rc, via, version, root_uuid, timeout, initrd_size=None):
    """What every boot to multi-user must show; INITRD_SIZE: the initrd the
    kernel gets, if not /boot/initrd.img-VERSION's size."""
    marks = {m.group(1).decode(): (m.group(2) or b"").decode("utf-8", "replace") for m in MARK.finditer(data)}
    if done is None:
        tail = b"\n".join(data.splitlines()[-12:]).decode("utf-8", "replace")
        raise Fail(f"no CL-SYSTEM-DONE ({'QEMU exited ' + str(rc) if rc is not None else f'timeout {timeout} s'}):\n{tail}")
    expect(marks.get("CL-SYSTEM-STATE") == "running",
           f"systemctl is-system-running: {marks.get('CL-SYSTEM-STATE')!r} (failed: {marks.get('CL-SYSTEM-FAILED')})")
    args = f"root=UUID={root_uuid} ro {GRUB_CMDLINE}"
    want = (f"{args} cl.via=chainloader" if via == "chainloader"
            else f"BOOT_IMAGE=/boot/vmlinuz-{version} {args}")
    expect(marks.get("CL-SYSTEM-CMDLINE") == want, f"/proc/cmdline {marks.get('CL-SYSTEM-CMDLINE')!r}, expected {want!r}")
    want = f"/dev/vda {root_uuid} ext4"
    expect(marks.get("CL-SYSTEM-ROOT") == want, f"root {marks.get('CL-SYSTEM-ROOT')!r}, expected {want!r}")
    expect(marks.get("CL-SYSTEM-KERNEL") == version, f"uname -r {marks.get('CL-SYSTEM-KERNEL')!r}")
    size = initrd_size or tree(f"/boot/initrd.img-{version}").stat().st_size
    expect(marks.get("CL-SYSTEM-RAMDISK-SIZE") == str(size),
           f"the zero page's ramdisk_size {marks.get('CL-SYSTEM-RAMDISK-SIZE')}, expected {size} bytes"
           f"{'' if initrd_size else f' (/boot/initrd.img-{version})'}")
    expect(marks.get("CL-SYSTEM-INITRAMFS") == "/run/initramfs", "no /run/initramfs: initramfs-tools did not run")
    banner = re.search(rb"(?m)^chainloader: booting .*, initrd (\d+) bytes", data)
    if via == "chainloader":
        expect(banner, "no 'chainloader: booting' line on the serial port")
        expect(int(banner.group(1)) == size, f"chainloader handed over an initrd of {banner.group(1)} bytes, not {size}")
    else:
        expect(not banner, "GRUB's own entry booted through chainloader")
    expect(rc == 0, f"QEMU exited {rc} after the marker (poweroff expected)")


def test_release(rel, args, report, results):
    """Every step on one release's system; results[rel.number] gets its figures."""
    global TREE
    TREE = SYS / f"root-{rel.number}"
    results = results.setdefault(rel.number, {})
    tag = f"system{rel.number}"
    root_uuid = str(uuid.uuid4())
    state = {}

    def prepare():
        expect(DEB.exists(), f"{DEB} missing (make deb)")
        if rel.ovmf != "2022":
            pl.debian13("ovmf")
        unpack(system_tarball(rel))
        fstab = tree("/etc/fstab")
        fstab.write_text(fstab.read_text().replace("CL_ROOT_UUID", root_uuid))
        state["version"] = kernel_version()
        _, out, _ = chroot("dpkg-query", "-W", "-f=${Version}", "grub-common")
        results["grub"] = out

    if not report(f"{tag}-unpack", prepare):
        return
    version = state["version"]
    results["kernel"] = version
    with Probes(root_uuid):
        ok = report(f"{tag}-deb-install", lambda: step_install(results))
        ok = ok and report(f"{tag}-grub-menu", lambda: step_menu(version, root_uuid, results))
        ok = ok and report(f"{tag}-grub-menu-settings", lambda: step_menu_settings(version, root_uuid))
    if not ok:
        return
    disk = make_disk(rel, root_uuid)
    with Probes(root_uuid):
        report(f"{tag}-deb-remove-purge", step_remove_purge)

    boots = list(rel.boots)
    if args.full:
        boots = [(via, fw) for via in ("chainloader", "linux") for fw in ("bios", "uefi")]
    results["boots"] = {}
    isos = {}
    for _ in range(args.rounds):
        for via, firmware in boots:
            name = f"{tag}-{via}-{'seabios' if firmware == 'bios' else 'ovmf'}"

            def one():
                if (via, firmware) not in isos:
                    isos[via, firmware] = make_iso(rel, firmware, root_uuid,
                                                   None if via == "chainloader" else f"gnulinux-simple-{root_uuid}")
                data, done, rc, marks = boot(rel, name, isos[via, firmware], disk, firmware, 300)
                results["boots"].setdefault(name, []).append({"done": done, **marks})
                check_boot(data, done, rc, via, version, root_uuid, 300)
                print(f"    {name}: GRUB's entry at {marks.get('grub_entry', 0):.1f} s, "
                      f"CL-SYSTEM-DONE at {done:.1f} s", flush=True)
            report(name, one)
    if args.rounds > 1:
        for name, runs in results["boots"].items():
            done = sorted(r["done"] for r in runs if r["done"] is not None)
            if done:
                print(f"{name}: median {done[len(done) // 2]:.1f} s to CL-SYSTEM-DONE over {len(done)} boots "
                      f"({', '.join(f'{t:.1f}' for t in done)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true",
                    help="boot chainloader's and GRUB's own linux entry on both firmwares, on every release")
    ap.add_argument("--rounds", type=int, default=1, metavar="N",
                    help="boot each N times, in turn (timings: make system-bench)")
    ap.add_argument("--release", action="append", choices=sorted(RELEASES),
                    help="only this Debian release (may be repeated; default: all)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("run_system.py: needs root (chroot, mkfs.ext4 -d keeps owners)", file=sys.stderr)
        return 2
    SYS.mkdir(parents=True, exist_ok=True)
    results = {}
    failed = 0

    def report(name, fn):
        nonlocal failed
        t = time.monotonic()
        try:
            fn()
            print(f"PASS {name} ({time.monotonic() - t:.1f} s)", flush=True)
            return True
        except (Fail, subprocess.CalledProcessError, OSError) as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
            return False

    for number in args.release or sorted(RELEASES):
        test_release(RELEASES[number], args, report, results)
    (SYS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"system test: {'all passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
