/* probe_main: after the entry code recorded the machine state and built a
 * stack, run every check in order and report. */
#include "handoff.h"

__attribute__((noreturn)) void probe_main(void);

static const char *entry_name(uint64_t kind)
{
	switch (kind) {
	case ENTRY_ELF64: return "elf64";
	case ENTRY_PVH: return "pvh";
	case ENTRY_BZIMAGE64: return "bzimage64";
	case ENTRY_BZIMAGE32: return "bzimage32";
	default: return "unknown";
	}
}

#define FAULT_ADDRESS 0x10000000000ull /* 1 TiB: not mapped by paging.c */

static struct handoff handoff; /* large (memory map): not on the stack */

void probe_main(void)
{
	struct handoff *h = &handoff;
	serial_init();
	idt_init();
	paging_init();
	pr("\nPROBE: ENTRY %s\n", entry_name(probe_state.kind));
	cpu_print_state();
	cpu_checks();

	uint64_t ptr = probe_state.kind == ENTRY_PVH ? probe_state.rbx : probe_state.rsi;
	if (probe_state.kind == ENTRY_PVH)
		pvh_gather(h, ptr);
	else
		bootparams_gather(h, ptr);
	if (!h->usable) /* nothing below could be trusted */
		probe_finish();

	cmdline_gather(h);
	params_check(&h->params);
	if (h->params.fault) /* read beyond the probe's identity map: a page fault */
		(void)*(volatile uint64_t *)(uintptr_t)FAULT_ADDRESS;
	bootparams_loader_check(h);
	cmdline_checks(h);
	memory_checks(h);
	initrd_checks(h);
	image_checks(h);
	firmware_checks(h);
	rng_checks(h);
	kaslr_checks(h);
	layout_checks(h);
	probe_finish();
}
