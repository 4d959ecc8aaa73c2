"""Differential check: the same Debian kernel and initramfs booted by GRUB's own
`linux` and by chainloader must see the same machine.

One test per setup (SeaBIOS, OVMF, SeaBIOS with 150 `cutmem` holes, GRUB
2.12 on OVMF 2025 with a TPM), its name as the test id (make diff-test;
DIFF_TEST_ARGS="-k cutmem" picks some). Both boots run (each with its own
scenario checks), then the kernel's views are compared: the e820 map it
printed (the final table: "extended:" when there were more than 128
entries, else "BIOS-e820:"), MemTotal, /proc/cmdline (minus the
"BOOT_IMAGE=... " GRUB's linux prepends), the ACPI tables it found, whether
EFI runtime services came up, the EFI configuration tables it listed
("efi: ACPI=... TPMEventLog=... RNG=..."), its secure-boot line and whether
it has a TPM event log. Only the differences listed in EXPLAINED are
accepted, and each must really occur.
"""
import re
import time

import pytest

import plumbing as pl
import scenario as scn
from scenarios import CMDLINE_GRUB_LINUX, CMDLINE_MODULE2, CUTMEM_150

SETUPS = [
    ("bios", dict(firmware="bios")),
    ("uefi", dict(firmware="uefi")),
    ("cutmem-150", dict(firmware="bios", memory_mib=1024, grub_pre=CUTMEM_150, min_e820_total=150)),
    # Measured boot on the current stack: GRUB 2.12's `linux` starts the
    # kernel's EFI stub; chainloader must hand over the same things itself.
    ("uefi-grub212-tpm", dict(firmware="uefi", grub="2.12", ovmf="2025", tpm=True, rng=True,
                              grub_preamble="insmod tpm\n")),
]

E820 = re.compile(rb"\] (BIOS-e820|extended): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?)\r?$", re.M)


def one_page_less(a, b):
    return a["memtotal_kb"] - b["memtotal_kb"] == 4


def two_pages_less(a, b):
    return a["memtotal_kb"] - b["memtotal_kb"] == 8


def a_few_pages_more(a, b):
    return 0 < b["memtotal_kb"] - a["memtotal_kb"] <= 64


def only_the_stubs_initrd_table(a, b):
    return set(a["efi_tables"]) - set(b["efi_tables"]) == {"INITRD"} and set(b["efi_tables"]) <= set(a["efi_tables"])


def efi_runtime_code_typed_reserved(a, b):
    """GRUB's linux passes EFI runtime-services code with GRUB's own memory type
    20 (Linux prints "type 20" and treats it as reserved); chainloader maps it to
    e820 reserved (2), so it merges with the reserved ranges around it."""
    ga = [e for e in a["e820"] if e not in b["e820"]]
    gb = [e for e in b["e820"] if e not in a["e820"]]
    typed = any(t == "type 20" for _, _, t in ga)
    covered = all(any(s2 <= s and e <= e2 and t2 == "reserved" for s2, e2, t2 in gb) for s, e, _ in ga)
    return typed and covered and all(t == "reserved" for _, _, t in gb)


# Differences that are understood, per setup: key -> (test, why). The check fails
# if one does not happen as described (the explanation would be stale) or if any
# other difference shows up.
EXPLAINED = {
    "bios": {},
    "uefi": {
        "e820": (efi_runtime_code_typed_reserved,
                 "EFI runtime code: GRUB's type 20 vs e820 reserved, merged with its neighbours"),
        "memtotal_kb": (two_pages_less,
                        "8 kB less MemTotal (measured; 4 kB before the UEFI entry): the kernel "
                        "keeps the EFI memory map's own pages reserved, and chainloader's map is "
                        "the firmware's final one, in loader data above 1 MiB, where GRUB 2.06's "
                        "linux copies it below 1 MiB, which the kernel reserves whole anyway; and "
                        "module2 hands Linux the gunzipped initramfs (6181376 bytes, where "
                        "linux/initrd pass the 5293398-byte .gz), whose partial end pages differ"),
    },
    "uefi-grub212-tpm": {
        "efi_tables": (only_the_stubs_initrd_table,
                       "INITRD= only on GRUB's path: the EFI stub loads the initrd itself through "
                       "LINUX_EFI_INITRD_MEDIA's LoadFile2 and records it in that table; chainloader "
                       "passes the initrd in boot_params (ramdisk_image/size), as on BIOS"),
        "memtotal_kb": (a_few_pages_more,
                        "up to 64 kB (measured 36 kB, 9 pages) more MemTotal through chainloader: "
                        "memory the kernel keeps reserved on the EFI stub's path (what the stub "
                        "allocates before it exits the boot services; not broken down further); "
                        "chainloader's own allocations (workspace, memory-map buffer) are loader "
                        "data the kernel frees, but for the map's own pages"),
    },
    "cutmem-150": {
        "memtotal_kb": (one_page_less,
                        "4 kB less MemTotal: chainloader passes the entries beyond 128 in a "
                        "SETUP_E820_EXT node, whose page the kernel keeps reserved; GRUB's linux "
                        "writes all 157 entries past the zero page's 128-slot e820_table (into the "
                        "EDD area), which this kernel happens to read"),
    },
}


