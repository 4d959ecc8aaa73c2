/* The boot sector of the test floppy that memdisk boots (tests/qemu/run_tests.py,
 * make_floppy): it proves memdisk's emulated disk works from the inside.
 *
 * Register contract on entry (a BIOS boot sector): real mode, CS:IP =
 * 0000:7C00 (or 07C0:0000), DL = the boot drive (memdisk's floppy: 0x00).
 * It prints CL-FLOPPY-BOOT on COM1, reads sector 2 (CHS 0/0/2) through
 * int 13h AH=02 to 0000:8000, compares it with the signature make_floppy wrote
 * there, prints CL-FLOPPY-SECTOR2: ok (or bad, or read failed), and ends QEMU
 * through isa-debug-exit (port 0xF4): 99 when the sector matched, 97 if not.
 * Linked at 0x7C00 (ld -Ttext 0x7c00 --oformat binary). */
#define COM1 0x3F8
#define COM_LSR 5
#define COM_LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xF4
#define EXIT_PASS 0x31 /* QEMU exits with (0x31 << 1) | 1 = 99 */
#define EXIT_FAIL 0x30 /* 97 */
#define SECTOR2_BUFFER 0x8000
#define SIGNATURE_LEN 16

	.code16
	.text
	.global _start
_start:
	cli
	ljmp	$0, $1f			/* CS = 0 whichever form the BIOS used */
1:	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7C00, %sp
	sti
	cld
	movb	%dl, drive
	movw	$msg_boot, %si
	call	puts

	movw	$3, %di			/* a floppy read may need retries */
2:	movw	$0x0201, %ax		/* AH=02 read, AL=1 sector */
	movw	$0x0002, %cx		/* cylinder 0, sector 2 */
	xorb	%dh, %dh		/* head 0 */
	movb	drive, %dl
	movw	$SECTOR2_BUFFER, %bx	/* ES:BX */
	int	$0x13
	jnc	3f
	xorb	%ah, %ah		/* reset the drive, then again */
	movb	drive, %dl
	int	$0x13
	decw	%di
	jnz	2b
	movw	$msg_read_failed, %si
	jmp	fail

3:	movw	$SECTOR2_BUFFER, %si
	movw	$signature, %di
	movw	$SIGNATURE_LEN, %cx
	repe cmpsb
	jne	4f
	movw	$msg_ok, %si
	call	puts
	movb	$EXIT_PASS, %al
	jmp	exit
4:	movw	$msg_bad, %si
fail:	call	puts
	movb	$EXIT_FAIL, %al
exit:	outb	%al, $DEBUG_EXIT_PORT
5:	cli
	hlt
	jmp	5b

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

msg_boot:	.asciz	"CL-FLOPPY-BOOT\r\n"
msg_ok:		.asciz	"CL-FLOPPY-SECTOR2: ok\r\n"
msg_bad:	.asciz	"CL-FLOPPY-SECTOR2: bad\r\n"
msg_read_failed: .asciz	"CL-FLOPPY-SECTOR2: read failed\r\n"
signature:	.ascii	"CL-SECTOR-TWO-42"	/* make_floppy writes the same 16 bytes */
drive:		.byte	0

	.org	510
	.byte	0x55, 0xAA
