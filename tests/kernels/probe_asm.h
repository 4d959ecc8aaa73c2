/* Constants shared by the probe kernels' assembly and C (macros only: this
 * file is included from .S files too). */
#ifndef PROBE_ASM_H
#define PROBE_ASM_H

/* Which entry point ran; the C side picks its checks from this. */
#define ENTRY_ELF64 1     /* ELF e_entry, 64-bit, RSI = boot_params */
#define ENTRY_PVH 2       /* XEN_ELFNOTE_PHYS32_ENTRY, 32-bit, EBX = hvm_start_info */
#define ENTRY_BZIMAGE64 3 /* bzImage load + 0x200, 64-bit, RSI = boot_params */
#define ENTRY_BZIMAGE32 4 /* bzImage code32_start, 32-bit, ESI = boot_params */

/* The probe's own GDT (probe_gdt in long_mode.S). The values are the
 * same as Linux's boot selectors only by convention; nothing checks them. */
#define PROBE_CS64 0x08
#define PROBE_CS32 0x10
#define PROBE_DS 0x18

/* struct probe_state (probe.h): the machine state captured at entry,
 * before the probe changed anything. Every field is 8 bytes; 32-bit code
 * writes both halves. */
#define ST_KIND 0x00
#define ST_ENTRY 0x08   /* runtime address of the entry point that ran */
#define ST_FLAGS 0x10   /* EFLAGS / RFLAGS */
#define ST_RSP 0x18
#define ST_RBX 0x20
#define ST_RSI 0x28
#define ST_RDI 0x30
#define ST_RBP 0x38
#define ST_CR0 0x40
#define ST_CR3 0x48
#define ST_CR4 0x50
#define ST_EFER 0x58
#define ST_CS 0x60
#define ST_DS 0x68
#define ST_ES 0x70
#define ST_SS 0x78
#define ST_LIMIT_CS 0x80 /* LSL of each selector (valid if its ST_SEGOK bit) */
#define ST_LIMIT_DS 0x88
#define ST_LIMIT_ES 0x90
#define ST_LIMIT_SS 0x98
#define ST_AR_CS 0xA0    /* LAR of each selector (valid if its ST_SEGOK bit) */
#define ST_AR_DS 0xA8
#define ST_AR_ES 0xB0
#define ST_AR_SS 0xB8
#define ST_SEGOK 0xC0    /* bit n: LSL+LAR of selector n (CS, DS, ES, SS) succeeded */
#define ST_SIZE 0xC8

/* Sizes. */
#define PROBE_STACK_SIZE 0x8000
#define BOOT_PT32_PAGES 7 /* PML4 + PDPT + 4 PDs for [0, 4 GiB) + 1 for 4 KiB rounding */

/* isa-debug-exit (iobase 0xf4): QEMU exits with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS 0x31      /* exit status 99 */
#define EXIT_FAIL 0x30      /* exit status 97 */
#define EXIT_EXCEPTION 0x32 /* exit status 101: a CPU exception in the probe */

#endif
