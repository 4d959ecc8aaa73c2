/* probe.bzImage's real-mode part: what the real-mode boot protocol
 * (Documentation/arch/x86/boot.rst, "Running the kernel") promises, checked
 * from the inside when a loader enters it at (X >> 4) + 0x20 : 0 (the jump at
 * 0x200 lands here, at 0x26C). mkbzimage.py places this blob there.
 *
 * Register contract on entry (real mode): CS = (X >> 4) + 0x20, IP = 0;
 * DS = ES = SS = X >> 4; SP at the heap's end (heap_end_ptr + 0x200);
 * interrupts off. Linked at 0x26C as an offset from X and run with DS = X >> 4:
 * data by DS, code by relative jumps and calls only (CS's base is X + 0x200).
 *
 * Prints on COM1, as the protected-mode probe does (tests/qemu/run_tests.py
 * check_probe): "PROBE: ENTRY real16", one "PROBE: rm.NAME: ok|FAIL ..." line
 * per check, "PROBE: CMDLINE: <the command line at cmd_line_ptr>", then
 * "PROBE: RESULT PASS real16" (QEMU exits 99 through isa-debug-exit) or
 * "PROBE: RESULT FAIL real16" (97). */
#define COM1 0x3F8
#define COM_LSR 5
#define COM_LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xF4
#define EXIT_PASS 0x31
#define EXIT_FAIL 0x30
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21C
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_SETUP_SECTS 0x1F1
#define CAN_USE_HEAP 0x80
#define EFLAGS_IF 0x200

	.code16
	.text
	.global realmode_start
realmode_start:
	pushfw				/* IF before anything can change it */
	popw	%bp
	movw	%cs, %ax
	movw	%ds, %bx
	movw	%sp, %di		/* SP as entered */
	movw	%ax, saved_cs
	movw	%di, saved_sp
	movw	%bp, saved_flags
	movw	$msg_entry, %si
	call	puts

	/* Each check jumps to 9f on a failure; its verdict is ZF (8f). */
	/* Segments: CS = DS + 0x20, ES = SS = DS. */
	movw	saved_cs, %ax
	subw	$0x20, %ax
	cmpw	%bx, %ax
	jne	9f
	movw	%es, %ax
	cmpw	%bx, %ax
	jne	9f
	movw	%ss, %ax
	cmpw	%bx, %ax
	jne	9f
	call	ok_zf
	movw	$msg_segments, %si
	call	verdict

	/* The stack at the heap's end, the heap above the setup, the loader's marks. */
	movw	HDR_HEAP_END_PTR, %ax
	addw	$0x200, %ax
	cmpw	saved_sp, %ax
	jne	9f
	movzbw	HDR_SETUP_SECTS, %cx
	incw	%cx
	shlw	$9, %cx			/* the setup's end */
	cmpw	%cx, %ax
	jb	9f
	testb	$CAN_USE_HEAP, HDR_LOADFLAGS
	jz	9f
	cmpb	$0xFF, HDR_TYPE_OF_LOADER
	jne	9f
	call	ok_zf
	movw	$msg_heap, %si
	call	verdict

	/* Interrupts off. */
	testw	$EFLAGS_IF, saved_flags
	jnz	9f
	call	ok_zf
	movw	$msg_interrupts, %si
	call	verdict

	/* The real-mode IVT: IDTR base 0, limit 0x3FF. */
	sidtw	idtr
	cmpw	$0x3FF, idtr
	jne	9f
	cmpw	$0, idtr + 2
	jne	9f
	cmpb	$0, idtr + 4
	jne	9f
	call	ok_zf
	movw	$msg_idt, %si
	call	verdict

	/* A20 on: a write to 0000:0500 does not show at FFFF:0510 (0x100500). */
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	$0xFFFF, %ax
	movw	%ax, %gs
	movb	%gs:0x510, %al
	notb	%fs:0x500
	movb	%gs:0x510, %ah
	notb	%fs:0x500
	cmpb	%al, %ah
	jne	9f
	call	ok_zf
	movw	$msg_a20, %si
	call	verdict

	/* The initrd: in ramdisk_image/size, above 1 MiB. */
	cmpl	$0x100000, HDR_RAMDISK_IMAGE
	jb	9f
	cmpl	$0, HDR_RAMDISK_SIZE
	je	9f
	call	ok_zf
	movw	$msg_initrd, %si
	call	verdict

	/* The command line, as the kernel reads it: cmd_line_ptr, below 0xA0000. */
	movl	HDR_CMD_LINE_PTR, %eax
	cmpl	$0xA0000, %eax
	jae	9f
	testl	%eax, %eax
	jz	9f
	movw	$msg_cmdline, %si
	call	puts
	movl	HDR_CMD_LINE_PTR, %eax
	movw	%ax, %si
	andw	$0xF, %si
	shrl	$4, %eax
	pushw	%ds
	movw	%ax, %ds
	call	puts
	popw	%ds
	movw	$msg_newline, %si
	call	puts
	call	ok_zf
	movw	$msg_cmdline_ptr, %si
	call	verdict
	jmp	done

