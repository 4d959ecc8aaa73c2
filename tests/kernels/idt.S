/* CPU exception entry stubs (64-bit).
 *
 * Register contract: entered by the CPU through an interrupt gate (IF=0),
 * with the CPU's frame (SS, RSP, RFLAGS, CS, RIP, and for some vectors an
 * error code) on the stack. Each stub pushes 0 where the CPU pushes no
 * error code, then the vector number, so that RSP points at a struct
 * exc_frame (idt.c). It calls probe_exception(RDI = frame), which prints
 * and exits QEMU; nothing returns.
 *
 * Stubs are 16 bytes apart: idt.c computes their addresses, so no
 * absolute address (no relocation) is needed in the bzImage.
 */
	.text
	.code64

/* Vectors where the CPU pushes an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX. */
.macro EXC_STUB vec
	.balign 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp exc_common
.endm

	.balign 16
	.globl exc_stubs
	.hidden exc_stubs
exc_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	EXC_STUB \vec
	.endr

exc_common:
	movq %rsp, %rdi
	andq $-16, %rsp    /* the C ABI wants a 16-byte aligned stack at the call */
	call probe_exception
1:	cli
	hlt
	jmp 1b
