# Host unit tests (cmocka) over the portable loader code, under ASan and UBSan.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -I. -Itests/unit \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_LIBS := -lcmocka
UNIT_TESTS := test_printf test_options test_mb2 test_e820 test_planner test_bzimage test_elf test_firmware test_boot_plan \
	test_tpm_eventlog test_secure_boot test_gop test_newc
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/unit/%)
# The real Debian kernel (and the vmlinux inside it) the parser and plan tests also read.
UNIT_REAL_KERNEL := $(BUILD)/kernels/vmlinuz-amd64
UNIT_REAL_VMLINUX := $(BUILD)/kernels/vmlinux-amd64

$(BUILD)/unit/%: tests/unit/%.c tests/unit/builders.c tests/unit/builders.h $(PORTABLE_SRCS) $(ALL_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $< tests/unit/builders.c $(PORTABLE_SRCS) -o $@ $(UNIT_LIBS)

.PHONY: unit-test
unit-test: $(UNIT_BINS) $(UNIT_REAL_KERNEL) $(UNIT_REAL_VMLINUX)
	@pass=0; fail=0; \
	for t in $(UNIT_BINS); do \
		if CL_REAL_KERNEL=$(UNIT_REAL_KERNEL) CL_REAL_VMLINUX=$(UNIT_REAL_VMLINUX) $$t > $$t.log 2>&1; then \
			pass=$$((pass+1)); echo "PASS $$(basename $$t): $$(grep -h '^\[  PASSED  \]' $$t.log)"; \
		else \
			fail=$$((fail+1)); cat $$t.log; echo "FAIL $$(basename $$t)"; \
		fi; \
	done; \
	echo "unit tests: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

$(UNIT_REAL_VMLINUX): $(UNIT_REAL_KERNEL) scripts/extract-vmlinux.sh
	scripts/extract-vmlinux.sh $< $@

# find_workspace (32-bit assembly, arch/x86_64/workspace32.S) against a
# brute-force oracle, in a 32-bit process (gcc-multilib): natively, or under
# qemu-i386 where the kernel runs no 32-bit programs (scripts/run-ia32.sh).
# IA32_RUN=qemu forces the emulated way (IA32_RUN=native, the native one).
IA32_RUN ?= auto
WS32_IMAGE := -DIMAGE_START=0x100000u -DIMAGE_END=0x107a14u
WS32_LDSYMS := -Wl,--defsym,__image_start=0x100000 -Wl,--defsym,__image_end=0x107a14
$(BUILD)/unit/workspace32_test: tests/unit/workspace32_test.c arch/x86_64/workspace32.S $(ALL_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@ (-m32)")
	$(Q)$(HOST_CC) -m32 -no-pie -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -I. \
		-Wa,--noexecstack -fsanitize=undefined -fno-sanitize-recover=all $(WS32_IMAGE) \
		tests/unit/workspace32_test.c arch/x86_64/workspace32.S $(WS32_LDSYMS) -o $@

# A 32-bit program that exits 42: whether this kernel runs 32-bit programs.
$(BUILD)/unit/ia32_probe: tests/unit/ia32_probe.S
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -m32 -nostdlib -static -Wa,--noexecstack $< -o $@

.PHONY: workspace32-test
workspace32-test: $(BUILD)/unit/workspace32_test $(BUILD)/unit/ia32_probe
	IA32_RUN=$(IA32_RUN) scripts/run-ia32.sh $(BUILD)/unit/ia32_probe $(BUILD)/unit/workspace32_test
