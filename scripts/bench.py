#!/usr/bin/env python3
"""make bench: chainloader against GRUB's own `linux` and QEMU's direct -kernel,
measured side by side (docs/BENCHMARKS.md).

Parts, all run by default; BENCH_ONLY (comma-separated, case-insensitive)
picks those whose name contains one of its words:
- one per configuration ("bzImage bios", "vmlinux PVH bios", ...): the
  three ways boot the same kernel and initramfs, interleaved, ROUNDS times
  each; the wall time is QEMU start to the initramfs marker (CL-DONE).
  chainloader's timed runs are without options; one extra, untimed run with
  `timing` (the same boot plus one line) gives its own time (TSC, entry to
  trampoline) and bytes copied/placed.
- "steps on bios", "steps on uefi": the bzImage through GRUB's linux and
  through chainloader, with `echo` lines between the menu entry's commands,
  so the serial output cuts the boot into steps (firmware, GRUB loading the
  files, GRUB's boot, the loader, the kernel).
- "instructions on bios", "instructions on uefi": the bzImage through the
  three ways, each boot under a QEMU plugin (scripts/insns_plugin.c) that
  counts the guest instructions: the work each way makes the guest do, free
  of the host's noise.
- "ram": the smallest -m, in 16 MiB steps, that boots the bzImage with the
  test initramfs through GRUB's linux and through chainloader.
Writes build/bench/results.md, results.json and timings.png (gnuplot).
"""
import dataclasses
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "qemu"))
import plumbing as pl  # noqa: E402  (tests/qemu: the QEMU boot plumbing)
import scenario as scn  # noqa: E402  (tests/qemu: a scenario's setup, expectations and run)
from scenarios import CMDLINE_GRUB_LINUX, CMDLINE_MODULE2  # noqa: E402
import benchstats as bs  # noqa: E402  (beside this file)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
OUT = pl.BUILD / "bench"
pl.QDIR = OUT / "qemu"  # its own ISOs and initramfs: a test run beside it cannot swap them

DIRECT, GRUB, CL = "qemu -kernel", "GRUB linux", "chainloader"
WAYS = (DIRECT, GRUB, CL)


@dataclasses.dataclass(frozen=True)
class Config:
    label: str
    image: str          # plumbing.Setup.image: "bzimage" or "vmlinux"
    payload_kib: int    # random payload in the initramfs
    firmware: str       # "bios" (SeaBIOS) or "uefi" (OVMF)
    entry: str = ""     # chainloader's entry= option ("" = auto)
    grub: str = "2.06"  # plumbing.Setup.grub: "2.12" is Debian 13's GRUB (with OVMF 2025 on uefi)
    ovmf: str = "2022"

    @property
    def name(self):
        return f"{self.label} {self.firmware}"


CONFIGS = [
    Config("bzImage", "bzimage", 4096, "bios"),
    Config("vmlinux 64-bit", "vmlinux", 4096, "bios", "entry=64"),
    Config("vmlinux PVH", "vmlinux", 4096, "bios", "entry=pvh"),
    Config("bzImage 100 MiB initrd", "bzimage", 102400, "bios"),
    Config("bzImage", "bzimage", 4096, "uefi"),
    Config("bzImage 100 MiB initrd", "bzimage", 102400, "uefi"),
    # The current stack: GRUB 2.12's linux starts the kernel's EFI stub, and
    # chainloader collects what the stub would (no TPM here: the same work on
    # both paths but for the log).
    Config("bzImage GRUB 2.12 OVMF 2025", "bzimage", 4096, "uefi", grub="2.12", ovmf="2025"),
]
RAM_CONFIG = CONFIGS[0]  # the smallest-RAM search boots this one, only -m differs

ONLY = [o.strip().lower() for o in os.environ.get("BENCH_ONLY", "").split(",") if o.strip()]

# The `timing` line with the loader's own time and the bytes the trampoline copies.
OWN = re.compile(rb"(\d+) bytes to copy, (\d+) bytes placed; own time (\d+) TSC ticks = (\d+) us")

RAM_STEP, RAM_MAX = 16, 512  # MiB
RAM_TIMEOUT = 90             # s: a boot that neither fails visibly nor finishes
# Serial output after which a boot will never reach CL-DONE: chainloader's
# error (it then halts), a GRUB error line, a kernel panic, the decompressor's halt.
FAILED = re.compile(rb"(?m)chainloader: error:[^\n]*|^(?:\r|\x1b\[[0-9;?]*[A-Za-z])*error: [^\n]*"
                    rb"|Kernel panic - not syncing[^\n]*|System halted")


def chosen(name):
    return not ONLY or any(o in name.lower() for o in ONLY)


# --- the scenarios -----------------------------------------------------------

