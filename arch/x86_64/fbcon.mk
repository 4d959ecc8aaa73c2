# The framebuffer text console (arch/x86_64/fbcon.c) and its font, generated
# at build time from a Debian console font; included by the top-level Makefile
# after TARGET_SRCS, UNIT_CFLAGS and UNIT_LIBS are set:
#   TARGET_SRCS += $(FBCON_SRCS)      the loader's sources
#   make fbcon-unit-test              host tests (cmocka, ASan, UBSan)
# Include it before TARGET_OBJS is computed; it leaves the default goal alone.
fbcon_saved_goal := $(.DEFAULT_GOAL)

# Package console-setup-linux (scripts/deps.sh FONT_PKGS): 8x16, the VGA look.
# Any PSF1/PSF2 font works (scripts/psf2c.py), up to 32 pixels wide.
FBCON_PSF ?= /usr/share/consolefonts/Lat15-VGA16.psf.gz
FBCON_FONT_C := $(BUILD)/gen/font.c
FBCON_SRCS := arch/x86_64/fbcon.c $(FBCON_FONT_C)

$(FBCON_FONT_C): $(FBCON_PSF) scripts/psf2c.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  PSF2C   $@")
	$(Q)python3 scripts/psf2c.py $(FBCON_PSF) $@

$(FBCON_PSF):
	@echo "fbcon.mk: $@ is missing: run scripts/deps.sh (package console-setup-linux)" >&2
	@exit 1

# Host tests: fbcon.c draws into malloc'ed memory, so the 4 GiB limit is lifted.
$(BUILD)/unit/test_fbcon: tests/unit/test_fbcon.c arch/x86_64/fbcon.c $(FBCON_FONT_C) $(ALL_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -DFBCON_ADDR_LIMIT=UINT64_MAX $< arch/x86_64/fbcon.c $(FBCON_FONT_C) \
		-o $@ $(UNIT_LIBS)

.PHONY: fbcon-unit-test
fbcon-unit-test: $(BUILD)/unit/test_fbcon
	@if $< > $<.log 2>&1; then echo "PASS test_fbcon: $$(grep -h '^\[  PASSED  \]' $<.log)"; \
	else cat $<.log; echo "FAIL test_fbcon"; exit 1; fi

# Clearing it (when nothing came before) lets the next target be the default again.
.DEFAULT_GOAL := $(fbcon_saved_goal)
