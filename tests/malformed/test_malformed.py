"""The malformed corpus (tests/malformed/gen_corpus.py): every case must be
refused with its error line, the loader then sitting halted with interrupts
off. One test per case, the case's name as its id:

    test_bios[CASE]   booted in QEMU through GRUB on SeaBIOS (make malformed-test)
    test_uefi[CASE]   on OVMF, the cases that reach the kernel's parser (bz-*,
                      elf-*, random-*; make malformed-test-uefi): a sample in
                      make test (every eighth and the first of each group),
                      the others marked "full"
    test_host[CASE]   through chainloader-check on the host, the same portable
                      code (seconds; make malformed-host-check)

The efi-* cases are chainloader.efi's inputs (GRUB's `linux` command line and
the initrd buffer of its `initrd newc:...`): test_host only, through
`chainloader-check --efi-stub --grub-cmdline`. The QEMU tests boot
chainloader.elf by multiboot2, which cannot carry them (no `linux` line, no
newc: archive), so they are left out of test_bios and test_uefi, not
skipped one by one (chainloader.efi under GRUB is booted by
tests/secureboot/).

Per QEMU case: a GRUB ISO (tests/qemu/mkiso.sh) whose entry is
`multiboot2 /boot/chainloader.elf <opts>` and the case's modules; QEMU (-m
512 unless the case says, -no-reboot, serial to a file, the monitor on a
unix socket) until the error line, then HMP `info registers` must show
HLT=1 and IF clear (tests/qemu/checks.py). The make targets run two cases
at a time (pytest-xdist, -n 2). A case the loader does not handle yet
carries `xfail` (its reason): pytest reports it as XFAIL, or XPASS once it
passes (then its mark can go). Logs under build/malformed/runs*/.

Each case asserts its whole error line (or its regex, with the addresses
GRUB chose left open), not a prefix: the values are what many cases check
(the boundary the loader computed), and the corpus' messages share their
stable prefixes across different errors (four kinds of "ELF: PT_LOAD N ...",
two of "bzImage: jump ..."), so a prefix would not tell them apart.
"""

import json
import re
import subprocess
import time

import pytest

import checks
import plumbing as pl

CORPUS = pl.BUILD / "malformed" / "corpus"  # written by tests/malformed/conftest.py

TIMEOUT = 30.0  # seconds for GRUB plus the loader; a boot takes a few
# On OVMF: the cases that get as far as the kernel's parser (the UEFI entry
# checks the multiboot2 information and the options the same way as BIOS).
UEFI_GROUPS = ("bz-", "elf-", "random-")
# Cases whose premise is GRUB's BIOS placement: on OVMF GRUB puts modules
# below 1 MiB, so an initrd_addr_max under 1 MiB is already met where the
# initrd lies, it stays in place, and the kernel boots (as it should).
UEFI_NOT_APPLICABLE = ("bz-initrd-above-initrd-addr-max", "bz-initrd-above-initrd-addr-max-entry32")


def load_cases():
    path = CORPUS / "cases.json"
    return json.loads(path.read_text()) if path.exists() else []


CASES = load_cases()
# The multiboot2 cases: the ones QEMU boots through GRUB's multiboot2 command.
MB2_CASES = [c for c in CASES if not c.get("efi_stub")]


def uefi_cases():
    """The OVMF cases, and the names of the sample make test boots."""
    cases = [c for c in MB2_CASES if c["name"].startswith(UEFI_GROUPS) and c["name"] not in UEFI_NOT_APPLICABLE]
    firsts = {min(d["name"] for d in cases if d["name"].split("-")[0] == g)
              for g in {c["name"].split("-")[0] for c in cases}}
    sample = {c["name"] for i, c in enumerate(cases) if i % 8 == 0 or c["name"] in firsts}
    return cases, sample


def params(cases, marks=lambda c: []):
    return [pytest.param(c, id=c["name"],
                         marks=marks(c) + ([pytest.mark.xfail(reason=c["xfail"], strict=False)] if c["xfail"] else []))
            for c in cases]


def expect_rx(c):
    return c["expect"].encode() if c["regex"] else re.escape(c["expect"].encode())


def menuentry(c):
    body = f"  multiboot2 /boot/chainloader.elf {c['opts']}\n"
    for i, m in enumerate(c["modules"]):
        body += f"  module2 /boot/m{i} {m['args']}\n"
    return body