def booting_line(cfg):
    """What chainloader's one-line summary must say (the entry asked for was taken)."""
    kind = "bzImage" if cfg.image == "bzimage" else "ELF"
    entry = "PVH" if cfg.entry == "entry=pvh" else "64-bit"
    return rb"^chainloader: booting " + kind.encode() + rb" .* by the " + entry.encode() + rb" entry at "


def scenarios(cfg):
    """{way: Scenario} for the timed runs, and the untimed chainloader `timing` run."""
    common = dict(flavour="amd64", image=cfg.image, payload_kib=cfg.payload_kib,
                  initrd_gz=cfg.payload_kib < 65536, firmware=cfg.firmware,
                  memory_mib=1024 if cfg.payload_kib > 65536 else 512, timeout=300,
                  fb=None, grub=cfg.grub, ovmf=cfg.ovmf)
    ways = {}
    # QEMU boots an ELF only by PVH, and that only on SeaBIOS.
    if cfg.image == "bzimage" or cfg.firmware == "bios":
        # On OVMF, QEMU's -kernel goes through the kernel's EFI stub, which is
        # handed "initrd=initrd" after the command line.
        args = pl.GRUB_ARGS + (" initrd=initrd" if cfg.firmware == "uefi" else "")
        ways[DIRECT] = scn.build("bench-direct", "qemu-direct", cmdline=args, **common)
    if cfg.image == "bzimage":  # GRUB's linux takes no ELF vmlinux
        ways[GRUB] = scn.build("bench-grub", "grub-linux", cmdline=CMDLINE_GRUB_LINUX, **common)
    # --nounzip, as the README recommends: the kernel gets the same initrd bytes
    # as by (a) and (b); by default GRUB would gunzip it first (about 1.3 s for
    # the 5 MB test initramfs under TCG) and hand over a larger, plain cpio.
    ways[CL] = scn.build("bench-cl", "chainloader", cmdline=CMDLINE_MODULE2,
                         loader_opts=cfg.entry, loader=(booting_line(cfg),),
                         initrd_nounzip=True, **common)
    timing = scn.replace(ways[CL], name="bench-cl-timing",
                         loader_opts=f"timing {cfg.entry}".strip(),
                         loader=(booting_line(cfg), rb"^chainloader: " + OWN.pattern))
    return ways, timing


# --- booting -----------------------------------------------------------------

class Progress:
    """Counts boots for the "[n/N]" in front of each progress line."""

    def __init__(self, total):
        self.n, self.total = 0, total

    def line(self, what, res):
        self.n += 1
        n = f"[{self.n}/{self.total}]" if self.total else f"[{self.n}]"
        if res["passed"]:
            print(f"{n} {what}: {res['seconds_to_done']:.2f} s", flush=True)
            return
        print(f"{n} {what}: FAIL {res['reason']}", flush=True)
        for line in (res["tail"] or [])[-5:]:
            print(f"      | {line}", flush=True)


def boot(sc, what, progress):
    res = scn.run_scenario(sc)
    progress.line(what, res)
    return res


def boot_failing_early(sc, what, progress):
    """Boot SC (a copy of it: its timeout is changed), but end it as soon as
    the serial output shows a failure (FAILED) instead of waiting for the
    timeout. plumbing.boot() re-reads setup.timeout at every poll, so setting
    it to 0 stops QEMU at the next one."""
    sc = scn.replace(sc)  # a copy of its setup too
    log = pl.QDIR / f"{sc.name}.serial.log"
    log.unlink(missing_ok=True)  # never read the previous boot's output
    stop, why = threading.Event(), []

    def watch():
        while not stop.wait(0.5):
            m = FAILED.search(log.read_bytes()) if log.exists() else None
            if m:
                why.append(pl.ANSI.sub(b"", m.group(0)).decode("utf-8", "replace").strip())
                sc.setup.timeout = 0
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        res = scn.run_scenario(sc)
    finally:
        stop.set()
        watcher.join()
    if why and not res["passed"]:
        res["reason"] = f"{why[0]} (stopped there)"
    progress.line(what, res)
    return res


def own_time(sc):
    """Bytes copied, bytes placed, TSC ticks and microseconds from the `timing` run's log."""
    m = OWN.search((pl.QDIR / f"{sc.name}.serial.log").read_bytes())
    return dict(zip(("copied", "placed", "tsc_ticks", "own_us"), map(int, m.groups()))) if m else {}


def round_order(ways, r):
    """The (way, scenario) pairs of round R (from 1): every other round in
    reverse order, so no way always boots right after the same other one
    (the host's state carries over from one boot to the next)."""
    order = list(ways.items())
    return order if r % 2 else order[::-1]


