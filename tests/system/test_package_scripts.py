"""The package's scripts on the host, in a temporary system tree (CHAINLOADER_ROOT):

- tools/grub.d/15_chainloader: the entries' two bodies chosen at boot time
  (multiboot2, or the signed chainloader.efi under lockdown), no EFI body
  without a signed copy, the default and fallback lines with
  CHAINLOADER_DEFAULT=true, and grub-script-check over the menu;
- debian/chainloader.postinst: signs /boot/chainloader.efi with DKMS's
  Machine Owner Key, makes one (and prints the mokutil step) where there is
  none, signs again on upgrade, and installs without sbsigntool;
- debian/chainloader.postrm: takes both copies off /boot.

Stand-ins: an unsigned PE image from grub-mkimage for chainloader.efi,
tests/system/grub-probe and a grub-mkrelpath that strips the tree's prefix,
and a chainloader-check that refuses what CL_TEST_REFUSE names
("version:firmware" words). make deb-test runs these through test_deb.py;
alone: /usr/bin/python3 -B -m pytest tests/system/test_package_scripts.py
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "tools/grub.d/15_chainloader"
POSTINST = ROOT / "debian/chainloader.postinst"
POSTRM = ROOT / "debian/chainloader.postrm"
NEW, OLD = "6.1.0-2-amd64", "6.1.0-1-amd64"
UUID = "CL_ROOT_UUID"  # what tests/system/grub-probe answers

CHECK = """#!/bin/sh
# chainloader-check stand-in: refuses the kernels CL_TEST_REFUSE names.
firmware=bios
while [ $# -gt 0 ]; do
    case "$1" in
        --firmware) shift; firmware=$1 ;;
        --options|--cmdline|--memory) shift ;;
        -*) ;;
        *) for r in $CL_TEST_REFUSE; do
               case "$1" in */vmlinuz-"${r%:*}") [ "${r#*:}" = "$firmware" ] && { echo "chainloader: error: refused for the test"; exit 1; } ;; esac
           done ;;
    esac
    shift
