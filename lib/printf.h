/* A small printf-style formatter shared by the loader and the host tests.
 * Conversions: %s %c %d %u %x %% with optional '0', width, '.*' (for %s), 'l'/'ll' (64-bit). */
#ifndef CHAINLOADER_PRINTF_H
#define CHAINLOADER_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Writes at most size-1 characters and a NUL; returns the length it would have written. */
size_t fmt_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
