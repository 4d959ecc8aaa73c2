/* find_workspace: where the loader's stack, boot page tables and state go
 * (include/workspace.h), chosen before paging from GRUB's information, so
 * that none of it has to be part of chainloader.elf.
 *
 * Register contract (32-bit protected mode, paging off, flat segments):
 *   in:  ESI = the multiboot2 information (its total_size first).
 *   out: EAX = the lowest usable base, or 0 when there is none.
 *        A base W is usable when it is page-aligned, W >= WORKSPACE_MIN_BASE,
 *        [W, W + WORKSPACE_SIZE) ends below 4 GiB, lies inside one
 *        available (type 1) entry of the memory map, overlaps no entry of any
 *        other type, and overlaps neither this image, the information nor any
 *        module. The lowest usable base is WORKSPACE_MIN_BASE or the page-rounded
 *        end of one of those obstacles or start of an available entry, so only
 *        those candidates are tried (O(tags^2), no sorting).
 *   clobbers EBX, ECX, EDX, EDI; preserves ESI, EBP, ESP.
 * The tag walk stops at the end tag, at a tag shorter than its header or at
 * one reaching past total_size: it never reads beyond what GRUB described, and
 * the C parser reports whatever is malformed later.
 */
#include "abi/multiboot2.h"
#include "workspace.h"
#include "x86.h"

#define TAG_TYPE 0
#define TAG_SIZE 4
#define TAG_HEADER 8
#define MOD_END 12
#define MMAP_ENTRY_SIZE 8
#define MMAP_ENTRIES 16
#define ENTRY_BASE_LO 0
#define ENTRY_BASE_HI 4
#define ENTRY_LEN_LO 8
#define ENTRY_LEN_HI 12
#define ENTRY_TYPE 16
#define ENTRY_MIN_SIZE 24
#define MMAP_AVAILABLE 1

	.code32
	.section .text.start32, "ax"
	.global find_workspace
find_workspace:
	pushl	%ebp
	movl	(%esi), %eax		/* the information's end, saturated at 4 GiB */
	addl	%esi, %eax
	jnc	1f
	movl	$0xFFFFFFFF, %eax
1:	movl	%eax, ws_info_end
	movl	$0, ws_best

	movl	$WORKSPACE_MIN_BASE, %eax
	call	ws_consider
	movl	$__image_end, %eax
	call	ws_consider
	movl	ws_info_end, %eax
	call	ws_consider

	leal	TAG_HEADER(%esi), %edi
.Ltag:	call	ws_tag_ok
	jc	.Ldone
	cmpl	$MB2_TAG_MODULE, TAG_TYPE(%edi)
	jne	1f
	cmpl	$MOD_END + 4, TAG_SIZE(%edi)
	jb	.Lnext_tag
	movl	MOD_END(%edi), %eax
	call	ws_consider
	jmp	.Lnext_tag
1:	cmpl	$MB2_TAG_MMAP, TAG_TYPE(%edi)
	jne	.Lnext_tag
	call	ws_entries_bounds
	jc	.Lnext_tag
2:	cmpl	%ecx, %ebx		/* EBX = entry, ECX = last possible entry start */
	ja	.Lnext_tag
	cmpl	$0, ENTRY_BASE_HI(%ebx)
	jne	3f			/* at or above 4 GiB: no candidate */
	movl	ENTRY_BASE_LO(%ebx), %eax
	cmpl	$MMAP_AVAILABLE, ENTRY_TYPE(%ebx)
	je	4f
	cmpl	$0, ENTRY_LEN_HI(%ebx)	/* other types: where they end */
	jne	3f
	addl	ENTRY_LEN_LO(%ebx), %eax
	jc	3f
4:	call	ws_consider
3:	addl	MMAP_ENTRY_SIZE(%edi), %ebx
	jnc	2b
.Lnext_tag:
	call	ws_tag_next
	jmp	.Ltag
.Ldone:
	movl	ws_best, %eax
	popl	%ebp
	ret

/* Keeps the candidate in EAX (page-rounded up) as the best so far if it is
 * usable and lower. Clobbers EAX only. */
ws_consider:
	pushl	%ebx
	pushl	%ecx
	pushl	%edx
	call	ws_try
	jc	1f
	cmpl	$0, ws_best
	je	2f
	cmpl	ws_best, %eax
	jae	1f
2:	movl	%eax, ws_best
1:	popl	%edx
	popl	%ecx
	popl	%ebx
	ret

/* Is EDI a tag to look at? CF clear if so; set at the end tag, a tag shorter
 * than its header, or one reaching past the information's end. Clobbers EAX. */
ws_tag_ok:
	movl	ws_info_end, %eax
	subl	%edi, %eax		/* bytes left from EDI; borrow if EDI is past the end */
	jb	1f
	cmpl	$TAG_HEADER, %eax
	jb	1f
	cmpl	TAG_SIZE(%edi), %eax
	jb	1f
	cmpl	$TAG_HEADER, TAG_SIZE(%edi)
	jb	1f
	cmpl	$MB2_TAG_END, TAG_TYPE(%edi)
	je	1f
	clc
	ret
1:	stc
	ret

