"""chainloader-check(1) on real images (make tools-test): the verdict, the
entry, the plan and the exit status, and its man page."""
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / os.environ.get("BUILD", "build")
TOOL = BUILD / "chainloader-check"
KERNEL = BUILD / "kernels" / "vmlinuz-amd64"   # Debian 12's, as the unit tests fetch it
PROBE = BUILD / "kernels" / "probe.bzImage"
IPXE = Path("/usr/lib/ipxe/ipxe.lkrn")          # Debian package ipxe (scripts/deps.sh)
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")


def check(*args):
    r = subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True, env=ENV)
    return r.returncode, r.stdout, r.stderr


class Verdicts(unittest.TestCase):
    def test_debian_kernel_boots_by_the_64_bit_entry_at_16_mib(self):
        rc, out, _ = check("--memory", 512, "--cmdline", "root=/dev/vda console=ttyS0", KERNEL, PROBE)
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, rf"^chainloader-check: {re.escape(str(KERNEL))}: boots as bzImage by the 64-bit "
                              r"entry at 0x1000200\n")
        self.assertRegex(out, r"\n  copy kernel: \d+ bytes -> \[0x1000000, 0x[0-9a-f]+\)\n")
        self.assertIn("\n  copy command line: 28 bytes -> [", out)  # the 27 characters and the NUL
        self.assertIn("\n  initrd: in place (zero copy), ", out)
        self.assertIn("\n  e820: 7 entries\n", out)

    def test_ipxe_goes_by_the_real_mode_entry_on_bios_only(self):
        rc, out, _ = check("--memory", 512, IPXE)
        self.assertEqual(rc, 0, out)
        self.assertIn("boots as bzImage by the 16-bit entry at 0x90200", out)
        rc, out, _ = check("--memory", 512, "--firmware", "uefi", IPXE)
        self.assertEqual((rc, out), (1, "chainloader: error: bzImage: boot protocol 2.07 is older than 2.10 "
                                        "(no init_size to place it safely)\n"))

    def test_the_loader_s_own_errors(self):
        rc, out, _ = check("--memory", 512, "--options", "entry=pvh", KERNEL)
        self.assertEqual((rc, out), (1, "chainloader: error: entry=pvh needs an ELF kernel with a Xen "
                                        "PHYS32_ENTRY note; this is a bzImage\n"))
        rc, out, _ = check("--memory", 64, KERNEL)  # init_size does not fit
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"^chainloader: error: no room for kernel: ")
        with tempfile.NamedTemporaryFile() as junk:
            junk.write(b"\x01\x02\x03\x04" * 64)
            junk.flush()
            rc, out, _ = check("--memory", 512, junk.name)
        self.assertEqual(rc, 1)
        self.assertIn("is neither a bzImage (0xaa55, \"HdrS\") nor an ELF (first bytes 01 02 03 04)", out)
        rc, out, _ = check("--memory", 512, "--quiet", KERNEL)
        self.assertEqual((rc, out), (0, ""))

    def test_a_memory_map_from_the_loader_s_verbose_output(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log") as log:
            log.write("chainloader 0.1.0 (multiboot2 -> Linux boot protocol)\n"
                      "memory map from GRUB: 3 entries\n"
                      "  [0x0000000000000000, 0x000000000009fc00) type 1\n"
                      "  [0x00000000000f0000, 0x0000000000100000) type 2\n"
                      "  [0x0000000000100000, 0x0000000040000000) type 1\n"
                      "ACPI RSDP: 0xf59d0\n")
            log.flush()
            rc, out, _ = check("--memmap", log.name, KERNEL)
        self.assertEqual(rc, 0, out)
        self.assertIn("\n  e820: 3 entries\n", out)
        with tempfile.NamedTemporaryFile("w") as empty:
            rc, _, err = check("--memmap", empty.name, KERNEL)
        self.assertEqual(rc, 2)
        self.assertIn("has no \"memory map from GRUB\" lines", err)

    def test_usage(self):
        self.assertEqual(check("--help")[0], 0)
        self.assertEqual(check("--firmware", "coreboot", KERNEL)[0], 2)
        self.assertEqual(check("--memory", 512, "/nonexistent/vmlinuz")[0], 2)

    def test_the_man_page_formats_without_warnings(self):
        r = subprocess.run(["groff", "-man", "-ww", "-z", str(ROOT / "tools" / "chainloader-check.1")],
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
