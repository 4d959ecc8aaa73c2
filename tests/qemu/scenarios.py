"""The QEMU boot scenarios: each a name, its setup and its expectations
(tests/qemu/scenario.py). tests/qemu/test_boot.py runs them under pytest,
one test per scenario, the scenario's name as the test id; `full=True`
scenarios carry the pytest marker "full" (make test-full only).
"""

import dataclasses
import re

from plumbing import GRUB_ARGS
from scenario import Expect, Scenario, Setup

# What /proc/cmdline must read, byte for byte. Literals, checked against a
# real boot (grub-linux-amd64); never derived from the output of the loader
# under test.
# - multiboot2 "module2 FILE ARGS": the module string is ARGS only (no file
#   name), and chainloader passes it to Linux unchanged.
CMDLINE_MODULE2 = 'console=ttyS0,115200 panic=-1 cl.test=1 "cl.quoted=a b"'
# - GRUB's own "linux FILE ARGS" puts "BOOT_IMAGE=FILE " in front.
CMDLINE_GRUB_LINUX = ('BOOT_IMAGE=/boot/vmlinuz '
                      'console=ttyS0,115200 panic=-1 cl.test=1 "cl.quoted=a b"')
# efi=debug: the kernel prints the EFI memory map it was handed (efi: memNN
# lines), which the KASLR scenarios check against. Added to the grub.cfg
# arguments and to the expected /proc/cmdline alike (no quoting involved).
EFI_DEBUG_ARG = "efi=debug"

# What verbose mode must show (each a regex over one loader line).
VERBOSE_LINES = (
    rb"^memory map from GRUB: \d+ entries$",
    rb"^  \[0x0000000000100000, 0x[0-9a-f]{16}\) type 1$",
    rb"^  \[0x1000000, 0x[0-9a-f]+\) kernel$",
    rb"^copy kernel: \[0x[0-9a-f]+, 0x[0-9a-f]+\) -> \[0x1000000, 0x[0-9a-f]+\)$",
    rb"^initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(in place, not copied\)$",
    rb"^boot_params at 0x[0-9a-f]+: command line at 0x[0-9a-f]+ \(55 bytes\)",
    rb"^  e820 \[0x0000000000100000, 0x[0-9a-f]{16}\) usable$",
    rb"^chainloader: \d+ bytes to copy, \d+ bytes placed; own time \d+ TSC ticks = \d+ us",
)

# The loader's own range in the verbose placement list, at 256 MiB or more.
LOADER_PLACED_HIGH = rb"^  \[0x[1-7][0-9a-f]{7}, 0x[0-9a-f]+\) chainloader$"

CUTMEM_150 = "".join(f"  cutmem 0x{0x30000000 + i * 0x2000:x} 0x{0x30001000 + i * 0x2000:x}\n"
                     for i in range(150))

def linux(name, boot, cmdline, setup=None, full=False, **expect):
    """A Linux boot with the test initramfs (SETUP: more Setup fields)."""
    return Scenario(name, Setup(boot, **(setup or {})), Expect(cmdline=cmdline, **expect), full)


def probe(name, image, entry, opts="", memory_mib=512, firmware="bios", setup=None, **expect):
    """A probe kernel (tests/kernels/) through chainloader, reporting ENTRY."""
    return Scenario(name, Setup("probe", image=image, loader_opts=opts, memory_mib=memory_mib,
                                firmware=firmware, timeout=90, **(setup or {})),
                    Expect(probe_entry=entry, **expect))


def failure(name, error, setup=None, **expect):
    """chainloader must refuse: the one error line ERROR (a regex, matched in
    full), then the CPU halted with interrupts off."""
    return Scenario(name, Setup("chainloader", **(setup or {})), Expect(error=error, **expect))


def error_prefix(prefix):
    """An error's identity: the line starts with PREFIX, its stable prefix
    (up to the first value), whatever follows. A whole line is asserted only
    where its wording is the point."""
    return re.escape(prefix) + rb".*"


