"""The installed system on Debian's stock Secure Boot chain (issue 23, item 5):
the system of tests/system (its disk as the other boots have it: the
package installed, the menu by update-grub with CHAINLOADER_DEFAULT=true)
booted from an ESP laid out as grub-install --uefi-secure-boot
--force-extra-removable leaves it, on the Secure Boot machine of
tests/secureboot/machine.py (q35 with SMM, a fresh swtpm, virtio-rng, the
ESP as a `fat:rw:` directory) with the system disk beside it.

- The ESP holds the system's own signed chain, from its packages
  (shim-signed, shim-helpers-amd64-signed, grub-efi-amd64-signed, in the
  image by mksystem.sh): shim as EFI/BOOT/BOOTX64.EFI and
  EFI/debian/shimx64.efi, the signed GRUB and MokManager beside both, and
  grub-install's grub.cfg stub in both directories (search.fs_uuid for the
  root file system, $prefix, configfile). GRUB then reads the disk's
  /boot/grub/grub.cfg, the one update-grub wrote, and loads modules (Secure
  Boot off: multiboot2.mod) from /boot/grub/x86_64-efi, which
  run_system.step_menu filled from the same release's grub-efi-amd64-bin,
  as grub-install does. No fbx64.efi: shim would run it, write a boot entry
  and reset.
- The variables: Microsoft's keys (OVMF_VARS_4M.ms.fd, so shim boots), and
  the key the package's postinst made in the system,
  /var/lib/dkms/mok.pub (read out of the disk image with debugfs), enrolled
  as a MOK by virt-fw-vars --add-mok, as `mokutil --import` and MokManager
  would have.

The kinds of boot (KINDS):
    sb-on           Secure Boot enforced, the MOK enrolled: GRUB runs the
                    entry's signed body, linux /boot/chainloader.efi, which
                    verifies the kernel through shim; multi-user with
                    Secure Boot enabled and lockdown on
    sb-off          OVMF without Secure Boot (OVMF_CODE_4M.fd, plain
                    variables), the same ESP and disk: the multiboot2 body
    sb-unenrolled   Secure Boot enforced, Microsoft's keys only: shim
                    refuses chainloader.efi ("bad shim signature") and
                    GRUB's fallback, 10_linux's entry, boots the machine
"""

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import run_system as rs

sys.path.insert(0, str(rs.ROOT / "tests" / "secureboot"))
import machine as m  # noqa: E402  (tests/secureboot/machine.py: the Secure Boot machine)

pl = rs.pl
Fail = rs.Fail

KINDS = ("sb-on", "sb-off", "sb-unenrolled")
SHIM_LOCK_GUID = "605dab50-e046-4300-abb6-3dd810dd8b23"  # the MOK's owner, as mokutil --import makes it
OVMF_MS_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.ms.fd")
MOK_CERT = "/var/lib/dkms/mok.pub"    # the postinst's (DKMS's) certificate, DER
MEMORY_MIB = 1024                     # as the other installed-system boots
BOOT_TIMEOUT = 420                    # to CL-SYSTEM-DONE: about 90-150 s here (TCG, SMM)

# What grub-install --uefi-secure-boot --force-extra-removable puts on the
# ESP: the system's file -> its places there.
ESP_FILES = (
    ("/usr/lib/shim/shimx64.efi.signed", ("EFI/BOOT/BOOTX64.EFI", "EFI/debian/shimx64.efi")),
    ("/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed", ("EFI/BOOT/grubx64.efi", "EFI/debian/grubx64.efi")),
    ("/usr/lib/shim/mmx64.efi.signed", ("EFI/BOOT/mmx64.efi", "EFI/debian/mmx64.efi")),
)

# The serial lines that show which body ran.
BANNER = re.compile(rb"chainloader \d+\.\d+\S* \(([^)]*) -> Linux boot protocol\)")
WAY_IN = {"12": "EFI handover from GRUB", "13": "EFI PE entry from GRUB"}
VERIFIED = re.compile(rb"chainloader: secure boot: the kernel \((\d+) bytes\) verified by shim \(SHIM_LOCK Verify\)")
BAD_SIGNATURE = re.compile(rb"error: bad shim signature")
PROHIBITED = b"prohibited by secure boot policy"
FALLING_BACK = re.compile(rb"Falling back to `([^']*)'")
LOCKDOWN_ON = re.compile(r"^none (\[integrity\] confidentiality|integrity \[confidentiality\])$")
LOCKDOWN_OFF = "[none] integrity confidentiality"
LOCKDOWN_BY = "Kernel is locked down from EFI Secure Boot"  # 6.1 and 6.12: "...; see man kernel_lockdown.7"


