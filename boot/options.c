#include "boot/options.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(w, name, n) == 0;
}

int options_parse(const char *cmdline, struct loader_options *out, struct cl_error *err)
{
	out->log = LOG_NORMAL;
	out->entry = ENTRY_AUTO;
	out->timing = false;
	if (!cmdline)
		return 0;
	bool first = true;
	for (const char *p = cmdline; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - w);
		bool is_path = first && (w[0] == '/' || w[0] == '(');
		first = false;
		if (is_path)
			continue;
		if (word_is(w, n, "verbose"))
			out->log = LOG_VERBOSE;
		else if (word_is(w, n, "quiet"))
			out->log = LOG_QUIET;
		else if (word_is(w, n, "timing"))
			out->timing = true;
		else if (word_is(w, n, "entry=auto"))
			out->entry = ENTRY_AUTO;
		else if (word_is(w, n, "entry=64"))
			out->entry = ENTRY_64;
		else if (word_is(w, n, "entry=32"))
			out->entry = ENTRY_32;
		else if (word_is(w, n, "entry=16"))
			out->entry = ENTRY_16;
		else if (word_is(w, n, "entry=pvh"))
			out->entry = ENTRY_PVH;
		else
			return cl_fail(err, "unknown loader option '%.*s' (known: verbose quiet timing entry=auto|64|32|16|pvh)",
				       (int)n, w);
	}
	return 0;
}

const char *entry_mode_name(enum entry_mode mode)
{
	switch (mode) {
	case ENTRY_64:
		return "64-bit";
	case ENTRY_32:
		return "32-bit";
	case ENTRY_16:
		return "16-bit";
	case ENTRY_PVH:
		return "PVH";
	default:
		return "auto";
	}
}
