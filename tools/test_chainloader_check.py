"""chainloader-check(1) on real images (make tools-test): the verdict, the
entry, the plan and the exit status, and its man page."""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "tests" / "malformed"))
import images as im  # noqa: E402  (GRUB's newc: initrd, as 2.06 and 2.12 write it)
BUILD = ROOT / os.environ.get("BUILD", "build")
TOOL = BUILD / "chainloader-check"
KERNEL = BUILD / "kernels" / "vmlinuz-amd64"   # Debian 12's, as the unit tests fetch it
PROBE = BUILD / "kernels" / "probe.bzImage"
IPXE = Path("/usr/lib/ipxe/ipxe.lkrn")          # Debian package ipxe (scripts/deps.sh)
# Leak detection stays on (the ASan build's default): an exit that leaks
# would lose the verdict behind LeakSanitizer's report and exit 23.


def check(*args, prefix=()):
    r = subprocess.run([*prefix, str(TOOL), *(a if isinstance(a, bytes) else str(a) for a in args)],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


@contextlib.contextmanager
def verbose_log(*lines):
    """A file holding these lines of chainloader's serial output (CRLF, as
    the serial log has it)."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", newline="") as log:
        log.write("".join(line + "\r\n" for line in lines))
        log.flush()
        yield log.name


def refusal(kernel, message):
    """What a refused kernel prints without --quiet: the verdict naming the
    file, then the loader's exact error line."""
    return (f"chainloader-check: {kernel}: refused: chainloader would stop with\n"
            f"chainloader: error: {message}\n")


class Verdicts(unittest.TestCase):
    def test_debian_kernel_boots_by_the_64_bit_entry_at_16_mib(self):
        rc, out, _ = check("--memory", 512, "--cmdline", "root=/dev/vda console=ttyS0", KERNEL, PROBE)
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, rf"^chainloader-check: {re.escape(str(KERNEL))}: boots as bzImage by the 64-bit "
                              r"entry at 0x1000200\n")
        self.assertRegex(out, r"\n  copy kernel: \d+ bytes -> \[0x1000000, 0x[0-9a-f]+\)\n")
        self.assertIn("\n  copy command line: 28 bytes -> [", out)  # the 27 characters and the NUL
        self.assertIn("\n  initrd: in place (zero copy), ", out)
        self.assertIn("\n  e820: 6 entries\n", out)  # SeaBIOS's six on QEMU's pc at 512 MiB

    def test_ipxe_goes_by_the_real_mode_entry_on_bios_only(self):
        rc, out, _ = check("--memory", 512, IPXE)
        self.assertEqual(rc, 0, out)
        self.assertIn("boots as bzImage by the 16-bit entry at 0x90200", out)
        rc, out, _ = check("--memory", 512, "--firmware", "uefi", IPXE)
        self.assertEqual((rc, out), (1, refusal(IPXE, "bzImage: boot protocol 2.07 is older than 2.10 "
                                                      "(no init_size to place it safely)")))

    def test_the_loader_s_own_errors(self):
        rc, out, _ = check("--memory", 512, "--options", "entry=pvh", KERNEL)
        self.assertEqual((rc, out), (1, refusal(KERNEL, "entry=pvh needs an ELF kernel with a Xen "
                                                        "PHYS32_ENTRY note; this is a bzImage")))
        rc, out, _ = check("--memory", 64, "--quiet", KERNEL)  # init_size does not fit
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"^chainloader: error: no room for kernel: [^\n]*\n$")
        with tempfile.NamedTemporaryFile() as junk:
            junk.write(b"\x01\x02\x03\x04" * 64)
            junk.flush()
            rc, out, _ = check("--memory", 512, junk.name)
        self.assertEqual(rc, 1)
        self.assertEqual(out, refusal(junk.name, "kernel module of 256 bytes is neither a bzImage (0xaa55, \"HdrS\") "
                                               "nor an ELF (first bytes 01 02 03 04)"))
        rc, out, _ = check("--memory", 512, "--quiet", KERNEL)
        self.assertEqual((rc, out), (0, ""))

    def test_a_memory_map_from_the_loader_s_verbose_output(self):
        ranges = ((0, 0x9fc00, 1), (0xf0000, 0x100000, 2), (0x100000, 0x40000000, 1))
        with verbose_log("chainloader 0.1.0 (multiboot2 -> Linux boot protocol)", "memory map from GRUB: 3 entries",
                         *(f"  [{s:#018x}, {e:#018x}) type {t}" for s, e, t in ranges), "ACPI RSDP: 0xf59d0") as log:
            rc, out, _ = check("--memmap", log, KERNEL)
        self.assertEqual(rc, 0, out)
        self.assertIn("\n  e820: 3 entries\n", out)
        with tempfile.NamedTemporaryFile("w") as empty:
            rc, _, err = check("--memmap", empty.name, KERNEL)
        self.assertEqual(rc, 2)
        self.assertIn(": no \"memory map from GRUB\" or \"EFI memory map\" lines", err)

    def test_an_efi_memory_map_from_the_loader_s_verbose_output(self):
        """The UEFI entry's verbose map: the plan then hands the kernel
        efi_info and a copy of that map."""
        descriptors = ((0, 0xa0000, 7, 0xf), (0x100000, 0x1000000, 4, 0xf), (0x1000000, 0x3f000000, 7, 0xf),
                       (0x3f000000, 0x3f100000, 6, 0x800000000000000f), (0x3f100000, 0x40000000, 10, 0xf))
        with verbose_log("EFI memory map: 5 descriptors",
                         *(f"  EFI [{s:#018x}, {e:#018x}) type {t} attr {a:#x}" for s, e, t, a in descriptors)) as log:
            rc, out, _ = check("--memmap", log, KERNEL)
            self.assertEqual(rc, 0, out)
            # In the boot-services data, never in conventional memory (KASLR).
            self.assertIn("\n  copy EFI memory map: 200 bytes -> [0xfff000, 0xfff0c8)\n", out)
            self.assertIn("\n  e820: 4 entries\n", out)  # boot-services memory is RAM to Linux
            rc, _, err = check("--memmap", log, "--firmware", "bios", KERNEL)
            self.assertEqual((rc, err), (2, f"chainloader-check: --memmap '{log}': an EFI memory map, "
                                            "but --firmware bios\n"))


