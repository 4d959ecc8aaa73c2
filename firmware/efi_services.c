/* UEFI boot-services calls, one job per function (firmware/efi_services.h).
 * Memory the firmware hands out is reached through its identity map. */
#include <string.h>

#include "arch.h"
#include "firmware/efi_services.h"
#include "firmware/gop.h"
#include "firmware/secure_boot.h"
#include "firmware/tpm_eventlog.h"

#define FOUR_GIB 0x100000000ull
#define PAGE_BYTES 4096ull
/* Upper bounds on firmware tables whose size the firmware does not state. */
#define TPM_LAST_EVENT_MAX (1ull << 20)
#define TPM_FINAL_TABLE_MAX (1ull << 20)
#define RNG_PREVIOUS_SEED_MAX 512u /* an earlier loader's seed kept, as Linux's stub keeps it */
#define MMAP_SLACK_DESCRIPTORS 16  /* the map grows by the buffer's own allocation and those after it */
#define EXIT_BOOT_SERVICES_TRIES 8

__attribute__((noinline)) static int pool_failed(struct cl_error *err, uint64_t bytes, const char *what, efi_status_t s)
{
	return cl_fail(err, "UEFI: AllocatePool(%llu bytes) for the %s failed: EFI status 0x%llx",
		       (unsigned long long)bytes, what, (unsigned long long)s);
}

__attribute__((noinline)) static int install_failed(struct cl_error *err, const char *table, efi_status_t s)
{
	return cl_fail(err, "UEFI: InstallConfigurationTable(%s) failed: EFI status 0x%llx", table,
		       (unsigned long long)s);
}

int efi_env_init(struct efi_env *env, uint64_t system_table, uint64_t image_handle, struct cl_error *err)
{
	struct efi_system_table *st = (struct efi_system_table *)(uintptr_t)system_table;
	if (!st || st->hdr.signature != EFI_SYSTEM_TABLE_SIGNATURE)
		return cl_fail(err, "UEFI: no EFI system table at 0x%llx",
			       (unsigned long long)system_table);
	if (!st->boot_services || !st->runtime_services)
		return cl_fail(err, "UEFI: the system table at 0x%llx has no boot or runtime services",
			       (unsigned long long)system_table);
	if (!image_handle)
		return cl_fail(err, "UEFI: GRUB passed no image handle; ExitBootServices needs it");
	*env = (struct efi_env){ st, (efi_handle_t)(uintptr_t)image_handle };
	return 0;
}

int efi_alloc_pages_low(const struct efi_env *env, uint64_t bytes, const char *what, uint64_t *addr,
			struct cl_error *err)
{
	uint64_t pages = (bytes + PAGE_BYTES - 1) / PAGE_BYTES;
	uint64_t a = FOUR_GIB - 1;
	efi_status_t s = env->st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, &a);
	if (s != EFI_SUCCESS)
		return cl_fail(err, "UEFI: AllocatePages(%llu pages below 4 GiB) for the %s failed: EFI status 0x%llx",
			       (unsigned long long)pages, what, (unsigned long long)s);
	memset((void *)(uintptr_t)a, 0, (size_t)(pages * PAGE_BYTES));
	*addr = a;
	return 0;
}

void efi_free_pages(const struct efi_env *env, uint64_t addr, uint64_t bytes)
{
	if (addr)
		env->st->boot_services->free_pages(addr, (bytes + PAGE_BYTES - 1) / PAGE_BYTES);
}

void *efi_config_table(const struct efi_env *env, const struct efi_guid *guid)
{
	const struct efi_config_table *t = env->st->configuration_table;
	for (uint64_t i = 0; t && i < env->st->number_of_table_entries; i++)
		if (memcmp(&t[i].guid, guid, sizeof(*guid)) == 0)
			return t[i].table;
	return NULL;
}

/* ---- secure boot ---- */

/* Into a 1-byte buffer, as Linux reads them: a longer variable is an error too. */
static struct efi_var_byte read_byte_var(const struct efi_env *env, const efi_char16_t *name,
					 const struct efi_guid *guid)
{
	uint8_t value = 0;
	uint32_t attributes = 0;
	uint64_t size = sizeof(value);
	efi_status_t s = env->st->runtime_services->get_variable(name, guid, &attributes, &size, &value);
	if (s == EFI_SUCCESS && size == sizeof(value))
		return (struct efi_var_byte){ EFI_VAR_FOUND, value, attributes };
	return (struct efi_var_byte){ s == EFI_NOT_FOUND ? EFI_VAR_NOT_FOUND : EFI_VAR_ERROR, 0, 0 };
}

void efi_secure_boot_vars(const struct efi_env *env, struct secure_boot_vars *v)
{
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID, shim = EFI_SHIM_LOCK_GUID;
	v->secure_boot = read_byte_var(env, EFI_SECURE_BOOT_VAR_NAME, &global);
	v->setup_mode = read_byte_var(env, EFI_SETUP_MODE_VAR_NAME, &global);
	v->moksb_state = read_byte_var(env, SHIM_MOK_SB_STATE_VAR_NAME, &shim);
}