/* EDI = the next tag (tags are 8-byte aligned). Clobbers EAX. Only after
 * ws_tag_ok, so the size is at least 8 and the sum stays below 4 GiB + 8. */
ws_tag_next:
	movl	TAG_SIZE(%edi), %eax
	addl	$7, %eax
	andl	$~7, %eax
	addl	%eax, %edi
	jnc	1f
	movl	ws_info_end, %edi	/* wrapped: make ws_tag_ok stop */
1:	ret

/* For the memory-map tag at EDI: EBX = its first entry, ECX = the highest
 * address a whole entry may start at (below EBX when there is none). CF set
 * if its entry size is below 24 bytes. */
ws_entries_bounds:
	cmpl	$ENTRY_MIN_SIZE, MMAP_ENTRY_SIZE(%edi)
	jb	1f
	leal	MMAP_ENTRIES(%edi), %ebx
	movl	TAG_SIZE(%edi), %ecx
	subl	$ENTRY_MIN_SIZE, %ecx
	jb	1f
	addl	%edi, %ecx
	clc
	ret
1:	stc
	ret

/* Is the candidate in EAX usable (see the top)? EAX = it, page-rounded up,
 * with CF clear if so; CF set if not. Clobbers EBX, ECX, EDX; keeps EDI. */
ws_try:
	pushl	%edi
	pushl	%ebp
	addl	$PAGE_SIZE - 1, %eax
	jc	.Lno
	andl	$~(PAGE_SIZE - 1), %eax
	cmpl	$WORKSPACE_MIN_BASE, %eax
	jb	.Lno
	movl	%eax, %edx		/* EDX = end of the candidate */
	addl	$WORKSPACE_SIZE, %edx
	jc	.Lno
	movl	$__image_start, %ebx
	movl	$__image_end, %ecx
	call	ws_overlaps
	jnc	.Lno
	movl	%esi, %ebx
	movl	ws_info_end, %ecx
	call	ws_overlaps
	jnc	.Lno

	xorl	%ebp, %ebp		/* EBP = 1 once an available entry holds it */
	leal	TAG_HEADER(%esi), %edi
.Ltry_tag:
	pushl	%eax
	call	ws_tag_ok
	popl	%eax
	jc	.Ltags_done
	cmpl	$MB2_TAG_MODULE, TAG_TYPE(%edi)
	jne	1f
	cmpl	$MOD_END + 4, TAG_SIZE(%edi)
	jb	.Ltry_next
	movl	MOD_END - 4(%edi), %ebx
	movl	MOD_END(%edi), %ecx
	call	ws_overlaps
	jnc	.Lno
	jmp	.Ltry_next
1:	cmpl	$MB2_TAG_MMAP, TAG_TYPE(%edi)
	jne	.Ltry_next
	pushl	%eax
	call	ws_entries_bounds
	popl	%eax
	jc	.Ltry_next
	pushl	%edi
	movl	%ecx, %edi		/* EDI = last entry start while in the entries */
2:	cmpl	%edi, %ebx
	ja	5f
	cmpl	$0, ENTRY_BASE_HI(%ebx)
	jne	4f			/* starts at or above 4 GiB: beyond any candidate */
	movl	ENTRY_BASE_LO(%ebx), %ecx	/* ECX = end, saturated at 4 GiB - 1 */
	cmpl	$0, ENTRY_LEN_HI(%ebx)
	jne	3f
	addl	ENTRY_LEN_LO(%ebx), %ecx
	jnc	6f
3:	movl	$0xFFFFFFFF, %ecx
6:	cmpl	$MMAP_AVAILABLE, ENTRY_TYPE(%ebx)
	jne	7f
	cmpl	%eax, ENTRY_BASE_LO(%ebx)	/* available: does it hold the candidate? */
	ja	4f
	cmpl	%edx, %ecx
	jb	4f
	movl	$1, %ebp
	jmp	4f
7:	pushl	%ebx			/* any other type must not overlap it */
	movl	ENTRY_BASE_LO(%ebx), %ebx
	call	ws_overlaps
	popl	%ebx
	jnc	8f
4:	movl	(%esp), %ecx		/* the tag, for its entry size */
	addl	MMAP_ENTRY_SIZE(%ecx), %ebx
	jnc	2b
	jmp	5f
8:	popl	%edi
	jmp	.Lno
5:	popl	%edi
.Ltry_next:
	pushl	%eax
	call	ws_tag_next
	popl	%eax
	jmp	.Ltry_tag
.Ltags_done:
	testl	%ebp, %ebp
	jz	.Lno
	popl	%ebp
	popl	%edi
	clc
	ret
.Lno:
	popl	%ebp
	popl	%edi
	stc
	ret

/* Does [EBX, ECX) stay clear of the candidate [EAX, EDX)? CF set if clear
 * (no overlap), clear if they overlap. Keeps every register. */
ws_overlaps:
	cmpl	%edx, %ebx		/* starts at or after the candidate's end */
	jae	1f
	cmpl	%eax, %ecx		/* ends at or before the candidate's start */
	jbe	1f
	clc
	ret
1:	stc
	ret

	.section .bss
	.balign 4
ws_info_end:
	.skip	4
ws_best:
	.skip	4