@contextlib.contextmanager
def grub_initrd(*args, **kw):
    """A file holding GRUB's initrd buffer (images.grub_initrd's arguments)."""
    with tempfile.NamedTemporaryFile(suffix=".grub-initrd") as f:
        f.write(im.grub_initrd(*args, **kw))
        f.flush()
        yield f.name


class EfiStub(unittest.TestCase):
    """--efi-stub: chainloader.efi's inputs from GRUB's linux and initrd
    commands, split by its own code, then the usual plan on UEFI."""

    LINE = "BOOT_IMAGE=/boot/chainloader.efi verbose -- root=/dev/vda console=ttyS0"
    PLAIN = b"\x07" * 5000

    def boots(self, initrd, line=LINE, name="vmlinuz"):
        rc, out, err = check("--efi-stub", "--memory", 512, "--grub-cmdline", line, initrd)
        self.assertEqual((rc, err), (0, ""), out)
        self.assertRegex(out, rf"^chainloader-check: {re.escape(initrd)} \(newc: member '{name}'\): boots as bzImage "
                              r"by the 64-bit entry at 0x[0-9a-f]+\n")
        self.assertIn("\n  copy EFI memory map: ", out)  # UEFI implied
        return out

    def test_grub_2_12_gives_the_kernel_the_plain_files(self):
        kernel = KERNEL.read_bytes()
        with grub_initrd([(b"vmlinuz", kernel)], [self.PLAIN, b"second"], nul=True) as f:
            out = self.boots(f)
        self.assertIn("\n  copy command line: 28 bytes -> [", out)  # "root=/dev/vda console=ttyS0" and its NUL
        # What GRUB's own linux would hand over: the first file padded to 4, the second (no TRAILER!!!).
        self.assertIn(f"\n  initrd: in place (zero copy), {5000 + 6} bytes\n", out)

    def test_grub_2_12_with_more_members_gives_the_kernel_the_rest_of_the_archive(self):
        kernel = KERNEL.read_bytes()
        with grub_initrd([(b"vmlinuz", kernel), (b"extra", b"12345678")], [self.PLAIN], nul=True) as f:
            out = self.boots(f)
        # The extra member (110-byte header, "extra" and its NUL padded to 4 from the header: 8, its 8 bytes),
        # the TRAILER!!! entry (124 bytes with 2.12's NUL), then the file.
        self.assertIn(f"\n  initrd: in place (zero copy), {110 + 6 + 8 + 124 + 5000} bytes\n", out)

    def test_grub_2_06_gives_the_kernel_the_plain_files(self):
        with grub_initrd([(b"boot/vmlinuz", KERNEL.read_bytes())], [self.PLAIN], nul=False) as f:
            out = self.boots(f, name="boot/vmlinuz")
        self.assertIn("\n  initrd: in place (zero copy), 5000 bytes\n", out)
        with grub_initrd([(b"vmlinuz", KERNEL.read_bytes())], [], nul=False) as f:
            out = self.boots(f)
        self.assertIn("\n  initrd: none, 0 bytes\n", out)

    def test_the_kernel_gets_the_line_after_the_separator_in_utf8(self):
        with grub_initrd([(b"vmlinuz", KERNEL.read_bytes())], [], nul=True) as f:
            out = self.boots(f, line="BOOT_IMAGE=/x -- cl.name=\u00e9\U0001f600")
        self.assertIn(f"\n  copy command line: {len('cl.name=') + 2 + 4 + 1} bytes -> [", out)

    def test_chainloader_efi_s_own_errors(self):
        with grub_initrd([(b"vmlinuz", KERNEL.read_bytes())], [self.PLAIN], nul=True) as f:
            rc, out, _ = check("--efi-stub", "--memory", 512, "--grub-cmdline", "BOOT_IMAGE=/x root=/dev/vda", f)
            self.assertEqual((rc, out), (1, refusal(f, "command line: no \"--\" between the loader options and the "
                                                       "kernel's (linux /boot/chainloader.efi [options] -- <kernel "
                                                       "command line>)")))
            rc, out, _ = check("--efi-stub", "--quiet", "--memory", 512, "--grub-cmdline", "-- " + "x" * 4095, f)
            self.assertEqual((rc, out), (1, "chainloader: error: command line: longer than the 4095 bytes "
                                            "chainloader.efi takes (4099 UTF-16 units)\n"))
            # The options go through the loader's own check.
            rc, out, _ = check("--efi-stub", "--quiet", "--memory", 512, "--grub-cmdline",
                               "BOOT_IMAGE=/x entry=16 -- a", f)
            self.assertEqual((rc, out), (1, "chainloader: error: entry=16 is the real-mode entry: it needs a BIOS, "
                                            "and this machine booted by UEFI\n"))
        with grub_initrd([(b"vmlinuz", KERNEL.read_bytes()), (b"etc/x.conf", b"k=v\n")], [], nul=False) as f:
            rc, out, _ = check("--efi-stub", "--quiet", "--memory", 512, "--grub-cmdline", self.LINE, f)
        self.assertEqual((rc, out), (1, "chainloader: error: initrd: 2 newc: members after the kernel's, and GRUB "
                                        "wrote their names without the NUL Linux needs (GRUB 2.06): pass other files "
                                        "as plain initrd paths\n"))
        rc, out, _ = check("--efi-stub", "--quiet", "--memory", 512, "--grub-cmdline", self.LINE, KERNEL)
        self.assertEqual((rc, out), (1, "chainloader: error: initrd: does not start with a newc: member (the kernel: "
                                        "initrd newc:vmlinuz:/boot/vmlinuz ...)\n"))
        with tempfile.NamedTemporaryFile() as empty:
            rc, out, _ = check("--efi-stub", "--quiet", "--memory", 512, "--grub-cmdline", self.LINE, empty.name)
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"^chainloader: error: initrd: GRUB passed none; ")

    def test_bad_arguments(self):
        line = ("--grub-cmdline", "BOOT_IMAGE=/x --")
        for args, message in (
                (("--efi-stub",), "--efi-stub needs --grub-cmdline 'BOOT_IMAGE=/boot/chainloader.efi [options] -- "
                                  "<kernel command line>'"),
                (line, "--grub-cmdline: only with --efi-stub"),
                (("--efi-stub", *line, "--options", "verbose"),
                 "--options: not with --efi-stub (the loader options and the kernel command line are in --grub-cmdline)"),
                (("--efi-stub", *line, "--cmdline", "root=/dev/vda"),
                 "--cmdline: not with --efi-stub (the loader options and the kernel command line are in --grub-cmdline)"),
                (("--efi-stub", *line, "--firmware", "bios"), "--firmware bios: chainloader.efi runs on UEFI only"),
                (("--efi-stub", *line, KERNEL), "--efi-stub: 2 files: give one, the initrd GRUB hands over (its newc: "
                                                "members, then the plain initrds)"),
                (("--efi-stub", "--grub-cmdline", b"-- caf\xe9"), "--grub-cmdline: not UTF-8 at byte 6"),
                (("--efi-stub", "--grub-cmdline", b"-- \xf0\x9f\x98"), "--grub-cmdline: not UTF-8 at byte 3")):
            with self.subTest(args=args):
                rc, out, err = check(*args, KERNEL)
                self.assertEqual((rc, out), (2, ""))
                self.assertEqual(err, f"chainloader-check: {message}\n")


