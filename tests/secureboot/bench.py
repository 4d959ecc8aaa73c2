#!/usr/bin/env python3
"""make secureboot-bench: boot time through chainloader.efi against GRUB's own
`linux`, under Secure Boot, on Debian 12's and 13's stock signed chains
(docs/BENCHMARKS.md, "Secure Boot").

Per chain, the same machine (tests/secureboot/machine.py: OVMF secboot with
SMM, the MOK-enrolled variables, swtpm, virtio-rng), the same signed Debian
kernel and the same test initramfs, booted two ways, interleaved, ROUNDS
times each (every other round in reverse order):
  (b) GRUB's `linux` + `initrd` of the signed kernel (shim verifies it, and the
      kernel's EFI stub runs);
  (c) `linux /boot/chainloader.efi -- ...` (MOK-signed) + `initrd
      newc:vmlinuz:... initrd.img` (shim verifies chainloader.efi, then the
      kernel through SHIM_LOCK).
Measured: the wall time from QEMU's start to the initramfs' CL-DONE marker,
and to the kernel's first line (plumbing.Booted's t_done and t_kernel). Each boot is checked (the command
line, Secure boot enabled), so a failed boot is never a time. Prints the
medians, the ratio (c)/(b) with its interval (scripts/benchstats.py), and
chainloader.efi's size.

  BENCH_ROUNDS=N (default 5)   BENCH_RELEASES="12 13"
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
import benchstats  # noqa: E402
import machine as mc  # noqa: E402
import plumbing as pl  # noqa: E402

CMDLINE = "console=ttyS0,115200 panic=-1 cl.bench=1"
TIMEOUT = 240.0


def grub_cfg(body):
    return ("serial --unit=0 --speed=115200\nterminal_input serial console\nterminal_output serial console\n"
            "set timeout=0\nset default=0\n"
            f"menuentry 'bench' {{\n{body}}}\n")


def ways(chain, signed_efi):
    kernel = {"vmlinuz": chain.kernel, "initrd.img": chain.initrd}
    return {
        "b": (kernel, grub_cfg(f"  linux /boot/vmlinuz {CMDLINE}\n  initrd /boot/initrd.img\n")),
        "c": (dict(kernel, **{"chainloader.efi": signed_efi}),
              grub_cfg(f"  linux /boot/chainloader.efi -- {CMDLINE}\n"
                       "  initrd newc:vmlinuz:/boot/vmlinuz /boot/initrd.img\n")),
    }


def one_boot(chain, way, files, cfg, r):
    name = f"sb{chain.release}-bench-{way}-{r}"
    machine = mc.Boot(name, chain, files, cfg).make()
    booted = mc.run(machine, mc.setup_for("chainloader" if way == "c" else "grub-linux", TIMEOUT))
    lines = pl.lines_of(booted.data)
    got = pl.marker(lines, "CL-CMDLINE").decode()
    sb = pl.marker(lines, "CL-SECUREBOOT").decode()
    want = CMDLINE if way == "c" else f"BOOT_IMAGE=/boot/vmlinuz {CMDLINE}"  # GRUB's linux adds it
    if got != want or sb != "Secure boot enabled" or booted.t_done is None:
        raise pl.Fail(f"{name}: CL-CMDLINE {got!r}, CL-SECUREBOOT {sb!r} (see {pl.QDIR / name}.serial.log)")
    return booted.t_done, booted.t_kernel


def main():
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    releases = os.environ.get("BENCH_RELEASES", "12 13").split()
    efi_size = mc.EFI_IMAGE.stat().st_size
    print(f"chainloader.efi: {efi_size} bytes unsigned")
    rows = []
    for release in releases:
        chain = mc.make_chain(release)
        signed = mc.sbsign(mc.EFI_IMAGE, pl.QDIR / f"sb{release}-bench-chainloader.efi", chain)
        w = ways(chain, signed)
        times = {"b": [], "c": []}
        kernel_times = {"b": [], "c": []}
        for r in range(rounds):
            for way in (("b", "c") if r % 2 == 0 else ("c", "b")):
                total, kernel = one_boot(chain, way, *w[way], r)
                times[way].append(total)
                if kernel is not None:
                    kernel_times[way].append(kernel)
                print(f"  Debian {release} ({way}) round {r + 1}: {total:.1f} s to CL-DONE"
                      + (f", {kernel:.1f} s to 'Linux version'" if kernel is not None else ""), flush=True)
        ratios = [c / b for b, c in zip(times["b"], times["c"])]
        ci = benchstats.median_ci(ratios)
        rows.append((release, chain, times, kernel_times, ratios, ci))
    print("\n| chain | GRUB's linux (b) | chainloader.efi (c) | (c)/(b) median | interval | verdict |")
    print("|---|---|---|---|---|---|")
    for release, chain, times, kernel_times, ratios, ci in rows:
        print(f"| Debian {release}: shim {chain.info['shimx64.efi']}, GRUB {chain.info['grubx64.efi']}, "
              f"{chain.info['kernel']} | {benchstats.median(times['b']):.1f} s | {benchstats.median(times['c']):.1f} s "
              f"| {benchstats.median(ratios):.2f} | {benchstats.ci_text(ci)} | {benchstats.ratio_verdict(ci)} |")
    for release, chain, times, kernel_times, ratios, ci in rows:
        if kernel_times["b"] and kernel_times["c"]:
            print(f"Debian {release}: to the kernel's first line, median (b) {benchstats.median(kernel_times['b']):.1f} s,"
                  f" (c) {benchstats.median(kernel_times['c']):.1f} s")


if __name__ == "__main__":
    main()