done
exit 0
"""

# What 00_header and 10_linux write before 15_chainloader, cut to what the
# fallback is counted from: top-level entries, and each one's linux line.
MENU_SUBMENU = f"""### BEGIN /etc/grub.d/10_linux ###
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-{UUID}' {{
\tlinux\t/boot/vmlinuz-{NEW} root=/dev/vda ro quiet
}}
submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-{UUID}' {{
\tmenuentry 'Debian GNU/Linux, with Linux {NEW}' --class debian $menuentry_id_option 'gnulinux-{NEW}-advanced-{UUID}' {{
\t\tlinux\t/boot/vmlinuz-{NEW} root=/dev/vda ro quiet
\t}}
\tmenuentry 'Debian GNU/Linux, with Linux {OLD}' --class debian $menuentry_id_option 'gnulinux-{OLD}-advanced-{UUID}' {{
\t\tlinux\t/boot/vmlinuz-{OLD} root=/dev/vda ro quiet
\t}}
}}
### END /etc/grub.d/10_linux ###
"""
MENU_FLAT = f"""### BEGIN /etc/grub.d/10_linux ###
menuentry 'Debian GNU/Linux, with Linux {NEW}' --class debian $menuentry_id_option 'gnulinux-{NEW}-advanced-{UUID}' {{
\tlinux\t/boot/vmlinuz-{NEW} root=/dev/vda ro quiet
}}
menuentry 'Debian GNU/Linux, with Linux {NEW} (recovery mode)' --class debian $menuentry_id_option 'gnulinux-{NEW}-recovery-{UUID}' {{
\tlinux\t/boot/vmlinuz-{NEW} root=/dev/vda ro single
}}
menuentry 'Debian GNU/Linux, with Linux {OLD}' --class debian $menuentry_id_option 'gnulinux-{OLD}-advanced-{UUID}' {{
\tlinux\t/boot/vmlinuz-{OLD} root=/dev/vda ro quiet
}}
### END /etc/grub.d/10_linux ###
"""
# One more entry above 10_linux's (a custom generator numbered before 10).
MENU_CUSTOM_FIRST = """### BEGIN /etc/grub.d/06_custom ###
menuentry 'Something first' $menuentry_id_option 'custom-first' {
\ttrue
}
### END /etc/grub.d/06_custom ###
""" + MENU_SUBMENU


def run(*cmd, check=True, **kw):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if check and p.returncode:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p


def make_key(directory):
    """A key pair as DKMS makes it: mok.key, mok.pub (DER); and the PEM for sbsign/sbverify."""
    directory.mkdir(parents=True, exist_ok=True)
    run("openssl", "req", "-new", "-x509", "-nodes", "-days", "36500", "-subj", "/CN=test key",
        "-newkey", "rsa:2048", "-keyout", directory / "mok.key", "-outform", "DER", "-out", directory / "mok.pub")
    return pem_of(directory / "mok.pub")


def pem_of(der):
    pem = der.with_suffix(".pem")
    run("openssl", "x509", "-inform", "DER", "-in", der, "-out", pem)
    return pem


class Tree(unittest.TestCase):
    """A temporary system tree with the package's files in it."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = Path(self._tmp.name)
        self.root = self.tmp / "root"
        for d in ("usr/lib/chainloader", "usr/bin", "boot", "etc/default"):
            (self.root / d).mkdir(parents=True)
        (self.root / "usr/lib/chainloader/chainloader.elf").write_bytes(b"\x7fELF stand-in")
        # An unsigned PE/COFF image, as the package ships chainloader.efi.
        self.efi = self.root / "usr/lib/chainloader/chainloader.efi"
        run("grub-mkimage", "-O", "x86_64-efi", "-p", "/boot/grub", "-o", self.efi)

    def tearDown(self):
        self._tmp.cleanup()