class Arguments(unittest.TestCase):
    """Every bad argument: one line on stderr naming it and its value, exit
    status 2 (1 is kept for "the loader would refuse this kernel")."""

    CASES = (
        (("--memory", "abc"), "--memory 'abc': not a whole number of MiB"),
        (("--memory", "0"), "--memory '0': out of range (2 to 1048576 MiB)"),
        (("--memory", "-5"), "--memory '-5': not a whole number of MiB"),
        (("--memory", "1"), "--memory '1': out of range (2 to 1048576 MiB)"),
        (("--memory", "18446744073709551616"), "--memory '18446744073709551616': out of range (2 to 1048576 MiB)"),
        (("--memory", "1048577"), "--memory '1048577': out of range (2 to 1048576 MiB)"),
        (("--memory", "8G"), "--memory '8G': not a whole number of MiB"),
        (("--memory", "0x200"), "--memory '0x200': not a whole number of MiB"),
        (("--memory", ""), "--memory '': not a whole number of MiB"),
        (("--memory", "64", "--firmware", "uefi"),
         "--memory '64': out of range (128 to 1048576 MiB with --firmware uefi)"),
        (("--firmware", "coreboot"), "--firmware 'coreboot': expected bios or uefi"),
        (("--machine", "isapc", "--memory", "512"), "--machine 'isapc': expected pc or q35"),
        (("--machine", "q35"), "--machine q35: only with --memory"),
        (("--memory", "512", "--memmap", "/dev/null"), "--memory and --memmap: give one map, not both"),
        (("--memmap", "/nonexistent/log"), "--memmap '/nonexistent/log': No such file or directory"),
        (("--bogus",), "unknown option '--bogus' (--help lists the options)"),
        (("--memory",), "--memory needs a value (--help lists the options)"),
    )

    def test_each_bad_value_is_named(self):
        for args, message in self.CASES:
            with self.subTest(args=args):
                rc, out, err = check(*args, *([] if args == ("--memory",) else [KERNEL]))
                self.assertEqual((rc, out, err), (2, "", f"chainloader-check: {message}\n"))

    def test_files_that_cannot_be_read(self):
        for path, why in (("/nonexistent/vmlinuz", "No such file or directory"), ("/tmp", "is a directory"),
                          ("/proc/self/mem", "Input/output error")):
            with self.subTest(path=path):
                self.assertEqual(check("--memory", 512, path),
                                 (2, "", f"chainloader-check: kernel '{path}': {why}\n"))
        rc, out, err = check("--memory", 512, KERNEL, "/nonexistent/initrd")
        self.assertEqual((rc, err), (2, "chainloader-check: initrd 1 '/nonexistent/initrd': No such file or directory\n"))
        rc, _, err = check("--memory", 512, *[PROBE] * 65)
        self.assertEqual((rc, err), (2, "chainloader-check: 65 files: at most 64 (a kernel and 63 initrds)\n"))

    def test_a_file_without_read_permission(self):
        """As root every file is readable: the check then runs as nobody."""
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            secret = Path(d) / "vmlinuz"
            secret.write_bytes(b"\0" * 4096)
            secret.chmod(0o600)
            prefix = ()
            if os.geteuid() == 0:
                setpriv = shutil.which("setpriv")
                self.assertIsNotNone(setpriv, "setpriv (util-linux) runs the check without root's rights")
                prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
            self.assertEqual(check("--memory", 512, secret, prefix=prefix),
                             (2, "", f"chainloader-check: kernel '{secret}': Permission denied\n"))

    def test_help_and_man_page_list_every_loader_option(self):
        rc, out, _ = check("--help")
        self.assertEqual(rc, 0)
        # The loader's own list, from its unknown-option error.
        rc, err_line, _ = check("--memory", 512, "--quiet", "--options", "nosuchoption", KERNEL)
        known = re.search(r"\(known: ([^)]*)\)", err_line).group(1).split()
        words = [w for k in known for w in
                 (["entry=" + v for v in k.split("=", 1)[1].split("|")] if k.startswith("entry=") else [k])]
        self.assertEqual(len(words), 8, words)
        man = (ROOT / "tools" / "chainloader-check.1").read_text()
        for option in ("--efi-stub", "--grub-cmdline"):
            self.assertRegex(out, rf"\n +{option} ", f"--help has no line for {option}")
            self.assertIn(f".B{'I' if option == '--grub-cmdline' else ''} {option.replace('-', chr(92) + '-')}",
                          man, f"the man page has no entry for {option}")
        for w in words:
            self.assertRegex(out, rf"\n +{re.escape(w)} +\S", f"--help has no line for {w}")
            self.assertIn(f".B {w}\n", man.replace("\\-", "-"), f"the man page has no entry for {w}")


