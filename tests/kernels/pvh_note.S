/* The Xen ELF note that makes probe.elf PVH-bootable: type
 * XEN_ELFNOTE_PHYS32_ENTRY (18, include/abi/pvh.h), owner "Xen", a 4-byte
 * desc holding the 32-bit physical address of pvh_entry. Left out of
 * probe-nopvh.elf. No code here: no register contract. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                          /* namesz: "Xen\0" */
	.long 4                          /* descsz */
	.long 18                         /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_entry
