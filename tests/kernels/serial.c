/* COM1 output. The probe programs the UART itself (115200 8N1): it cannot
 * trust whatever state the loader left it in. */
#include "probe.h"
#include "io.h"
#include "x86.h"

#define UART_DATA 0      /* DLAB=0: transmit holding register */
#define UART_DLL 0       /* DLAB=1: divisor latch, low byte */
#define UART_IER 1       /* DLAB=0: interrupt enable; DLAB=1: divisor high byte */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_THR_EMPTY 0x20
#define UART_CLOCK_DIV_115200 1 /* 1.8432 MHz / 16 / 115200 */

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);             /* polled: no interrupts */
	outb(COM1_PORT + UART_LCR, LCR_DLAB);
	outb(COM1_PORT + UART_DLL, UART_CLOCK_DIV_115200);
	outb(COM1_PORT + UART_IER, 0);             /* divisor high byte */
	outb(COM1_PORT + UART_LCR, LCR_8N1);
	outb(COM1_PORT + UART_FCR, 0x07);          /* enable and clear the FIFOs */
	outb(COM1_PORT + UART_MCR, 0x03);          /* DTR, RTS */
}

void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the probe forever. */
	for (unsigned i = 0; i < 100000; i++)
		if (inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

/* Bytes as they are: the command line is echoed byte for byte. */
void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}
