"""The QEMU boot plumbing of chainloader's tests: no test logic.

What a boot needs and how it runs: the Debian kernels and Debian 13's files
(fetched by package name and cached under build/), the test initramfs and
other modules, the GRUB rescue ISO or TFTP directory (tests/qemu/mkiso.sh),
the OVMF files and a fresh copy of their variable store, a software TPM
(swtpm), the QEMU command line, the serial capture and the QEMU monitor.

A boot is described by a `Setup` (what the machine and GRUB's menu entry
are); what it must show is another matter (tests/qemu/checks.py). Used by
the pytest suites (tests/qemu/conftest.py, test_boot.py, the malformed
corpus, the differential and installed-system tests) and by scripts/bench.py.

Everything generated goes under $BUILD (default: build/ of the repo); the
logs of a boot NAME are QDIR/NAME.{serial,qemu}.log. QDIR is a module global
that a user may point elsewhere (the bench and the malformed corpus do).
"""

import dataclasses
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import screendump  # noqa: E402  (tests/qemu/screendump.py)

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
QDIR = BUILD / "qemu"
KDIR = BUILD / "kernels"
LOADER = BUILD / "chainloader.elf"
SCRIPTS = ROOT / "tests" / "qemu"

MEMTEST = Path("/boot/memtest86+x64.bin")  # Debian package memtest86+
# Linux-boot-protocol images GRUB boots only with linux16 (real mode):
IPXE_LKRN = Path("/usr/lib/ipxe/ipxe.lkrn")     # Debian package ipxe: protocol 2.07, code32_start 0
MEMDISK = Path("/usr/lib/syslinux/memdisk")     # Debian package syslinux-common: protocol 2.03
FLOPPY_SIGNATURE = b"CL-SECTOR-TWO-42"          # tests/qemu/floppy/boot.S compares sector 2 with it
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
# Debian 13's GRUB 2.12 module directories and OVMF 2025, as
# scripts/fetch-debian13.sh extracts them (Setup.grub = "2.12",
# Setup.ovmf = "2025").
DEBIAN13 = BUILD / "debian13"
GRUB212_DIRS = {"uefi": DEBIAN13 / "grub" / "x86_64-efi", "bios": DEBIAN13 / "grub" / "i386-pc"}
OVMF2025 = DEBIAN13 / "ovmf"

# Kernel arguments as written in grub.cfg. The quoted value is there on
# purpose: GRUB's parser removes the quotes, then GRUB re-quotes every
# argument holding a space around the whole argument when it builds the
# string it hands over (grub_create_loader_cmdline), for "linux" and for
# "module2" alike.
#
# No "quiet"/"loglevel=" here: the kernel's boot log on the serial port is
# the main evidence when a boot fails. Instead the init lowers the console
# log level (dmesg -n 1) before it prints the markers, so no kernel message
# can split a marker line.
GRUB_ARGS = 'console=ttyS0,115200 panic=-1 cl.test=1 cl.quoted="a b"'

# Probe kernels (tests/kernels/): they check the handoff from the inside and
# exit QEMU with 99 (all checks passed), 97 (a check failed) or 101 (a fault).
PROBE_ARGS = 'console=ttyS0 cl.probe=1 cl.quoted="a b"'
PROBE_ARGS_AS_PASSED = 'console=ttyS0 cl.probe=1 "cl.quoted=a b"'  # GRUB's re-quoting
PROBE_INITRD_SIZE = 1048576 + 3  # not a multiple of 4 or of a page


class Fail(Exception):
    """A boot or a check failed; args[0] says why."""


