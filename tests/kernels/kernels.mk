# Probe kernels: test kernels that check the state a loader hands over
# (tests/kernels/README.md). Included by the top-level Makefile; every
# path is relative to the repository's top directory.
#
#   make probe-kernels     build/kernels/probe.elf, probe-nopvh.elf, probe.bzImage
#   make probe-unit        host unit tests of the probes' pure logic (cmocka)
#   make probe-selftest    boot them without chainloader (QEMU PVH, GRUB linux);
#                          PROBE_SELFTEST_ARGS=--chainloader adds chainloader boots
#   make probe-clean

BUILD ?= build
PROBE_DIR := tests/kernels
PROBE_OUT := $(BUILD)/kernels
PROBE_OBJ := $(PROBE_OUT)/obj

PROBE_CC ?= gcc
# Freestanding, no SSE, no red zone, no stack protector. -fpie with hidden
# visibility (probe.h) makes every reference RIP-relative, so the same
# objects serve the fixed-address ELF and the position-independent bzImage.
PROBE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
	-fpie -fvisibility=hidden -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -fno-jump-tables -fcf-protection=none -m64 \
	-I$(PROBE_DIR) -Iinclude -I.
PROBE_LDFLAGS := -nostdlib -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-z,noseparate-code

PROBE_COMMON := record.S long_mode.S idt.S serial.c print.c report.c crc32.c paging.c \
	pagewalk.c idt.c memmap.c params.c handoff.c bootparams.c pvh.c cpu.c cmdline.c \
	memory.c initrd.c layout.c fwrules.c firmware.c rng.c kaslr.c main.c
PROBE_OBJS_COMMON := $(patsubst %,$(PROBE_OBJ)/%.o,$(PROBE_COMMON))
PROBE_OBJS_ELF := $(PROBE_OBJS_COMMON) $(PROBE_OBJ)/entry_elf.S.o $(PROBE_OBJ)/image_elf.c.o
PROBE_OBJS_BZ := $(PROBE_OBJS_COMMON) $(PROBE_OBJ)/entry_bzimage.S.o $(PROBE_OBJ)/image_bzimage.c.o

.PHONY: probe-kernels probe-selftest
probe-kernels: $(PROBE_OUT)/probe.elf $(PROBE_OUT)/probe-nopvh.elf $(PROBE_OUT)/probe.bzImage

