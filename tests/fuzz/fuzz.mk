# libFuzzer harnesses over the portable loader code (the exact PORTABLE_SRCS
# the loader runs), built with clang under ASan and UBSan. Included by the
# top-level Makefile.
#
#   make fuzz         each harness for FUZZ_SECONDS (default 300), after
#                     replaying its seeds and every saved crash
#   make fuzz-smoke   the same for FUZZ_SMOKE_SECONDS each (default 10; about
#                     a minute in all): meant for `make test`
#   make fuzz-build   only build the harnesses (build/fuzz/fuzz_<name>)
#   make fuzz-seeds   regenerate tests/fuzz/corpus/ (tests/fuzz/gen_seeds.py)
#
# FUZZ_HARNESSES="elf bzimage" picks some; FUZZ_ARGS passes more libFuzzer
# flags (e.g. -jobs=2 -workers=2). What each run found new goes to
# build/fuzz/corpus/<name>/ (kept between runs), crashes to
# build/fuzz/artifacts/; copy a crash into tests/fuzz/regressions/<name>/ to
# keep it replayed by every run.

FUZZ_CC ?= clang
# More -D flags for the harnesses (none are defined today; a harness may add
# one to set aside a reported, not yet fixed finding while the rest is fuzzed on).
FUZZ_DEFINES ?=
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -I. -Itests/fuzz \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer $(FUZZ_DEFINES)
FUZZ_HARNESSES ?= mb2 bzimage elf e820 planner boot_plan tpm_log newc stub_inputs
FUZZ_ALL := mb2 bzimage elf e820 planner boot_plan tpm_log newc stub_inputs
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_ARGS ?=

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-seeds

# (deps, order-only: clang and libFuzzer installed first, no rebuild for it.)
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h tests/fuzz/fuzz.mk $(PORTABLE_SRCS) $(ALL_HDRS) | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(PORTABLE_SRCS) -o $@

fuzz-build: $(FUZZ_ALL:%=$(BUILD)/fuzz/fuzz_%)

fuzz: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/fuzz_%)
	BUILD=$(BUILD) FUZZ_ARGS="$(FUZZ_ARGS)" tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/fuzz_%)
	BUILD=$(BUILD) FUZZ_ARGS="$(FUZZ_ARGS)" tests/fuzz/run_fuzz.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)

fuzz-seeds:
	python3 tests/fuzz/gen_seeds.py tests/fuzz/corpus   # and tests/fuzz/replay