def interleaved(ways, rounds, what, progress, fails, after=None):
    """Boot every way ROUNDS times (round_order); {round: {way: result}} of
    the boots that passed, each failure's reason appended to FAILS[way].
    AFTER(scenario, result), if given, runs after each boot."""
    by_round = {}
    for r in range(1, rounds + 1):
        by_round[r] = {}
        for way, sc in round_order(ways, r):
            res = boot(sc, f"{what}: {way}, round {r}/{rounds}", progress)
            if after:
                after(sc, res)
            if res["passed"]:
                by_round[r][way] = res
            else:
                fails[way].append(res["reason"])
    return by_round


def from_entry_of(res):
    """Seconds from GRUB's "Booting `...'" line to the marker, or None."""
    entry = res.get("seconds_to_grub_entry")
    return None if entry is None else res["seconds_to_done"] - entry


def bench_config(cfg, progress):
    ways, timing = scenarios(cfg)
    times = {w: [] for w in ways}
    from_entry = {w: [] for w in ways}  # from GRUB's "Booting `...'" line to the marker
    fails = {w: [] for w in ways}
    # Where the time goes: QEMU start -> GRUB's menu entry -> the kernel's
    # first line on the serial port -> the marker.
    phases = {w: {p: [] for p in PHASES} for w in ways}
    pairs = []  # (b, c) from GRUB's menu entry, rounds where both passed
    totals = []  # (b, c) from QEMU start, rounds where both passed
    for passed in interleaved(ways, ROUNDS, cfg.name, progress, fails).values():
        for way, res in passed.items():
            times[way].append(res["seconds_to_done"])
            if from_entry_of(res) is not None:
                from_entry[way].append(from_entry_of(res))
            for p, v in phase_split(res).items():
                phases[way][p].append(v)
        if GRUB in passed and CL in passed:
            b, c = passed[GRUB], passed[CL]
            totals.append((b["seconds_to_done"], c["seconds_to_done"]))
            if from_entry_of(b) is not None and from_entry_of(c) is not None:
                pairs.append((from_entry_of(b), from_entry_of(c)))
    res = boot(timing, f"{cfg.name}: chainloader timing (untimed)", progress)
    v = dict(seconds=res.get("seconds_to_done"), reason=res["reason"])  # none when it failed
    if res["passed"]:
        v.update(own_time(timing))
    return dict(name=cfg.name, label=cfg.label, firmware=cfg.firmware, entry=cfg.entry,
                times=times, from_entry=from_entry, pairs=pairs, totals=totals, phases=phases,
                fails=fails, timing=v)


PHASES = ("to GRUB's menu entry", "menu entry to the kernel's first line", "kernel's first line to the marker")


def phase_split(res):
    """The boot cut at GRUB's "Booting `...'" line and at the kernel's first
    line ("Linux version", printed when its serial console starts): firmware
    and GRUB start-up | GRUB loading the files, the loader, the decompressor,
    the kernel's early set-up | the kernel's boot to /init and the marker."""
    e, k, d = res.get("seconds_to_grub_entry"), res.get("seconds_to_kernel"), res["seconds_to_done"]
    if k is None or (e is not None and not e <= k <= d):
        return {}
    split = {PHASES[2]: d - k}
    if e is not None:
        split.update({PHASES[0]: e, PHASES[1]: k - e})
    return split


# --- step by step: GRUB's part cut by `echo` lines -----------------------------

STEP = "bench-step:"  # echoed by the menu entry between its commands
# Marks of these boots beyond what every boot records (GRUB's menu entry,
# the kernel's first line, the marker: see step_marks).
STEP_MARKS = (
    # On OVMF the firmware's console echoes GRUB's output on the serial port
    # too, word by word into GRUB's own: "bench-step:bench-step:  loadload".
    ("load", STEP.encode() + rb"[^\n]*load"),        # before linux / multiboot2
    ("modules", STEP.encode() + rb"[^\n]*modules"),  # (c): after multiboot2, before module2
    ("boot", STEP.encode() + rb"[^\n]*boot"),        # after the last command: GRUB boots
    ("loader", rb"chainloader \d+\.\d+\.\d+ \("),  # (c): chainloader's banner
)
# (column, from mark, to mark); a column is empty where a mark does not exist.
STEPS = (
    ("firmware and GRUB start-up", None, "grub_entry"),
    ("GRUB loads the files", "load", "boot"),
    ("of which `multiboot2 chainloader.elf`", "load", "modules"),
    ("GRUB's boot to chainloader's banner", "boot", "loader"),
    ("chainloader's banner to the kernel's first line", "loader", "kernel"),
    ("GRUB's boot to the kernel's first line", "boot", "kernel"),
    ("kernel's first line to the marker", "kernel", "done"),
)
STEP_CONFIGS = [c for c in CONFIGS if c.label == "bzImage"]


