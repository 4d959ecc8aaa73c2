"""chainloader-check against fixtures of the kinds rust-vmm linux-loader's
tests use (make tools-test): an ELF with a PVH note, with an 8-byte-aligned
note, with a dummy note, with an invalid PVH note, with a bad note alignment,
an underflowing bzImage, and truncations and corruptions of each. The
fixtures are built here (tests/malformed/images.py), not copied; each case
states the verdict expected of it, derived from the ELF gABI, Xen's PVH note
and the Linux boot protocol: the entry and its address, or the stable prefix
of the loader's error (the part before its first value)."""
import os
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "malformed"))
import images as im  # noqa: E402

BUILD = ROOT / os.environ.get("BUILD", "build")
TOOL = BUILD / "chainloader-check"
MIB = im.MIB
LOAD = 16 * MIB
PVH_ENTRY = LOAD + 0x10
NOTE_PHDR = im.EHDR_SIZE  # the PT_NOTE is the first program header
P_ALIGN = 48


def note8(owner, ntype, desc):
    """A note laid out for a PT_NOTE with p_align 8: the descriptor and the
    next note start 8-byte aligned from the note's start."""
    name = owner + b"\0"
    head = struct.pack("<III", len(name), len(desc), ntype) + name
    head += b"\0" * (-len(head) % 8)
    return head + desc + b"\0" * (-len(desc) % 8)


def patch(data, off, fmt, value):
    b = bytearray(data)
    struct.pack_into("<" + fmt, b, off, value)
    return bytes(b)


ELF_PLAIN = im.elf()
ELF_PVH = im.elf(notes=im.pvh_note(PVH_ENTRY))
# A dummy note with a 5-byte name first: 8-aligned, Xen's note is at +32 and
# its entry at +48 (4-aligned reading would put a note at +24).
ELF_PVH_8 = patch(im.elf(notes=note8(b"Dumm", 1, b"abcd") + note8(b"Xen", im.XEN_ELFNOTE_PHYS32_ENTRY,
                                                                   struct.pack("<Q", LOAD + 0x20))),
                  NOTE_PHDR + P_ALIGN, "Q", 8)
ELF_DUMMY = im.elf(notes=im.note(b"Dummy", 1, b"abcd"))
ELF_BAD_PVH = im.elf(notes=im.pvh_note(PVH_ENTRY, descsz=2))
ELF_BAD_ALIGN = patch(ELF_PVH, NOTE_PHDR + P_ALIGN, "Q", 3)
BZ = im.bzimage()
BZ_UNDERFLOW = im.bzimage(setup_sects=40)[:4096]  # the setup it claims is longer than the file

BOOTS, REFUSED = 0, 1

# (name, image, loader options, expected exit status, expected text): for a
# boot, the verdict line's end; for a refusal, the error's stable prefix.
CASES = [
    ("elf-plain", ELF_PLAIN, "", BOOTS, f"boots as ELF by the 64-bit entry at {LOAD:#x}"),
    ("elf-plain-pvh", ELF_PLAIN, "entry=pvh", REFUSED, "entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note"),
    ("elf-pvh-note", ELF_PVH, "", BOOTS, f"boots as ELF by the 64-bit entry at {LOAD:#x}"),
    ("elf-pvh-note-pvh", ELF_PVH, "entry=pvh", BOOTS, f"boots as ELF by the PVH entry at {PVH_ENTRY:#x}"),
    ("elf-pvh-note-8-aligned", ELF_PVH_8, "entry=pvh", BOOTS, f"boots as ELF by the PVH entry at {LOAD + 0x20:#x}"),
    ("elf-pvh-note-8-read-as-4", patch(ELF_PVH_8, NOTE_PHDR + P_ALIGN, "Q", 4), "entry=pvh", REFUSED,
     "ELF: note at offset "),
    ("elf-dummy-note", ELF_DUMMY, "", BOOTS, f"boots as ELF by the 64-bit entry at {LOAD:#x}"),
    ("elf-dummy-note-pvh", ELF_DUMMY, "entry=pvh", REFUSED, "entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note"),
    ("elf-invalid-pvh-note", ELF_BAD_PVH, "", REFUSED, "ELF: Xen PHYS32_ENTRY note has descsz "),
    ("elf-bad-note-align", ELF_BAD_ALIGN, "", REFUSED, "ELF: PT_NOTE 0 p_align "),
    ("bzimage", BZ, "", BOOTS, f"boots as bzImage by the 64-bit entry at {LOAD + 0x200:#x}"),
    ("bzimage-underflow", BZ_UNDERFLOW, "", REFUSED, "bzImage: setup_sects "),
    ("bzimage-underflow-syssize", patch(BZ, im.SYSSIZE, "I", 0x10000), "", REFUSED, "bzImage: syssize "),
]

