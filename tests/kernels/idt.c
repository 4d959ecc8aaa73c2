/* Exceptions: a fault in the probe (say, reading memory the loader left
 * unmapped) should end with a line saying so, not with a silent triple
 * fault and reset. */
#include "probe.h"

struct idt_gate {
	uint16_t offset0;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset1;
	uint32_t offset2;
	uint32_t zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "idt_gate");

struct exc_frame { /* built by idt.S below the CPU's own frame */
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

#define EXC_VECTORS 32
#define EXC_STUB_SIZE 16 /* idt.S aligns each stub to 16 bytes */
#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */

extern char exc_stubs[];
static struct idt_gate idt[EXC_VECTORS] __attribute__((aligned(16)));

void idt_init(void)
{
	for (unsigned i = 0; i < EXC_VECTORS; i++) {
		/* Computed at run time: a table of stub addresses would need relocating. */
		uint64_t a = (uint64_t)(uintptr_t)exc_stubs + (uint64_t)i * EXC_STUB_SIZE;
		idt[i] = (struct idt_gate){ (uint16_t)a, PROBE_CS64, 0, GATE_INTERRUPT,
					    (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

__attribute__((noreturn)) void probe_exception(const struct exc_frame *f);

void probe_exception(const struct exc_frame *f)
{
	uint64_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	pr("\nPROBE: EXCEPTION vector=%lu error=0x%lx rip=0x%lx cr2=0x%lx rsp=0x%lx\n", f->vector,
	   f->error, f->rip, cr2, f->rsp);
	pr("PROBE: RESULT FAIL exception %lu\n", f->vector);
	probe_exit(EXIT_EXCEPTION);
}
