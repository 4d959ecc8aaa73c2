/* The CPU state each entry's protocol promises, from probe_state. */
#include "handoff.h"
#include "cpu_bits.h"

#define BOOT_CS_SEL 0x10 /* Linux's __BOOT_CS */
#define BOOT_DS_SEL 0x18 /* Linux's __BOOT_DS */
#define FLAT_LIMIT 0xFFFFFFFFull

static const char seg_names[4][3] = { "cs", "ds", "es", "ss" };

void cpu_print_state(void)
{
	const struct probe_state *s = &probe_state;
	pr("PROBE: INFO state entry=0x%lx cr0=0x%lx cr3=0x%lx cr4=0x%lx efer=0x%lx rflags=0x%lx rsp=0x%lx\n",
	   s->entry, s->cr0, s->cr3, s->cr4, s->efer, s->flags, s->rsp);
	pr("PROBE: INFO state rbx=0x%lx rsi=0x%lx rdi=0x%lx rbp=0x%lx cs=0x%lx ds=0x%lx es=0x%lx ss=0x%lx\n",
	   s->rbx, s->rsi, s->rdi, s->rbp, s->sel[SEG_CS], s->sel[SEG_DS], s->sel[SEG_ES], s->sel[SEG_SS]);
	for (int i = 0; i < 4; i++)
		if (s->segok & (1u << i))
			pr("PROBE: INFO state %s limit=0x%lx ar=0x%lx\n", seg_names[i], s->limit[i], s->ar[i]);
}

/* 4 GiB flat: limit 0xFFFFFFFF, present code/data descriptor; code
 * readable, 32-bit (D=1, L=0); data writable. */
static bool seg_flat(int i, bool code, char *why, size_t n)
{
	const struct probe_state *s = &probe_state;
	uint64_t ar = s->ar[i];
	if (!(s->segok & (1u << i))) {
		fmt(why, n, "%s=0x%lx: LSL/LAR failed", seg_names[i], s->sel[i]);
		return false;
	}
	bool ok = s->limit[i] == FLAT_LIMIT && (ar & AR_PRESENT) && (ar & AR_S) && (ar & AR_RW) &&
		  !!(ar & AR_CODE) == code && (!code || ((ar & AR_DB) && !(ar & AR_L)));
	if (!ok)
		fmt(why, n, "%s=0x%lx limit 0x%lx ar 0x%lx", seg_names[i], s->sel[i], s->limit[i], ar);
	return ok;
}

static void check_flat(int nsegs)
{
	char why[96] = "";
	bool ok = seg_flat(SEG_CS, true, why, sizeof why);
	for (int i = SEG_DS; ok && i < nsegs; i++)
		ok = seg_flat(i, false, why, sizeof why);
	check("cpu.flat", ok, "%s", why);
}

static void check_selectors(void)
{
	const struct probe_state *s = &probe_state;
	check("cpu.cs", s->sel[SEG_CS] == BOOT_CS_SEL, "cs 0x%lx, expected 0x%x", s->sel[SEG_CS], BOOT_CS_SEL);
	check("cpu.data_segments",
	      s->sel[SEG_DS] == BOOT_DS_SEL && s->sel[SEG_ES] == BOOT_DS_SEL && s->sel[SEG_SS] == BOOT_DS_SEL,
	      "ds 0x%lx es 0x%lx ss 0x%lx, expected 0x%x", s->sel[SEG_DS], s->sel[SEG_ES], s->sel[SEG_SS],
	      BOOT_DS_SEL);
}

void cpu_checks(void)
{
	const struct probe_state *s = &probe_state;
	bool pe = s->cr0 & CR0_PE_BIT, pg = s->cr0 & CR0_PG_BIT;
	if (entry_is64()) {
		check("cpu.cr0", pe && pg, "cr0 0x%lx: want PE=1 PG=1", s->cr0);
		check("cpu.cr4", s->cr4 & CR4_PAE_BIT, "cr4 0x%lx: want PAE=1", s->cr4);
		check("cpu.efer", (s->efer & EFER_LME_BIT) && (s->efer & EFER_LMA_BIT),
		      "efer 0x%lx: want LME=1 LMA=1", s->efer);
		check_selectors();
	} else if (s->kind == ENTRY_BZIMAGE32) {
		check("cpu.cr0", pe && !pg, "cr0 0x%lx: want PE=1 PG=0", s->cr0);
		check_selectors();
		check_flat(4);
		/* boot.rst: "%ebp, %edi and %ebx must be zero" at the 32-bit entry. */
		check("cpu.regs", !s->rbx && !s->rdi && !s->rbp, "ebx 0x%lx edi 0x%lx ebp 0x%lx, want 0",
		      s->rbx, s->rdi, s->rbp);
	} else { /* PVH: selector values unspecified, CS/DS/ES flat */
		check("cpu.cr0", pe && !pg, "cr0 0x%lx: want PE=1 PG=0", s->cr0);
		check_flat(3);
		/* The rest of Xen's PVH ABI (start_info.h, hvmlite.markdown): the
		 * other writable CR0 bits and all of CR4 clear, EFLAGS TF and VM
		 * clear. ET (bit 4) is read-only. */
		check("cpu.pvh_abi", (s->cr0 & ~CR0_ET_BIT) == CR0_PE_BIT && s->cr4 == 0 &&
					     !(s->flags & (EFLAGS_TF_BIT | EFLAGS_VM_BIT)),
		      "cr0 0x%lx (want 0x1 or 0x11) cr4 0x%lx (want 0) rflags 0x%lx (want TF=0 VM=0)",
		      s->cr0, s->cr4, s->flags);
	}
	check("cpu.if", !(s->flags & EFLAGS_IF_BIT), "rflags 0x%lx: IF set", s->flags);
}
