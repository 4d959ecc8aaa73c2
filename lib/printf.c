#include "lib/printf.h"

#include <stdint.h>

#include "error.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, including those that did not fit */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_unsigned(struct out *o, uint64_t v, unsigned base, unsigned width, char pad)
{
	char digits[24];
	unsigned n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, digits[--n]);
}

size_t fmt_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		char pad = ' ';
		unsigned width = 0;
		int longs = 0;
		if (*p == '0') {
			pad = '0';
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (unsigned)(*p++ - '0');
		size_t precision = (size_t)-1; /* only for %s: at most this many characters */
		if (*p == '.' && p[1] == '*') {
			int v = va_arg(ap, int);
			precision = v < 0 ? 0 : (size_t)v;
			p += 2;
		}
		while (*p == 'l') {
			longs++;
			p++;
		}
		switch (*p) {
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			if (v < 0) {
				put(&o, '-');
				if (width)
					width--;
			}
			put_unsigned(&o, mag, 10, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_unsigned(&o, v, *p == 'u' ? 10 : 16, width, pad);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = 0;
			while (n < precision && s[n])
				n++;
			while (width > n) {
				put(&o, ' ');
				width--;
			}
			for (size_t i = 0; i < n; i++)
				put(&o, s[i]);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			p--; /* a trailing '%': stop at the NUL */
			break;
		default:
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t fmt_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = fmt_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int cl_fail(struct cl_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		fmt_vformat(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}
