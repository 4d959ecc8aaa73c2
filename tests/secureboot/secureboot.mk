# Boots under Secure Boot through Debian's stock signed shim and GRUB
# (issue 23); included by the top-level Makefile after tests/qemu/qemu.mk
# (PYTEST, TEST_MARKS), which knows how to build $(BUILD)/chainloader.efi.
#
#   make secureboot-test  tests/secureboot/test_secureboot.py under pytest:
#                         on Debian 12's chain with its signed kernel and on
#                         Debian 13's with its own (OVMF with Secure Boot
#                         enforced, a test MOK enrolled, swtpm, virtio-rng),
#                         GRUB's own linux as the reference, chainloader.efi
#                         signed with the MOK, a kernel with one byte changed,
#                         an unsigned chainloader.efi.
#                         SECUREBOOT_TEST_ARGS="-k debian13" picks tests (any
#                         pytest arguments). Boot times and measured values in
#                         $(BUILD)/secureboot/results.json, JUnit XML in
#                         $(BUILD)/test-results/secureboot.xml. Each QEMU run
#                         holds /tmp/cl-qemu.lock (flock).

SECUREBOOT_TEST_ARGS ?=

.PHONY: secureboot-test
secureboot-test: deps $(BUILD)/chainloader.efi
	BUILD=$(BUILD) $(PYTEST) tests/secureboot/test_secureboot.py -v -m "$(TEST_MARKS)" \
	    --junitxml=$(BUILD)/test-results/secureboot.xml --results-json=$(BUILD)/secureboot/results.json \
	    $(SECUREBOOT_TEST_ARGS)