def steps_name(cfg):
    return f"steps on {cfg.firmware}"


def step_scenarios(cfg):
    """(b) and (c) of CFG with `echo` lines between the menu entry's commands."""
    ways, _ = scenarios(cfg)

    def echo(what):
        return f"  echo {STEP} {what}\n"
    out = {}
    for way in (GRUB, CL):
        extra = dict(name=f"{ways[way].name}-steps", grub_pre=echo("load"), grub_post=echo("boot"),
                     time_marks=STEP_MARKS)
        if way == CL:
            extra["grub_after_loader"] = echo("modules")
        out[way] = scn.replace(ways[way], **extra)
    return out


def step_marks(res):
    """All marks of a passed step boot, in seconds from QEMU's start."""
    return dict(res["marks"], kernel=res["seconds_to_kernel"], done=res["seconds_to_done"])


def bench_steps(cfg, progress):
    steps = {way: {col: [] for col, _, _ in STEPS} for way in (GRUB, CL)}
    fails = {way: [] for way in (GRUB, CL)}
    for passed in interleaved(step_scenarios(cfg), ROUNDS, steps_name(cfg), progress, fails).values():
        for way, res in passed.items():
            marks = step_marks(res)
            for col, a, b in STEPS:
                if marks.get(b) is not None and (a is None or marks.get(a) is not None):
                    steps[way][col].append(marks[b] - (marks[a] if a else 0.0))
    return dict(name=steps_name(cfg), firmware=cfg.firmware, steps=steps, fails=fails)


def steps_section(step_rows):
    md = ["## Step by step", "",
          "bzImage with the test initramfs through (b) and (c), the menu entry with an `echo` line "
          "before its first command, after `multiboot2` and after its last command; the times at "
          "which these lines, chainloader's banner, the kernel's first line and the marker reach "
          "the serial port cut the boot into steps (medians, seconds; `-` where a step does not exist).", "",
          "| firmware | way | " + " | ".join(col for col, _, _ in STEPS) + " |",
          "|---|---|" + "---|" * len(STEPS)]
    for r in step_rows:
        for way, cols in r["steps"].items():
            md.append(f"| {r['firmware']} | {way} | "
                      + " | ".join(f"{med(v):.2f}" if v else "-" for v in cols.values()) + " |")
    failed = failed_boots(step_rows)
    return md + ([""] + failed if failed else [])


# --- guest instructions: the work each way makes the guest do ---------------

PLUGIN = OUT / "insns_plugin.so"  # scripts/insns_plugin.c, built by make bench
INSN_ROUNDS = min(ROUNDS, 3)      # the counts repeat to a fraction of a percent
INSN_COLS = BEFORE_KERNEL, AT_LOADER, IN_KERNEL, TOTAL, BLOCKS = (
    "to the kernel proper", "of which at 1-2 MiB", "kernel proper", "total", "blocks translated")


def insns_name(cfg):
    return f"instructions on {cfg.firmware}"


def read_counts(path):
    """{region: (insns, blocks, insns before the kernel proper, blocks before)}."""
    counts = {}
    for line in path.read_text().splitlines():
        name, *nums = line.split()
        counts[name] = tuple(int(n) for n in nums)
    return counts


def insn_columns(counts):
    total = sum(v[0] for v in counts.values())
    before = sum(v[2] for v in counts.values())
    return {BEFORE_KERNEL: before, AT_LOADER: counts["1MiB-2MiB"][2], IN_KERNEL: total - before,
            TOTAL: total, BLOCKS: sum(v[1] for v in counts.values())}


def insns_file(sc):
    return pl.QDIR / f"{sc.name}.insns.txt"


def take_counts(sc, res):
    """After a plugin boot: its counts into the result (None if the plugin
    wrote none), and the file gone, so no later boot can be credited with them."""
    out = insns_file(sc)
    res["insns"] = read_counts(out) if out.exists() else None
    out.unlink(missing_ok=True)


def bench_insns(cfg, progress):
    """The bzImage row's three ways again, each boot under the counting plugin
    (slower; not timed)."""
    ways = {way: scn.replace(sc, qemu_extra=("-plugin", f"{PLUGIN},out={insns_file(sc)}"))
            for way, sc in scenarios(cfg)[0].items()}
    for sc in ways.values():
        insns_file(sc).unlink(missing_ok=True)  # left by an interrupted run
    runs = {way: [] for way in ways}
    fails = {way: [] for way in ways}
    by_round = interleaved(ways, INSN_ROUNDS, insns_name(cfg), progress, fails, after=take_counts)
    for passed in by_round.values():
        for way, res in passed.items():
            if res["insns"] is None:
                fails[way].append("the plugin wrote no counts")
            else:
                runs[way].append(dict(insn_columns(res["insns"]), regions=res["insns"]))
    return dict(name=insns_name(cfg), firmware=cfg.firmware, runs=runs, fails=fails)


