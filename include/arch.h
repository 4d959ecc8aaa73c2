/* What the portable code asks of the machine (implemented under arch/x86_64/). */
#ifndef CHAINLOADER_ARCH_H
#define CHAINLOADER_ARCH_H

#include <stdint.h>

#include "bootparam.h"
#include "error.h"
#include "planner.h"

void serial_init(void);
void serial_write(const char *s, uint64_t n);

void vga_init(void);
void vga_write(const char *s, uint64_t n);
/* The text console as Linux should find it (cursor where we left it). */
void vga_screen_info(struct screen_info *si);

extern uint64_t entry_tsc; /* TSC at _start */
uint64_t tsc_now(void);
/* TSC ticks per second, measured against the PIT (about 10 ms), 0 if it fails. */
uint64_t tsc_calibrate(void);

/* Extends the identity map to [0, end) (2 MiB pages), taking page-directory pages
 * from the planner. Ranges beyond the first 512 GiB are not mapped. */
int paging_cover(uint64_t end, struct planner *pl, struct cl_error *err);

__attribute__((noreturn)) void halt_forever(void);
__attribute__((noreturn)) void handoff_linux64(uint64_t entry, uint64_t boot_params);
/* 32-bit protected mode, paging off: ESI and EBX as given (see handoff.S). */
__attribute__((noreturn)) void handoff_protected32(uint64_t entry, uint64_t esi, uint64_t ebx);

#endif
