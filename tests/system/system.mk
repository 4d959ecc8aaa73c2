# The Debian package and a real installed system; included by the top-level
# Makefile, which builds $(DEB) (make deb).
#
#   make deb-test      lintian (errors and warnings fail) and the package's
#                      contents (tests/system/test_deb.py)
#   make system-test   the package installed into Debian 12 and 13 systems
#                      that mmdebstrap builds (cached under build/system),
#                      their menus made by update-grub, booted to systemd's
#                      multi-user target (12: SeaBIOS and OVMF; 13: OVMF)
#                      under pytest (tests/system/test_system.py, the steps in
#                      tests/system/run_system.py); then the same disk from an
#                      ESP with the system's own stock signed shim and GRUB on
#                      tests/secureboot's machine (tests/system/secureboot_system.py):
#                      12 with Secure Boot enforced (the package's MOK
#                      enrolled: the signed chainloader.efi body), off (the
#                      multiboot2 body), and enforced with the MOK not
#                      enrolled (GRUB's fallback: 10_linux's entry); needs
#                      root. The boots marked "full" (make test-full,
#                      TEST_MARKS=): both releases on both firmwares, GRUB's
#                      own linux entry, 13 on the stock chain.
#                      SYSTEM_TEST_ARGS="-k system13" picks tests.
#   make system-bench  the boot times of both, SYSTEM_BENCH_ROUNDS each

SYSTEM_TEST_ARGS ?=

.PHONY: deb-test system-test
deb-test: deps $(DEB) $(BUILD)/chainloader.elf $(CHAINLOADER_CHECK) $(BUILD)/kernels/vmlinuz-amd64
	BUILD=$(BUILD) python3 -B -m unittest discover -s tests/system -p 'test_deb.py' -v

system-test: deps $(DEB)
	BUILD=$(BUILD) $(PYTEST) tests/system/test_system.py -v -m "$(TEST_MARKS)" \
	    --junitxml=$(BUILD)/test-results/system.xml $(SYSTEM_TEST_ARGS)

# The installed system's boot times, chainloader against GRUB's own linux on
# both firmwares, SYSTEM_BENCH_ROUNDS boots each in turn (not in make test).
SYSTEM_BENCH_ROUNDS ?= 3
.PHONY: system-bench
system-bench: deps $(DEB)
	BUILD=$(BUILD) python3 -B tests/system/run_system.py --full --rounds $(SYSTEM_BENCH_ROUNDS)