def insns_section(insn_rows):
    md = ["## Guest instructions", "",
          f"The bzImage row's three ways, {INSN_ROUNDS} round{'s' if INSN_ROUNDS != 1 else ''}, each boot "
          "under a QEMU plugin (scripts/insns_plugin.c) that counts the guest instructions executed "
          "until QEMU exits after the marker, split where the kernel proper's first code (the upper "
          "half of the address space) is translated; 1-2 MiB is where chainloader runs. Medians, "
          "millions. Wall time under TCG also depends on how QEMU executes the instructions "
          "(its software TLB, translation), which these counts leave out.", "",
          "| firmware | way | " + " | ".join(INSN_COLS) + " |", "|---|---|" + "---|" * len(INSN_COLS)]
    ratios = []
    for r in insn_rows:
        meds = {way: {c: med([x[c] for x in v]) for c in INSN_COLS} for way, v in r["runs"].items() if v}
        for way, m in meds.items():
            md.append(f"| {r['firmware']} | {way} | " + " | ".join(
                f"{m[c] / 1e6:,.1f}" if c != BLOCKS else f"{m[c]:,.0f}" for c in INSN_COLS) + " |")
        if GRUB in meds and CL in meds:
            b, c = meds[GRUB], meds[CL]
            ratios.append(f"- {r['firmware']}: (c)/(b) guest instructions {c[TOTAL] / b[TOTAL]:.4f} "
                          f"in all, {c[BEFORE_KERNEL] / b[BEFORE_KERNEL]:.4f} to the kernel proper, "
                          f"{c[IN_KERNEL] / b[IN_KERNEL]:.4f} in the kernel proper "
                          f"({(c[TOTAL] - b[TOTAL]) / 1e6:+,.1f} M in all)")
    failed = failed_boots(insn_rows)
    return md + [""] + ratios + ([""] + failed if failed else [])


def smallest_ram(way, sc, progress):
    """Binary search over the multiples of RAM_STEP up to RAM_MAX for the
    smallest -m that boots SC (assuming more RAM never hurts): RAM_MAX first,
    then about log2(RAM_MAX / RAM_STEP) boots."""
    tried = {}

    def boots(k):
        mib = k * RAM_STEP
        res = boot_failing_early(scn.replace(sc, memory_mib=mib, timeout=RAM_TIMEOUT),
                                 f"ram: {way}, -m {mib}", progress)
        tried[mib] = res["seconds_to_done"] if res["passed"] else res["reason"]
        return res["passed"]

    lo, hi = 0, RAM_MAX // RAM_STEP  # lo: known not to boot (0 MiB)
    if not boots(hi):
        return dict(mib=None, tried=tried)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if boots(mid):
            hi = mid
        else:
            lo = mid
    below = lo * RAM_STEP
    return dict(mib=hi * RAM_STEP, below=below, below_reason=tried.get(below, "no RAM"), tried=tried)


def ram_search(progress):
    ways, _ = scenarios(RAM_CONFIG)
    return {way: smallest_ram(way, scn.replace(ways[way], name=f"bench-ram-{ways[way].setup.boot}"), progress)
            for way in (GRUB, CL)}


def ram_verdict(ram):
    """The issue's target: the same smallest RAM through chainloader as through GRUB's linux."""
    g, c = ram[GRUB]["mib"], ram[CL]["mib"]
    if not g or not c:
        return "NOT met: no answer for one of them"
    if g == c:
        return "met: the same"
    if c < g:
        return f"not the same: chainloader boots in {g - c} MiB less than GRUB's linux"
    return f"NOT met: chainloader needs {c - g} MiB more than GRUB's linux"


# --- the report --------------------------------------------------------------

med = bs.median


def cell(v):
    return f"{med(v):.2f} s ({min(v):.2f}-{max(v):.2f})" if v else "-"


def ratio(x, y):
    return f"{x / y:.2f}" if x == x and y == y else "-"  # NaN != NaN: a side missing


def loader_size():
    out = subprocess.run(["size", "-A", str(pl.LOADER)], capture_output=True, text=True).stdout
    sect = {l.split()[0]: int(l.split()[1]) for l in out.splitlines() if l.startswith(".")}
    file_backed = sum(sect.get(s, 0) for s in (".text", ".rodata", ".data", ".reloc"))
    return dict(file_backed=file_backed, bss=sect.get(".bss", 0), loaded=file_backed + sect.get(".bss", 0))