class Generator(Tree):
    def setUp(self):
        super().setUp()
        shutil.copyfile(self.root / "usr/lib/chainloader/chainloader.elf", self.root / "boot/chainloader.elf")
        check = self.root / "usr/bin/chainloader-check"
        check.write_text(CHECK)
        check.chmod(0o755)
        for v in (OLD, NEW):
            (self.root / f"boot/vmlinuz-{v}").write_bytes(b"kernel")
            (self.root / f"boot/initrd.img-{v}").write_bytes(b"initrd")
        mkrelpath = self.tmp / "grub-mkrelpath"
        mkrelpath.write_text(f'#!/bin/sh\necho "${{1#{self.root}}}"\n')
        mkrelpath.chmod(0o755)
        self.env = dict(os.environ, CHAINLOADER_ROOT=str(self.root), pkgdatadir="/usr/share/grub",
                        grub_probe=str(ROOT / "tests/system/grub-probe"), grub_mkrelpath=str(mkrelpath),
                        GRUB_DEVICE="/dev/vda", GRUB_DEVICE_UUID=UUID, GRUB_DEVICE_BOOT="/dev/vda",
                        GRUB_FS="ext2", GRUB_DISTRIBUTOR="Debian", GRUB_CMDLINE_LINUX_DEFAULT="quiet",
                        CL_TEST_REFUSE="")

    def sign_boot_copy(self):
        pem = make_key(self.tmp / "key")
        run("sbsign", "--key", self.tmp / "key/mok.key", "--cert", pem,
            "--output", self.root / "boot/chainloader.efi", self.efi)

    def generate(self, settings="", menu=MENU_SUBMENU, to_file=True, **env):
        """Runs the generator as grub-mkconfig -o does (its output appended to
        the menu written so far); returns its part, the whole menu, stderr."""
        (self.root / "etc/default/chainloader").write_text(settings)
        cfg = self.tmp / "grub.cfg.new"
        cfg.write_text(menu + f"\n### BEGIN {GENERATOR} ###\n")
        env = dict(self.env, **env)
        if to_file:
            with cfg.open("a") as out:
                p = subprocess.run(["/bin/sh", GENERATOR], stdout=out, stderr=subprocess.PIPE, text=True, env=env)
            whole = cfg.read_text()
        else:
            p = subprocess.run(["/bin/sh", GENERATOR], capture_output=True, text=True, env=env)
            whole = cfg.read_text() + p.stdout
        self.assertEqual(p.returncode, 0, p.stderr)
        whole += f"### END {GENERATOR} ###\n"
        cfg.write_text(whole)
        # The whole menu as GRUB's parser reads it.
        run("grub-script-check", cfg)
        part = whole.split(f"### BEGIN {GENERATOR} ###\n")[1].split(f"### END {GENERATOR} ###")[0]
        return part, whole, p.stderr

    def entries(self, part):
        """Each menuentry's body, by id."""
        found = {eid: body for _, eid, body in re.findall(
            r"(?ms)^(\t*)menuentry .*?\$menuentry_id_option '([^']+)' \{\n(.*?)^\1\}", part)}
        self.assertEqual(set(found), {f"chainloader-simple-{UUID}", f"chainloader-{NEW}-{UUID}",
                                      f"chainloader-{OLD}-{UUID}"})
        return found

    def test_signed_copy_both_bodies(self):
        self.sign_boot_copy()
        part, _, err = self.generate()
        self.assertNotIn("warning", err)
        for eid, body in self.entries(part).items():
            v = OLD if OLD in eid else NEW
            lines = [l.strip() for l in body.splitlines()]
            i = lines.index('if [ "x$lockdown" = xy -o "x$shim_lock" = xy ]; then')
            self.assertEqual(lines[i:i + 8], [
                'if [ "x$lockdown" = xy -o "x$shim_lock" = xy ]; then',
                "linux\t/boot/chainloader.efi -- root=/dev/vda ro  quiet",
                f"initrd\tnewc:vmlinuz:/boot/vmlinuz-{v} /boot/initrd.img-{v}",
                "else",
                "multiboot2\t/boot/chainloader.elf",
                f"module2\t/boot/vmlinuz-{v} root=/dev/vda ro  quiet",
                f"module2\t--nounzip /boot/initrd.img-{v}",
                "fi"], eid)
            self.assertIn("search --no-floppy --fs-uuid --set=root " + UUID, body, "the boot device is not prepared")

    def test_options_on_both_bodies(self):
        self.sign_boot_copy()
        part, _, _ = self.generate('CHAINLOADER_OPTIONS="verbose entry=pvh"\n')
        self.assertIn("\tlinux\t/boot/chainloader.efi verbose entry=pvh -- root=", part)
        self.assertIn("\tmultiboot2\t/boot/chainloader.elf verbose entry=pvh\n", part)

    def assert_no_efi_body(self, part):
        self.assertNotIn("chainloader.efi", part.replace("there was no signed /boot/chainloader.efi", ""))
        self.assertNotRegex(part, r"(?m)^\t+(linux|initrd)\t")
        for eid, body in self.entries(part).items():
            self.assertRegex(body, r"if \[ \"x\$lockdown\" = xy -o \"x\$shim_lock\" = xy \]; then\n"
                                   r"\t+echo\t'chainloader: Secure Boot is on, and there was no signed "
                                   r"/boot/chainloader.efi when update-grub wrote this entry: it cannot boot here"
                                   r"[^\n]*'\n\t+sleep --interruptible 10\n\t+else\n\t+multiboot2\t", eid)

    def test_no_copy_no_efi_body(self):
        part, _, err = self.generate()
        self.assert_no_efi_body(part)
        self.assertNotIn("warning", err)

    def test_unsigned_copy_no_efi_body(self):
        shutil.copyfile(self.efi, self.root / "boot/chainloader.efi")
        part, _, err = self.generate()
        self.assert_no_efi_body(part)
        self.assertIn("chainloader.efi carries no signature", err)

    def test_bios_only_kernel_multiboot2_only(self):
        self.sign_boot_copy()
        part, _, _ = self.generate(CL_TEST_REFUSE=f"{OLD}:uefi")
        body = self.entries(part)[f"chainloader-{OLD}-{UUID}"]
        self.assertNotIn("lockdown", body)
        self.assertNotIn("chainloader.efi", body)
        self.assertIn("\tmultiboot2\t/boot/chainloader.elf", body)
        self.assertIn('if [ "x$grub_platform" = xpc ]; then', part)

    def default_block(self, part):
        m = re.search(r"(?m)^if \[ (.*) \]; then\n\tset default='([^']*)'\n(?:\tset fallback='(\d+)'\n)?fi\n\Z", part)
        self.assertTrue(m, f"no default block at the end:\n{part[-400:]}")
        return m.groups()

    def test_default_and_fallback(self):
        self.sign_boot_copy()
        part, _, err = self.generate("CHAINLOADER_DEFAULT=true\n")
        self.assertEqual(self.default_block(part), ('"x$boot_once" != xtrue', f"chainloader-simple-{UUID}", "0"))
        self.assertNotIn("warning", err)
        part, _, _ = self.generate("CHAINLOADER_DEFAULT=true\n", menu=MENU_CUSTOM_FIRST)
        self.assertEqual(self.default_block(part)[2], "1", "the entry before 10_linux's is not counted")

    def test_no_default_by_default(self):
        part, _, _ = self.generate()
        self.assertNotIn("set default", part)
        self.assertNotIn("fallback", part)

    def test_default_without_signed_copy_not_under_lockdown(self):
        part, _, _ = self.generate("CHAINLOADER_DEFAULT=true\n")
        self.assertEqual(self.default_block(part),
                         ('"x$boot_once" != xtrue -a "x$lockdown" != xy -a "x$shim_lock" != xy',
                          f"chainloader-simple-{UUID}", "0"))

    def test_fallback_same_kernel_without_submenu(self):
        """The newest kernel refused: the default and the fallback are the older kernel's."""
        self.sign_boot_copy()
        part, _, err = self.generate("CHAINLOADER_DEFAULT=true\n", menu=MENU_FLAT, GRUB_DISABLE_SUBMENU="true",
                                     CL_TEST_REFUSE=f"{NEW}:bios {NEW}:uefi")
        self.assertEqual(self.default_block(part)[1:], (f"chainloader-{OLD}-{UUID}", "2"))
        self.assertNotIn("fallback is", err)

    def test_fallback_kernel_in_submenu(self):
        """10_linux's entry for that kernel is in its submenu: its top-level entry, with a warning."""
        self.sign_boot_copy()
        part, _, err = self.generate("CHAINLOADER_DEFAULT=true\n", CL_TEST_REFUSE=f"{NEW}:bios {NEW}:uefi")
        self.assertEqual(self.default_block(part)[1:], (f"chainloader-simple-{UUID}", "0"))
        self.assertIn(f"the fallback is its entry 0, for /boot/vmlinuz-{NEW}", err)

    def test_no_fallback_without_menu(self):
        """Output to a pipe (grub-mkconfig without -o): nothing to count."""
        self.sign_boot_copy()
        part, _, err = self.generate("CHAINLOADER_DEFAULT=true\n", to_file=False)
        self.assertEqual(self.default_block(part)[1:], (f"chainloader-simple-{UUID}", None))
        self.assertIn("no fallback for the default entry: the menu written before this script cannot be read", err)

    def test_no_fallback_without_10_linux(self):
        self.sign_boot_copy()
        part, _, err = self.generate("CHAINLOADER_DEFAULT=true\n", menu="")
        self.assertEqual(self.default_block(part)[2], None)
        self.assertIn("10_linux wrote no entry before this script", err)


