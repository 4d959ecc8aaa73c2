/* The command line: echoed byte for byte (the host test compares it),
 * parsed for probe.* parameters, and checked for termination and place. */
#include "handoff.h"

#define CMDLINE_SCAN_MAX 0x10000 /* a garbage cmdline_size must not make the scan endless */

void cmdline_gather(struct handoff *h)
{
	const char *s = (const char *)(uintptr_t)h->cmdline_addr;
	uint64_t max = h->cmdline_max < CMDLINE_SCAN_MAX ? h->cmdline_max : CMDLINE_SCAN_MAX;
	uint64_t len = 0;
	if (h->cmdline_addr && readable(h->cmdline_addr, max + 1)) {
		while (len <= max && s[len])
			len++;
		h->cmdline_terminated = len <= max;
		if (len > max)
			len = max;
	}
	h->cmdline_len = len;
	pr("PROBE: CMDLINE: ");
	if (len)
		serial_write(s, len);
	pr("\n");
	params_parse(len ? s : "", len, &h->params);
}

void cmdline_checks(struct handoff *h)
{
	if (!check("cmdline.terminated", h->cmdline_addr && h->cmdline_terminated,
		   "at 0x%lx: no NUL within cmdline_size %lu", h->cmdline_addr, h->cmdline_max))
		return;
	check_in_ram(h, "cmdline.ram", h->cmdline_addr, h->cmdline_len + 1);
	check_mapped("cmdline.mapped", h->cmdline_addr, h->cmdline_len + 1, false);
	handoff_add_obj(h, "cmdline", h->cmdline_addr, h->cmdline_len + 1);
}