def summary(r):
    """The derived figures of one configuration row."""
    t, v = r["times"], r["timing"]
    c = med(t.get(CL, []))
    own = v.get("own_us", float("nan")) / 1e6
    fe = r.get("from_entry", {})
    pairs, totals = r.get("pairs", []), r.get("totals", [])
    paired = [pc / pb for pb, pc in totals]
    paired_entry = [pc / pb for pb, pc in pairs]
    return dict(c_wins=f"{sum(pc < pb for pb, pc in pairs)} of {len(pairs)}" if pairs else "-",
                c_over_b_paired=f"{med(paired):.2f}" if paired else "-",
                c_over_b_paired_ci=bs.median_ci(paired),
                c_over_b_entry_paired=f"{med(paired_entry):.2f}" if paired_entry else "-",
                c_over_b_entry_paired_ci=bs.median_ci(paired_entry),
                c_over_b=ratio(c, med(t.get(GRUB, []))), c_over_a=ratio(c, med(t.get(DIRECT, []))),
                c_over_b_entry=ratio(med(fe.get(CL, [])), med(fe.get(GRUB, []))),
                own=f"{own * 1000:.1f} ms" if own == own else "-",
                own_pct=f"{100 * own / c:.2f} %" if own == own and c == c else "-",
                bytes=f"{v['copied']} / {v['placed']}" if "copied" in v else "-",
                timing=f"{v['seconds']:.2f} s" if v.get("seconds") else "-")


