"""The Secure Boot machine of tests/secureboot: no test logic.

OVMF with Secure Boot enforced (q35 with SMM, OVMF_CODE_4M.secboot.fd,
the pflash marked secure), its variables from tests/secureboot/mkchain.sh
(Microsoft's keys, so Debian's shim boots, and a test MOK in MokList), an
ESP as Debian installs it (shim as EFI/BOOT/BOOTX64.EFI, Debian's signed
GRUB beside it) given to QEMU as a `fat:rw:` directory, a software TPM 2.0
and virtio-rng. What a boot puts in the ESP's /boot and its grub.cfg are the
caller's. The boot loop, swtpm and the serial capture are
tests/qemu/plumbing.py's; the logs of a boot NAME are
build/qemu/NAME.{serial,qemu}.log, its ESP and variables beside them.

Every QEMU run takes the machine-wide lock /tmp/cl-qemu.lock (flock) for
its whole length: the machine has 2 cores, no KVM, and other suites boot
QEMU too.
"""

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "qemu"))
import plumbing as pl  # noqa: E402  (tests/qemu/plumbing.py)

HERE = Path(__file__).resolve().parent
SB_BUILD = pl.BUILD / "secureboot"          # fetch-signed-chain.sh's chains live here too
EFI_IMAGE = pl.BUILD / "chainloader.efi"    # make build/chainloader.efi
OVMF_SECBOOT_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd")
QEMU_LOCK = Path("/tmp/cl-qemu.lock")
MEMORY_MIB = 512


