# The malformed-input corpus (tests/malformed/gen_corpus.py): boot modules
# the loader must refuse with an exact error line. Included by the top-level
# Makefile (after tests/unit/unit.mk, whose UNIT_CFLAGS it uses).
#
#   make malformed-test         every case booted in QEMU through GRUB (about
#                               2.5 minutes, two at a time: pytest-xdist);
#                               MALFORMED_ARGS="-k bz-" picks cases
#   make malformed-test-uefi    the cases that reach the kernel's parser, on
#                               OVMF: a sample of them (the others are marked
#                               "full": make test-full, TEST_MARKS=, boots all)
#   make malformed-host-check   every case through chainloader-check (the same portable code) on
#                               the host (seconds, no QEMU)
# One pytest test per case (tests/malformed/test_malformed.py: test_bios,
# test_uefi, test_host), the case's name as its id; JUnit XML in
# $(BUILD)/test-results/, results in $(BUILD)/malformed/*results*.json.
#   make malformed-corpus       only write the cases to build/malformed/corpus/

MALFORMED_ARGS ?=
MALFORMED_UEFI_ARGS ?=
MALFORMED_JOBS ?= 2

.PHONY: malformed-test malformed-test-uefi malformed-host-check malformed-corpus

malformed-test: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) $(PYTEST) tests/malformed/test_malformed.py::test_bios -v -n $(MALFORMED_JOBS) \
	    --junitxml=$(BUILD)/test-results/malformed.xml --results-json=$(BUILD)/malformed/results.json $(MALFORMED_ARGS)

malformed-test-uefi: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) $(PYTEST) tests/malformed/test_malformed.py::test_uefi -v -n $(MALFORMED_JOBS) -m "$(TEST_MARKS)" \
	    --junitxml=$(BUILD)/test-results/malformed-uefi.xml --results-json=$(BUILD)/malformed/results-uefi.json \
	    $(MALFORMED_UEFI_ARGS) $(MALFORMED_ARGS)

malformed-host-check: $(CHAINLOADER_CHECK)
	BUILD=$(BUILD) $(PYTEST) tests/malformed/test_malformed.py::test_host -q \
	    --junitxml=$(BUILD)/test-results/malformed-host.xml --results-json=$(BUILD)/malformed/host-results.json $(MALFORMED_ARGS)

malformed-corpus:
	python3 tests/malformed/gen_corpus.py $(BUILD)/malformed/corpus