uint8_t efi_secure_boot_mode(const struct efi_env *env)
{
	struct secure_boot_vars v;
	efi_secure_boot_vars(env, &v);
	return secure_boot_mode(&v);
}

/* ---- TPM event log ---- */

static efi_status_t get_event_log(struct efi_tcg2_protocol *tcg2, uint32_t format, uint64_t *first, uint64_t *last)
{
	uint8_t truncated = 0;
	*first = *last = 0;
	return tcg2->get_event_log(tcg2, format, first, last, &truncated);
}

int efi_tpm_log_install(const struct efi_env *env, struct efi_tpm_log *out, const char **why, struct cl_error *err)
{
	struct efi_guid tcg2_guid = EFI_TCG2_PROTOCOL_GUID;
	struct efi_tcg2_protocol *tcg2 = NULL;
	memset(out, 0, sizeof(*out));
	if (env->st->boot_services->locate_protocol(&tcg2_guid, NULL, (void **)&tcg2) != EFI_SUCCESS || !tcg2) {
		*why = "no EFI_TCG2_PROTOCOL (no TPM 2.0)";
		return 1;
	}
	/* The crypto-agile log if the firmware keeps one, else the SHA-1 one. */
	uint64_t first, last;
	uint32_t format = EFI_TCG2_EVENT_LOG_FORMAT_TCG_2;
	efi_status_t s = get_event_log(tcg2, format, &first, &last);
	if (s != EFI_SUCCESS) {
		format = EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2;
		s = get_event_log(tcg2, format, &first, &last);
	}
	if (s != EFI_SUCCESS || !first) {
		*why = "EFI_TCG2_PROTOCOL.GetEventLog gave no log";
		return 1;
	}
	if (last < first || last - first > UINT32_MAX) {
		cl_fail(err, "TPM event log: last entry 0x%llx is not within 4 GiB after the first 0x%llx",
			(unsigned long long)last, (unsigned long long)first);
		return 2;
	}
	const uint8_t *log = (const uint8_t *)(uintptr_t)first;
	uint64_t size;
	if (tpm_log_size(format, log, first, last, (size_t)(last - first + TPM_LAST_EVENT_MAX), &size, err))
		return 2;
	/* Events logged since GetEventLog go to the final-events table as well:
	 * the kernel must know how many of those the log already holds. */
	uint64_t final_preboot = 0;
	struct efi_guid final_guid = EFI_TCG2_FINAL_EVENTS_TABLE_GUID;
	const uint8_t *final = efi_config_table(env, &final_guid);
	if (format == EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 && final && size) {
		struct tpm_log_digests d;
		if (tpm_log_spec_id(log, (size_t)size, &d, err) ||
		    tpm_final_events_preboot_size(final, TPM_FINAL_TABLE_MAX, &d, &final_preboot, err))
			return 2;
	}
	if (size > UINT32_MAX || final_preboot > UINT32_MAX) {
		cl_fail(err, "TPM event log: %llu bytes (final events %llu) do not fit the table's 32-bit sizes",
			(unsigned long long)size, (unsigned long long)final_preboot);
		return 2;
	}
	uint64_t table_size = tpm_eventlog_table_size(size);
	void *table = NULL;
	/* ACPI reclaim memory, as Linux's stub allocates it: neither the planner
	 * nor a randomising decompressor places anything there. */
	s = env->st->boot_services->allocate_pool(EFI_ACPI_RECLAIM_MEMORY, table_size, &table);
	if (s != EFI_SUCCESS)
		return pool_failed(err, table_size, "TPM event log", s);
	tpm_eventlog_table_fill(table, format, log, (uint32_t)size, (uint32_t)final_preboot);
	struct efi_guid linux_guid = LINUX_EFI_TPM_EVENT_TABLE_GUID;
	s = env->st->boot_services->install_configuration_table(&linux_guid, table);
	if (s != EFI_SUCCESS)
		return install_failed(err, "LINUX_EFI_TPM_EVENT_LOG", s);
	*out = (struct efi_tpm_log){ format, size, final_preboot,
				     { (uintptr_t)table, (uintptr_t)table + table_size } };
	return 0;
}

/* ---- RNG seed ---- */

static bool efi_rng_fill(const struct efi_env *env, uint8_t *buf, uint32_t len)
{
	struct efi_guid rng_guid = EFI_RNG_PROTOCOL_GUID, raw = EFI_RNG_ALGORITHM_RAW_GUID;
	struct efi_rng_protocol *rng = NULL;
	if (env->st->boot_services->locate_protocol(&rng_guid, NULL, (void **)&rng) != EFI_SUCCESS || !rng)
		return false;
	/* The raw entropy source first; the firmware's default algorithm otherwise. */
	efi_status_t s = rng->get_rng(rng, &raw, len, buf);
	if (s == EFI_UNSUPPORTED)
		s = rng->get_rng(rng, NULL, len, buf);
	return s == EFI_SUCCESS;
}

