/* Entry points of probe.bzImage's protected-mode part, which runs at
 * whatever aligned address the loader chose: no absolute address anywhere
 * (the build checks the link produced no relocations).
 *
 * startup_32 (offset 0: code32_start; 32-bit protected mode, paging off)
 *   In:  ESI = boot_params; CS = 0x10, DS = ES = SS = 0x18 (checked
 *        later); EBX = EDI = EBP = 0 (checked later); no stack promised.
 *   The 4-byte boot_params.scratch field (0x1E4) serves as the stack for
 *   one call/pop that finds the load address, as the boot protocol
 *   intends; then the probe's own stack.
 *
 * startup_64 (offset 0x200; 64-bit mode, paging on)
 *   In:  RSI = boot_params; [load, load + init_size) mapped 1:1.
 *
 * Both use only mov/lea/call/pop before record32/record64, so the flags
 * are recorded as the loader left them; then long_mode.S.
 */
#include "probe_asm.h"

#define BP_SCRATCH_END 0x1E8 /* offsetof(struct boot_params, scratch) + 4 */

	.section .text.head, "ax"
	.code32
	.globl startup_32
	.hidden startup_32
startup_32:
	movl %esp, %ecx
	leal BP_SCRATCH_END(%esi), %esp
	call 1f
1:	popl %edx
	leal (probe_stack_top - 1b)(%edx), %esp
	leal -(1b - startup_32)(%edx), %edx
	movl $ENTRY_BZIMAGE32, %eax
	call record32
	jmp enter_long32

	.org 0x200, 0xf4                 /* hlt up to the 64-bit entry */
	.code64
	.globl startup_64
	.hidden startup_64
startup_64:
	movq %rsp, %rcx
	leaq probe_stack_top(%rip), %rsp
	leaq startup_64(%rip), %rdx
	movl $ENTRY_BZIMAGE64, %eax
	call record64
	jmp common64