class MachineMaps(unittest.TestCase):
    """--memory N: the map a PC of that size has, as measured on QEMU 7.2's
    pc and q35 machines (SeaBIOS and OVMF), never RAM through the PCI hole."""

    def e820_of(self, *args):
        """The kernel's e820 as the loader would hand it, from the plan's
        boot_params copy: read back by a verbose-like listing is not on
        offer, so the check prints the table with --memmap's format."""
        rc, out, _ = check("--memory", *args, "--cmdline", "x", KERNEL)
        self.assertEqual(rc, 0, out)
        return out

    def test_8_gib_pc_has_ram_above_4_gib_and_a_hole_below(self):
        out = self.e820_of(8192)
        # The command line goes at the top of low RAM, under SeaBIOS's tables at 3 GiB - 128 KiB.
        self.assertIn("\n  copy command line: 2 bytes -> [0xbffdfff0, 0xbffdfff2)\n", out)
        self.assertIn("\n  e820: 7 entries\n", out)

    def test_8_gib_q35_has_its_hole_at_2_gib(self):
        out = self.e820_of(8192, "--machine", "q35")
        self.assertIn("\n  copy command line: 2 bytes -> [0x7ffdeff0, 0x7ffdeff2)\n", out)
        self.assertIn("\n  e820: 9 entries\n", out)

    def test_512_mib_stays_below_the_hole(self):
        out = self.e820_of(512)
        self.assertIn("\n  copy command line: 2 bytes -> [0x1ffdfff0, 0x1ffdfff2)\n", out)

    def test_uefi_hands_an_efi_map_in_boot_services_memory(self):
        rc, out, _ = check("--memory", 8192, "--machine", "q35", "--firmware", "uefi", KERNEL)
        self.assertEqual(rc, 0, out)
        # Below OVMF's top 64 MiB of low RAM (2 GiB on q35), in its boot-services data.
        self.assertRegex(out, r"\n  copy EFI memory map: \d+ bytes -> \[0x7f[0-9a-f]{6}, ")
        self.assertRegex(out, r"\n  copy command line: 1 bytes -> \[0x7f[0-9a-f]{6}, ")

    def test_the_man_page_formats_without_warnings(self):
        r = subprocess.run(["groff", "-man", "-ww", "-z", str(ROOT / "tools" / "chainloader-check.1")],
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
