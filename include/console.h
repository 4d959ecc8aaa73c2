/* Loader messages on every console (COM1 and the VGA text screen), by log level. */
#ifndef CHAINLOADER_CONSOLE_H
#define CHAINLOADER_CONSOLE_H

#include <stdarg.h>

#include "boot/options.h"

void console_init(void);
void console_set_level(enum log_level level);
/* Prints when the level in force is at least `level`. */
void console_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void console_vprintf(enum log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* "chainloader: error: <msg>" on every console, whatever the level: for a way
 * in that returns to its caller (chainloader.efi before ExitBootServices). */
void console_error(const char *msg);
/* The same, then halt. */
__attribute__((noreturn)) void console_fatal(const char *msg);

#endif