@contextlib.contextmanager
def qemu_lock():
    """The machine-wide QEMU lock, held while the block runs."""
    with open(QEMU_LOCK, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@dataclasses.dataclass
class Chain:
    """One release's Secure Boot machine, made once by mkchain.sh: DIR holds
    mok.key, mok.crt, vars.fd and the ESP template esp/; KERNEL is the
    release's signed Debian kernel, INITRD the test initramfs."""
    release: str
    dir: Path
    kernel: Path
    initrd: Path
    info: dict

    @property
    def mok_key(self):
        return self.dir / "mok.key"

    @property
    def mok_crt(self):
        return self.dir / "mok.crt"

    @property
    def vars(self):
        return self.dir / "vars.fd"

    @property
    def esp(self):
        return self.dir / "esp"


def signed_kernel(release):
    """(path, 'PACKAGE VERSION') of Debian RELEASE's kernel (linux-image-*-amd64:
    the bzImage Debian signs), fetched by package name and cached."""
    if release == "12":
        path = pl.kernel("amd64")
        return path, Path(f"{path}.version").read_text().strip()
    if release == "13":
        path = pl.debian13_file("kernel-amd64", "kernels", "vmlinuz-amd64")
        return path, pl.package_of(path)
    raise ValueError(release)


def make_chain(release, payload_kib=4096):
    """Chain of RELEASE ("12" or "13"): mkchain.sh's machine (the stock
    signed shim and GRUB, a fresh test MOK enrolled), the kernel, the initrd."""
    out = SB_BUILD / f"machine{release}"
    try:
        pl.run(["sh", HERE / "mkchain.sh", release, out])
    except subprocess.CalledProcessError as e:
        raise pl.Fail(f"mkchain.sh {release} failed ({e.returncode})")
    kernel, kernel_pkg = signed_kernel(release)
    chain_dir = SB_BUILD / f"debian{release}"
    info = {"kernel": kernel_pkg}
    for what in ("shimx64.efi", "grubx64.efi"):
        info[what] = pl.package_of(chain_dir / what)
    # The test initramfs, built here (once per run) rather than shared with
    # tests/qemu's build/qemu/initrd-*.cpio.gz, which other suites running at
    # the same time rebuild with another random payload.
    initrd = pl.built_once(out / f"initrd-{payload_kib}.cpio.gz", "mkinitramfs.sh", payload_kib)
    return Chain(release, out, kernel, initrd, info)


def sbsign(src, out, chain):
    """SRC signed with the chain's test MOK (sbsign) as OUT."""
    try:
        subprocess.run(["sbsign", "--key", str(chain.mok_key), "--cert", str(chain.mok_crt),
                        "--output", str(out), str(src)], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as e:
        raise pl.Fail(f"sbsign {src} failed: {e.stderr.strip()}")
    return out


def certificate_table(image):
    """(file offset, size) of a PE32+ image's Authenticode certificate table
    (data directory 4, IMAGE_DIRECTORY_ENTRY_SECURITY), (0, 0) if unsigned."""
    pe = struct.unpack_from("<I", image, 0x3C)[0]
    if image[pe:pe + 4] != b"PE\0\0":
        raise pl.Fail("not a PE image (no PE signature at e_lfanew)")
    opt = pe + 24
    magic = struct.unpack_from("<H", image, opt)[0]
    if magic != 0x20B:
        raise pl.Fail(f"not PE32+ (optional header magic 0x{magic:x})")
    return struct.unpack_from("<II", image, opt + 112 + 4 * 8)


def tamper(src, out):
    """A copy of the signed image SRC with one byte changed halfway into the
    bytes its Authenticode hash covers (well past the headers, well before
    the certificate table at the end): its signature no longer verifies.
    Returns the offset changed."""
    image = bytearray(Path(src).read_bytes())
    cert_offset, cert_size = certificate_table(image)
    if not cert_size:
        raise pl.Fail(f"{src} carries no signature to break")
    at = cert_offset // 2
    image[at] ^= 0xFF
    Path(out).write_bytes(image)
    return at


@dataclasses.dataclass
class Boot:
    """One boot's machine: its ESP (a copy of the chain's template with FILES
    in /boot and GRUB_CFG as /boot/grub/grub.cfg) and its variable store."""
    name: str
    chain: Chain
    files: dict               # name in the ESP's /boot -> file
    grub_cfg: str
    esp: Path = None
    vars: Path = None
    memory_mib: int = MEMORY_MIB

    def make(self):
        self.esp = pl.QDIR / f"{self.name}.esp"
        shutil.rmtree(self.esp, ignore_errors=True)
        shutil.copytree(self.chain.esp, self.esp)
        for name, path in self.files.items():
            shutil.copyfile(path, self.esp / "boot" / name)
        (self.esp / "boot" / "grub" / "grub.cfg").write_text(self.grub_cfg)
        self.vars = pl.QDIR / f"{self.name}.vars.fd"
        shutil.copyfile(self.chain.vars, self.vars)   # OVMF writes to it
        return self

    def command(self, serial_log, tpm_socket, monitor):
        """The QEMU command line (plumbing.boot_with's `command`)."""
        return ["qemu-system-x86_64",
                "-machine", "q35,smm=on",
                "-global", "driver=cfi.pflash01,property=secure,value=on",
                "-global", "ICH9-LPC.disable_s3=1",
                "-m", str(self.memory_mib),
                "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_SECBOOT_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={self.vars}",
                "-drive", f"format=raw,file=fat:rw:{self.esp}",
                "-display", "none",
                "-serial", f"file:{serial_log}",
                "-no-reboot",
                "-monitor", f"unix:{monitor},server,nowait",
                "-nic", "none",
                "-chardev", f"socket,id=chrtpm,path={tpm_socket}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0",
                "-device", "virtio-rng-pci"]


def setup_for(boot, timeout, memory_mib=MEMORY_MIB):
    """The plumbing.Setup the boot loop and tests/qemu/checks.py read: OVMF,
    a TPM, virtio-rng; BOOT is "grub-linux" or "chainloader"."""
    return pl.Setup(boot, firmware="uefi", tpm=True, rng=True, timeout=timeout,
                    memory_mib=memory_mib,
                    time_marks=(("kernel", rb"Linux version"),))


def run(machine, setup, until=None):
    """Boot MACHINE (a made Boot) under the QEMU lock with a fresh swtpm;
    plumbing.Booted, the seconds QEMU ran in its marks["qemu_seconds"]."""
    with qemu_lock(), pl.SoftwareTPM(machine.name) as tpm:
        start = time.monotonic()
        booted = pl.boot_with(machine.name, setup, None, until or pl.Until(), {}, tpm.socket,
                              command=machine.command)
        booted.marks["qemu_seconds"] = time.monotonic() - start
        return booted


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).digest()


def relpath(path):
    return os.path.relpath(path, pl.ROOT)
