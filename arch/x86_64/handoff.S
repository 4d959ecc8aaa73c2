/* The jump into Linux's 64-bit entry. Nothing after this can fail.
 *
 * Register contract: handoff_linux64(RDI = entry address, RSI = boot_params).
 * The kernel gets (Documentation/arch/x86/boot.rst, 64-bit boot protocol):
 *   64-bit mode, paging on with the loader's identity map (all RAM in the map);
 *   CS = __BOOT_CS (0x10), DS/ES/SS = __BOOT_DS (0x18); interrupts off; DF clear;
 *   RSI = physical address of boot_params. Never returns.
 */
#include "x86.h"

	.code64
	.text
	.global handoff_linux64
handoff_linux64:
	cli
	cld
	movl	$BOOT_DS, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%ebp, %ebp
	jmp	*%rdi