@dataclasses.dataclass
class Setup:
    """What is booted, and how: the machine, GRUB's menu entry, the files."""
    # "grub-linux", "chainloader", "probe" (chainloader + a probe kernel) or
    # "qemu-direct" (QEMU's own -kernel loader: the floor for benchmarks)
    boot: str
    flavour: str = "amd64"     # Debian kernel flavour: amd64, cloud-amd64
    grub_args: str = GRUB_ARGS
    memory_mib: int = 512
    firmware: str = "bios"     # "bios" (SeaBIOS) or "uefi" (OVMF)
    payload_kib: int = 4096    # size of /payload.bin in the initramfs
    timeout: float = 150.0     # seconds before QEMU is killed (re-read at every poll)
    loader_opts: str = ""      # words after chainloader.elf on the multiboot2 line
    grub_after_loader: str = ""  # grub.cfg commands right after the multiboot2 line
    # "bzimage" (vmlinuz), "vmlinux" (the ELF inside it), "memtest" (memtest86+),
    # "memtest-ia32", "ipxe", "memdisk", "garbage" (random bytes), or the file
    # under build/kernels for a probe kernel (probe.elf, probe.bzImage, ...)
    image: str = "bzimage"
    initrd_gz: bool = True     # gzip the initramfs (large payloads stay plain cpio)
    # "module2 --nounzip" for the initrd: GRUB hands it over as it is on disk
    # (by default GRUB gunzips gzip modules, and the initrd grows).
    initrd_nounzip: bool = False
    extra_initrds: int = 0     # more initrd modules, each adding /extra/N (N = 2, 3, ...)
    grub_pre: str = ""         # grub.cfg commands before the boot commands (cutmem ...)
    grub_post: str = ""        # grub.cfg commands after them (the entry then boots)
    # (name, regex) pairs: the seconds from QEMU's start to the first serial
    # output each matches go to the result's "marks" (bench phases).
    time_marks: tuple = ()
    qemu_extra: tuple = ()     # more QEMU arguments (make bench: -plugin ...)
    # Which GRUB builds the ISO: "2.06" (the machine's, Debian 12) or "2.12"
    # (Debian 13's module directory for the firmware, fetched by
    # scripts/fetch-debian13.sh; such an ISO boots on that firmware only).
    grub: str = "2.06"
    # Which OVMF runs a "uefi" boot: "2022" (the machine's, Debian 12) or
    # "2025" (Debian 13's, fetched by scripts/fetch-debian13.sh).
    ovmf: str = "2022"
    # A software TPM 2.0 (swtpm, fresh state per boot) on QEMU's tpm-tis.
    tpm: bool = False
    rng: bool = False          # a virtio-rng-pci device (EFI_RNG_PROTOCOL on OVMF)
    # grub.cfg lines before the menu entry (mkiso.sh -p), e.g. "insmod tpm\n"
    # so that GRUB measures what it loads.
    grub_preamble: str = ""
    # `insmod all_video` in grub.cfg (mkiso.sh); False: GRUB loads no video
    # driver and passes no framebuffer, so a framebuffer comes from GOP or not at all.
    grub_video: bool = True
    # Where GRUB puts chainloader.elf: "low" (as built: the lowest free
    # address from 1 MiB, its relocatable tag's preference) or "high" (a copy
    # whose tag asks for the highest address below its 2 GiB limit, so that
    # the image runs relocated, from its own relocation table).
    loader_placed: str = "low"
    # Whose kernel, vmlinux or memtest86+: "12" (the machine's release:
    # fetch-kernel.sh, /boot/memtest86+x64.bin) or "13" (Debian 13's,
    # fetched by package name by scripts/fetch-debian13.sh).
    debian: str = "12"
    floppy: bool = False       # a test floppy image as the initrd (memdisk), see make_floppy
    # Network boot: GRUB's network image (grub-mknetdir: BIOS PXE, x86_64-efi)
    # from QEMU's own TFTP server (slirp), on a virtio NIC whose option ROM
    # (ipxe-qemu) is the PXE client on SeaBIOS; GRUB then fetches grub.cfg,
    # the loader, the kernel and the initrd over TFTP. No ISO.
    netboot: bool = False
    # Boots of the same ISO, each checked in full.
    boots: int = 1

    @property
    def via_loader(self):
        """chainloader runs (and prints) in this boot."""
        return self.boot in ("chainloader", "probe")

    def menuentry(self):
        """Body of the GRUB menu entry."""
        return self.grub_pre + self.boot_commands() + self.grub_post

    def boot_commands(self):
        if self.boot == "grub-linux":
            return (f"  linux /boot/vmlinuz {self.grub_args}\n"
                    "  initrd /boot/initrd.img\n")
        body = (f"  multiboot2 /boot/chainloader.elf {self.loader_opts}\n"
                f"{self.grub_after_loader}"
                f"  module2 /boot/vmlinuz {self.grub_args}\n")
        if self.image.startswith("memtest") or self.image == "ipxe":
            return body
        if self.boot == "probe" or self.floppy:
            return body + "  module2 /boot/initrd.img\n"
        body += f"  module2 {'--nounzip ' if self.initrd_nounzip else ''}/boot/initrd.img\n"
        for n in range(2, 2 + self.extra_initrds):
            body += f"  module2 /boot/extra{n}.cpio\n"
        return body