# Corruptions of the ELF header fields linux-loader's tests touch, on every ELF fixture.
ELF_CORRUPTIONS = [
    ("magic", 1, "B", 0x33, "kernel module of "),  # no longer an ELF: an unknown format
    ("big-endian", 5, "B", 2, "ELF: data encoding "),
    ("class-32", 4, "B", 1, "ELF: class "),
    ("phoff-in-header", im.E_PHOFF, "Q", 0x10, "ELF: e_phoff "),
    ("phoff-past-end", im.E_PHOFF, "Q", 0x100000, "ELF: program headers at "),
    ("phnum-0", im.E_PHNUM, "H", 0, "ELF: no program headers"),
    ("entry-outside", im.E_ENTRY, "Q", 0x7000000, "ELF: e_entry "),
]
for fname, fimg in (("elf-plain", ELF_PLAIN), ("elf-pvh-note", ELF_PVH), ("elf-pvh-note-8-aligned", ELF_PVH_8),
                    ("elf-dummy-note", ELF_DUMMY)):
    for cname, off, fmt, value, prefix in ELF_CORRUPTIONS:
        CASES.append((f"{fname}-{cname}", patch(fimg, off, fmt, value), "", REFUSED, prefix))
    # Truncations: inside the magic, the ELF header, the program headers, the
    # notes (when there are), and the last segment's bytes.
    cuts = [(3, "kernel module of 3 bytes is too short"), (40, "ELF: module of 40 bytes is shorter than"),
            (im.EHDR_SIZE + 20, "ELF: program headers at "), (len(fimg) - 1, "ELF: PT_LOAD ")]
    if fimg is not ELF_PLAIN:
        cuts.append((0x204, "ELF: PT_NOTE 0 at offset "))
    for n, prefix in cuts:
        CASES.append((f"{fname}-truncated-{n:#x}", fimg[:n], "", REFUSED, prefix))

# (name, offset, format, value, expected on the good bzImage, on the underflowing
# one): the header's identity (boot_flag) is checked before the setup's size,
# the rest after it, so the underflow still names its setup.
BZ_CORRUPTIONS = [
    ("boot-flag", im.BOOT_FLAG, "H", 0x1234, "bzImage: boot_flag ", "bzImage: boot_flag "),
    ("alignment-3", im.KERNEL_ALIGNMENT, "I", 3, "bzImage: kernel_alignment ", "bzImage: setup_sects "),
    ("init-size-small", im.INIT_SIZE, "I", 0x10, "bzImage: init_size ", "bzImage: setup_sects "),
    ("code32-outside", im.CODE32_START, "I", 0x200000, "bzImage: code32_start ", "bzImage: setup_sects "),
]
for fname, fimg in (("bzimage", BZ), ("bzimage-underflow", BZ_UNDERFLOW)):
    for cname, off, fmt, value, good, underflow in BZ_CORRUPTIONS:
        CASES.append((f"{fname}-{cname}", patch(fimg, off, fmt, value), "", REFUSED,
                      good if fimg is BZ else underflow))
    for n, prefix in ((3, "kernel module of 3 bytes is too short"), (0x1f0, "kernel module of 496 bytes is neither"),
                      (0x210, "bzImage: setup header ends at "), (0x300, "bzImage: setup_sects ")):
        CASES.append((f"{fname}-truncated-{n:#x}", fimg[:n], "", REFUSED, prefix))
