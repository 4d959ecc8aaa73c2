/* Parse the probe.* arguments out of the command line. Unknown probe.*
 * names are an error: a misspelt parameter must not silently default. */
#include "params.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Decimal, or hexadecimal with 0x; all of [s, s + n) must be digits. */
static bool parse_number(const char *s, size_t n, bool hex_only, uint64_t *out)
{
	unsigned base = 10;
	if (hex_only) {
		base = 16;
	} else if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 16)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool name_is(const char *s, size_t n, const char *name)
{
	size_t i = 0;
	for (; i < n && name[i]; i++)
		if (s[i] != name[i])
			return false;
	return i == n && !name[i];
}

/* The index of [s, s + n) among the count words, or -1. The word lists
 * are arrays of chars, not of pointers: the bzImage holds no stored
 * address. */
#define WORD_MAX 8
static int word_index(const char *s, size_t n, const char (*words)[WORD_MAX], int count)
{
	for (int i = 0; i < count; i++)
		if (name_is(s, n, words[i]))
			return i;
	return -1;
}
#define WORD_INDEX(s, n, words) word_index((s), (n), (words), (int)(sizeof(words) / sizeof((words)[0])))

static const char firmware_words[][WORD_MAX] = { "bios", "uefi" };  /* enum probe_firmware */
static const char fb_words[][WORD_MAX] = { "none", "vlfb", "efi" }; /* enum probe_fb */
static const char rsdp_words[][WORD_MAX] = { "passed", "none" };    /* enum probe_rsdp */
static const char rng_words[][WORD_MAX] = { "setup", "efi", "none" }; /* enum probe_rng, from RNG_SETUP */

static void problem(struct probe_params *p, const char *s, size_t n)
{
	if (p->problem[0])
		return;
	if (n > 64)
		n = 64;
	char tok[72];
	for (size_t i = 0; i < n; i++)
		tok[i] = s[i];
	tok[n] = '\0';
	fmt(p->problem, sizeof p->problem, "bad argument '%s'", tok);
}

static void parse_one(const char *s, size_t n, struct probe_params *p)
{
	size_t eq = 0;
	while (eq < n && s[eq] != '=')
		eq++;
	if (eq == n) {
		problem(p, s, n);
		return;
	}
	const char *v = s + eq + 1;
	size_t vn = n - eq - 1;
	uint64_t x;
	int w;
	if (name_is(s, eq, "probe.mem_mib") && parse_number(v, vn, false, &x)) {
		p->mem_mib = x;
		p->mem_set = true;
	} else if (name_is(s, eq, "probe.initrd_size") && parse_number(v, vn, false, &x)) {
		p->initrd_size = x;
		p->initrd_size_set = true;
	} else if (name_is(s, eq, "probe.initrd_crc32") && vn == 8 && parse_number(v, vn, true, &x)) {
		p->initrd_crc = (uint32_t)x;
		p->initrd_crc_set = true;
	} else if (name_is(s, eq, "probe.loader") && parse_number(v, vn, false, &x) && x <= 0xFF) {
		p->loader = x;
	} else if (name_is(s, eq, "probe.mem_slack_mib") && parse_number(v, vn, false, &x)) {
		p->mem_slack_mib = x;
	} else if (name_is(s, eq, "probe.fault") && parse_number(v, vn, false, &x) && x <= 1) {
		p->fault = x;
	} else if (name_is(s, eq, "probe.kaslr") && parse_number(v, vn, false, &x) && x <= 1) {
		p->kaslr = x;
	} else if (name_is(s, eq, "probe.firmware") && (w = WORD_INDEX(v, vn, firmware_words)) >= 0) {
		p->firmware = (enum probe_firmware)w;
	} else if (name_is(s, eq, "probe.fb") && (w = WORD_INDEX(v, vn, fb_words)) >= 0) {
		p->fb = (enum probe_fb)w;
	} else if (name_is(s, eq, "probe.rsdp") && (w = WORD_INDEX(v, vn, rsdp_words)) >= 0) {
		p->rsdp = (enum probe_rsdp)w;
	} else if (name_is(s, eq, "probe.rng") && (w = WORD_INDEX(v, vn, rng_words)) >= 0) {
		p->rng = (enum probe_rng)(RNG_SETUP + w);
	} else if (name_is(s, eq, "probe.secure_boot") && parse_number(v, vn, false, &x) && x <= SECURE_BOOT_MAX) {
		p->secure_boot = (uint8_t)x;
		p->secure_boot_set = true;
	} else {
		problem(p, s, n);
	}
}

void params_parse(const char *s, size_t n, struct probe_params *p)
{
	*p = (struct probe_params){ .loader = LOADER_DEFAULT, .mem_slack_mib = MEM_SLACK_MIB_DEFAULT,
				    .firmware = FW_BIOS, .fb = FB_NONE, .rsdp = RSDP_PASSED,
				    .rng = RNG_UNCHECKED };
	for (size_t i = 0; i < n;) {
		while (i < n && is_space(s[i]))
			i++;
		size_t start = i;
		while (i < n && !is_space(s[i]))
			i++;
		if (i - start > 6 && name_is(s + start, 6, "probe."))
			parse_one(s + start, i - start, p);
	}
}

void params_check(const struct probe_params *p)
{
	const char *missing = !p->mem_set ? "probe.mem_mib"
			    : !p->initrd_size_set ? "probe.initrd_size"
			    : (p->initrd_size && !p->initrd_crc_set) ? "probe.initrd_crc32"
			    : NULL;
	if (p->problem[0])
		check("params", false, "%s", p->problem);
	else
		check("params", !missing, "%s missing", missing ? missing : "");
}
