/* The trampoline: a position-independent block that performs the plan's copies
 * from memory no destination reaches, then enters the kernel. Shared by C and
 * assembly (macros only outside the C part). */
#ifndef CHAINLOADER_TRAMPOLINE_H
#define CHAINLOADER_TRAMPOLINE_H

#define TRAMPOLINE_PAGE 4096
/* Block layout: [code page][parameters and copy list page][stack page]. */
#define TRAMPOLINE_SIZE (3 * TRAMPOLINE_PAGE)
#define TRAMPOLINE_CODE_MAX TRAMPOLINE_PAGE
#define TRAMPOLINE_PARAMS_OFFSET TRAMPOLINE_PAGE
#define TRAMPOLINE_STACK_TOP TRAMPOLINE_SIZE

/* struct tramp_params offsets */
#define TP_KIND 0
#define TP_ENTRY 8
#define TP_RSI 16
#define TP_RBX 24
#define TP_COUNT 32
#define TP_COPIES 64
/* struct tramp_copy offsets */
#define TC_DST 0
#define TC_SRC 8
#define TC_LEN 16
#define TC_ZERO 24
#define TC_SIZE 32

#define TRAMP_KIND_64 0        /* 64-bit entry: RSI as given */
#define TRAMP_KIND_PROTECTED32 1 /* 32-bit protected mode, paging off: ESI, EBX as given */

#define TRAMPOLINE_MAX_COPIES ((TRAMPOLINE_PAGE - TP_COPIES) / TC_SIZE)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct tramp_copy {
	uint64_t dst;
	uint64_t src;
	uint64_t len;      /* copied with memmove semantics */
	uint64_t zero_len; /* then zeroed after dst + len */
};
_Static_assert(offsetof(struct tramp_copy, src) == TC_SRC, "tramp_copy");
_Static_assert(offsetof(struct tramp_copy, zero_len) == TC_ZERO, "tramp_copy");
_Static_assert(sizeof(struct tramp_copy) == TC_SIZE, "tramp_copy");

/* How a kernel entry is entered: part of each entry's own description
 * (struct kernel_entry, loader/plan/parts.h), read by trampoline_launch. */
struct tramp_entry {
	uint8_t kind;        /* TRAMP_KIND_64 or TRAMP_KIND_PROTECTED32 */
	_Bool data_in_rbx;   /* the handoff data in RBX (PVH), else in RSI */
	_Bool real16_stub;   /* the stub back to real mode is copied to handoff_data + RM_STUB and entered */
};

struct tramp_params {
	uint64_t kind;
	uint64_t entry;
	uint64_t rsi; /* boot_params for the 64-bit and 32-bit entries */
	uint64_t rbx; /* hvm_start_info for PVH */
	uint64_t count;
	uint64_t reserved[3];
	struct tramp_copy copies[];
};
_Static_assert(offsetof(struct tramp_params, entry) == TP_ENTRY, "tramp_params");
_Static_assert(offsetof(struct tramp_params, rsi) == TP_RSI, "tramp_params");
_Static_assert(offsetof(struct tramp_params, rbx) == TP_RBX, "tramp_params");
_Static_assert(offsetof(struct tramp_params, count) == TP_COUNT, "tramp_params");
_Static_assert(offsetof(struct tramp_params, copies) == TP_COPIES, "tramp_params");
#endif

#endif
