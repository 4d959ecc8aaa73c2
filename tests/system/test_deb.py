"""make deb-test: the Debian package as built (build/chainloader_<version>_amd64.deb).

lintian over the .changes (an error or a warning fails; the pedantic and
informational tags are printed), the version, the files and conffiles, the
loader inside being build/chainloader.elf's bytes, and the packaged
chainloader-check (Debian's hardening flags, no sanitizers) giving the same
verdicts as the tested ASan build, and chainloader.efi shipped unsigned (the
postinst signs the copy on /boot). Installing, the menu and booting are
tests/system/run_system.py's. The generator and the maintainer scripts run
here too, on the host in a temporary tree (test_package_scripts.py).
"""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

# make deb-test discovers this file only: the script tests run with it.
from test_package_scripts import Generator, MaintainerScripts  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
VERSION = (ROOT / "VERSION").read_text().strip()
DEB = BUILD / f"chainloader_{VERSION}_amd64.deb"
CHANGES = BUILD / f"chainloader_{VERSION}_amd64.changes"

FILES = {
    "./etc/default/chainloader", "./etc/grub.d/15_chainloader", "./usr/bin/chainloader-check",
    "./usr/lib/chainloader/chainloader.elf", "./usr/lib/chainloader/chainloader.efi",
    "./usr/share/doc/chainloader/README.md.gz",
    "./usr/share/doc/chainloader/changelog.gz", "./usr/share/doc/chainloader/copyright",
    "./usr/share/lintian/overrides/chainloader", "./usr/share/man/man1/chainloader-check.1.gz",
}


def out(*cmd, check=True):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if check and p.returncode:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {p.returncode}: {p.stderr}")
    return p


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        out("dpkg-deb", "-x", DEB, cls.root)
        out("dpkg-deb", "-e", DEB, cls.root / "DEBIAN")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_lintian(self):
        p = out("lintian", "--fail-on", "error,warning", "--pedantic", "--info", "--display-experimental",
                CHANGES, check=False)
        print(f"\nlintian {out('lintian', '--version').stdout.strip()} over {CHANGES.name}:"
              f" exit {p.returncode}\n{p.stdout}{p.stderr}", end="")
        self.assertEqual(p.returncode, 0, "lintian reported an error or a warning")

    def test_version(self):
        changelog = out("dpkg-parsechangelog", "-l", ROOT / "debian/changelog", "-S", "Version").stdout.strip()
        self.assertEqual(changelog, VERSION, "debian/changelog and VERSION disagree")
        self.assertEqual(out("dpkg-deb", "-f", DEB, "Version").stdout.strip(), VERSION)
        loader = (self.root / "usr/lib/chainloader/chainloader.elf").read_bytes()
        self.assertIn(f"chainloader {VERSION} ".encode(), loader, "the loader's banner has another version")

    def test_files(self):
        listed = {l.split()[-1] for l in out("dpkg-deb", "-c", DEB).stdout.splitlines() if not l.startswith("d")}
        self.assertEqual(listed, FILES)
        conffiles = (self.root / "DEBIAN/conffiles").read_text().split()
        self.assertEqual(sorted(conffiles), ["/etc/default/chainloader", "/etc/grub.d/15_chainloader"])
        self.assertTrue(os.access(self.root / "etc/grub.d/15_chainloader", os.X_OK), "the generator is not executable")

    def test_loader_is_the_build(self):
        """Stripped, but what GRUB loads is the tested image, byte for byte."""
        packaged = self.root / "usr/lib/chainloader/chainloader.elf"
        built = BUILD / "chainloader.elf"
        out("grub-file", "--is-x86-multiboot2", packaged)
        headers = [out("readelf", "-lW", f).stdout.split("Program Headers:")[1] for f in (packaged, built)]
        self.assertEqual(headers[0], headers[1], "the program headers differ")
        images = []
        for f in (packaged, built):
            flat = self.root / f"{f.name}.{len(images)}.bin"
            out("objcopy", "-O", "binary", f, flat)
            images.append(flat.read_bytes())
        self.assertEqual(images[0], images[1], "the loaded bytes differ")
        self.assertNotIn(".symtab", out("readelf", "-SW", packaged).stdout)

    def test_efi_image_unsigned(self):
        """A PE32+ image for x86_64, with no signature: each machine signs its own copy."""
        image = (self.root / "usr/lib/chainloader/chainloader.efi").read_bytes()
        self.assertEqual(image[:2], b"MZ")
        pe = int.from_bytes(image[0x3c:0x40], "little")
        self.assertEqual(image[pe:pe + 6], b"PE\0\0\x64\x86", "not a PE image for x86_64")
        self.assertEqual(int.from_bytes(image[pe + 24:pe + 26], "little"), 0x20b, "not PE32+")
        # Optional header: data directory 4 (the certificate table) at 112 + 4 * 8.
        cert = image[pe + 24 + 112 + 32:pe + 24 + 112 + 40]
        self.assertEqual(cert, bytes(8), "the packaged image carries a signature")
        self.assertEqual((self.root / "usr/lib/chainloader/chainloader.efi").stat().st_mode & 0o777, 0o644)

    def test_check_tool_agrees(self):
        """The packaged chainloader-check and the ASan build: same output, same status."""
        packaged = self.root / "usr/bin/chainloader-check"
        tested = BUILD / "chainloader-check"
        kernel = BUILD / "kernels" / "vmlinuz-amd64"
        garbage = self.root / "garbage"
        garbage.write_bytes(b"\x7fELF" + bytes(4092))
        for args in (["--memory", "512", kernel, kernel], ["--memory", "512", "--firmware", "uefi", kernel],
                     ["--memory", "64", kernel, kernel], ["--memory", "512", garbage],
                     ["--memory", "512", "--options", "entry=16", kernel]):
            got, want = out(packaged, *args, check=False), out(tested, *args, check=False)
            self.assertEqual((got.returncode, got.stdout), (want.returncode, want.stdout), args)
        self.assertEqual(out(packaged, "--help").returncode, 0)
        # hardening=+all (debian/rules): PIE, -z now, the fortified libc calls.
        self.assertIn("DYN (Position-Independent Executable file)", out("readelf", "-hW", packaged).stdout)
        self.assertIn("BIND_NOW", out("readelf", "-dW", packaged).stdout)
        self.assertRegex(out("readelf", "--dyn-syms", "-W", packaged).stdout, r"__\w+_chk@")


if __name__ == "__main__":
    unittest.main()
