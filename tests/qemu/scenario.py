"""A scenario: a name, its setup (plumbing.Setup: what is booted, how) and
its expectations (checks.Expect: what the boot must show), and how one runs.

    sc = Scenario("chainloader-amd64", Setup("chainloader"),
                  Expect(cmdline=CMDLINE_MODULE2, loader=(rb"^chainloader: booting bzImage ",)))
    result = run_scenario(sc)      # {"name", "passed", "reason", "tail", timings, values...}

The table is tests/qemu/scenarios.py; pytest runs it (tests/qemu/test_boot.py);
scripts/bench.py and tests/qemu/test_differential.py run scenarios of their own.
"""

import dataclasses

import checks
import plumbing as pl
from checks import Expect  # noqa: F401  (re-exported for the tables)
from plumbing import Fail, Setup  # noqa: F401

# boot_params.secure_boot as chainloader must set it: 0 (unset) on BIOS; on
# OVMF, whose variable store has no keys enrolled, 2 (disabled), as Linux's
# EFI stub decides from SecureBoot/SetupMode.
PROBE_SECURE_BOOT = {"bios": 0, "uefi": 2}


@dataclasses.dataclass
class Scenario:
    name: str
    setup: Setup
    expect: Expect
    # Only in `make test-full` (pytest marker "full"): the rest of a matrix
    # whose one boot per capability is in `make test`.
    full: bool = False


def replace(sc, **changes):
    """A copy of SC with CHANGES, each to the name, `full`, the setup or the
    expectations, whichever has that field."""
    top = {k: changes.pop(k) for k in ("name", "full", "setup", "expect") if k in changes}
    setup_fields = {f.name for f in dataclasses.fields(Setup)}
    expect_fields = {f.name for f in dataclasses.fields(Expect)}
    unknown = set(changes) - setup_fields - expect_fields
    if unknown:
        raise TypeError(f"no such scenario field: {', '.join(sorted(unknown))}")
    setup = dataclasses.replace(top.pop("setup", sc.setup), **{k: v for k, v in changes.items() if k in setup_fields})
    expect = dataclasses.replace(top.pop("expect", sc.expect),
                                 **{k: v for k, v in changes.items() if k in expect_fields})
    return dataclasses.replace(sc, setup=setup, expect=expect, **top)


def build(name, boot, full=False, **fields):
    """Scenario(name, Setup(boot, ...), Expect(...)) from FIELDS, each given
    to the setup or the expectations, whichever has it (for scenarios made
    by programs: scripts/bench.py, tests/qemu/test_differential.py)."""
    return replace(Scenario(name, Setup(boot), Expect(), full), **fields)


def probe_arguments(sc, crc):
    """A probe kernel's scenario with its command line: what the probe must
    find (the RAM, the initrd's size and CRC-32, the firmware, the
    framebuffer, the RNG seed, secure_boot), and the same as GRUB re-quotes it
    as the expected command line."""
    s = sc.setup
    # GRUB gives chainloader a framebuffer on both firmwares; OVMF keeps about
    # 6.5 MiB more RAM to itself than SeaBIOS.
    uefi = s.firmware == "uefi"
    args = (f"{pl.PROBE_ARGS} probe.mem_mib={s.memory_mib} "
            f"probe.initrd_size={pl.PROBE_INITRD_SIZE} probe.initrd_crc32={crc} "
            f"probe.firmware={s.firmware} probe.fb={'efi' if uefi else 'vlfb'} "
            f"probe.rng={sc.expect.probe_rng} probe.secure_boot={PROBE_SECURE_BOOT[s.firmware]}"
            + (" probe.mem_slack_mib=8 probe.kaslr=1" if uefi else ""))
    return replace(sc, grub_args=args, cmdline=args.replace(pl.PROBE_ARGS, pl.PROBE_ARGS_AS_PASSED))


def until(expect):
    """When the boot may end early, from what it must show."""
    return pl.Until(serial=expect.serial, vga=expect.vga, error=expect.error is not None,
                    screenshot=bool(expect.screen_min_pixels))


def new_result(sc):
    return {"name": sc.name, "passed": False, "reason": None, "tail": None,
            "grub": sc.setup.grub, "ovmf": sc.setup.ovmf}