@dataclasses.dataclass
class Until:
    """When a boot ends before QEMU exits or the timeout: once the serial
    output matches every `serial` regex (bytes) and a line of the VGA text
    screen every `vga` regex (str); or, with `error`, once a
    "chainloader: error:" line is complete (then the CPU registers are read,
    and with `screenshot` the screen is saved as QDIR/NAME.png)."""
    serial: tuple = ()
    vga: tuple = ()
    error: bool = False
    screenshot: bool = False


@dataclasses.dataclass
class Booted:
    """What one boot gave: the serial output, the seconds from QEMU's start
    to CL-DONE (or a probe's verdict) and to the kernel's first line (None
    if never), QEMU's exit status (None if it was stopped), the CPU
    registers after an error line (Until.error), the time marks."""
    data: bytes
    t_done: float = None
    t_kernel: float = None
    rc: int = None
    cpu: str = None
    marks: dict = dataclasses.field(default_factory=dict)


def run(cmd):
    """Run a helper script; its output goes to our stderr."""
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr,
                   env=dict(os.environ, BUILD=str(BUILD)))


# --- files: kernels, Debian 13, initramfs, floppy, the loader ----------------

FETCHED = {}    # flavour or "debian13 WHAT" -> None if fetched, else why it failed
BUILT = set()   # files this run has built (once each)


def kernel(flavour):
    """Path of the kernel of FLAVOUR, fetched once per run (fetch-kernel.sh
    caches the package, so this is quick)."""
    if flavour not in FETCHED:
        try:
            run([ROOT / "scripts" / "fetch-kernel.sh", flavour, KDIR])
            FETCHED[flavour] = None
        except subprocess.CalledProcessError as e:
            FETCHED[flavour] = f"fetch-kernel.sh {flavour} failed ({e.returncode})"
    if FETCHED[flavour]:
        raise Fail(FETCHED[flavour])
    return KDIR / f"vmlinuz-{flavour}"


def vmlinux(flavour):
    """The ELF vmlinux inside the bzImage of FLAVOUR (extracted once, cached)."""
    out = KDIR / f"vmlinux-{flavour}"
    try:
        run([ROOT / "scripts" / "extract-vmlinux.sh", kernel(flavour), out])
    except subprocess.CalledProcessError:
        raise Fail(f"extract-vmlinux.sh {flavour} failed")
    return out


def debian13(what):
    """scripts/fetch-debian13.sh WHAT, once per run (it caches by version)."""
    key = f"debian13 {what}"
    if key not in FETCHED:
        try:
            run([ROOT / "scripts" / "fetch-debian13.sh", what])
            FETCHED[key] = None
        except subprocess.CalledProcessError as e:
            FETCHED[key] = f"fetch-debian13.sh {what} failed ({e.returncode})"
    if FETCHED[key]:
        raise Fail(FETCHED[key])


