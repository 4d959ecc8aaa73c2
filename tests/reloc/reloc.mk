# The self-relocation table (scripts/mkreloc.py, include/relocate.h), on the
# host: the loader linked at a second address must equal the loader linked
# at 1 MiB with its table applied as the entries apply it; and the table's
# encoding on its own. Included by the top-level Makefile.
RELOC_TEST_ADDR := 0x7fe00000

$(BUILD)/reloc/chainloader-at-$(RELOC_TEST_ADDR).elf: $(TARGET_OBJS) linker.ld scripts/mkreloc.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(call link_loader,$@,-Wl$(comma)--defsym=LOAD_ADDRESS=$(RELOC_TEST_ADDR))

comma := ,

.PHONY: reloc-test
reloc-test: $(BUILD)/chainloader.elf $(BUILD)/reloc/chainloader-at-$(RELOC_TEST_ADDR).elf
	python3 -B tests/reloc/test_reloc.py -v $(BUILD)/chainloader.elf $(BUILD)/reloc/chainloader-at-$(RELOC_TEST_ADDR).elf
