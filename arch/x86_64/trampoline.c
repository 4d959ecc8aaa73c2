/* Hands the plan's copies and the jump to the trampoline (trampoline.S). */
#include <string.h>

#include "arch.h"
#include "trampoline.h"

extern const char trampoline_start[], trampoline_end[], real16_stub[], real16_stub_end[];
__attribute__((noreturn)) void trampoline_jump(uint64_t code, struct tramp_params *params, uint64_t stack_top);

/* One more for the real-mode entry's stub. */
_Static_assert(PLAN_MAX_COPIES + 1 <= TRAMPOLINE_MAX_COPIES, "the copy list must fit the trampoline");

void trampoline_launch(const struct boot_plan *plan)
{
	uint64_t block = plan->trampoline;
	memcpy((void *)(uintptr_t)block, trampoline_start, (size_t)(trampoline_end - trampoline_start));
	struct tramp_params *p = (struct tramp_params *)(uintptr_t)(block + TRAMPOLINE_PARAMS_OFFSET);
	memset(p, 0, sizeof(*p));
	p->entry = plan->entry;
	const struct tramp_entry *how = boot_plan_tramp_entry(plan);
	p->kind = how->kind;
	if (how->data_in_rbx)
		p->rbx = plan->handoff_data;
	else
		p->rsi = plan->handoff_data;
	p->count = plan->copy_count;
	for (size_t i = 0; i < plan->copy_count; i++) {
		const struct copy_step *c = &plan->copies[i];
		p->copies[i] = (struct tramp_copy){ c->dst, (uint64_t)(uintptr_t)c->src, c->len, c->zero_len };
	}
	if (how->real16_stub) { /* last: the stub, from the block, into the real-mode area */
		p->entry = plan->handoff_data + RM_STUB;
		p->copies[p->count++] = (struct tramp_copy){ p->entry, block + (uint64_t)(real16_stub - trampoline_start),
							     (uint64_t)(real16_stub_end - real16_stub), 0 };
	}
	trampoline_jump(block, p, block + TRAMPOLINE_STACK_TOP);
}