def debian13_matrix():
    """Debian 13's images x firmware x GRUB (see SCENARIOS)."""
    out = []
    in_make_test = {"debian13-amd64-grub212-bios", "debian13-amd64-grub212-ovmf2025",
                    "debian13-vmlinux-pvh-grub206-bios"}
    for fw, grub, ovmf in (("bios", "2.12", "2022"), ("bios", "2.06", "2022"), ("uefi", "2.12", "2025")):
        where = f"grub{grub.replace('.', '')}-{'bios' if fw == 'bios' else 'ovmf' + ovmf}"
        on = dict(firmware=fw, grub=grub, ovmf=ovmf, debian="13")
        for flavour in ("amd64", "cloud-amd64"):
            fb = {} if flavour == "amd64" else {"fb": None}  # the cloud kernel has no fb drivers
            out.append(linux(f"debian13-{flavour}-{where}", "chainloader", CMDLINE_MODULE2,
                             setup=dict(flavour=flavour, **on), **fb,
                             # GRUB 2.12 on BIOS may put a module on 16 MiB: the kernel then
                             # goes higher; the 64-bit entry is at its load address + 0x200
                             loader=(rb"^chainloader: booting bzImage \[0x(?P<load>[0-9a-f]+)000, 0x[0-9a-f]+\) "
                                     rb"by the 64-bit entry at 0x(?P=load)200,",)))
            # 6.12's e_entry is not its first byte (0x1000c43 where 6.1's is 0x1000000)
            for entry, opts, line in (("entry64", "", rb"by the 64-bit entry at 0x10[0-9a-f]{5},"),
                                      ("pvh", "entry=pvh", rb"by the PVH entry at 0x[0-9a-f]+,")):
                name = f"debian13-{'vmlinux' if flavour == 'amd64' else 'vmlinux-cloud'}-{entry}-{where}"
                # PVH passes no framebuffer; the cloud kernel's drivers are not checked
                more = {"fb": "none"} if entry == "pvh" else {} if flavour == "amd64" else {"fb": None}
                out.append(linux(name, "chainloader", CMDLINE_MODULE2,
                                 setup=dict(flavour=flavour, image="vmlinux", loader_opts=opts, **on),
                                 loader=(line,), **more))
    for arch, entry, at in (("x64", "64-bit", "0x100200"), ("ia32", "32-bit", "0x100000")):
        out.append(Scenario(f"debian13-memtest86plus-{arch}",
                            Setup("chainloader", image="memtest" if arch == "x64" else "memtest-ia32",
                                  debian="13", grub_args="console=ttyS0", timeout=90),
                            Expect(cmdline="",
                                   loader=(rb"by the " + entry.encode() + rb" entry at " + at.encode() + b",",),
                                   serial=(rb"Memtest86\+ v7", rb"Memory\s*:\s*51[01]MB"))))
        if arch == "ia32":  # x64 memtest86+ (6.10) is in make test already
            in_make_test.add(out[-1].name)
    return [dataclasses.replace(sc, full=sc.name not in in_make_test) for sc in out]


DEBIAN13_MATRIX = debian13_matrix()

# The measured-boot setup on OVMF: a TPM (GRUB measures what it loads once
# `insmod tpm` ran) and virtio-rng.
TPM_RNG = dict(tpm=True, rng=True, grub_preamble="insmod tpm\n")
EFI_ACPI20 = r"(^| )ACPI 2\.0=0x[0-9a-f]+( |$)"
EFI_TPM_EVENT_LOG = r"(^| )TPMEventLog=0x[0-9a-f]+( |$)"
EFI_RNG = r"(^| )RNG=0x[0-9a-f]+( |$)"

