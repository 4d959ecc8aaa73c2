/* COM1 at 115200 8N1 (start32.S has already programmed it; we only write). */
#include "arch.h"
#include "io.h"
#include "x86.h"

#define COM_LSR 5
#define COM_LSR_THR_EMPTY 0x20
#define COM_SCRATCH 7
#define TX_SPIN_LIMIT 100000 /* a missing UART must not hang the loader */

static int serial_present;

void serial_init(void)
{
	/* The scratch register reads back what was written only if a UART is there. */
	outb(COM1_PORT + COM_SCRATCH, 0x5A);
	serial_present = inb(COM1_PORT + COM_SCRATCH) == 0x5A;
}

static void serial_putc(char c)
{
	for (int spin = 0; spin < TX_SPIN_LIMIT; spin++)
		if (inb(COM1_PORT + COM_LSR) & COM_LSR_THR_EMPTY)
			break;
	outb(COM1_PORT, (uint8_t)c);
}

void serial_write(const char *s, uint64_t n)
{
	if (!serial_present)
		return;
	for (uint64_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
