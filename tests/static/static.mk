# Static analysis: cppcheck and clang-tidy (Debian's) over boot/, loader/,
# lib/, arch/x86_64/, tests/unit/ and tests/kernels/. Included by the
# top-level Makefile after tests/unit/unit.mk and tests/kernels/kernels.mk,
# whose flags it reuses, so each file is analysed as it is built.
#
#   make static-check   every finding printed; fails on any
#
# Checks: .clang-tidy (top level, each disabled check with its reason) and
# tests/static/cppcheck-suppressions.txt. Logs in build/static/.

.PHONY: static-check
static-check: $(FBCON_FONT_C)
	BUILD=$(BUILD) \
	TIDY_TARGET_FLAGS="$(TARGET_CFLAGS) -Iarch/x86_64 -I$(BUILD)/gen" \
	TIDY_UNIT_FLAGS="$(UNIT_CFLAGS) -Itests/kernels" \
	TIDY_PROBE_FLAGS="$(PROBE_CFLAGS)" \
	tests/static/run_static.sh