def disk_file(disk, path, out):
    """PATH of the ext4 image DISK, as the booted system holds it, copied to
    OUT (debugfs: no mount); symbolic links followed."""
    for _ in range(8):
        st = subprocess.run(["debugfs", "-R", f"stat {path}", str(disk)], capture_output=True, text=True)
        link = re.search(r'Fast link dest: "([^"]*)"', st.stdout)
        if not link:
            break
        path = link.group(1) if link.group(1).startswith("/") else str(Path(path).parent / link.group(1))
    if "Type: regular" not in st.stdout:
        raise Fail(f"{path} is not a regular file in {disk.name}: {(st.stdout + st.stderr).strip()[-300:]}")
    Path(out).unlink(missing_ok=True)
    p = subprocess.run(["debugfs", "-R", f"dump {path} {out}", str(disk)], capture_output=True, text=True)
    if p.returncode or not Path(out).exists():
        raise Fail(f"debugfs could not read {path} from {disk.name}: {p.stderr.strip()[-300:]}")
    return Path(out)


def grub_stub(root_uuid):
    """grub-install's grub.cfg beside the signed GRUB (util/grub-install.c,
    uefi_secure_boot: its load.cfg, then configfile)."""
    return (f"search.fs_uuid {root_uuid} root \n"
            "set prefix=($root)'/boot/grub'\n"
            "configfile $prefix/grub.cfg\n")


class Chain:
    """One release's ESP template and variable stores, made from its disk."""

    def __init__(self, rel, disk, root_uuid):
        self.dir = rs.SYS / f"shim-{rel.number}"
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.esp = self.dir / "esp"
        self.info = {}
        for src, places in ESP_FILES:
            got = disk_file(disk, src, self.dir / Path(src).name)
            for place in places:
                (self.esp / place).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(got, self.esp / place)
        for d in ("BOOT", "debian"):
            (self.esp / "EFI" / d / "grub.cfg").write_text(grub_stub(root_uuid))
        self.mok = disk_file(disk, MOK_CERT, self.dir / "mok.pub")
        self.vars = {"sb-on": self.dir / "vars-mok.fd", "sb-unenrolled": OVMF_MS_VARS, "sb-off": pl.OVMF_VARS}
        pl.debian13("virt-firmware")  # Debian 13's python3-virt-firmware (virt-fw-vars)
        p = subprocess.run(["/usr/bin/python3", "-m", "virt.firmware.vars", "-i", str(OVMF_MS_VARS),
                            "--add-mok", SHIM_LOCK_GUID, str(self.mok), "-o", str(self.vars["sb-on"])],
                           capture_output=True, text=True,
                           env={"PYTHONPATH": str(pl.BUILD / "debian13" / "virt-firmware"), "PATH": "/usr/bin:/bin"})
        if p.returncode or not self.vars["sb-on"].exists():
            raise Fail(f"virt-fw-vars --add-mok {MOK_CERT} failed: {(p.stdout + p.stderr).strip()[-500:]}")


@dataclasses.dataclass
class Machine(m.Boot):
    """machine.Boot's Secure Boot machine with the system disk on virtio
    (snapshot=on: the image stays as made) and 1 GiB; for "sb-off" OVMF
    without Secure Boot (OVMF_CODE_4M.fd, no secure flash)."""
    chain: Chain = None
    files: dict = None
    grub_cfg: str = None
    kind: str = "sb-on"
    disk: Path = None

    def make(self):
        self.esp = pl.QDIR / f"{self.name}.esp"
        shutil.rmtree(self.esp, ignore_errors=True)
        shutil.copytree(self.chain.esp, self.esp)
        self.vars = pl.QDIR / f"{self.name}.vars.fd"
        shutil.copyfile(self.chain.vars[self.kind], self.vars)  # OVMF writes to it
        return self

    def command(self, serial_log, tpm_socket, monitor):
        cmd = super().command(serial_log, tpm_socket, monitor)
        cmd[cmd.index("-m") + 1] = str(MEMORY_MIB)
        if self.kind == "sb-off":
            secure = cmd.index("driver=cfi.pflash01,property=secure,value=on")
            del cmd[secure - 1:secure + 1]
            code = [i for i, a in enumerate(cmd) if a.endswith(f"file={m.OVMF_SECBOOT_CODE}")]
            if len(code) != 1:
                raise Fail(f"machine.Boot's command line has no pflash drive of {m.OVMF_SECBOOT_CODE}")
            cmd[code[0]] = cmd[code[0]].replace(str(m.OVMF_SECBOOT_CODE), str(pl.OVMF_CODE))
        return cmd + ["-drive", f"file={self.disk},if=virtio,format=raw,snapshot=on"]


