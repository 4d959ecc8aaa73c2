/* Check results: one line per check, a closing RESULT line, then the QEMU
 * exit code through isa-debug-exit (see README.md for the values). */
#include "probe.h"
#include "io.h"

static unsigned checks_run, checks_failed;

bool check(const char *name, bool ok, const char *f, ...)
{
	checks_run++;
	if (ok) {
		pr("PROBE: %s: ok\n", name);
		return true;
	}
	checks_failed++;
	char details[400];
	va_list ap;
	va_start(ap, f);
	fmt_v(details, sizeof details, f, ap);
	va_end(ap);
	pr("PROBE: %s: FAIL %s\n", name, details);
	return false;
}

void probe_exit(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
	/* No isa-debug-exit device: stop here, the RESULT line says it all. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

void probe_finish(void)
{
	if (checks_failed) {
		pr("PROBE: RESULT FAIL %u of %u failed\n", checks_failed, checks_run);
		probe_exit(EXIT_FAIL);
	}
	pr("PROBE: RESULT PASS %u checks\n", checks_run);
	probe_exit(EXIT_PASS);
}
