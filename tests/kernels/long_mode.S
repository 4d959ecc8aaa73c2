/* From an entry (after record32/record64) to C: the probe's own GDT,
 * stack, and for 32-bit entries the switch to 64-bit mode.
 *
 * enter_long32 (32-bit protected mode, paging off; jumped to)
 *   In:  ESP = the probe's stack; the code runs at whatever address the
 *        loader chose (position independent: every address is computed
 *        from a call/pop).
 *   Does: builds an identity map of [0, 4 GiB) in boot_pt32, sets
 *        CR4.PAE, CR3, EFER.LME, loads probe_gdt, sets CR0.PG and
 *        far-returns to 64-bit code at PROBE_CS64, then common64.
 *
 * common64 (64-bit mode; jumped to)
 *   In:  any RSP (it is reset), IF may still be what the loader left.
 *   Does: CLI, CLD, stack = probe_stack_top, probe_gdt with CS =
 *        PROBE_CS64 and DS/ES/SS/FS/GS = PROBE_DS, zeroes
 *        [__bss_zero_start, __bss_end) (each linker script says which
 *        part: the ELF keeps its zero-check area untouched), and calls
 *        probe_main(), which never returns.
 */
#include "probe_asm.h"
#include "x86.h"

	.data
	.balign 16
probe_gdt:
	.quad 0                          /* null */
	.quad 0x00af9a000000ffff         /* PROBE_CS64: 64-bit code */
	.quad 0x00cf9a000000ffff         /* PROBE_CS32: 32-bit flat code */
	.quad 0x00cf92000000ffff         /* PROBE_DS: flat read/write data */
probe_gdt_end:
	.balign 8
	.word 0, 0, 0                    /* keeps the base below 8-byte aligned */
probe_gdtr:
	.word probe_gdt_end - probe_gdt - 1
	.quad 0                          /* base: filled in at run time */

	/* Not zeroed by common64, and written before it runs. */
	.section .scratch, "aw", @nobits
	.balign 16
	.globl probe_stack_top
	.hidden probe_stack_top
	.space PROBE_STACK_SIZE
probe_stack_top:
boot_pt32:
	.space BOOT_PT32_PAGES * PAGE_SIZE

	.text
	.code32
	.globl enter_long32
	.hidden enter_long32
enter_long32:
	cli
	cld
	call 1f
1:	popl %ebp                        /* EBP: where label 1 runs */

	/* PML4, PDPT and 4 page directories in consecutive pages. */
	leal (boot_pt32 - 1b + PAGE_SIZE - 1)(%ebp), %ebx
	andl $-PAGE_SIZE, %ebx           /* EBX = PML4 */
	movl %ebx, %edi
	xorl %eax, %eax
	movl $(6 * PAGE_SIZE / 4), %ecx
	rep stosl
	leal (PAGE_SIZE + PTE_PRESENT + PTE_WRITE)(%ebx), %eax
	movl %eax, (%ebx)                /* PML4[0] -> PDPT */
	leal PAGE_SIZE(%ebx), %edi
	leal (2 * PAGE_SIZE + PTE_PRESENT + PTE_WRITE)(%ebx), %eax
	movl $4, %ecx
2:	movl %eax, (%edi)                /* PDPT[i] -> PD i */
	addl $PAGE_SIZE, %eax
	addl $8, %edi
	loop 2b
	leal (2 * PAGE_SIZE)(%ebx), %edi
	movl $(PTE_PRESENT + PTE_WRITE + PTE_LARGE), %eax
	movl $(4 * PT_ENTRIES), %ecx
3:	movl %eax, (%edi)                /* 2 MiB pages, 1:1 (high halves stay 0) */
	addl $(1 << LARGE_PAGE_SHIFT), %eax
	addl $8, %edi
	loop 3b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl %ebx, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr

	leal (probe_gdt - 1b)(%ebp), %eax
	movl %eax, (probe_gdtr + 2 - 1b)(%ebp)
	lgdt (probe_gdtr - 1b)(%ebp)

	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE), %eax
	movl %eax, %cr0                  /* long mode active, still 32-bit code */

	leal (common64 - 1b)(%ebp), %eax
	pushl $PROBE_CS64
	pushl %eax
	lret

	.code64
	.globl common64
	.hidden common64
common64:
	cli
	cld
	leaq probe_stack_top(%rip), %rsp
	leaq probe_gdt(%rip), %rax
	movq %rax, probe_gdtr + 2(%rip)
	lgdt probe_gdtr(%rip)
	leaq 1f(%rip), %rax
	pushq $PROBE_CS64
	pushq %rax
	lretq
1:	movl $PROBE_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs

	leaq __bss_zero_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb

	xorl %ebp, %ebp
	call probe_main
2:	cli
	hlt
	jmp 2b