def prepare(sc, result):
    """The scenario made concrete (a probe's arguments, the size of a
    --nounzip initrd) and its media (plumbing.Media): (scenario, media)."""
    if sc.setup.boot == "probe":
        _, crc = pl.probe_initrd()
        sc = probe_arguments(sc, crc)
    media = pl.media(sc.name, sc.setup)
    result.update(media.info)
    if sc.setup.initrd_nounzip:  # the loader must report the file's own size
        size = media.initrd.stat().st_size
        sc = replace(sc, loader=sc.expect.loader + (rb"^chainloader: booting .*, initrd %d bytes$" % size,))
    return sc, media


def boot_and_check(sc, media, result, boot=pl.boot):
    """Boot SC (setup.boots times, each checked in full), its timings and
    values into RESULT; raise Fail on the first miss. BOOT is plumbing.boot
    or a stand-in with its signature (the pytest fixture's)."""
    seeds = []
    booted = result.setdefault("boots_begun", [])
    for n in range(sc.setup.boots):
        # Boots after the first keep their own logs: <name>-boot2.serial.log ...
        name = sc.name if n == 0 else f"{sc.name}-boot{n + 1}"
        booted.append(name)
        result["last_data"] = b""
        b = boot(name, sc.setup, media.iso, until(sc.expect), {})
        result["last_data"] = b.data
        result.update(seconds_to_done=b.t_done, seconds_to_kernel=b.t_kernel,
                      seconds_to_grub_entry=b.marks.get("grub_entry"), marks=b.marks, qemu_exit=b.rc)
        checks.check(sc.setup, sc.expect, checks.Outcome(name, b.data, b.rc, b.cpu, media.initrd), result)
        seeds.append(result.get("rng_seed_crc32"))
    if sc.setup.boots > 1 and sc.setup.boot == "probe" and sc.expect.probe_rng != "none":
        # The seeds' CRC-32s must all differ: a seed that is the same every boot is no seed.
        result["rng_seed_crc32"] = seeds
        if len(set(seeds)) != len(seeds):
            raise Fail(f"the RNG seeds of {sc.setup.boots} boots are not all different: "
                       f"crc32 {', '.join(seeds)}")


def record_failure(sc, result, reason):
    """A failed scenario: its reason and serial tail into RESULT, and its logs
    kept apart, so a later passing run of the same scenario does not
    overwrite the evidence of an intermittent failure (every boot's: two
    boots may fail together, by their seeds)."""
    result["passed"] = False
    result["reason"] = reason
    for name in result.get("boots_begun") or [sc.name]:
        serial_log = pl.QDIR / f"{name}.serial.log"
        if serial_log.exists():
            (pl.QDIR / f"{name}.failed.serial.log").write_bytes(serial_log.read_bytes())
            (pl.QDIR / f"{name}.failed.reason").write_text(reason + "\n")
    data = result.get("last_data")
    if data:
        result["tail"] = pl.tail(data)
    elif (pl.QDIR / f"{sc.name}.qemu.log").exists():
        # No serial output at all: QEMU's own complaint says more.
        qlog = (pl.QDIR / f"{sc.name}.qemu.log").read_bytes()
        result["tail"] = pl.tail(qlog) if qlog.strip() else None


def failure_message(sc, result, reason):
    """record_failure(), and the test's failure message: the reason and the
    serial output's last lines."""
    record_failure(sc, result, reason)
    return f"{sc.name}: {reason}" + "".join(f"\n    | {line}" for line in result.get("tail") or [])


def finish(result):
    """RESULT as results.json keeps it (without the working fields)."""
    result.pop("last_data", None)
    result.pop("boots_begun", None)
    return result


def run_scenario(sc, boot=pl.boot):
    """Run one scenario outside pytest; return its result dict (passed,
    reason, tail, timings, the values the checks recorded)."""
    result = new_result(sc)
    try:
        sc, media = prepare(sc, result)
        boot_and_check(sc, media, result, boot)
        result["passed"] = True
    except Fail as e:
        record_failure(sc, result, e.args[0])
    return finish(result)