# A protocol older than 2.10 has no init_size: on BIOS the real-mode entry
# loads it at 1 MiB, as boot.rst's "Loading the rest of the kernel" says.
CASES.append(("bzimage-protocol-2.09", patch(BZ, im.VERSION, "H", 0x0209), "", BOOTS,
              "boots as bzImage by the 16-bit entry at 0x90200"))


def run_check(image, opts):
    with tempfile.NamedTemporaryFile(suffix=".img") as f:
        f.write(image)
        f.flush()
        r = subprocess.run([str(TOOL), "--memory", "512", "--options", opts, f.name],
                           capture_output=True, text=True)
        return r.returncode, r.stdout.replace(f.name, "KERNEL"), r.stderr


class Fixtures(unittest.TestCase):
    def test_every_fixture_has_its_expected_verdict(self):
        names = [c[0] for c in CASES]
        self.assertEqual(len(names), len(set(names)), "case names must be unique")
        for name, image, opts, status, text in CASES:
            with self.subTest(case=name):
                rc, out, err = run_check(image, opts)
                self.assertEqual((rc, err), (status, ""), out)
                if status == BOOTS:
                    self.assertEqual(out.splitlines()[0], f"chainloader-check: KERNEL: {text}")
                else:
                    self.assertEqual(out.splitlines()[0], "chainloader-check: KERNEL: refused: chainloader would stop with")
                    self.assertTrue(out.splitlines()[1].startswith("chainloader: error: " + text),
                                    f"{name}: {out.splitlines()[1]!r} does not start with {text!r}")
        print(f"\n{len(CASES)} fixture cases", file=sys.stderr)


class PlanOutput(unittest.TestCase):
    """The plan names every entry the image offers (each planned with that
    entry forced) and the zero-filled tail of each segment."""

    def test_entries_offered_and_the_one_chosen(self):
        for image, opts, line in (
                (ELF_PVH, "", f"  entries: 64-bit at {LOAD:#x} (chosen), PVH at {PVH_ENTRY:#x}; not 32-bit, 16-bit"),
                (ELF_PVH, "entry=pvh", f"  entries: 64-bit at {LOAD:#x}, PVH at {PVH_ENTRY:#x} (chosen); not 32-bit, 16-bit"),
                (ELF_DUMMY, "", f"  entries: 64-bit at {LOAD:#x} (chosen); not 32-bit, 16-bit, PVH"),
                (BZ, "entry=32", f"  entries: 64-bit at {LOAD + 0x200:#x}, 32-bit at {LOAD:#x} (chosen), 16-bit at 0x90200; not PVH"),
                (patch(BZ, im.XLOADFLAGS, "H", 0), "", f"  entries: 32-bit at {LOAD:#x} (chosen), 16-bit at 0x90200; not 64-bit, PVH")):
            with self.subTest(opts=opts, line=line):
                rc, out, _ = run_check(image, opts)
                self.assertEqual(rc, 0, out)
                self.assertEqual(out.splitlines()[1], line)

    def test_zero_filled_tails(self):
        image = im.elf(loads=((LOAD, 0x1000, 0x3000), (LOAD + 0x100000, 0x2000, 0x2000)))
        rc, out, _ = run_check(image, "")
        self.assertEqual(rc, 0, out)
        self.assertIn(f"\n  copy ELF PT_LOAD: 4096 bytes -> [{LOAD:#x}, {LOAD + 0x1000:#x}) "
                      f"then 8192 zero bytes -> [{LOAD + 0x1000:#x}, {LOAD + 0x3000:#x})\n", out)
        self.assertIn(f"\n  copy ELF PT_LOAD: 8192 bytes -> [{LOAD + 0x100000:#x}, {LOAD + 0x102000:#x})\n", out)


if __name__ == "__main__":
    unittest.main()