int efi_rng_seed_install(const struct efi_env *env, struct efi_rng_seed *out, struct cl_error *err)
{
	struct efi_guid seed_guid = LINUX_EFI_RANDOM_SEED_TABLE_GUID;
	struct linux_efi_random_seed *prev = efi_config_table(env, &seed_guid);
	uint32_t prev_size = prev && prev->size <= RNG_PREVIOUS_SEED_MAX ? prev->size : 0;
	uint64_t table_size = sizeof(struct linux_efi_random_seed) + EFI_RANDOM_SEED_SIZE + prev_size;
	struct linux_efi_random_seed *seed = NULL;
	memset(out, 0, sizeof(*out));
	efi_status_t s = env->st->boot_services->allocate_pool(EFI_ACPI_RECLAIM_MEMORY, table_size, (void **)&seed);
	if (s != EFI_SUCCESS)
		return pool_failed(err, table_size, "RNG seed", s);
	/* Straight into the table: no other copy of the seed is ever made. */
	const char *source = efi_rng_fill(env, seed->bits, EFI_RANDOM_SEED_SIZE)
				     ? "EFI_RNG_PROTOCOL"
				     : cpu_random_fill(seed->bits, EFI_RANDOM_SEED_SIZE);
	if (!source) {
		wipe(seed, (size_t)table_size);
		env->st->boot_services->free_pool(seed);
		return 1;
	}
	if (prev_size)
		memcpy(seed->bits + EFI_RANDOM_SEED_SIZE, prev->bits, prev_size);
	seed->size = EFI_RANDOM_SEED_SIZE + prev_size;
	s = env->st->boot_services->install_configuration_table(&seed_guid, seed);
	if (s != EFI_SUCCESS) {
		wipe(seed, (size_t)table_size);
		return install_failed(err, "LINUX_EFI_RANDOM_SEED", s);
	}
	if (prev) /* replaced: its bits now live only in the new table */
		wipe(prev->bits, prev_size);
	*out = (struct efi_rng_seed){ source, seed->size, { (uintptr_t)seed, (uintptr_t)seed + table_size } };
	return 0;
}

/* ---- GOP ---- */

bool efi_gop_framebuffer(const struct efi_env *env, struct boot_framebuffer *fb, const char **why)
{
	struct efi_guid gop_guid = EFI_GOP_GUID;
	struct efi_gop *gop = NULL;
	if (env->st->boot_services->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS || !gop ||
	    !gop->mode || !gop->mode->info) {
		*why = "no EFI_GRAPHICS_OUTPUT_PROTOCOL";
		return false;
	}
	const struct efi_gop_mode *m = gop->mode;
	if (m->size_of_info < sizeof(struct efi_gop_mode_info)) {
		*why = "GOP mode information shorter than the spec's";
		return false;
	}
	if (!gop_mode_to_framebuffer(m->info, m->frame_buffer_base, m->frame_buffer_size, fb)) {
		*why = "the GOP mode is BLT-only or has masks screen_info cannot describe";
		return false;
	}
	return true;
}

/* ---- the final memory map and ExitBootServices ---- */

int efi_memory_map_alloc(const struct efi_env *env, struct efi_final_map *m, struct cl_error *err)
{
	uint64_t size = 0, key, desc_size = 0;
	uint32_t version;
	memset(m, 0, sizeof(*m));
	efi_status_t s = env->st->boot_services->get_memory_map(&size, NULL, &key, &desc_size, &version);
	if (s != EFI_BUFFER_TOO_SMALL || !desc_size)
		return cl_fail(err, "UEFI: GetMemoryMap(size 0) gave EFI status 0x%llx, descriptor size %llu",
			       (unsigned long long)s, (unsigned long long)desc_size);
	uint64_t capacity = size + MMAP_SLACK_DESCRIPTORS * desc_size, addr = 0;
	if (efi_alloc_pages_low(env, capacity, "EFI memory map", &addr, err))
		return -1;
	m->buf = (uint8_t *)(uintptr_t)addr;
	m->capacity = (capacity + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
	return 0;
}

int efi_exit_boot_services(const struct efi_env *env, struct efi_final_map *m, struct cl_error *err)
{
	efi_status_t s = EFI_SUCCESS;
	for (m->tries = 1; m->tries <= EXIT_BOOT_SERVICES_TRIES; m->tries++) {
		uint64_t key = 0;
		m->size = m->capacity;
		s = env->st->boot_services->get_memory_map(&m->size, m->buf, &key, &m->desc_size, &m->desc_version);
		if (s != EFI_SUCCESS)
			return cl_fail(err, "UEFI: GetMemoryMap into %llu bytes gave EFI status 0x%llx (needs %llu)",
				       (unsigned long long)m->capacity, (unsigned long long)s, (unsigned long long)m->size);
		s = env->st->boot_services->exit_boot_services(env->image, key);
		if (s == EFI_SUCCESS)
			return 0;
		if (s != EFI_INVALID_PARAMETER) /* anything but a stale map key is final */
			break;
	}
	return cl_fail(err, "UEFI: ExitBootServices gave EFI status 0x%llx (after %u tries)", (unsigned long long)s,
		       m->tries > EXIT_BOOT_SERVICES_TRIES ? EXIT_BOOT_SERVICES_TRIES : m->tries);
}