def debian13_file(what, *path):
    """A file fetch-debian13.sh WHAT extracts under build/debian13."""
    debian13(what)
    out = DEBIAN13.joinpath(*path)
    if not out.exists():
        raise Fail(f"fetch-debian13.sh {what} gave no {out}")
    return out


def package_of_system(path):
    """'PACKAGE VERSION' of the installed Debian package that owns PATH."""
    real = os.path.realpath(path)
    try:
        pkg = subprocess.run(["dpkg-query", "-S", real], capture_output=True, text=True,
                             check=True).stdout.split(":")[0]
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise Fail(f"{path}: not from an installed package (scripts/deps.sh)")
    return f"{pkg} {ver}"


def package_of(path):
    """'PACKAGE VERSION' that fetch-debian13.sh recorded beside PATH."""
    try:
        return Path(f"{path}.version").read_text().strip()
    except OSError:
        return None


def grub_dir(setup):
    """The GRUB module directory of a setup with grub = "2.12"."""
    if setup.grub != "2.12":
        raise ValueError(setup.grub)
    debian13({"uefi": "grub-efi", "bios": "grub-pc"}[setup.firmware])
    return GRUB212_DIRS[setup.firmware]


def ovmf_files(setup):
    """(code, vars template) of the setup's OVMF (Debian 13's fetched first)."""
    if setup.ovmf == "2022":
        return OVMF_CODE, OVMF_VARS
    if setup.ovmf == "2025":
        debian13("ovmf")
        return OVMF2025 / "OVMF_CODE_4M.fd", OVMF2025 / "OVMF_VARS_4M.fd"
    raise ValueError(setup.ovmf)


def make_floppy():
    """A 1.44 MB floppy image for memdisk: the boot sector of
    tests/qemu/floppy/boot.S, then FLOPPY_SIGNATURE as sector 2, then zeros."""
    out = QDIR / "test-floppy.img"
    obj = QDIR / "floppy-boot.o"
    boot = QDIR / "floppy-boot.bin"
    try:
        run(["gcc", "-m32", "-c", SCRIPTS / "floppy" / "boot.S", "-o", obj])
        run(["ld", "-m", "elf_i386", "-Ttext=0x7c00", "--oformat=binary", "-e", "_start", obj, "-o", boot])
    except subprocess.CalledProcessError:
        raise Fail("building the floppy's boot sector failed")
    sector0 = boot.read_bytes()
    if len(sector0) != 512 or sector0[510:] != b"\x55\xaa":
        raise Fail(f"{boot}: not a 512-byte boot sector")
    image = bytearray(1474560)
    image[:512] = sector0
    image[512:512 + len(FLOPPY_SIGNATURE)] = FLOPPY_SIGNATURE
    out.write_bytes(image)
    return out


def built_once(out, script, *args):
    """OUT made by tests/qemu/SCRIPT once per run (fresh random contents each
    run: nothing can go stale)."""
    if out not in BUILT:
        try:
            run([SCRIPTS / script, out, *args])
        except subprocess.CalledProcessError:
            raise Fail(f"{script} failed")
        BUILT.add(out)
    return out


def initramfs(payload_kib, gz=True):
    """An initramfs with a random payload of that size (its payload's SHA-256
    in the file beside it, OUT.sha256)."""
    return built_once(QDIR / f"initrd-{payload_kib}.cpio{'.gz' if gz else ''}",
                      "mkinitramfs.sh", payload_kib)


def extra_initrd(n):
    """An extra initrd module adding /extra/N."""
    return built_once(QDIR / f"extra{n}.cpio", "mkextra.sh", n)


def probe_initrd():
    """Random bytes for the probe kernels' initrd, and their CRC-32 (zlib's)."""
    out = QDIR / "probe-initrd.bin"
    if out not in BUILT:
        out.write_bytes(os.urandom(PROBE_INITRD_SIZE))
        BUILT.add(out)
    return out, f"{zlib.crc32(out.read_bytes()):08x}"


