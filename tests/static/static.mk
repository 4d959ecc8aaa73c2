# Static analysis: shellcheck over the shell scripts, and cppcheck and
# clang-tidy (Debian's) over boot/, loader/,
# lib/, arch/x86_64/, tests/unit/ and tests/kernels/. Included by the
# top-level Makefile after tests/unit/unit.mk and tests/kernels/kernels.mk,
# whose flags it reuses, so each file is analysed as it is built.
#
#   make static-check   every finding printed; fails on any
#
# Checks: .clang-tidy (top level, each disabled check with its reason) and
# tests/static/cppcheck-suppressions.txt. Logs in build/static/.

# The version string as a plain literal (the Makefile's shell quoting does not
# survive being passed on in a variable).
STATIC_TARGET_FLAGS := $(filter-out -DCHAINLOADER_VERSION=% -fno-inline-functions-called-once,$(TARGET_CFLAGS)) \
	-DCHAINLOADER_VERSION=\"static\" -Iarch/x86_64 -I$(BUILD)/gen

# Host tests only:
# readability-non-const-parameter: the corruption callbacks share one
#   signature (uint8_t *img, size_t *size) and each uses one of the two.
# bugprone-not-null-terminated-result: the tests build strings without a NUL
#   on purpose, to see the parsers refuse them.
STATIC_UNIT_CHECKS := -readability-non-const-parameter,-bugprone-not-null-terminated-result

# Probe kernels only:
# clang-analyzer-core.NullDereference: every pointer the probes read comes
#   through check(name, ptr && readable(...), ...), which returns its
#   condition and is defined in another file: the analyser, which sees one
#   file at a time, assumes the pointer may still be NULL after it.
STATIC_PROBE_CHECKS := -clang-analyzer-core.NullDereference

.PHONY: static-check
static-check: deps $(FBCON_FONT_C)
	BUILD=$(BUILD) \
	TIDY_TARGET_FLAGS="$(STATIC_TARGET_FLAGS)" \
	TIDY_UNIT_FLAGS="$(UNIT_CFLAGS) -Itests/kernels" TIDY_UNIT_CHECKS="$(STATIC_UNIT_CHECKS)" \
	TIDY_PROBE_FLAGS="$(PROBE_CFLAGS)" TIDY_PROBE_CHECKS="$(STATIC_PROBE_CHECKS)" \
	tests/static/run_static.sh