class MaintainerScripts(Tree):
    def postinst(self, *args, path=None):
        env = dict(os.environ, CHAINLOADER_ROOT=str(self.root))
        if path is not None:
            env["PATH"] = str(path)
        p = run("/bin/sh", POSTINST, "configure", *args, env=env)
        return p.stdout + p.stderr

    def assert_signed_by(self, pem):
        signed = self.root / "boot/chainloader.efi"
        run("sbverify", "--cert", pem, signed)
        self.assertEqual(oct(signed.stat().st_mode & 0o777), "0o644")

    def test_makes_key_signs_and_prints_mokutil(self):
        out = self.postinst()
        dkms = self.root / "var/lib/dkms"
        self.assertEqual(oct((dkms / "mok.key").stat().st_mode & 0o777), "0o600")
        self.assertIn("CN=DKMS module signing key",
                      run("openssl", "x509", "-inform", "DER", "-in", dkms / "mok.pub", "-noout", "-subject").stdout
                      .replace(" = ", "="))
        self.assert_signed_by(pem_of(dkms / "mok.pub"))
        self.assertIn(f"mokutil --import {dkms}/mok.pub", out)
        self.assertEqual((self.root / "boot/chainloader.elf").read_bytes(),
                         (self.root / "usr/lib/chainloader/chainloader.elf").read_bytes())

        # An upgrade: the same key, signed again, no enrolment step.
        key = (dkms / "mok.pub").read_bytes()
        (self.root / "boot/chainloader.efi").write_bytes(b"stale")
        out = self.postinst("0.1.0")
        self.assertEqual((dkms / "mok.pub").read_bytes(), key)
        self.assert_signed_by(pem_of(dkms / "mok.pub"))
        self.assertNotIn("mokutil", out)

    def test_reuses_dkms_key(self):
        pem = make_key(self.root / "var/lib/dkms")
        out = self.postinst()
        self.assert_signed_by(pem)
        self.assertIn("with the Machine Owner Key", out)
        self.assertNotIn("mokutil", out)

    def test_half_a_key_pair_left_alone(self):
        make_key(self.root / "var/lib/dkms")
        (self.root / "var/lib/dkms/mok.key").unlink()
        out = self.postinst()
        self.assertFalse((self.root / "var/lib/dkms/mok.key").exists())
        self.assertFalse((self.root / "boot/chainloader.efi").exists())
        self.assertIn("only one of", out)

    def test_installs_without_sbsigntool(self):
        """No sbsign: no signed copy (a stale one goes), a message, exit 0."""
        bin_dir = self.tmp / "bin"
        bin_dir.mkdir()
        for tool in ("install", "rm", "mkdir", "dirname", "chmod", "mv", "mktemp", "openssl", "cat"):
            (bin_dir / tool).symlink_to(shutil.which(tool))
        (self.root / "boot/chainloader.efi").write_bytes(b"stale")
        out = self.postinst(path=bin_dir)
        self.assertFalse((self.root / "boot/chainloader.efi").exists())
        self.assertIn("sbsign is not installed (packages sbsigntool and openssl)", out)
        self.assertTrue((self.root / "boot/chainloader.elf").exists())

    def test_postrm_removes_both(self):
        self.postinst()
        for action in ("remove", "purge"):
            for f in ("chainloader.elf", "chainloader.efi"):
                (self.root / "boot" / f).write_bytes(b"x")
            run("/bin/sh", POSTRM, action, env=dict(os.environ, CHAINLOADER_ROOT=str(self.root)))
            self.assertEqual(sorted(p.name for p in (self.root / "boot").iterdir()), [], action)
        self.assertTrue((self.root / "var/lib/dkms/mok.key").exists(), "the MOK must stay")


if __name__ == "__main__":
    unittest.main()
