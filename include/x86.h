/* x86 constants shared by the assembly and the C side (macros only: included from .S). */
#ifndef CHAINLOADER_X86_H
#define CHAINLOADER_X86_H

/* The loader's GDT; 0x10 and 0x18 are Linux's __BOOT_CS and __BOOT_DS. */
#define BOOT_CS32 0x08
#define BOOT_CS64 0x10
#define BOOT_DS 0x18
#define BOOT_CS32_HANDOFF 0x10 /* in the 32-bit handoff GDT: 32-bit code */

#define CR0_PE (1 << 0)
#define CR0_ET (1 << 4) /* read-only 1 on modern CPUs */
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFLAGS_ID (1 << 21)
#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_LM (1 << 29)

#define PTE_PRESENT (1 << 0)
#define PTE_WRITE (1 << 1)
#define PTE_LARGE (1 << 7) /* 2 MiB page in a page directory */
#define PAGE_SIZE 4096
#define LARGE_PAGE_SHIFT 21
#define PT_ENTRIES 512
#define BOOT_MAPPED_GIB 4 /* start32.S maps [0, 4 GiB); paging.c extends */

#define COM1_PORT 0x3F8
#define VGA_TEXT_BUFFER 0xB8000

#endif