def table(rows):
    md = ["| configuration | firmware | qemu -kernel (a) | GRUB linux (b) | chainloader (c) | (c)/(b) | (c)/(a) "
          "| (b) from GRUB's menu entry | (c) from GRUB's menu entry | (c)/(b) from the entry "
          "| rounds (c) < (b) from the entry | (c) own time | (c) own time % of boot | copied / placed bytes | (c) with `timing`, untimed |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        s, t, fe = summary(r), r["times"], r.get("from_entry", {})
        md.append(f"| {r['label']} | {r['firmware']} | {cell(t.get(DIRECT))} | {cell(t.get(GRUB))} | {cell(t.get(CL))} "
                  f"| {s['c_over_b']} | {s['c_over_a']} | {cell(fe.get(GRUB))} | {cell(fe.get(CL))} | {s['c_over_b_entry']} "
                  f"| {s['c_wins']} | {s['own']} | {s['own_pct']} | {s['bytes']} | {s['timing']} |")
    return md + table_failures(rows)


def paired_table(rows):
    """The per-round ratios (c)/(b): (b) and (c) boot one after the other in
    each round, so a round's ratio leaves out what the host did over the
    whole run; their median, and the interval it lies in (benchstats)."""
    md = ["| configuration | firmware | rounds with (b) and (c) passed | (c)/(b) per round: median "
          "| its 95 % interval (coverage) | from GRUB's menu entry: median | its 95 % interval (coverage) "
          "| what the rounds show (from the menu entry) |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        s = summary(r)
        if s["c_over_b_paired"] == "-":
            continue
        md.append(f"| {r['label']} | {r['firmware']} | {len(r['totals'])} | {s['c_over_b_paired']} "
                  f"| {bs.ci_text(s['c_over_b_paired_ci'])} | {s['c_over_b_entry_paired']} "
                  f"| {bs.ci_text(s['c_over_b_entry_paired_ci'])} | {bs.ratio_verdict(s['c_over_b_entry_paired_ci'])} |")
    return md


def phase_table(rows):
    """Where the time goes: the median of each phase per way (phase_split)."""
    md = ["| configuration | firmware | way | " + " | ".join(PHASES) + " | total |",
          "|---|---|---|" + "---|" * (len(PHASES) + 1)]
    for r in rows:
        for way, ph in r.get("phases", {}).items():
            cells = [f"{med(ph[p]):.2f} s" if ph[p] else "-" for p in PHASES]
            md.append(f"| {r['label']} | {r['firmware']} | {way} | " + " | ".join(cells)
                      + f" | {med(r['times'].get(way, [])):.2f} s |")
    return md


def failed_boots(rows):
    return [f"- FAILED (not counted): {r['name']}, {way}: {why}"
            for r in rows for way, reasons in r["fails"].items() for why in reasons]


def table_failures(rows):
    failed = failed_boots(rows)
    failed += [f"- FAILED: {r['name']}, chainloader timing: {r['timing']['reason']}"
               for r in rows if r["timing"]["reason"]]
    return [""] + failed if failed else []


def ram_section(ram):
    md = ["## Smallest RAM", "",
          f"{RAM_CONFIG.label} with the test initramfs ({RAM_CONFIG.payload_kib} KiB payload), "
          f"{RAM_CONFIG.firmware}: the smallest `-m`, in {RAM_STEP} MiB steps up to {RAM_MAX} MiB "
          "(binary search), that boots; the scenario of the timed row, only `-m` changed.", "",
          "| loader | boots at | next step down | boots tried (MiB: seconds or failure) |", "|---|---|---|---|"]
    for way, r in ram.items():
        tried = "; ".join(f"{m}: {v:.1f} s" if isinstance(v, float) else f"{m}: {v}" for m, v in r["tried"].items())
        at = f"{r['mib']} MiB" if r["mib"] else f"not at {RAM_MAX} MiB"
        below = f"{r['below']} MiB: {r['below_reason']}" if r["mib"] else "-"
        md.append(f"| {way} | {at} | {below} | {tried} |")
    md += ["", f"Through chainloader as through GRUB's linux: {ram_verdict(ram)}."]
    return md


def targets(rows, ram):
    """The issue's targets, met or not."""
    md = ["## Targets", ""]
    for r in rows:
        s = summary(r)
        if s["c_over_b"] != "-":
            md.append(f"- {r['name']}: (c)/(b) = {s['c_over_b']} (target <= 1.00: "
                      f"{'met' if float(s['c_over_b']) <= 1.0 else 'NOT met'}); from GRUB's menu entry "
                      f"on (firmware and GRUB start-up left out): {s['c_over_b_entry']}, (c) faster in "
                      f"{s['c_wins']} rounds; median of the per-round ratios (c)/(b): {s['c_over_b_paired']} "
                      f"(95 % interval {bs.ci_text(s['c_over_b_paired_ci'])}), from the entry "
                      f"{s['c_over_b_entry_paired']} ({bs.ci_text(s['c_over_b_entry_paired_ci'])}): "
                      f"{bs.ratio_verdict(s['c_over_b_entry_paired_ci'])}")
        if s["own_pct"] != "-":
            md.append(f"- {r['name']}: own time {s['own_pct']} of the boot (target < 1 %: "
                      f"{'met' if float(s['own_pct'].split()[0]) < 1.0 else 'NOT met'})")
    if ram:
        mib = {w: f"{r['mib']} MiB" if r["mib"] else f"no boot at {RAM_MAX} MiB" for w, r in ram.items()}
        md.append(f"- smallest RAM: GRUB linux {mib[GRUB]}, chainloader {mib[CL]} "
                  f"(target: the same; {ram_verdict(ram)})")
    return md


def plot(rows):
    """timings.png: per configuration the three ways side by side, median as a
    bar, min-max as an error bar (gnuplot; data in timings.dat)."""
    (OUT / "timings.png").unlink(missing_ok=True)  # never leave an older run's plot
    if not rows or not shutil.which("gnuplot"):
        return None
    dat = ["# index\tmedian min max for: " + ", ".join(WAYS)]
    for i, r in enumerate(rows):
        cols = []
        for way in WAYS:
            v = r["times"].get(way)
            cols += [f"{med(v):.3f}", f"{min(v):.3f}", f"{max(v):.3f}"] if v else ["-"] * 3
        dat.append("\t".join([str(i)] + cols))
    (OUT / "timings.dat").write_text("\n".join(dat) + "\n")
    xtics = ", ".join(f'"{r["label"]}\\n{r["firmware"]}" {i}' for i, r in enumerate(rows))
    series = []
    for j, (way, colour) in enumerate(zip(("qemu -kernel (a)", "GRUB linux (b)", "chainloader (c)"),
                                          ("#9e9e9e", "#4472c4", "#ed7d31"))):
        x, y = f"($1{(j - 1) * 0.27:+.2f})", 2 + 3 * j
        series += [f"'timings.dat' using {x}:{y} with boxes lc rgb '{colour}' title '{way}'",
                   f"'' using {x}:{y}:{y + 1}:{y + 2} with yerrorbars lc rgb 'black' lw 1.5 pt 7 ps 0.4 notitle"]
    script = "\n".join([
        "set terminal pngcairo size 1100,600 noenhanced font ',10'",
        "set output 'timings.png'",
        "set datafile missing '-'",
        f"set title 'Wall time from QEMU start to the initramfs marker: median (bar), min-max, {ROUNDS} round{'s' if ROUNDS != 1 else ''} (TCG)'",
        "set ylabel 'seconds'", "set yrange [0:*]", f"set xrange [-0.5:{len(rows) - 0.5}]",
        f"set xtics ({xtics})", "set boxwidth 0.25", "set style fill solid 0.8 border -1",
        "set grid ytics", "set key top left", "set bmargin 4",
        "plot " + ", \\\n     ".join(series), ""])
    (OUT / "timings.gp").write_text(script)
    res = subprocess.run(["gnuplot", "timings.gp"], cwd=OUT, capture_output=True, text=True)
    if res.returncode:
        print(f"gnuplot failed: {res.stderr.strip()}", file=sys.stderr)
        return None
    return OUT / "timings.png"


def qemu_version():
    out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0]


def write(rows, ram, step_rows=(), insn_rows=()):
    size = loader_size()
    png = plot(rows)
    md = ["# chainloader benchmark", "", f"{qemu_version()}, TCG, {datetime.date.today()}, {os.cpu_count()} CPUs.", ""]
    if rows:
        md += [f"{ROUNDS} interleaved rounds; wall time from QEMU start to the initramfs marker (median, min-max). "
               "chainloader's timed runs are without options; its own time (entry to trampoline, TSC) and "
               "bytes come from one extra run per configuration with the option `timing` (one more line), "
               "whose wall time is the last column.", ""]
        md += table(rows) + [""]
        md += ["Paired rounds: in each round (b) and (c) boot one right after the other, so the ratio of a "
               "round leaves out most of the host's drift over the run. The interval is distribution-free "
               "(order statistics, sign test): it holds the true median ratio with the coverage given.", ""]
        md += paired_table(rows) + [""]
        md += ["Where the time goes (medians; the cuts are GRUB's `Booting` line and the kernel's first "
               "line on the serial port; qemu -kernel has no menu entry):", ""]
        md += phase_table(rows) + [""]
    if png:
        md += ["![timings: median bars, min-max error bars](timings.png)", "",
               "(timings.png; its data: timings.dat, its gnuplot script: timings.gp)", ""]
    if step_rows:
        md += steps_section(step_rows) + [""]
    if insn_rows:
        md += insns_section(insn_rows) + [""]
    if ram:
        md += ram_section(ram) + [""]
    md += targets(rows, ram) + [""]
    md += [f"chainloader.elf loadable segments: {size['file_backed']} bytes from the file (.text+.rodata+.data) "
           f"+ {size['bss']} bytes zeroed (.bss) = {size['loaded']} bytes in memory.", ""]
    (OUT / "results.md").write_text("\n".join(md))
    (OUT / "results.json").write_text(json.dumps(dict(
        qemu=qemu_version(), rounds=ROUNDS, date=str(datetime.date.today()), configs=rows,
        summary={r["name"]: summary(r) for r in rows}, steps=list(step_rows),
        instructions=list(insn_rows), ram=ram,
        loader_size=size), indent=2) + "\n")
    return md


def main():
    import argparse
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="BENCH_ONLY and BENCH_ROUNDS "
                            "(environment) pick the parts and the rounds; see docs/BENCHMARKS.md.").parse_args()
    pl.QDIR.mkdir(parents=True, exist_ok=True)
    configs = [c for c in CONFIGS if chosen(c.name)]
    step_configs = [c for c in STEP_CONFIGS if chosen(steps_name(c))]
    insn_configs = [c for c in STEP_CONFIGS if chosen(insns_name(c))]
    do_ram = chosen("ram")
    if not configs and not step_configs and not insn_configs and not do_ram:
        print(f"BENCH_ONLY={os.environ['BENCH_ONLY']!r} matches nothing; parts: "
              + ", ".join([c.name for c in CONFIGS] + [steps_name(c) for c in STEP_CONFIGS]
                          + [insns_name(c) for c in STEP_CONFIGS]) + ", ram", file=sys.stderr)
        return 2
    if insn_configs and not PLUGIN.exists():
        print(f"{PLUGIN} is missing: run make bench (it builds the plugin)", file=sys.stderr)
        return 2
    progress = Progress(sum(len(scenarios(c)[0]) * ROUNDS + 1 for c in configs)
                        + 2 * ROUNDS * len(step_configs)
                        + sum(len(scenarios(c)[0]) * INSN_ROUNDS for c in insn_configs))
    rows, ram, step_rows, insn_rows = [], None, [], []
    for cfg in configs:
        rows.append(bench_config(cfg, progress))
        write(rows, ram)  # a partial report after each configuration
    for cfg in step_configs:
        step_rows.append(bench_steps(cfg, progress))
        write(rows, ram, step_rows)
    for cfg in insn_configs:
        insn_rows.append(bench_insns(cfg, progress))
        write(rows, ram, step_rows, insn_rows)
    if do_ram:
        progress.total = 0  # the search's length depends on the answers
        ram = ram_search(progress)
    print("\n".join(write(rows, ram, step_rows, insn_rows)))
    written = [OUT / f for f in ("results.md", "results.json", "timings.png")]
    print("\nwritten: " + ", ".join(str(f) for f in written if f.exists()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