MB2_HEADER_MAGIC = 0xE85250D6
MB2_HEADER_TAG_RELOCATABLE = 10
MB2_LOAD_PREFERENCE_HIGH = 2


def loader_placed_high():
    """A copy of chainloader.elf whose relocatable tag prefers high addresses."""
    data = bytearray(LOADER.read_bytes())
    for at in range(0, 32768 - 16, 8):  # the multiboot2 header: 8-aligned, first 32 KiB
        magic, arch, length, check = struct.unpack_from("<IIII", data, at)
        if magic == MB2_HEADER_MAGIC and (magic + arch + length + check) & 0xFFFFFFFF == 0:
            break
    else:
        raise Fail("no multiboot2 header in chainloader.elf")
    tag = at + 16
    while tag < at + length:
        ttype, _, tsize = struct.unpack_from("<HHI", data, tag)
        if ttype == MB2_HEADER_TAG_RELOCATABLE:
            struct.pack_into("<I", data, tag + 20, MB2_LOAD_PREFERENCE_HIGH)
            out = QDIR / "chainloader-placed-high.elf"
            out.write_bytes(data)
            return out
        if ttype == 0:
            break
        tag += (tsize + 7) & ~7
    raise Fail("chainloader.elf has no relocatable tag (multiboot2 header tag 10)")


@dataclasses.dataclass
class Media:
    """The files of a boot: the kernel image, the initrd, the ISO (or TFTP
    directory, or for "qemu-direct" the (kernel, initrd) pair) and what
    `info` says of them (kernel, grub_package, ovmf_package: results.json)."""
    vmlinuz: Path
    initrd: Path
    iso: object
    info: dict


def kernel_image(setup, info):
    """The kernel module of SETUP (fetched, extracted or made), its origin in info["kernel"]."""
    if setup.boot == "probe" or setup.image.startswith("probe"):
        vmlinuz = KDIR / setup.image
        if not vmlinuz.exists():
            raise Fail(f"{vmlinuz} missing (make probe-kernels)")
        info["kernel"] = setup.image
    elif setup.debian == "13":
        vmlinuz = debian13_file(f"kernel-{setup.flavour}", "kernels", f"vmlinuz-{setup.flavour}")
        info["kernel"] = package_of(vmlinuz)
    else:
        vmlinuz = kernel(setup.flavour)
        info["kernel"] = Path(f"{vmlinuz}.version").read_text().strip()
    if setup.image == "vmlinux":
        vmlinuz = (debian13_file(f"vmlinux-{setup.flavour}", "kernels", f"vmlinux-{setup.flavour}")
                   if setup.debian == "13" else vmlinux(setup.flavour))
    elif setup.image.startswith("memtest"):
        # "memtest" (x64) or "memtest-ia32" (Debian 13's 32-bit build)
        arch = "ia32" if setup.image == "memtest-ia32" else "x64"
        if setup.debian == "13":
            vmlinuz = debian13_file("memtest", "memtest", f"memtest86+{arch}.bin")
            info["kernel"] = package_of(vmlinuz)
        elif arch == "x64":
            vmlinuz = MEMTEST
            info["kernel"] = "memtest86+"
        else:
            raise Fail("memtest86+ia32.bin: only Debian 13's memtest86+ is fetched")
    elif setup.image == "ipxe":
        vmlinuz = IPXE_LKRN.resolve()  # a symlink to /boot/ipxe.lkrn: the ISO needs the file
        info["kernel"] = package_of_system(IPXE_LKRN)
    elif setup.image == "memdisk":
        vmlinuz = MEMDISK
        info["kernel"] = package_of_system(MEMDISK)
    elif setup.image == "garbage":
        vmlinuz = QDIR / "garbage.bin"
        vmlinuz.write_bytes(b"\x7fELG" + os.urandom(65532))  # not ELF, not bzImage
        info["kernel"] = "random bytes"
    return vmlinuz