def kernel_e820(serial):
    """The final e820 table the kernel printed, as (start, end, type) tuples."""
    rows = E820.findall(serial)
    if any(kind == b"extended" for kind, *_ in rows):
        rows = [r for r in rows if r[0] == b"extended"]
    return [(int(a, 16), int(b, 16), t.decode()) for _, a, b, t in rows]


def view(sc, boot, result):
    """Boot sc (its own checks included) and return the kernel's view, or raise."""
    res = scn.run_scenario(sc, boot)
    result[sc.name] = res
    if not res["passed"]:
        raise pl.Fail(f"{sc.name}: {res['reason']}")
    serial = (pl.QDIR / f"{sc.name}.serial.log").read_bytes()
    lines = pl.lines_of(serial)
    cmdline = pl.marker(lines, "CL-CMDLINE").decode()
    tables = pl.optional_marker(lines, "CL-EFI-TABLES")
    return {
        # Which configuration tables the kernel found (their addresses differ by nature).
        "efi_tables": sorted(n.strip() for n in re.findall(r"([A-Za-z0-9 .]+?)=0x[0-9a-f]+", tables[len("efi: "):]))
                      if tables and tables != "none" else [],
        "secureboot": pl.optional_marker(lines, "CL-SECUREBOOT"),
        "tpm_log": "yes" if (pl.optional_marker(lines, "CL-TPM-LOG") or "none") != "none" else "no",
        "e820": kernel_e820(serial),
        "memtotal_kb": res["memtotal_kb"],
        "cmdline": re.sub(r"^BOOT_IMAGE=\S+ ", "", cmdline),
        "acpi_tables": res["acpi_tables"],
        "efi": pl.marker(lines, "CL-EFI").decode(),
    }


def differences(a, b):
    diffs = []
    for key in ("cmdline", "acpi_tables", "efi", "memtotal_kb", "efi_tables", "secureboot", "tpm_log"):
        if a[key] != b[key]:
            diffs.append((key, f"GRUB linux {a[key]!r}, chainloader {b[key]!r}"))
    if a["e820"] != b["e820"]:
        only_grub = [e for e in a["e820"] if e not in b["e820"]]
        only_cl = [e for e in b["e820"] if e not in a["e820"]]
        fmt = lambda es: ", ".join(f"[{s:#x}-{e:#x}] {t}" for s, e, t in es) or "-"  # noqa: E731
        diffs.append(("e820", f"{len(a['e820'])} vs {len(b['e820'])} entries; only GRUB linux: "
                              f"{fmt(only_grub)}; only chainloader: {fmt(only_cl)}"))
    return diffs


def marks(kw):
    return ([pytest.mark.uefi] if kw.get("firmware") == "uefi" else []) + ([pytest.mark.tpm] if kw.get("tpm") else [])


@pytest.mark.parametrize("name,kw", [pytest.param(n, kw, id=n, marks=marks(kw)) for n, kw in SETUPS])
def test_differential(name, kw, qemu_dir, boot_machine, results, request):
    grub = scn.build(f"diff-{name}-grub", "grub-linux", cmdline=CMDLINE_GRUB_LINUX, fb=None, **kw)
    cl = scn.build(f"diff-{name}-chainloader", "chainloader", cmdline=CMDLINE_MODULE2, fb=None, **kw)
    result = {"name": f"differential {name}", "passed": False, "reason": None}
    t = time.monotonic()
    try:
        a, b = view(grub, boot_machine, result), view(cl, boot_machine, result)
        found = dict(differences(a, b))
        explained = EXPLAINED[name]
        problems = [f"unexplained {k}: {v}" for k, v in found.items() if k not in explained]
        problems += [f"{k}: expected '{why}', found {found.get(k, 'no difference')}"
                     for k, (test, why) in explained.items() if k not in found or not test(a, b)]
        if problems:
            raise pl.Fail("; ".join(problems))
        result["passed"] = True
        result["summary"] = (f"e820 {len(b['e820'])} entries, MemTotal {b['memtotal_kb']} kB, "
                             f"ACPI {b['acpi_tables']} tables, EFI {b['efi']}"
                             + "".join(f"; {k} differs as explained ({why})" for k, (_, why) in explained.items()))
        print(f"PASS differential {name}: {result['summary']}", flush=True)
    except pl.Fail as e:
        result["reason"] = e.args[0]
    result["seconds"] = round(time.monotonic() - t, 1)
    results(request.node.callspec.indices["name"], result)
    if not result["passed"]:
        pytest.fail(f"differential {name}: {result['reason']}", pytrace=False)