SCENARIOS = [
    # The reference path: GRUB boots Linux itself. Needs no chainloader.
    linux("grub-linux-amd64", "grub-linux", CMDLINE_GRUB_LINUX),
    linux("chainloader-amd64", "chainloader", CMDLINE_MODULE2,
          loader=(rb"^chainloader: booting bzImage \[0x1000000, "
                  rb"0x[0-9a-f]+\) by the 64-bit entry at 0x1000200",)),
    # Network boot as labs run it: GRUB from grub-mknetdir over PXE (SeaBIOS)
    # or UEFI's network boot (OVMF), everything over QEMU's TFTP.
    linux("chainloader-netboot-seabios", "chainloader", CMDLINE_MODULE2,
          setup=dict(netboot=True, initrd_nounzip=True, timeout=240)),
    linux("chainloader-netboot-ovmf", "chainloader", CMDLINE_MODULE2,
          setup=dict(netboot=True, firmware="uefi", initrd_nounzip=True, timeout=240)),
    # GRUB's own linux over the network, for the timings (make test-full).
    linux("grub-linux-netboot-seabios", "grub-linux", CMDLINE_GRUB_LINUX,
          setup=dict(netboot=True, timeout=240), full=True),
    linux("grub-linux-netboot-ovmf", "grub-linux", CMDLINE_GRUB_LINUX,
          setup=dict(netboot=True, firmware="uefi", timeout=240), full=True),
    # The cloud flavour has no vesafb/efifb: nothing in /proc/fb to check.
    linux("chainloader-cloud-amd64", "chainloader", CMDLINE_MODULE2,
          setup=dict(flavour="cloud-amd64"), fb=None),
    linux("chainloader-amd64-verbose", "chainloader", CMDLINE_MODULE2,
          setup=dict(loader_opts="verbose"), loader=VERBOSE_LINES),
    linux("chainloader-amd64-quiet", "chainloader", CMDLINE_MODULE2,
          setup=dict(loader_opts="quiet"), quiet=True),
    linux("chainloader-amd64-entry32", "chainloader", CMDLINE_MODULE2,
          setup=dict(loader_opts="entry=32"), loader=(rb"by the 32-bit entry at 0x1000000,",)),
    # The real-mode entry (entry=16, GRUB's linux16's job; SeaBIOS only). The
    # Debian kernel's own setup code then runs in real mode and asks the BIOS
    # for its e820 map (the usual checks hold; text mode, no framebuffer).
    linux("chainloader-amd64-entry16", "chainloader", CMDLINE_MODULE2,
          setup=dict(loader_opts="entry=16 verbose"), fb="none",
          loader=(rb"^chainloader: booting bzImage \[0x100000, 0x[0-9a-f]+\) by the 16-bit entry "
                  rb"at 0x[0-9a-f]+200,",
                  rb"^real mode: the \d+-byte real-mode part at 0x[0-9a-f]+000, its heap and stack to "
                  rb"\+0x9000$")),
    # iPXE's ipxe.lkrn (protocol 2.07, code32_start 0: entry=auto picks the
    # real-mode entry) writes to the VGA text screen: its banner, then its
    # DHCP on an e1000 NIC with QEMU's own (slirp) DHCP server.
    # The NIC has no option ROM (romfile=), whose own iPXE would print the same banner.
    Scenario("chainloader-ipxe-lkrn",
             Setup("chainloader", image="ipxe", grub_args="", loader_opts="verbose", timeout=90,
                   qemu_extra=("-netdev", "user,id=net0", "-device", "e1000,netdev=net0,romfile=")),
             Expect(cmdline="",
                    loader=(rb"by the 16-bit entry at 0x[0-9a-f]+200,",
                            rb"^note: protocol older than 2\.10 or code32_start 0, entry=auto uses the real-mode entry$"),
                    vga=(r"^iPXE \S+ -- Open Source Network Boot Firmware", r"Configuring \(net0 [0-9a-f:]+\)"))),
    # syslinux's memdisk (protocol 2.03) with a 1.44 MB floppy image as its
    # initrd: the floppy's own boot sector (tests/qemu/floppy/boot.S) runs from
    # memdisk's emulated drive and reads its second sector through int 13h.
    Scenario("chainloader-memdisk-floppy",
             Setup("chainloader", image="memdisk", floppy=True, grub_args="", timeout=90),
             Expect(cmdline="", loader=(rb"by the 16-bit entry at 0x[0-9a-f]+200,",),
                    serial=(rb"CL-FLOPPY-BOOT", rb"CL-FLOPPY-SECTOR2: ok"))),
    linux("chainloader-vmlinux-entry64", "chainloader", CMDLINE_MODULE2, setup=dict(image="vmlinux"),
          loader=(rb"^chainloader: booting ELF \[0x1000000, "
                  rb"0x[0-9a-f]+\) by the 64-bit entry at 0x1000000,",)),
    # PVH's start_info has no field for a framebuffer: Linux finds none.
    linux("chainloader-vmlinux-pvh", "chainloader", CMDLINE_MODULE2,
          setup=dict(image="vmlinux", loader_opts="entry=pvh"), fb="none",
          loader=(rb"by the PVH entry at 0x[0-9a-f]+,",)),
    # UEFI (OVMF): GRUB has left the boot services; the kernel must still get
    # EFI runtime services, the ACPI tables and the framebuffer (efifb).
    linux("grub-linux-amd64-uefi", "grub-linux", CMDLINE_GRUB_LINUX, setup=dict(firmware="uefi")),
    linux("chainloader-amd64-uefi", "chainloader", CMDLINE_MODULE2,
          setup=dict(firmware="uefi", loader_opts="verbose"),
          loader=(rb"^UEFI: boot services kept by GRUB; collecting what Linux's EFI stub would$",
                  rb"^secure boot: disabled \(boot_params.secure_boot = 2\)$",
                  rb"^UEFI: ExitBootServices done \(\d+ calls?\), final map \d+ bytes$",
                  rb"^UEFI: system table 0x[0-9a-f]+, memory map \d+ bytes",
                  rb"^ACPI RSDP: 0x[0-9a-f]+ ",
                  # efi_info points at the final map where the firmware put it
                  rb"^  \[0x[0-9a-f]+, 0x[0-9a-f]+\) EFI memory map$"),
          reject_loader=(rb"^copy EFI memory map: ",)),
    linux("chainloader-vmlinux-uefi", "chainloader", CMDLINE_MODULE2,
          setup=dict(firmware="uefi", image="vmlinux")),
    # As the README recommends: the gzip initramfs reaches Linux as it is on
    # disk (the summary line must give the .gz file's size), not gunzipped.
    # `timing` adds the own-time line and nothing else of verbose mode.
    linux("chainloader-amd64-uefi-nounzip", "chainloader", CMDLINE_MODULE2,
          setup=dict(firmware="uefi", initrd_nounzip=True, loader_opts="timing"),
          loader=(VERBOSE_LINES[-1],),
          reject_loader=(rb"^memory map from GRUB", rb"^placement ", rb"^copy ", rb"^boot_params at ")),
    # `set gfxpayload=text` after the multiboot2 line keeps GRUB in VGA text
    # mode: Linux gets the text console and no framebuffer.
    linux("chainloader-amd64-textmode", "chainloader", CMDLINE_MODULE2,
          setup=dict(grub_after_loader="  set gfxpayload=text\n"), fb="none",
          loader=(rb"^chainloader: booting bzImage ",)),
    # Placement: modules where GRUB puts them, right across the kernel's 16 MiB.
    linux("chainloader-initrd-100m", "chainloader", CMDLINE_MODULE2,
          setup=dict(memory_mib=1024, payload_kib=102400, initrd_gz=False, loader_opts="verbose", timeout=240),
          loader=(rb"^initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(in place, not copied\)$",)),
    linux("chainloader-vmlinux-initrd-100m", "chainloader", CMDLINE_MODULE2,
          setup=dict(image="vmlinux", memory_mib=1024, payload_kib=102400, initrd_gz=False,
                     loader_opts="verbose", timeout=240),
          loader=(rb"^copy initrd: \[0x[0-9a-f]+, 0x[0-9a-f]+\) -> ",)),
    Scenario("chainloader-memtest86plus",
             Setup("chainloader", image="memtest", grub_args="console=ttyS0", timeout=90),
             Expect(cmdline="", loader=(rb"by the 64-bit entry at 0x100200,",),
                    serial=(rb"Memtest86\+ v6", rb"Memory\s*:\s*51[01]MB"))),
    linux("chainloader-6g", "chainloader", CMDLINE_MODULE2, setup=dict(memory_mib=6144),
          min_memtotal_kb=6144 * 1024 * 9 // 10),
    linux("chainloader-8-initrds", "chainloader", CMDLINE_MODULE2, setup=dict(extra_initrds=7)),
    linux("chainloader-cutmem-150", "chainloader", CMDLINE_MODULE2,
          setup=dict(memory_mib=1024, grub_pre=CUTMEM_150), min_e820_total=150),
    # Probe kernels in every entry mode.
    probe("probe-bzimage-auto", "probe.bzImage", "bzimage64"),
    probe("probe-bzimage-64", "probe.bzImage", "bzimage64", "entry=64"),
    probe("probe-bzimage-32", "probe.bzImage", "bzimage32", "entry=32"),
    probe("probe-elf-64", "probe.elf", "elf64"),
    probe("probe-elf-pvh", "probe.elf", "pvh", "entry=pvh"),
    # The real-mode entry, from the inside (tests/kernels/realmode.S): the
    # segments, the stack at the heap's end, interrupts off, the real-mode IVT,
    # A20, the header fields, and the command line read through cmd_line_ptr.
    probe("probe-bzimage-16", "probe.bzImage", "real16", "entry=16"),
    probe("probe-bzimage-64-6g", "probe.bzImage", "bzimage64", memory_mib=6144),
    probe("probe-elf-pvh-6g", "probe.elf", "pvh", "entry=pvh", memory_mib=6144),
    # On OVMF the probes also check efi_info, the RSDP and the EFI framebuffer.
    probe("probe-bzimage-64-uefi", "probe.bzImage", "bzimage64", firmware="uefi"),
    probe("probe-bzimage-32-uefi", "probe.bzImage", "bzimage32", "entry=32", firmware="uefi"),
    probe("probe-elf-64-uefi", "probe.elf", "elf64", firmware="uefi"),
    probe("probe-elf-pvh-uefi", "probe.elf", "pvh", "entry=pvh", firmware="uefi"),
    # RNG seeds (every probe scenario above expects none: QEMU's default
    # qemu64 CPU has neither RDSEED nor RDRAND, and there is no virtio-rng).
    # BIOS, -cpu max (TCG has RDRAND): a SETUP_RNG_SEED node in the
    # setup_data chain; booted twice, and the two seeds must differ.
    probe("probe-bzimage-64-rng-setup", "probe.bzImage", "bzimage64", "entry=64",
          setup=dict(qemu_extra=("-cpu", "max"), boots=2), probe_rng="setup"),
    # PVH: start_info has no field for a seed; the loader must do without.
    probe("probe-elf-pvh-rng-none", "probe.elf", "pvh", "entry=pvh", setup=dict(qemu_extra=("-cpu", "max"))),
    # OVMF with virtio-rng: the LINUX_EFI_RANDOM_SEED configuration table from
    # EFI_RNG_PROTOCOL, secure_boot 2, and with no `insmod all_video` (GRUB
    # passes no framebuffer) the EFI framebuffer taken from GOP; on both GRUBs
    # and both OVMF generations.
    *[probe(name, "probe.bzImage", "bzimage64", "entry=64", firmware="uefi",
            setup=dict(grub=g, ovmf=o, rng=True, grub_video=False), probe_rng="efi")
      for name, g, o in (("probe-bzimage-64-uefi-rng-gop", "2.06", "2022"),
                         ("probe-bzimage-64-uefi-grub212-ovmf2025-rng-gop", "2.12", "2025"))],
    # Debian 13 (trixie), the current release: its 6.12 kernels (zstd
    # payloads), their vmlinux and memtest86+ 7.20, fetched by package name
    # (scripts/fetch-debian13.sh), through GRUB 2.12 (Debian 13's modules) and
    # 2.06 on SeaBIOS and on OVMF 2025. make test boots each new kind once
    # (the amd64 bzImage with GRUB 2.12 on both firmwares, the vmlinux by PVH,
    # the ia32 memtest86+); make test-full the whole cross product.
    *DEBIAN13_MATRIX,
    # Relocation (issue 14): GRUB may load chainloader.elf anywhere in
    # [1 MiB, 2 GiB) (its relocatable tag, lowest first); a copy preferring the
    # highest address runs near the top of RAM, relocated by its own table
    # before anything else, on both firmwares.
    *[probe(f"probe-bzimage-64{suffix}-loaded-high", "probe.bzImage", "bzimage64", "verbose",
            firmware=fw, setup=dict(loader_placed="high"), loader=(LOADER_PLACED_HIGH,))
      for suffix, fw in (("", "bios"), ("-uefi", "uefi"))],
    # 1 MiB taken: GRUB's cutmem on x86_64-efi allocates [1 MiB, 4 MiB) from
    # the firmware, so GRUB's search for the relocatable image (lowest first)
    # must pass over it; the kernel's e820 shows the range unusable.
    probe("probe-bzimage-64-uefi-1mib-taken", "probe.bzImage", "bzimage64", "verbose",
          firmware="uefi", setup=dict(grub_pre="  cutmem 0x100000 0x400000\n"),
          loader=(rb"^  \[0x([4-9a-f][0-9a-f]{5}|[1-7][0-9a-f]{6,7}), 0x[0-9a-f]+\) chainloader$",
                  rb"^  e820 \[0x0000000000100000, 0x0000000000400000\) unusable$")),
    # Failures: a specific message, then a clean halt (no reset, no hang in a loop).
    failure("probe-nopvh-by-pvh",
            error_prefix(b"chainloader: error: entry=pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY note"),
            setup=dict(image="probe-nopvh.elf", loader_opts="entry=pvh", timeout=60)),
    # The whole line: the known options it lists are the point (the user's help).
    failure("chainloader-unknown-option",
            re.escape(b"chainloader: error: unknown loader option 'frobnicate' "
                      b"(known: verbose quiet timing entry=auto|64|32|16|pvh)"),
            setup=dict(loader_opts="verbose frobnicate", timeout=60)),
    # No value in these two: the whole line is the error's stable prefix.
    failure("chainloader-entry16-uefi",
            re.escape(b"chainloader: error: entry=16 is the real-mode entry: it needs a BIOS, "
                      b"and this machine booted by UEFI"),
            setup=dict(firmware="uefi", loader_opts="entry=16", timeout=90)),
    # No low memory left (GRUB's cutmem): the real-mode part has nowhere to go.
    failure("chainloader-entry16-no-low-memory",
            error_prefix(b"chainloader: error: entry=16: no room for the real-mode part: "),
            setup=dict(loader_opts="entry=16", grub_pre="  cutmem 0x10000 0x9fc00\n", timeout=60)),
    failure("chainloader-pvh-on-bzimage",
            re.escape(b"chainloader: error: entry=pvh needs an ELF kernel "
                      b"with a Xen PHYS32_ENTRY note; this is a bzImage"),
            setup=dict(loader_opts="entry=pvh", timeout=60)),
    # A kernel module of random bytes: the message must be on the screen too
    # (the framebuffer console), on BIOS and on UEFI; screenshots kept in build/qemu.
    failure("chainloader-garbage-kernel-screen",
            rb"chainloader: error: kernel module of \d+ bytes is neither "
            rb"a bzImage \(0xaa55, \"HdrS\"\) nor an ELF \(first bytes( [0-9a-f]{2}){4}\)",
            setup=dict(image="garbage", timeout=60), screen_min_pixels=2000),
    failure("chainloader-garbage-kernel-screen-uefi",
            rb"chainloader: error: kernel module of \d+ bytes is neither "
            rb"a bzImage \(0xaa55, \"HdrS\"\) nor an ELF \(first bytes( [0-9a-f]{2}){4}\)",
            setup=dict(image="garbage", firmware="uefi", timeout=90), screen_min_pixels=2000),
    # Measured boot, the reference path: Debian 13's GRUB 2.12 `linux` on
    # x86_64-efi starts the kernel's EFI stub, which hands the kernel the
    # firmware's TPM event log (a config table, TPMEventLog=), an RNG seed
    # from EFI_RNG_PROTOCOL (virtio-rng; RNG=), the secure-boot state and a
    # GOP framebuffer (efifb). `insmod tpm`: GRUB measures its commands (PCR 8)
    # and the files it loads (PCR 9) into that log, so the log replays to the
    # TPM's PCRs 0..9 exactly.
    linux("grub212-linux-amd64-uefi-tpm", "grub-linux", CMDLINE_GRUB_LINUX,
          setup=dict(firmware="uefi", grub="2.12", ovmf="2025", **TPM_RNG), fb="0 EFI VGA",
          tpm_replay=True, secureboot="Secure boot disabled",
          efi_tables=(EFI_ACPI20, EFI_TPM_EVENT_LOG, EFI_RNG)),
    # GRUB 2.06's `linux` on EFI (Debian 12, OVMF 2022, the same TPM and
    # virtio-rng), as measured: the kernel gets the secure-boot state and the
    # firmware's own tables (TPMFinalLog= among them), but no TPM event log
    # (no TPMEventLog=, CL-TPM-LOG: none), no RNG seed (no RNG=) and no INITRD=
    # table: the EFI stub did not run. The TPM itself works (its PCRs are read).
    linux("grub206-linux-amd64-uefi-tpm", "grub-linux", CMDLINE_GRUB_LINUX,
          setup=dict(firmware="uefi", **TPM_RNG), fb="0 EFI VGA", tpm_log="none",
          secureboot="Secure boot disabled",
          efi_tables=(EFI_ACPI20, r"(^| )TPMFinalLog=0x[0-9a-f]+( |$)"),
          reject_efi_tables=(r"TPMEventLog=", r"(^| )RNG=", r"INITRD=")),
    # Measured boot through chainloader (issue 14): GRUB keeps the boot
    # services for it (multiboot2 tags 7 and 9), and chainloader hands the
    # kernel what the EFI stub does on the reference path above — the TPM
    # event log (replayed to PCRs 0..9), the secure-boot state, an RNG seed
    # from EFI_RNG_PROTOCOL (virtio-rng) and, with no `insmod all_video`, the
    # GOP framebuffer (efifb) — on both GRUBs and both OVMF generations.
    *[linux(f"chainloader-grub{g.replace('.', '')}-ovmf{o}-tpm", "chainloader", CMDLINE_MODULE2,
            setup=dict(firmware="uefi", grub=g, ovmf=o, grub_video=False, loader_opts="verbose", **TPM_RNG),
            fb="0 EFI VGA", tpm_replay=True, secureboot="Secure boot disabled",
            efi_tables=(EFI_ACPI20, EFI_TPM_EVENT_LOG, EFI_RNG),
            loader=(rb"^secure boot: disabled \(boot_params.secure_boot = 2\)$",
                    rb"^TPM event log: \d+ bytes \(crypto-agile format, \d+ bytes of final events "
                    rb"already in it\) as LINUX_EFI_TPM_EVENT_LOG at \[0x[0-9a-f]+, 0x[0-9a-f]+\)$",
                    rb"^RNG seed: 32 bytes from EFI_RNG_PROTOCOL as LINUX_EFI_RANDOM_SEED at ",
                    rb"^framebuffer: \d+x\d+, 32 bpp, pitch \d+ at 0x[0-9a-f]+$"))
      for g, o in (("2.12", "2025"), ("2.06", "2022"))],
    # No TPM, no RNG device: notes in verbose mode, no error, and the kernel
    # boots without a log or a seed table (qemu64 has no RDRAND either).
    linux("chainloader-ovmf2025-no-tpm-no-rng", "chainloader", CMDLINE_MODULE2,
          setup=dict(firmware="uefi", grub="2.12", ovmf="2025", loader_opts="verbose"),
          tpm_log="none", secureboot="Secure boot disabled",
          reject_efi_tables=(r"TPMEventLog=", r"(^| )RNG="),
          loader=(rb"^TPM event log: note: no EFI_TCG2_PROTOCOL \(no TPM 2\.0\); the kernel gets none$",
                  rb"^RNG seed: note: no EFI_RNG_PROTOCOL nor RDSEED/RDRAND; the kernel gets none$")),
    # KASLR-safe placement on UEFI (issue 17): with efi_info, the kernel's
    # decompressor puts itself at random in the EfiConventionalMemory of the
    # EFI map it gets, avoiding only its image, the initrd, the command line,
    # boot_params and setup_data. What chainloader placed that the kernel reads
    # later (the map itself, the TPM event log and RNG seed tables, an RSDP
    # copy) must lie outside all of it: checked against the map the kernel
    # prints with efi=debug, at 1 GiB and 4 GiB (RAM above 4 GiB too), and
    # with GRUB 2.12, OVMF 2025, a TPM and virtio-rng, so that both tables exist.
    *[linux(f"chainloader-uefi-kaslr-{name}", "chainloader", f"{CMDLINE_MODULE2} {EFI_DEBUG_ARG}",
            setup=dict(grub_args=f"{GRUB_ARGS} {EFI_DEBUG_ARG}", firmware="uefi", memory_mib=mib,
                       loader_opts="verbose", **setup),
            kaslr_safe=True, record_efi_maps=mib == 4096,
            min_memtotal_kb=mib * 1024 * 9 // 10 if mib > 3072 else 0, **expect)
      for name, mib, setup, expect in (
          ("1g", 1024, {}, {}),
          ("4g", 4096, {}, {}),
          ("tpm-4g", 4096, dict(grub="2.12", ovmf="2025", **TPM_RNG),
           dict(efi_tables=(EFI_TPM_EVENT_LOG, EFI_RNG))))],
    # 64 MiB cannot hold [16 MiB, 16 MiB + init_size) (init_size is about 64 MiB).
    failure("chainloader-ram-too-small", error_prefix(b"chainloader: error: no room for kernel: "),
            setup=dict(memory_mib=64, timeout=60)),
]
