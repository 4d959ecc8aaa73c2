# QEMU boot tests and an interactive QEMU run; included by the top-level
# Makefile, which knows how to build $(BUILD)/chainloader.elf.
#
#   make qemu-test   boot every scenario of tests/qemu/scenarios.py under
#                    pytest (tests/qemu/test_boot.py) but those marked "full"
#                    (TEST_MARKS=, as make test-full sets it: all of them);
#                    QEMU_TEST_ARGS="-k grub-linux" picks some by name
#                    (any pytest arguments: -x, --collect-only -q, ...)
#   make run         boot chainloader + Debian's amd64 kernel with a shell
#                    on the serial console (exit the shell to power off;
#                    Ctrl-a x quits QEMU)
#   make deps        install the Debian packages the project needs
#
# Kernels, initramfs and ISOs are made by the scripts each time: they are
# quick (kernels are cached by package version) and never stale.

BUILD ?= build

# pytest from Debian (python3-pytest, python3-pytest-xdist): -B and
# pytest.ini's -p no:cacheprovider write nothing into the source tree. Each
# suite writes its JUnit XML to $(BUILD)/test-results/<suite>.xml.
PYTEST ?= /usr/bin/python3 -B -m pytest
# The pytest marker expression of make test; make test-full empties it.
TEST_MARKS ?= not full
QEMU_TEST_ARGS ?=
DIFF_TEST_ARGS ?=
RUN_MEM_MIB ?= 512
RUN_CMDLINE ?= console=ttyS0,115200 panic=-1 cl.shell

.PHONY: deps qemu-test run

deps:
	scripts/deps.sh

qemu-test: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) $(PYTEST) tests/qemu/test_boot.py -v -m "$(TEST_MARKS)" \
	    --junitxml=$(BUILD)/test-results/qemu.xml --results-json=$(BUILD)/qemu/results.json $(QEMU_TEST_ARGS)

run: deps $(BUILD)/chainloader.elf
	BUILD=$(BUILD) scripts/fetch-kernel.sh amd64 $(BUILD)/kernels
	tests/qemu/mkinitramfs.sh $(BUILD)/qemu/run-initrd.cpio.gz 1024
	printf '%s\n' 'multiboot2 /boot/chainloader.elf' \
	    'module2 /boot/vmlinuz $(RUN_CMDLINE)' \
	    'module2 --nounzip /boot/initrd.img' > $(BUILD)/qemu/run.entry
	tests/qemu/mkiso.sh $(BUILD)/qemu/run.iso $(BUILD)/qemu/run.entry \
	    chainloader.elf=$(BUILD)/chainloader.elf \
	    vmlinuz=$(BUILD)/kernels/vmlinuz-amd64 \
	    initrd.img=$(BUILD)/qemu/run-initrd.cpio.gz
	qemu-system-x86_64 -m $(RUN_MEM_MIB) -cdrom $(BUILD)/qemu/run.iso -boot d \
	    -nographic -serial mon:stdio -no-reboot -nic none \
	    -device isa-debug-exit,iobase=0xf4,iosize=4

# A Debian kernel on demand (the unit tests also read it); cached under $(BUILD).
$(BUILD)/kernels/vmlinuz-%:
	BUILD=$(BUILD) scripts/fetch-kernel.sh $* $(BUILD)/kernels
