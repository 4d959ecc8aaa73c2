/* Control-register, MSR and page-table bits the probe checks that
 * include/x86.h does not define (x86.h holds the loader's own set). */
#ifndef PROBE_CPU_BITS_H
#define PROBE_CPU_BITS_H

#include "x86.h"

#define CR0_PE_BIT (1ull << 0)
#define CR0_ET_BIT (1ull << 4)
#define CR0_PG_BIT (1ull << 31)
#define CR4_PAE_BIT (1ull << 5)
#define CR4_LA57_BIT (1ull << 12)
#define EFER_LME_BIT (1ull << 8)
#define EFER_LMA_BIT (1ull << 10)
#define EFLAGS_IF_BIT (1ull << 9)
#define EFLAGS_TF_BIT (1ull << 8)
#define EFLAGS_VM_BIT (1ull << 17)

/* LAR result: access-rights bits 8..23 of the descriptor's second dword. */
#define AR_CODE (1u << 11)      /* type: code (else data) */
#define AR_RW (1u << 9)         /* code: readable; data: writable */
#define AR_S (1u << 12)         /* code/data, not system */
#define AR_PRESENT (1u << 15)
#define AR_L (1u << 21)         /* 64-bit code */
#define AR_DB (1u << 22)        /* 32-bit default operand size */
#define AR_G (1u << 23)         /* 4 KiB granularity */

#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define PT_LEVEL_BITS 9

#endif
