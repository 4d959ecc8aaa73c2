#!/usr/bin/env python3
"""make bench: chainloader against GRUB's own `linux` and QEMU's direct -kernel,
measured side by side (docs/BENCHMARKS.md).

For each configuration, the three ways boot the same kernel and initramfs,
interleaved, ROUNDS times each; the wall time is QEMU start to the initramfs
marker (CL-DONE). chainloader runs with `verbose`, so its own time (TSC, entry
to trampoline) and its bytes copied/placed are read from its output. Writes
build/bench/results.md (and results.json, and timings.png if gnuplot exists).
"""
import dataclasses
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "qemu"))
import run_tests as rt  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
OUT = rt.BUILD / "bench"
rt.QDIR = OUT / "qemu"  # its own ISOs and initramfs: a test run beside it cannot swap them

# (label, image, payload KiB, firmware, chainloader options)
CONFIGS = [
    ("bzImage", "bzimage", 4096, "bios", ""),
    ("vmlinux 64-bit", "vmlinux", 4096, "bios", ""),
    ("vmlinux PVH", "vmlinux", 4096, "bios", "entry=pvh"),
    ("bzImage, 100 MiB initrd", "bzimage", 102400, "bios", ""),
    ("bzImage", "bzimage", 4096, "uefi", ""),
]
# BENCH_ONLY="bzImage bios,PVH": configurations whose "label firmware" contains one of them.
ONLY = [o for o in os.environ.get("BENCH_ONLY", "").split(",") if o]
CONFIGS = [c for c in CONFIGS if not ONLY or any(o == f"{c[0]} {c[3]}" or o in c[0] for o in ONLY)]

OWN = re.compile(rb"(\d+) bytes to copy, (\d+) bytes placed; own time \d+ TSC ticks = (\d+) us")


def scenarios(label, image, kib, firmware, opts):
    common = dict(flavour="amd64", image=image, payload_kib=kib, initrd_gz=kib < 65536,
                  firmware=firmware, memory_mib=1024 if kib > 65536 else 512, timeout=300,
                  expect_fb=None)
    # On OVMF, QEMU's -kernel goes through the kernel's EFI stub, which is
    # handed "initrd=initrd" after the command line.
    direct_args = rt.GRUB_ARGS + (" initrd=initrd" if firmware == "uefi" else "")
    return {
        "qemu -kernel": rt.Scenario("bench-direct", "qemu-direct", expect_cmdline=direct_args, **common),
        "GRUB linux": rt.Scenario(f"bench-grub", "grub-linux", expect_cmdline=rt.CMDLINE_GRUB_LINUX, **common),
        "chainloader": rt.Scenario(f"bench-cl", "chainloader", expect_cmdline=rt.CMDLINE_MODULE2,
                                   loader_opts=f"verbose {opts}".strip(), **common),
    }


def main():
    rt.QDIR.mkdir(parents=True, exist_ok=True)
    rows = []
    for label, image, kib, firmware, opts in CONFIGS:
        sc = scenarios(label, image, kib, firmware, opts)
        if image == "vmlinux":
            del sc["GRUB linux"]  # GRUB's linux takes no ELF vmlinux
            if opts != "entry=pvh" or firmware == "uefi":
                del sc["qemu -kernel"]  # QEMU boots an ELF only by PVH (on SeaBIOS here)
        times = {k: [] for k in sc}
        own, copied, placed = [], None, None
        for r in range(ROUNDS):
            for way, s in sc.items():
                res = rt.run_scenario(s)
                if not res["passed"]:
                    print(f"  {label} ({firmware}) {way} round {r + 1}: FAIL {res['reason']}", flush=True)
                    continue
                times[way].append(res["seconds_to_done"])
                if way == "chainloader":
                    log = (rt.QDIR / f"{s.name}.serial.log").read_bytes()
                    m = OWN.search(log)
                    if m:
                        copied, placed = int(m.group(1)), int(m.group(2))
                        own.append(int(m.group(3)) / 1e6)
                print(f"  {label} ({firmware}) {way} round {r + 1}: {res['seconds_to_done']:.2f} s", flush=True)
        rows.append(dict(label=label, firmware=firmware, times=times, own=own, copied=copied, placed=placed))
    write(rows)


def med(v):
    return statistics.median(v) if v else float("nan")


def write(rows):
    size = subprocess.run(["size", "-A", str(rt.LOADER)], capture_output=True, text=True).stdout
    sect = {l.split()[0]: int(l.split()[1]) for l in size.splitlines() if l.startswith(".")}
    file_backed = sum(sect.get(s, 0) for s in (".text", ".rodata", ".data"))
    loaded = file_backed + sect.get(".bss", 0)
    md = ["# chainloader benchmark", "",
          f"QEMU {subprocess.run(['qemu-system-x86_64', '--version'], capture_output=True, text=True).stdout.split(chr(10))[0]}, TCG, "
          f"{ROUNDS} interleaved rounds; wall time from QEMU start to the initramfs marker (median, min-max).", "",
          "| configuration | firmware | qemu -kernel (a) | GRUB linux (b) | chainloader (c) | (c)/(b) | (c)/(a) | loader's own time | copied / placed bytes |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t = r["times"]

        def cell(k):
            v = t.get(k)
            return f"{med(v):.2f} s ({min(v):.2f}-{max(v):.2f})" if v else "-"
        c, b, a = med(t.get("chainloader", [])), med(t.get("GRUB linux", [])), med(t.get("qemu -kernel", []))
        ratio = lambda x, y: f"{x / y:.2f}" if t.get("chainloader") and y == y else "-"
        own = f"{med(r['own']) * 1000:.1f} ms" if r["own"] else "-"
        md.append(f"| {r['label']} | {r['firmware']} | {cell('qemu -kernel')} | {cell('GRUB linux')} | {cell('chainloader')} "
                  f"| {ratio(c, b)} | {ratio(c, a)} | {own} | {r['copied']} / {r['placed']} |")
    md += ["", f"chainloader.elf loadable segments: {file_backed} bytes from the file (.text+.rodata+.data) "
               f"+ {sect.get('.bss', 0)} bytes zeroed (.bss) = {loaded} bytes in memory.", ""]
    (OUT / "results.md").write_text("\n".join(md))
    (OUT / "results.json").write_text(json.dumps(rows, indent=2))
    print("\n".join(md))


if __name__ == "__main__":
    main()