def boot(c, firmware, loader):
    """Boots the case; returns (serial bytes, QEMU exit code or None, CPU
    registers or None, why it stopped)."""
    name = c["name"]
    setup = pl.Setup("chainloader", memory_mib=c["memory_mib"], loader_opts=c["opts"], timeout=TIMEOUT,
                     firmware=firmware)
    entry = pl.QDIR / f"{name}.entry"
    entry.write_text(menuentry(c))
    iso = pl.QDIR / f"{name}.iso"
    files = [f"chainloader.elf={loader}"] + [f"m{i}={m['file']}" for i, m in enumerate(c["modules"])]
    r = subprocess.run([str(pl.SCRIPTS / "mkiso.sh"), str(iso), str(entry)] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        raise pl.Fail("mkiso.sh failed: " + r.stdout.decode(errors="replace")[-300:])

    serial = pl.QDIR / f"{name}.serial.log"
    serial.unlink(missing_ok=True)
    cmd = pl.qemu_command(name, setup, iso, serial)
    (pl.QDIR / f"{name}.qemu.cmd").write_text(" ".join(cmd) + "\n")
    with open(pl.QDIR / f"{name}.qemu.log", "wb") as qlog:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qlog, stderr=subprocess.STDOUT)
        start, data, booting = time.monotonic(), b"", None
        try:
            while True:
                if serial.exists():
                    data = serial.read_bytes()
                rc = proc.poll()
                if rc is not None:
                    return data, rc, None, "QEMU exited"
                tail = data.split(b"chainloader: error:")
                if len(tail) > 1 and b"\n" in tail[-1]:
                    time.sleep(1.0)  # long enough for a reset or a runaway to show
                    if proc.poll() is not None:
                        return serial.read_bytes(), proc.poll(), None, "QEMU exited after the error"
                    return serial.read_bytes(), None, pl.cpu_state(name), "error shown"
                if booting is None and re.search(rb"chainloader: booting .*\n", data):
                    booting = time.monotonic()
                if booting is not None and time.monotonic() - booting > 2.0:
                    return data, None, pl.cpu_state(name), "the loader booted the kernel (no error)"
                if time.monotonic() - start > TIMEOUT:
                    return data, None, None, f"timeout after {TIMEOUT:.0f} s"
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for f in (pl.QDIR / f"{name}.iso", pl.QDIR / f"{name}.monitor"):
                f.unlink(missing_ok=True)


def run_qemu(c, firmware, loader):
    setup = pl.Setup("chainloader", firmware=firmware)
    expect = checks.Expect(error=expect_rx(c))
    data, rc, cpu, why = boot(c, firmware, loader)
    out = checks.Outcome(c["name"], data, rc, cpu, None)
    if why.startswith("timeout") or why.startswith("the loader booted"):
        errors = [l for l in out.clean if l.startswith(b"chainloader: error:")]
        raise pl.Fail(f"{why}; error lines {errors!r}; last lines {pl.tail(data, 4)}")
    checks.check(setup, expect, out, {})


def run_host(c, host_check):
    """chainloader-check --quiet on the same modules and the map of a PC of
    the same size: the one error line, and exit status 1 (with ASan's leak
    detection on). A chainloader.efi case: --efi-stub with GRUB's command
    line and initrd buffer (UEFI implied)."""
    args = [str(host_check), "--quiet", "--memory", str(c["memory_mib"])]
    if c.get("efi_stub"):
        args += ["--efi-stub", "--grub-cmdline", c["efi_stub"]["cmdline"], c["efi_stub"]["initrd"]]
    else:
        args += ["--options", c["opts"]]
    if c["modules"]:
        args += ["--cmdline", c["modules"][0]["args"]] + [m["file"] for m in c["modules"]]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    if len(lines) != 1 or not re.fullmatch(expect_rx(c), lines[0]) or r.returncode != 1:
        raise pl.Fail(f"chainloader-check exited {r.returncode}, printed {lines!r}")


def run_case(c, results, order, fn, *args):
    """FN(c, *args) as the case's test: its result into results.json."""
    t0 = time.monotonic()
    err = None
    try:
        fn(c, *args)
    except pl.Fail as e:
        err = e.args[0]
    except Exception as e:  # noqa: BLE001 (a broken helper is a failed case, with its reason)
        err = f"{type(e).__name__}: {e}"
    results(order, {"name": c["name"], "passed": err is None, "xfail": c["xfail"],
                    "reason": err, "seconds": round(time.monotonic() - t0, 1)})
    if err is not None:
        pytest.fail(f"{c['name']}: {err}\n    | expected: {c['expect']}", pytrace=False)


UEFI_CASES, UEFI_SAMPLE = uefi_cases()


@pytest.mark.parametrize("case", params(MB2_CASES))
def test_bios(case, runs_dir, loader_elf, results, request):
    run_case(case, results, request.node.callspec.indices["case"], run_qemu, "bios", loader_elf)


@pytest.mark.uefi
@pytest.mark.parametrize("case", params(UEFI_CASES, lambda c: [] if c["name"] in UEFI_SAMPLE else [pytest.mark.full]))
def test_uefi(case, runs_dir, loader_elf, results, request):
    run_case(case, results, request.node.callspec.indices["case"], run_qemu, "uefi", loader_elf)


@pytest.mark.parametrize("case", params(CASES))
def test_host(case, host_check, results, request):
    run_case(case, results, request.node.callspec.indices["case"], run_host, host_check)