def marks_of(data):
    return {k.group(1).decode(): (k.group(2) or b"").decode("utf-8", "replace") for k in rs.MARK.finditer(data)}


def boot(rel, name, chain, disk, kind):
    """One boot of KIND; (serial output, seconds to CL-SYSTEM-DONE or None,
    QEMU status or None, marks)."""
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    machine = Machine(name, chain=chain, kind=kind, disk=disk).make()
    setup = pl.Setup("chainloader", firmware="uefi", tpm=True, rng=True, timeout=BOOT_TIMEOUT,
                     memory_mib=MEMORY_MIB,
                     time_marks=(("system_done", rb"CL-SYSTEM-DONE"), ("loader", BANNER.pattern)))
    b = m.run(machine, setup)
    return b.data, b.marks.pop("system_done", None), b.rc, b.marks


def check(rel, kind, data, done, rc, version, root_uuid, kernel_size, initrd_size):
    """What a boot of KIND must show; raises Fail. Returns the lines shown
    as evidence. INITRD_SIZE: /boot/initrd.img-VERSION's."""
    via = "linux" if kind == "sb-unenrolled" else "chainloader"
    try:
        rs.check_boot(data, done, rc, via, version, root_uuid, BOOT_TIMEOUT, initrd_size)
    except Fail as e:
        raise Fail(f"{e}{' (GRUB: ' + PROHIBITED.decode() + ')' if PROHIBITED in data else ''}")
    marks = marks_of(data)
    banner = BANNER.search(data)
    shown = []
    if kind == "sb-off":
        rs.expect(banner and banner.group(1) == b"multiboot2",
                  f"not the multiboot2 body: {banner.group(0) if banner else 'no chainloader banner'}")
        rs.expect(not VERIFIED.search(data), "chainloader verified the kernel through shim with Secure Boot off")
        rs.expect(marks.get("CL-SYSTEM-SECUREBOOT") == "Secure boot disabled",
                  f"the kernel says {marks.get('CL-SYSTEM-SECUREBOOT')!r}, expected 'Secure boot disabled'")
        rs.expect(marks.get("CL-SYSTEM-LOCKDOWN") == LOCKDOWN_OFF, f"lockdown {marks.get('CL-SYSTEM-LOCKDOWN')!r}")
        shown.append(banner.group(0))
    else:
        rs.expect(marks.get("CL-SYSTEM-SECUREBOOT") == "Secure boot enabled",
                  f"the kernel says {marks.get('CL-SYSTEM-SECUREBOOT')!r}, expected 'Secure boot enabled'")
        rs.expect(LOCKDOWN_ON.match(marks.get("CL-SYSTEM-LOCKDOWN", "")),
                  f"lockdown is not on: /sys/kernel/security/lockdown {marks.get('CL-SYSTEM-LOCKDOWN')!r}")
        rs.expect(marks.get("CL-SYSTEM-LOCKDOWN-BY", "").startswith(LOCKDOWN_BY),
                  f"the kernel's lockdown line is {marks.get('CL-SYSTEM-LOCKDOWN-BY')!r}, expected {LOCKDOWN_BY!r}")
    if kind == "sb-on":
        want = WAY_IN[rel.number].encode()
        rs.expect(banner and banner.group(1) == want,
                  f"not the signed body by the {want.decode()}: {banner.group(0) if banner else 'no chainloader banner'}")
        verified = VERIFIED.search(data)
        rs.expect(verified, "no 'verified by shim' line from chainloader")
        rs.expect(int(verified.group(1)) == kernel_size,
                  f"shim verified {verified.group(1).decode()} bytes, /boot/vmlinuz-{version} has {kernel_size}")
        rs.expect(not BAD_SIGNATURE.search(data), "GRUB said 'bad shim signature'")
        shown += [banner.group(0), verified.group(0)]
    if kind == "sb-unenrolled":
        bad = BAD_SIGNATURE.search(data)
        rs.expect(bad, "GRUB never said 'error: bad shim signature' for the unenrolled key's chainloader.efi")
        rs.expect(not banner, "chainloader ran with its key not enrolled")
        fell = FALLING_BACK.search(data)
        rs.expect(fell, "GRUB did not fall back")
        shown += [bad.group(0), fell.group(0)]
    shown += [f"CL-SYSTEM-{k}: {marks.get('CL-SYSTEM-' + k)}".encode()
              for k in ("STATE", "CMDLINE", "SECUREBOOT", "LOCKDOWN", "LOCKDOWN-BY")]
    return [l.decode("utf-8", "replace") for l in shown]