def initrd_image(setup):
    """The initrd module of SETUP (for a probe kernel: see probe_initrd)."""
    if setup.floppy:
        return make_floppy()
    if setup.boot == "probe" or setup.image.startswith("probe"):
        return probe_initrd()[0]
    return initramfs(setup.payload_kib, setup.initrd_gz)


def make_iso(name, setup, vmlinuz, initrd):
    """QDIR/NAME.iso (or NAME.tftp for a network boot) with SETUP's menu entry."""
    entry = QDIR / f"{name}.entry"
    entry.write_text(setup.menuentry())
    iso = QDIR / f"{name}.{'tftp' if setup.netboot else 'iso'}"
    files = [f"vmlinuz={vmlinuz}", f"initrd.img={initrd}"]
    files += [f"extra{n}.cpio={extra_initrd(n)}" for n in range(2, 2 + setup.extra_initrds)]
    if setup.via_loader:
        files.append(f"chainloader.elf={loader_placed_high() if setup.loader_placed == 'high' else LOADER}")
    opts = []
    if setup.grub != "2.06":
        opts += ["-d", grub_dir(setup)]
    if not setup.grub_video:
        opts.append("-n")
    if setup.netboot:
        opts.append("-N")
    if setup.grub_preamble:
        preamble = QDIR / f"{name}.preamble"
        preamble.write_text(setup.grub_preamble)
        opts += ["-p", preamble]
    try:
        run([SCRIPTS / "mkiso.sh"] + opts + [iso, entry] + files)
    except subprocess.CalledProcessError:
        raise Fail("mkiso.sh failed")
    return iso


def firmware_info(setup, info):
    """Which GRUB and OVMF packages a setup uses (fetching Debian 13's)."""
    if setup.grub != "2.06":
        info["grub_package"] = package_of(grub_dir(setup))
    if setup.firmware == "uefi" and setup.ovmf != "2022":
        ovmf_files(setup)
        info["ovmf_package"] = package_of(OVMF2025 / "ovmf")


def media(name, setup, vmlinuz=None, initrd=None):
    """Everything SETUP boots from, made or fetched: Media. VMLINUZ and
    INITRD, if given, replace the setup's own kernel and initrd."""
    info = {}
    firmware_info(setup, info)
    if setup.via_loader and not LOADER.exists():
        raise Fail(f"{os.path.relpath(LOADER, ROOT)} missing")
    vmlinuz = vmlinuz or kernel_image(setup, info)
    initrd = initrd or initrd_image(setup)
    iso = (vmlinuz, initrd) if setup.boot == "qemu-direct" else make_iso(name, setup, vmlinuz, initrd)
    return Media(vmlinuz, initrd, iso, info)


# --- QEMU: command line, monitor, swtpm, the boot itself ---------------------

def monitor_socket(name):
    return QDIR / f"{name}.monitor"


