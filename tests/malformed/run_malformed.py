#!/usr/bin/env python3
"""Boots every malformed case (tests/malformed/gen_corpus.py) and checks the
loader refuses it with the exact error line, then sits halted with
interrupts off.

    tests/malformed/run_malformed.py              every case, in QEMU
    tests/malformed/run_malformed.py --only X     the cases whose name contains X
    tests/malformed/run_malformed.py --host       every case on the host instead
                                                  (build/chainloader-check:
                                                  the same portable code, seconds)
    tests/malformed/run_malformed.py --list
    tests/malformed/run_malformed.py --firmware uefi [--sample]
                                                  on OVMF, the cases that reach the
                                                  kernel's parser (bz-*, elf-*, random-*);
                                                  --sample: every eighth of them and
                                                  the first of each group

Per case: a GRUB ISO (tests/qemu/mkiso.sh) whose entry is
`multiboot2 /boot/chainloader.elf <opts>` and the case's modules; QEMU
(SeaBIOS, -m 512, -no-reboot, -display none, serial to a file, the monitor on
a unix socket) until the error line, then HMP `info registers` must show
HLT=1 and IF (bit 9 of RFL/EFL) clear. The QEMU helpers are
tests/qemu/run_tests.py's. Two cases run at a time (-j).

Prints PASS/FAIL/XFAIL/XPASS per case and "N passed, N failed" (XFAIL: a
known loader shortcoming, listed with its reason and not counted as a
failure; XPASS: such a case now passes, its xfail mark can go). Exits 1 if
any case failed. Logs under build/malformed/.
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "tests" / "qemu"))
import run_tests as rt  # noqa: E402  (the QEMU boot-test helpers)

BUILD = ROOT / os.environ.get("BUILD", "build")
OUT = BUILD / "malformed"
rt.QDIR = OUT / "runs"          # the helpers' logs and monitor sockets go here
LOADER = Path(os.environ.get("LOADER", BUILD / "chainloader.elf"))
HOST_CHECK = BUILD / "chainloader-check"
TIMEOUT = 30.0                  # seconds for GRUB plus the loader; a boot takes a few


def load_cases():
    subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(OUT / "corpus")],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads((OUT / "corpus" / "cases.json").read_text())


def expect_rx(c):
    return c["expect"].encode() if c["regex"] else re.escape(c["expect"].encode())


def menuentry(c):
    body = f"  multiboot2 /boot/chainloader.elf {c['opts']}\n"
    for i, m in enumerate(c["modules"]):
        body += f"  module2 /boot/m{i} {m['args']}\n"
    return body


FIRMWARE = "bios"               # --firmware
# On OVMF: the cases that get as far as the kernel's parser (the UEFI entry
# checks the multiboot2 information and the options the same way as BIOS).
UEFI_GROUPS = ("bz-", "elf-", "random-")
# Cases whose premise is GRUB's BIOS placement: on OVMF GRUB puts modules
# below 1 MiB, so an initrd_addr_max under 1 MiB is already met where the
# initrd lies, it stays in place, and the kernel boots (as it should).
UEFI_NOT_APPLICABLE = ("bz-initrd-above-initrd-addr-max", "bz-initrd-above-initrd-addr-max-entry32")


def boot(c):
    """Boots the case; returns (serial bytes, QEMU exit code or None, CPU
    registers or None, why it stopped)."""
    sc = rt.Scenario(c["name"], "chainloader", "amd64", "", memory_mib=c["memory_mib"],
                     loader_opts=c["opts"], timeout=TIMEOUT, expect_error=expect_rx(c),
                     firmware=FIRMWARE)
    entry = rt.QDIR / f"{c['name']}.entry"
    entry.write_text(menuentry(c))
    iso = rt.QDIR / f"{c['name']}.iso"
    files = [f"chainloader.elf={LOADER}"] + [f"m{i}={m['file']}" for i, m in enumerate(c["modules"])]
    r = subprocess.run([str(ROOT / "tests" / "qemu" / "mkiso.sh"), str(iso), str(entry)] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        raise rt.Fail("mkiso.sh failed: " + r.stdout.decode(errors="replace")[-300:])

    serial = rt.QDIR / f"{c['name']}.serial.log"
    serial.unlink(missing_ok=True)
    cmd = rt.qemu_command(sc, iso, serial)
    (rt.QDIR / f"{c['name']}.qemu.cmd").write_text(" ".join(cmd) + "\n")
    with open(rt.QDIR / f"{c['name']}.qemu.log", "wb") as qlog:
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
                    return serial.read_bytes(), None, rt.cpu_state(sc), "error shown"
                if booting is None and re.search(rb"chainloader: booting .*\n", data):
                    booting = time.monotonic()
                if booting is not None and time.monotonic() - booting > 2.0:
                    return data, None, rt.cpu_state(sc), "the loader booted the kernel (no error)"
                if time.monotonic() - start > TIMEOUT:
                    return data, None, None, f"timeout after {TIMEOUT:.0f} s"
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for f in (rt.QDIR / f"{c['name']}.iso", rt.QDIR / f"{c['name']}.monitor"):
                f.unlink(missing_ok=True)


def run_qemu(c):
    sc = rt.Scenario(c["name"], "chainloader", "amd64", "", expect_error=expect_rx(c))
    data, rc, cpu, why = boot(c)
    clean = [rt.ANSI.sub(b"", l) for l in rt.lines_of(data)]
    if why.startswith("timeout") or why.startswith("the loader booted"):
        errors = [l for l in clean if l.startswith(b"chainloader: error:")]
        raise rt.Fail(f"{why}; error lines {errors!r}; last lines {rt.tail(data, 4)}")
    rt.check_halted(sc, clean, rc, cpu)


def run_host(c):
    """chainloader-check on the same modules and a QEMU-like map of the same
    size: the one error line, and exit status 1."""
    args = [str(HOST_CHECK), "--quiet", "--memory", str(c["memory_mib"]), "--options", c["opts"]]
    if c["modules"]:
        args += ["--cmdline", c["modules"][0]["args"]] + [m["file"] for m in c["modules"]]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    if len(lines) != 1 or not re.fullmatch(expect_rx(c), lines[0]) or r.returncode != 1:
        raise rt.Fail(f"chainloader-check exited {r.returncode}, printed {lines!r}")


def run_case(c, host):
    t0 = time.monotonic()
    try:
        (run_host if host else run_qemu)(c)
        return c, None, time.monotonic() - t0
    except rt.Fail as e:
        return c, e.args[0], time.monotonic() - t0
    except Exception as e:  # noqa: BLE001 (a broken helper is a failed case, not a crash)
        return c, f"{type(e).__name__}: {e}", time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME")
    ap.add_argument("--host", action="store_true", help="run the cases through host_check, not QEMU")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-j", type=int, default=2, help="cases at once (default 2)")
    ap.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    ap.add_argument("--sample", action="store_true", help="with --firmware uefi: one case per group")
    args = ap.parse_args()

    global FIRMWARE
    FIRMWARE = args.firmware
    cases = [c for c in load_cases() if not args.only or any(o in c["name"] for o in args.only)]
    if FIRMWARE == "uefi":
        cases = [c for c in cases if c["name"].startswith(UEFI_GROUPS) and c["name"] not in UEFI_NOT_APPLICABLE]
        if args.sample:  # every eighth case, and the first of each group
            firsts = {min(d["name"] for d in cases if d["name"].split("-")[0] == g)
                      for g in {c["name"].split("-")[0] for c in cases}}
            cases = [c for i, c in enumerate(cases) if i % 8 == 0 or c["name"] in firsts]
        rt.QDIR = OUT / "runs-uefi"
    if args.list:
        for c in cases:
            print(f"{c['name']}{' [xfail]' if c['xfail'] else ''}: {c['expect']}")
        return 0
    if not cases:
        print(f"no case matches {args.only}", file=sys.stderr)
        return 2
    need = HOST_CHECK if args.host else LOADER
    if not need.exists():
        print(f"{need} missing (make {'build/chainloader-check' if args.host else 'all'})", file=sys.stderr)
        return 2
    rt.QDIR.mkdir(parents=True, exist_ok=True)

    passed = failed = xfailed = 0
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=1 if args.host else max(1, args.j)) as pool:
        for c, err, secs in pool.map(lambda c: run_case(c, args.host), cases):
            if err is None and not c["xfail"]:
                passed += 1
                print(f"PASS {c['name']} ({secs:.1f} s)", flush=True)
            elif err is None:
                passed += 1
                print(f"XPASS {c['name']}: passes now; drop its xfail ({c['xfail']})", flush=True)
            elif c["xfail"]:
                xfailed += 1
                print(f"XFAIL {c['name']}: {c['xfail']}\n    | {err}", flush=True)
            else:
                failed += 1
                print(f"FAIL {c['name']}: {err}\n    | expected: {c['expect']}", flush=True)
            results.append({"name": c["name"], "passed": err is None, "xfail": c["xfail"],
                            "reason": err, "seconds": round(secs, 1)})
    (OUT / ("host-results.json" if args.host else "results.json")).write_text(json.dumps(results, indent=1) + "\n")
    print(f"{'malformed (host)' if args.host else 'malformed'}: {len(cases)} cases, {xfailed} xfail")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
