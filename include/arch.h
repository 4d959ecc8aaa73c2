/* What the portable code asks of the machine (implemented under arch/x86_64/). */
#ifndef CHAINLOADER_ARCH_H
#define CHAINLOADER_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/zeropage.h"
#include "boot_plan.h"
#include "error.h"
#include "loader/plan/planner.h"

void serial_init(void);
void serial_write(const char *s, uint64_t n);

void vga_init(void);
/* No VGA text screen (UEFI, or GRUB set a graphics mode): stop writing to it. */
void vga_disable(void);
void vga_write(const char *s, uint64_t n);
/* The text console as Linux should find it (cursor where we left it). */
void vga_screen_info(struct screen_info *si);

/* Text on the linear framebuffer GRUB set up (arch/x86_64/fbcon.c): clears it
 * and turns the console on, or leaves it off for what it cannot draw on (bpp
 * other than 32, 24, 16 or 15, bad RGB fields, above the identity map). */
struct boot_framebuffer;
/* Enough cells for 1920x1200 with an 8x16 font; a larger screen gets the
 * glyphs scaled up (2x on 4K) rather than a bigger table. */
#define FBCON_MAX_COLS 240
#define FBCON_MAX_ROWS 100
#define FBCON_MAX_CELLS (FBCON_MAX_COLS * FBCON_MAX_ROWS)
/* `cell_store` (FBCON_MAX_CELLS bytes) remembers what is on the screen; it must
 * outlive the console. */
void fbcon_init(const struct boot_framebuffer *fb, uint8_t *cell_store);
/* Light grey on black; '\n', wrapping and scrolling. No-op while off. */
void fbcon_write(const char *s, uint64_t n);
/* Text written from now on is white on red (true) or normal (false). */
void fbcon_set_error_colour(bool on);

/* The RSDP in the BIOS areas, or 0. */
uint64_t acpi_find_rsdp_bios(void);
/* The BIOS's interrupt vectors and EBDA, for the real-mode entry (bios_lowmem.c). */
void bios_low_memory_read(struct bios_low_memory *out);

extern uint64_t entry_tsc; /* TSC at _start */
uint64_t tsc_now(void);
/* TSC ticks per second, measured against the PIT (about 10 ms), 0 if it fails. */
uint64_t tsc_calibrate(void);

/* Builds and loads an identity map of [0, max(end, 4 GiB)) in 2 MiB pages, in
 * memory taken from the planner. Beyond the first 512 GiB nothing is mapped. */
int paging_build(uint64_t end, struct planner *pl, struct cl_error *err);
/* Writes start32.S's boot page tables (an identity map of [0, 4 GiB)) at the
 * workspace's WORKSPACE_PML4 (include/workspace.h); does not load them. */
void paging_identity_4g(uint64_t workspace);

/* Fills buf with random bytes from RDSEED, else RDRAND; returns the
 * instruction's name, or NULL (buf then zeroed) when the CPU has neither or
 * they keep failing. */
const char *cpu_random_fill(uint8_t *buf, size_t len);
/* Zeroes n bytes in a way the compiler cannot drop (secrets). */
void wipe(void *p, size_t n);

__attribute__((noreturn)) void halt_forever(void);
/* Copies the trampoline into plan->trampoline and runs it: the plan's copies,
 * then the jump into the kernel (see trampoline.S). */
__attribute__((noreturn)) void trampoline_launch(const struct boot_plan *plan);

#endif
