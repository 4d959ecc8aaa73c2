# Host unit tests (cmocka) over the portable loader code, under ASan and UBSan.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Itests/unit \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_LIBS := -lcmocka
UNIT_TESTS := test_format test_options test_mb2 test_e820 test_planner test_bzimage test_boot_plan
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/unit/%)
# The real Debian kernel the bzImage and plan tests also read (fetched by qemu.mk's rule).
UNIT_REAL_KERNEL := $(BUILD)/kernels/vmlinuz-amd64

$(BUILD)/unit/%: tests/unit/%.c tests/unit/builders.c tests/unit/builders.h $(PORTABLE_SRCS) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_CFLAGS) $< tests/unit/builders.c $(PORTABLE_SRCS) -o $@ $(UNIT_LIBS)

.PHONY: unit-test
unit-test: $(UNIT_BINS) $(UNIT_REAL_KERNEL)
	@pass=0; fail=0; \
	for t in $(UNIT_BINS); do \
		if CL_REAL_KERNEL=$(UNIT_REAL_KERNEL) $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAIL $$t"; fi; \
	done; \
	echo "unit tests: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]