def cpu_state(name):
    """'info registers' from QEMU's human monitor (HLT=, EFL=, CS=...)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as m:
        m.connect(str(monitor_socket(name)))
        m.settimeout(5)
        m.sendall(b"info registers\n")
        out = b""
        deadline = time.monotonic() + 5
        while b"EFER=" not in out and time.monotonic() < deadline:
            try:
                chunk = m.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
    return out.decode("ascii", "replace")


def ovmf_vars_copy(name, setup):
    """A fresh copy of the OVMF variable store for one boot (OVMF writes to it)."""
    _, template = ovmf_files(setup)
    out = QDIR / f"{name}.OVMF_VARS.fd"
    shutil.copyfile(template, out)
    return out


def qemu_command(name, setup, iso, serial_log, tpm_socket=None):
    """ISO is the GRUB rescue image, or for "qemu-direct" a (kernel, initrd) pair
    that QEMU's own loader boots (-kernel/-initrd/-append). TPM_SOCKET: the
    control socket of the swtpm that boot() started for a tpm setup."""
    nic = ["-nic", "none"]   # no network: skips the NIC option ROM
    if setup.boot == "qemu-direct":
        media = ["-kernel", str(iso[0]), "-initrd", str(iso[1]), "-append", setup.grub_args]
    elif setup.netboot:  # ISO is then the TFTP directory (mkiso.sh -N)
        core = "boot/grub/x86_64-efi/core.efi" if setup.firmware == "uefi" else "boot/grub/i386-pc/core.0"
        media = ["-boot", "n"]
        nic = ["-netdev", f"user,id=net0,tftp={iso},bootfile={core}", "-device", "virtio-net-pci,netdev=net0"]
    else:
        media = ["-cdrom", str(iso), "-boot", "d"]
    cmd = ["qemu-system-x86_64",
           "-m", str(setup.memory_mib)] + media + [
           "-display", "none",
           "-serial", f"file:{serial_log}",
           "-no-reboot",        # with panic=-1, a kernel panic ends QEMU
           "-monitor", f"unix:{monitor_socket(name)},server,nowait"] + nic + [
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if setup.firmware == "uefi":
        code, _ = ovmf_files(setup)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={code}",
                "-drive", f"if=pflash,format=raw,file={ovmf_vars_copy(name, setup)}"]
    elif setup.firmware != "bios":
        raise ValueError(setup.firmware)
    if setup.tpm:
        if tpm_socket is None:
            raise ValueError(f"{name}: a tpm setup needs its swtpm socket")
        cmd += ["-chardev", f"socket,id=chrtpm,path={tpm_socket}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0"]
    if setup.rng:
        cmd += ["-device", "virtio-rng-pci"]
    return cmd + list(setup.qemu_extra)


class SoftwareTPM:
    """swtpm for one boot: a fresh state directory QDIR/<name>.tpm (an
    unmanufactured TPM 2.0 state: swtpm creates it with the sha1, sha256,
    sha384 and sha512 banks active), its control socket there, run under our
    control (not --daemon) and stopped when the boot ends, whatever happens.
    --terminate: it also exits by itself once QEMU closes the connection."""

    def __init__(self, name):
        self.dir = QDIR / f"{name}.tpm"
        self.socket = self.dir / "sock"
        self.log = QDIR / f"{name}.swtpm.log"
        self.proc = None

    def __enter__(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                ["swtpm", "socket", "--tpm2", "--terminate",
                 "--tpmstate", f"dir={self.dir}",
                 "--ctrl", f"type=unixio,path={self.socket}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise Fail(f"swtpm did not start (see {self.log})")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return False


def boot(name, setup, iso, until=None, marks=None):
    """Boot ISO as SETUP says (with a fresh swtpm if it asks for a TPM);
    return Booted. MARKS, if given, is the dict that gets "grub_entry":
    seconds to GRUB's "Booting `...'" line (the menu entry starts: firmware
    and GRUB's own start-up are behind), and the seconds to the first match
    of each of setup.time_marks under its name."""
    if setup.tpm:
        with SoftwareTPM(name) as tpm:
            return boot_with(name, setup, iso, until or Until(), marks, tpm.socket)
    return boot_with(name, setup, iso, until or Until(), marks, None)


DONE = re.compile(rb"(?m)^\r*(CL-DONE\r?$|PROBE: RESULT )")


def boot_with(name, setup, iso, until, marks, tpm_socket, command=None):
    """boot(), with the swtpm socket of a tpm setup. COMMAND, if given,
    makes the QEMU command line instead of qemu_command: command(serial_log,
    tpm_socket, monitor_socket) for a machine of another suite's making
    (tests/secureboot/machine.py); the boot loop is the same."""
    marks = {} if marks is None else marks
    serial_log = QDIR / f"{name}.serial.log"
    serial_log.unlink(missing_ok=True)
    cmd = (command(serial_log, tpm_socket, monitor_socket(name)) if command
           else qemu_command(name, setup, iso, serial_log, tpm_socket))
    (QDIR / f"{name}.qemu.cmd").write_text(" ".join(cmd) + "\n")
    with open(QDIR / f"{name}.qemu.log", "wb") as qlog:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=qlog, stderr=subprocess.STDOUT)
        data = b""
        t_done = t_kernel = None
        try:
            while True:
                rc = proc.poll()
                if serial_log.exists():
                    with open(serial_log, "rb") as f:
                        f.seek(len(data))
                        data += f.read()
                now = time.monotonic() - start
                if "grub_entry" not in marks and b"Booting `" in data:
                    marks["grub_entry"] = now
                for mark, rx in setup.time_marks:
                    if mark not in marks and re.search(rx, data):
                        marks[mark] = now
                if t_kernel is None and b"Linux version" in data:
                    t_kernel = now
                if t_done is None and DONE.search(data):
                    t_done = now
                if until.serial and all(re.search(rx, data) for rx in until.serial):
                    if not until.vga:
                        return Booted(data, now, t_kernel, None, None, marks)
                if until.vga and now >= marks.get("vga_read", 0) + 1.0 and b"chainloader: booting" in data:
                    marks["vga_read"] = now
                    try:
                        screen = screendump.vga_text(monitor_socket(name), QDIR / f"{name}.vga.bin")
                    except (OSError, screendump.ScreendumpError):
                        screen = None
                    if screen is not None:
                        (QDIR / f"{name}.screen.txt").write_text("\n".join(screen) + "\n")
                        if all(any(re.search(rx, l) for l in screen) for rx in until.vga) and (
                                not until.serial or all(re.search(rx, data) for rx in until.serial)):
                            marks.pop("vga_read")
                            return Booted(data, now, t_kernel, None, None, marks)
                if rc is not None:
                    return Booted(data, t_done, t_kernel, rc, None, marks)
                if until.error and b"chainloader: error:" in data and b"\n" in data.split(b"chainloader: error:")[-1]:
                    time.sleep(1.0)  # long enough for a reset or a runaway to show
                    if proc.poll() is not None:
                        return Booted(data, None, None, proc.poll(), None, marks)
                    cpu = cpu_state(name)
                    if until.screenshot:
                        screendump.screendump(monitor_socket(name), QDIR / f"{name}.png")
                    return Booted(data, None, None, None, cpu, marks)
                if now > setup.timeout:
                    return Booted(data, t_done, t_kernel, None, None, marks)
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


# --- reading the serial output -------------------------------------------------

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def lines_of(data):
    """Serial output as lines of bytes. The tty turns "\\n" into "\\r\\n",
    and GRUB leaves a "\\r" in front of whatever comes after it: drop those
    and nothing else, so marker values stay byte-exact."""
    out = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        out.append(line.lstrip(b"\r"))
    return out


def tail(data, n=15):
    """The last n non-empty serial lines, cleaned up for display."""
    shown = [ANSI.sub(b"", l).replace(b"\r", b"") for l in lines_of(data)]
    shown = [l.decode("utf-8", "replace") for l in shown if l.strip()]
    return shown[-n:] or ["(no serial output)"]


def marker(lines, name):
    """Value of the single 'NAME: value' marker line."""
    prefix = name.encode() + b": "
    found = [l[len(prefix):] for l in lines if l.startswith(prefix)]
    if len(found) != 1:
        raise Fail(f"{len(found)} {name} lines (expected 1)")
    return found[0]


def int_marker(lines, name):
    value = marker(lines, name)
    if not value.isdigit():
        raise Fail(f"{name} is not a number: {value!r}")
    return int(value)


def optional_marker(lines, name):
    """Value of the 'NAME: value' marker (str), or None when it is absent."""
    prefix = name.encode() + b": "
    found = [l[len(prefix):] for l in lines if l.startswith(prefix)]
    return found[0].decode("utf-8", "replace") if len(found) == 1 else None
