#include "console.h"

#include "arch.h"
#include "lib/printf.h"

#define LINE_MAX 512

static enum log_level current = LOG_NORMAL;

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_set_level(enum log_level level)
{
	current = level;
}

static void write_all(const char *s, uint64_t n)
{
	serial_write(s, n);
	vga_write(s, n);
	fbcon_write(s, n);
}

void console_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	if (current < level)
		return;
	char line[LINE_MAX];
	size_t n = fmt_vformat(line, sizeof(line), fmt, ap);
	write_all(line, n < sizeof(line) ? n : sizeof(line) - 1);
}

void console_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(level, fmt, ap);
	va_end(ap);
}

void console_error(const char *msg)
{
	char line[LINE_MAX];
	size_t n = fmt_format(line, sizeof(line), "chainloader: error: %s\n", msg);
	fbcon_set_error_colour(true);
	write_all(line, n < sizeof(line) ? n : sizeof(line) - 1);
}

void console_fatal(const char *msg)
{
	console_error(msg);
	halt_forever();
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
