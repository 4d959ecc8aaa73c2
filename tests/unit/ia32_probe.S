/* The smallest 32-bit x86 Linux program: exits with status 42 through the
 * i386 system-call gate (int $0x80, EAX = 1 exit, EBX = status).
 * scripts/run-ia32.sh runs it to learn whether this kernel executes 32-bit
 * programs: a kernel built or booted without IA32 emulation
 * (ia32_emulation=off) refuses it with ENOEXEC, and a shell that then reads
 * it as a script fails with another status, never 42.
 * Register contract: the kernel enters _start with nothing we rely on. */
	.code32
	.text
	.globl _start
_start:
	movl	$1, %eax
	movl	$42, %ebx
	int	$0x80
	.section .note.GNU-stack,"",@progbits