$(PROBE_OBJ)/%.c.o: $(PROBE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(PROBE_CC) $(PROBE_CFLAGS) -MMD -MP -c $< -o $@

$(PROBE_OBJ)/%.S.o: $(PROBE_DIR)/%.S
	@mkdir -p $(dir $@)
	$(PROBE_CC) $(PROBE_CFLAGS) -MMD -MP -c $< -o $@

# probe.elf: fixed addresses (elf.ld), PVH note included.
$(PROBE_OUT)/probe.elf: $(PROBE_OBJS_ELF) $(PROBE_OBJ)/pvh_note.S.o $(PROBE_DIR)/elf.ld
	$(PROBE_CC) $(PROBE_CFLAGS) $(PROBE_LDFLAGS) -static -no-pie -T $(PROBE_DIR)/elf.ld \
		$(PROBE_OBJS_ELF) $(PROBE_OBJ)/pvh_note.S.o -o $@.tmp
	$(PROBE_DIR)/check_elf.sh $@.tmp pvh
	mv $@.tmp $@

# probe-nopvh.elf: the same without the note (entry=pvh must be refused).
$(PROBE_OUT)/probe-nopvh.elf: $(PROBE_OBJS_ELF) $(PROBE_DIR)/elf.ld
	$(PROBE_CC) $(PROBE_CFLAGS) $(PROBE_LDFLAGS) -static -no-pie -T $(PROBE_DIR)/elf.ld \
		$(PROBE_OBJS_ELF) -o $@.tmp
	$(PROBE_DIR)/check_elf.sh $@.tmp nopvh
	mv $@.tmp $@

# probe.bzImage: a static PIE linked at 0; it must need no relocation at
# all, since nothing relocates it.
$(PROBE_OUT)/probe-pm.elf: $(PROBE_OBJS_BZ) $(PROBE_DIR)/bzimage.ld
	$(PROBE_CC) $(PROBE_CFLAGS) $(PROBE_LDFLAGS) -static-pie -Wl,--no-dynamic-linker \
		-T $(PROBE_DIR)/bzimage.ld $(PROBE_OBJS_BZ) -o $@.tmp
	@if readelf -rW $@.tmp | grep -q 'R_X86_64'; then \
		readelf -rW $@.tmp; echo "$@: the protected-mode part needs relocations"; exit 1; fi
	mv $@.tmp $@

# The real-mode probe (entry=16): 16-bit code at 0x26C of the setup, as an
# offset from the real-mode base (realmode.S).
$(PROBE_OUT)/realmode.bin: $(PROBE_DIR)/realmode.S
	@mkdir -p $(PROBE_OBJ)
	$(PROBE_CC) -m32 -c $< -o $(PROBE_OBJ)/realmode.o
	ld -m elf_i386 -Ttext=0x26C --oformat=binary -e realmode_start $(PROBE_OBJ)/realmode.o -o $@

$(PROBE_OUT)/probe.bzImage: $(PROBE_OUT)/probe-pm.elf $(PROBE_OUT)/realmode.bin $(PROBE_DIR)/mkbzimage.py \
		$(PROBE_DIR)/bzimage_layout.h
	objcopy -O binary --only-section=.text --only-section=.rodata --only-section=.data \
		--only-section=.dynamic --only-section=.rela.dyn $< $(PROBE_OUT)/probe-pm.bin
	python3 $(PROBE_DIR)/mkbzimage.py $(PROBE_DIR)/bzimage_layout.h $(PROBE_OUT)/probe-pm.bin \
		0x$$(nm $< | awk '$$3 == "__image_end" { print $$1 }') $(PROBE_OUT)/realmode.bin $@

PROBE_SELFTEST_ARGS ?=
probe-selftest: probe-kernels
	BUILD=$(BUILD) python3 $(PROBE_DIR)/selftest.py $(PROBE_SELFTEST_ARGS)

-include $(PROBE_OBJS_COMMON:.o=.d) $(PROBE_OBJ)/entry_elf.S.d $(PROBE_OBJ)/image_elf.c.d \
	$(PROBE_OBJ)/entry_bzimage.S.d $(PROBE_OBJ)/image_bzimage.c.d $(PROBE_OBJ)/pvh_note.S.d

# Host unit tests (cmocka, ASan/UBSan) of the probe's pure logic.
PROBE_UNIT_SRCS := $(PROBE_DIR)/test_probe_host.c $(PROBE_DIR)/pagewalk.c $(PROBE_DIR)/memmap.c \
	$(PROBE_DIR)/params.c $(PROBE_DIR)/print.c $(PROBE_DIR)/crc32.c $(PROBE_DIR)/fwrules.c
.PHONY: probe-unit
$(PROBE_OUT)/test_probe_host: $(PROBE_UNIT_SRCS) $(wildcard $(PROBE_DIR)/*.h)
	@mkdir -p $(dir $@)
	gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -I$(PROBE_DIR) -Iinclude -I. -Itests/unit \
		-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		$(PROBE_UNIT_SRCS) -o $@ -lcmocka
probe-unit: $(PROBE_OUT)/test_probe_host
	$(PROBE_OUT)/test_probe_host

.PHONY: probe-clean
probe-clean:
	rm -rf $(PROBE_OBJ) $(PROBE_OUT)/probe.elf $(PROBE_OUT)/probe-nopvh.elf $(PROBE_OUT)/probe.bzImage \
		$(PROBE_OUT)/probe-pm.elf $(PROBE_OUT)/probe-pm.bin $(PROBE_OUT)/test_probe_host $(PROBE_OUT)/selftest
