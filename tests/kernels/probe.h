/* Shared declarations of the probe kernels' C code. */
#ifndef PROBE_H
#define PROBE_H

/* Every symbol is local to the image: the compiler then addresses all of
 * them RIP-relative, which keeps the bzImage free of load-time relocations. */
#pragma GCC visibility push(hidden)

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_asm.h"

/* The machine state at entry, written by record.S before anything else. */
struct probe_state {
	uint64_t kind;
	uint64_t entry;
	uint64_t flags;
	uint64_t rsp, rbx, rsi, rdi, rbp;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t sel[4];   /* CS, DS, ES, SS */
	uint64_t limit[4]; /* LSL, valid if segok bit */
	uint64_t ar[4];    /* LAR, valid if segok bit */
	uint64_t segok;
};
_Static_assert(offsetof(struct probe_state, entry) == ST_ENTRY, "ST_ENTRY");
_Static_assert(offsetof(struct probe_state, flags) == ST_FLAGS, "ST_FLAGS");
_Static_assert(offsetof(struct probe_state, rsp) == ST_RSP, "ST_RSP");
_Static_assert(offsetof(struct probe_state, rsi) == ST_RSI, "ST_RSI");
_Static_assert(offsetof(struct probe_state, rbp) == ST_RBP, "ST_RBP");
_Static_assert(offsetof(struct probe_state, cr0) == ST_CR0, "ST_CR0");
_Static_assert(offsetof(struct probe_state, efer) == ST_EFER, "ST_EFER");
_Static_assert(offsetof(struct probe_state, sel) == ST_CS, "ST_CS");
_Static_assert(offsetof(struct probe_state, sel[3]) == ST_SS, "ST_SS");
_Static_assert(offsetof(struct probe_state, limit) == ST_LIMIT_CS, "ST_LIMIT_CS");
_Static_assert(offsetof(struct probe_state, ar) == ST_AR_CS, "ST_AR_CS");
_Static_assert(offsetof(struct probe_state, segok) == ST_SEGOK, "ST_SEGOK");
_Static_assert(sizeof(struct probe_state) == ST_SIZE, "ST_SIZE");

extern struct probe_state probe_state;

enum { SEG_CS, SEG_DS, SEG_ES, SEG_SS };

static inline bool entry_is64(void)
{
	return probe_state.kind == ENTRY_ELF64 || probe_state.kind == ENTRY_BZIMAGE64;
}

/* A physical range [addr, addr + size). */
struct range {
	uint64_t addr;
	uint64_t size;
};

/* serial.c */
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);

/* print.c */
size_t fmt_v(char *buf, size_t size, const char *f, va_list ap);
size_t fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
void pr(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* report.c: one "PROBE: <name>: ok|FAIL <details>" line per check. */
bool check(const char *name, bool ok, const char *f, ...) __attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) void probe_finish(void);
__attribute__((noreturn)) void probe_exit(uint32_t code);

/* crc32.c: CRC-32 as zlib computes it. */
uint32_t crc32(const void *p, uint64_t n);

/* paging.c: the probe's own identity map, then loaded into CR3. */
void paging_init(void);

/* idt.c: report CPU exceptions on COM1 instead of triple-faulting. */
void idt_init(void);

#endif
