# chainloader: `make` builds build/chainloader.elf; `make test` runs every test.
BUILD ?= build
VERSION := $(shell cat VERSION)

CC = gcc
HOST_CC = gcc
# The loader: freestanding x86_64, no SSE/MMX/x87, no red zone, no PIC, no stack protector.
# Size first (-Oz, link-time optimisation, unused sections dropped, no
# inlining that duplicates code): the image must load in at most 44 KiB
# (linker.ld); speed is in the trampoline's copy loop, which is assembly.
# No jump tables: smaller here than GCC's tables, and each entry would be one
# more site for the self-relocation table (scripts/mkreloc.py).
TARGET_CFLAGS := -std=gnu11 -Oz -fno-jump-tables -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fomit-frame-pointer -mcmodel=small -m64 \
	-flto -fno-inline-functions-called-once -ffunction-sections -fdata-sections \
	-Iinclude -I. -DCHAINLOADER_VERSION='"$(VERSION)"'
LINK_FLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--gc-sections
TARGET_LDFLAGS := $(LINK_FLAGS) -T linker.ld

# Pure C shared with the host tests (no port I/O, no assembly), by stage:
# the ways in's parsers, the image formats, the plan, the kernel entries, the
# firmware's pure decisions (docs/ARCHITECTURE.md). A file added to a stage's
# folder is built without touching this list.
PORTABLE_SRCS := boot/multiboot2/mb2_parse.c boot/options.c \
	$(sort $(wildcard loader/format/*.c)) $(sort $(wildcard loader/plan/*.c)) $(sort $(wildcard loader/handoff/*.c)) \
	firmware/tables.c firmware/tpm_eventlog.c firmware/secure_boot.c firmware/gop.c lib/printf.c \
	boot/efi_stub/newc.c boot/efi_stub/cmdline.c boot/efi_stub/inputs.c
# The plan's invariants are checked by the host tools and tests only.
TARGET_SRCS := $(filter-out loader/plan/invariants.c,$(PORTABLE_SRCS)) lib/string.c boot/console.c boot/top.c boot/uefi.c \
	boot/multiboot2/bios_main.c boot/multiboot2/efi_main.c \
	firmware/efi_services.c firmware/efi_image.c firmware/shim_lock.c firmware/tpm_measure.c \
	arch/x86_64/serial.c arch/x86_64/vga.c arch/x86_64/tsc.c arch/x86_64/paging.c \
	arch/x86_64/trampoline.c arch/x86_64/acpi_bios.c arch/x86_64/bios_lowmem.c arch/x86_64/cpu_random.c
TARGET_ASMS := boot/multiboot2/header.S arch/x86_64/start32.S arch/x86_64/workspace32.S arch/x86_64/trampoline.S \
	arch/x86_64/efi_entry.S
# Every header, for the host builds' dependencies.
ALL_HDRS := $(wildcard include/*.h include/abi/*.h boot/*.h boot/*/*.h loader/*/*.h firmware/*.h lib/*.h)
# V=1 shows the full commands.
Q := $(if $(V),,@)

include arch/x86_64/fbcon.mk
TARGET_SRCS += $(FBCON_SRCS)

TARGET_OBJS := $(patsubst %,$(BUILD)/target/%.o,$(TARGET_SRCS) $(TARGET_ASMS))
# chainloader.efi: the same objects (the linker keeps what its entries reach)
# and its own way in (boot/efi_stub/).
EFI_OBJS := $(TARGET_OBJS) $(patsubst %,$(BUILD)/target/%.o,boot/efi_stub/main.c boot/efi_stub/entry.S boot/efi_stub/sbat.S)

.PHONY: all test unit-test clean
all: $(BUILD)/chainloader.elf $(BUILD)/chainloader.efi

$(BUILD)/target/%.c.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(TARGET_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/target/%.S.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(TARGET_CFLAGS) -MMD -MP -c $< -o $@

# Linked with the relocations kept, from which scripts/mkreloc.py writes the
# self-relocation table into the image; then they go (GRUB refuses a
# multiboot2 ELF with relocation sections).
# $(call link_loader,OUT,MORE_LDFLAGS): OUT.linked keeps the relocations,
# OUT.reloc is the table.
define link_loader
	$(Q)$(CC) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) $(2) -Wl,--emit-relocs $(TARGET_OBJS) -o $(1).linked
	$(Q)python3 scripts/mkreloc.py $(1).linked $(1).reloc
	$(Q)objcopy --remove-relocations='*' --update-section .reloc=$(1).reloc $(1).linked $(1)
endef

$(BUILD)/chainloader.elf: $(TARGET_OBJS) linker.ld scripts/mkreloc.py
	@$(if $(Q),echo "  LD      $@")
	$(call link_loader,$@.tmp,)
	$(Q)if command -v grub-file >/dev/null; then \
		grub-file --is-x86-multiboot2 $@.tmp || { echo "grub-file: $@ is not multiboot2"; exit 1; }; fi
	$(Q)objdump -d $@.tmp > $(BUILD)/chainloader.lst
	$(Q)mv $@.tmp $@
	@echo "  built   $@: $$(size -A $@ | awk '$$1 ~ /^\.(text|rodata|data|reloc|bss)$$/ {s += $$2} END {print s}') bytes loaded (text+rodata+data+reloc+bss)"

# chainloader.efi: linked as the sections of a PE/COFF image that is also an
# EFI-stub bzImage (boot/efi_stub/efi.ld); mkefi.py writes its headers, the
# self-relocation table and the same sites as PE base relocations.
$(BUILD)/chainloader.efi: $(EFI_OBJS) boot/efi_stub/efi.ld scripts/mkreloc.py scripts/mkefi.py
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(TARGET_CFLAGS) $(LINK_FLAGS) -T boot/efi_stub/efi.ld -Wl,--emit-relocs $(EFI_OBJS) -o $@.linked
	$(Q)python3 scripts/mkreloc.py $@.linked $@.reloc
	$(Q)python3 scripts/mkefi.py $@.linked $@.reloc $@.tmp
	$(Q)objdump -d $@.linked > $(BUILD)/chainloader-efi.lst
	$(Q)mv $@.tmp $@

-include $(EFI_OBJS:.o=.d)

# chainloader-check(1): the loader's portable code on the host, over a kernel
# file and a memory map (tools/chainloader-check.c), built twice from the
# same sources: with ASan and UBSan for the tests (malformed-host-check,
# tools-test), and for the Debian package with no sanitizers and Debian's
# hardening flags (debian/rules exports them; -O2 -g without).
CHAINLOADER_CHECK := $(BUILD)/chainloader-check
RELEASE_CHECK := $(BUILD)/release/chainloader-check
CHECK_SRCS := tools/chainloader-check.c tools/check_map.c $(PORTABLE_SRCS)
CHECK_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iinclude -I. -DCHAINLOADER_VERSION='"$(VERSION)"'
HOST_TOOL_CFLAGS ?= -O2 -g -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS ?= -O2 -g
$(CHAINLOADER_CHECK): CHECK_FLAGS = $(HOST_TOOL_CFLAGS)
$(RELEASE_CHECK): CHECK_FLAGS = $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)
$(CHAINLOADER_CHECK) $(RELEASE_CHECK): $(CHECK_SRCS) $(ALL_HDRS) $(wildcard tools/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(CHECK_CFLAGS) $(CHECK_FLAGS) $(CHECK_SRCS) -o $@

.PHONY: release-tools
release-tools: $(RELEASE_CHECK)

# What the package installs (debian/rules: make install DESTDIR=...). The
# loader goes in stripped: GRUB reads its program headers only, and the
# loaded bytes are those of build/chainloader.elf (make deb-test checks).
# debian/chainloader.postinst copies it to /boot, where GRUB can read it.
.PHONY: install
install: $(BUILD)/chainloader.elf $(BUILD)/chainloader.efi $(RELEASE_CHECK)
	install -d $(DESTDIR)/usr/lib/chainloader $(DESTDIR)/usr/bin $(DESTDIR)/usr/share/man/man1 \
		$(DESTDIR)/etc/grub.d $(DESTDIR)/etc/default
	objcopy --strip-all $(BUILD)/chainloader.elf $(DESTDIR)/usr/lib/chainloader/chainloader.elf
	chmod 0644 $(DESTDIR)/usr/lib/chainloader/chainloader.elf
	install -m 0644 $(BUILD)/chainloader.efi $(DESTDIR)/usr/lib/chainloader/chainloader.efi
	install -m 0755 $(RELEASE_CHECK) $(DESTDIR)/usr/bin/chainloader-check
	install -m 0644 tools/chainloader-check.1 $(DESTDIR)/usr/share/man/man1/chainloader-check.1
	install -m 0755 tools/grub.d/15_chainloader $(DESTDIR)/etc/grub.d/15_chainloader
	install -m 0644 tools/default/chainloader $(DESTDIR)/etc/default/chainloader

# build/chainloader_<version>_amd64.deb, by dpkg-buildpackage from debian/,
# in a copy of the tree under build/deb (dpkg-buildpackage writes next to
# the source directory, and cleans it first).
DEB := $(BUILD)/chainloader_$(VERSION)_amd64.deb
DEB_SRC := $(BUILD)/deb/chainloader-$(VERSION)
.PHONY: deb
deb: $(DEB)
$(DEB): $(filter-out $(BUILD)/%,$(shell find . -path ./$(BUILD) -prune -o -path ./.git -prune -o -type f -print))
	rm -rf $(BUILD)/deb
	mkdir -p $(DEB_SRC)
	tar -c --exclude=./$(BUILD) --exclude=./.git . | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc > ../dpkg-buildpackage.log 2>&1 || \
		{ tail -40 ../dpkg-buildpackage.log; exit 1; }
	cp $(BUILD)/deb/*.deb $(BUILD)/deb/*.changes $(BUILD)/deb/*.buildinfo $(BUILD)/
	@echo "  built   $@"

.PHONY: tools-test
tools-test: $(CHAINLOADER_CHECK) probe-kernels $(BUILD)/kernels/vmlinuz-amd64
	BUILD=$(BUILD) python3 -B -m unittest discover -s tools -p 'test_*.py' -v

include tests/unit/unit.mk
include tests/qemu/qemu.mk
include tests/secureboot/secureboot.mk
include tests/kernels/kernels.mk
include tests/fuzz/fuzz.mk
include tests/malformed/malformed.mk
include tests/static/static.mk
include tests/reloc/reloc.mk
include tests/system/system.mk

# The boot tests also boot the probe kernels.
qemu-test: probe-kernels

# GRUB's own linux and chainloader must give the kernel the same machine.
.PHONY: diff-test
diff-test: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) $(PYTEST) tests/qemu/test_differential.py -v \
	    --junitxml=$(BUILD)/test-results/differential.xml --results-json=$(BUILD)/qemu/differential.json $(DIFF_TEST_ARGS)

# The statistics make bench reports (scripts/benchstats.py), on the host; and
# the bench's instruction-counting QEMU plugin must build.
.PHONY: bench-selftest
bench-selftest: $(BUILD)/bench/insns_plugin.so
	python3 -B -m unittest discover -s tests/bench -p 'test_*.py' -v

# A host shared object QEMU loads (-plugin), not part of the loader.
$(BUILD)/bench/insns_plugin.so: scripts/insns_plugin.c
	@mkdir -p $(dir $@)
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

# The TPM event-log replay the measured-boot scenarios rely on, on the host.
.PHONY: tpm-replay-test
tpm-replay-test:
	python3 -B -m unittest discover -s tests/qemu -p 'test_tpm_replay.py' -v

test: static-check unit-test tools-test reloc-test fbcon-unit-test workspace32-test probe-unit fuzz-smoke probe-selftest bench-selftest tpm-replay-test qemu-test malformed-test malformed-test-uefi diff-test \
	secureboot-test deb-test system-test
	@echo "make test: all test suites passed"

# make test with every QEMU scenario, the whole Debian 13 matrix included,
# and every malformed case that reaches the kernel's parser on OVMF, not a
# sample (the pytest tests marked "full"): about 7 minutes more. CI runs make test.
.PHONY: test-full
test-full:
	$(MAKE) test TEST_MARKS=

# Timings against GRUB's own linux and QEMU's -kernel, and the smallest RAM
# each boots in (not part of make test). BENCH_ONLY and BENCH_ROUNDS pick
# parts and the count (docs/BENCHMARKS.md); bench-deps adds gnuplot.
.PHONY: bench bench-deps
bench-deps:
	scripts/deps.sh bench

bench: deps bench-deps all $(BUILD)/bench/insns_plugin.so
	BUILD=$(BUILD) python3 scripts/bench.py

# Under Secure Boot, on Debian 12's and 13's stock signed chains:
# chainloader.efi against GRUB's own linux (tests/secureboot/bench.py;
# BENCH_ROUNDS, BENCH_RELEASES). Not part of make test.
.PHONY: secureboot-bench
secureboot-bench: deps all
	BUILD=$(BUILD) /usr/bin/python3 -B tests/secureboot/bench.py

clean:
	rm -rf $(BUILD)/target $(BUILD)/unit $(BUILD)/reloc $(BUILD)/chainloader-check $(BUILD)/chainloader.elf* $(BUILD)/chainloader.efi* $(BUILD)/chainloader.lst $(BUILD)/chainloader-efi.lst $(BUILD)/gen \
		$(BUILD)/release $(BUILD)/deb $(BUILD)/chainloader_*