9:	/* a failed check: which one, from the return path it took */
	movw	$msg_some_check, %si
	testw	%sp, %sp		/* ZF = 0: SP is never 0 here */
	call	verdict
done:
	cmpb	$0, failed
	jne	3f
	movw	$msg_pass, %si
	call	puts
	movb	$EXIT_PASS, %al
	jmp	4f
3:	movw	$msg_fail, %si
	call	puts
	movb	$EXIT_FAIL, %al
4:	outb	%al, $DEBUG_EXIT_PORT
5:	cli
	hlt
	jmp	5b

/* ZF = 1. */
ok_zf:	cmpw	%ax, %ax
	ret

/* "PROBE: rm.NAME: " at DS:SI, then "ok" if ZF is set, else "FAIL" (and the
 * run fails). Clobbers AX, DX, SI. */
verdict:
	pushfw
	pushw	%si
	movw	$msg_prefix, %si
	call	puts
	popw	%si
	call	puts
	popfw
	movw	$msg_ok, %si
	je	1f
	movb	$1, failed
	movw	$msg_bad, %si
1:	jmp	puts

/* The NUL-terminated string at DS:SI to COM1. Clobbers AX, DX, SI. */
puts:	lodsb
	testb	%al, %al
	jz	2f
	movb	%al, %ah
	movw	$COM1 + COM_LSR, %dx
1:	inb	%dx, %al
	testb	$COM_LSR_THR_EMPTY, %al
	jz	1b
	movb	%ah, %al
	movw	$COM1, %dx
	outb	%al, %dx
	jmp	puts
2:	ret

msg_entry:	.asciz	"PROBE: ENTRY real16\r\n"
msg_prefix:	.asciz	"PROBE: rm."
msg_segments:	.asciz	"segments (CS = DS + 0x20, ES = SS = DS): "
msg_heap:	.asciz	"heap (SP = heap_end_ptr + 0x200 above the setup, CAN_USE_HEAP, type_of_loader 0xff): "
msg_interrupts:	.asciz	"interrupts off: "
msg_idt:	.asciz	"idt (base 0, limit 0x3ff): "
msg_a20:	.asciz	"a20 on: "
msg_initrd:	.asciz	"initrd (ramdisk_image above 1 MiB, ramdisk_size): "
msg_cmdline_ptr: .asciz	"cmd_line_ptr below 0xa0000: "
msg_some_check: .asciz	"the check after the last ok above: "
msg_cmdline:	.asciz	"PROBE: CMDLINE: "
msg_newline:	.asciz	"\r\n"
msg_ok:		.asciz	"ok\r\n"
msg_bad:	.asciz	"FAIL\r\n"
msg_pass:	.asciz	"PROBE: RESULT PASS real16\r\n"
msg_fail:	.asciz	"PROBE: RESULT FAIL real16\r\n"
failed:		.byte	0
	.balign	2
saved_cs:	.word	0
saved_sp:	.word	0
saved_flags:	.word	0
idtr:		.skip	6
