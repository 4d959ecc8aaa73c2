# The malformed-input corpus (tests/malformed/gen_corpus.py): boot modules
# the loader must refuse with an exact error line. Included by the top-level
# Makefile (after tests/unit/unit.mk, whose UNIT_CFLAGS it uses).
#
#   make malformed-test         every case booted in QEMU through GRUB (about
#                               2.5 minutes, two at a time); MALFORMED_ARGS=
#                               "--only bz-" picks cases
#   make malformed-test-uefi    the cases that reach the kernel's parser, on
#                               OVMF: a sample of them (MALFORMED_UEFI_ARGS=
#                               --sample, the default; make test-full: all)
#   make malformed-host-check   every case through chainloader-check (the same portable code) on
#                               the host (seconds, no QEMU)
#   make malformed-corpus       only write the cases to build/malformed/corpus/

MALFORMED_ARGS ?=
MALFORMED_UEFI_ARGS ?= --sample

.PHONY: malformed-test malformed-test-uefi malformed-host-check malformed-corpus

malformed-test: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) python3 tests/malformed/run_malformed.py $(MALFORMED_ARGS)

malformed-test-uefi: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) python3 tests/malformed/run_malformed.py --firmware uefi $(MALFORMED_UEFI_ARGS) $(MALFORMED_ARGS)

malformed-host-check: $(CHAINLOADER_CHECK)
	BUILD=$(BUILD) python3 tests/malformed/run_malformed.py --host $(MALFORMED_ARGS)

malformed-corpus:
	python3 tests/malformed/gen_corpus.py $(BUILD)/malformed/corpus
