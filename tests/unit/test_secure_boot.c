#include "cmocka_all.h"

#include <string.h>

#include "abi/efi.h"
#include "firmware/secure_boot.h"

#define NV EFI_VARIABLE_NON_VOLATILE
#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS

static const struct efi_var_byte missing = { EFI_VAR_NOT_FOUND, 0, 0 };
static const struct efi_var_byte broken = { EFI_VAR_ERROR, 0, 0 };

static struct efi_var_byte found(uint8_t value, uint32_t attributes)
{
	return (struct efi_var_byte){ EFI_VAR_FOUND, value, attributes };
}

static uint8_t mode_of(struct efi_var_byte sb, struct efi_var_byte setup, struct efi_var_byte mok)
{
	const struct secure_boot_vars v = { sb, setup, mok };
	return secure_boot_mode(&v);
}

/* The rows as Linux's efi_get_secureboot reads them, one by one. */
static void linux_decision_rows(void **state)
{
	(void)state;
	const uint32_t fw = NV | BS | RT; /* how firmware stores SecureBoot and SetupMode */
	/* No SecureBoot variable: a firmware without Secure Boot. Nothing else is read. */
	assert_int_equal(mode_of(missing, found(0, fw), found(0, BS | RT)), SECURE_BOOT_DISABLED);
	assert_int_equal(mode_of(missing, broken, broken), SECURE_BOOT_DISABLED);
	/* SecureBoot unreadable (e.g. EFI_BUFFER_TOO_SMALL, EFI_DEVICE_ERROR): unknown. */
	assert_int_equal(mode_of(broken, found(0, fw), missing), SECURE_BOOT_UNKNOWN);
	assert_int_equal(mode_of(broken, found(1, fw), found(1, BS | RT)), SECURE_BOOT_UNKNOWN);
	/* SecureBoot 0: disabled, whatever else. */
	assert_int_equal(mode_of(found(0, fw), found(0, fw), missing), SECURE_BOOT_DISABLED);
	/* SecureBoot 1 in setup mode: disabled (no PK yet). */
	assert_int_equal(mode_of(found(1, fw), found(1, fw), missing), SECURE_BOOT_DISABLED);
	/* SecureBoot 1, user mode, no shim: enabled. */
	assert_int_equal(mode_of(found(1, fw), found(0, fw), missing), SECURE_BOOT_ENABLED);
	/* Any non-zero SecureBoot counts as on; only SetupMode 1 is setup mode. */
	assert_int_equal(mode_of(found(2, fw), found(0, fw), missing), SECURE_BOOT_ENABLED);
	assert_int_equal(mode_of(found(0xff, fw), found(2, fw), missing), SECURE_BOOT_ENABLED);
	/* SetupMode unreadable or missing: taken as 0 (user mode). */
	assert_int_equal(mode_of(found(1, fw), missing, missing), SECURE_BOOT_ENABLED);
	assert_int_equal(mode_of(found(1, fw), broken, missing), SECURE_BOOT_ENABLED);
	/* ...even when the failed read left a 1 in the value: it is not looked at. */
	const struct efi_var_byte broken_with_one = { EFI_VAR_ERROR, 1, fw };
	assert_int_equal(mode_of(found(1, fw), broken_with_one, missing), SECURE_BOOT_ENABLED);
	/* Shim's insecure mode: MokSBStateRT 1, volatile (as shim makes it): disabled. */
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(1, BS | RT)), SECURE_BOOT_DISABLED);
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(1, BS)), SECURE_BOOT_DISABLED);
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(1, 0)), SECURE_BOOT_DISABLED);
	/* ...but a non-volatile one (planted from the OS, or a stale one): ignored. */
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(1, NV | BS | RT)), SECURE_BOOT_ENABLED);
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(1, NV)), SECURE_BOOT_ENABLED);
	/* MokSBStateRT other than 1, or unreadable: secure. */
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(0, BS | RT)), SECURE_BOOT_ENABLED);
	assert_int_equal(mode_of(found(1, fw), found(0, fw), found(2, BS | RT)), SECURE_BOOT_ENABLED);
	assert_int_equal(mode_of(found(1, fw), found(0, fw), broken), SECURE_BOOT_ENABLED);
	const struct efi_var_byte mok_broken_with_one = { EFI_VAR_ERROR, 1, BS | RT };
	assert_int_equal(mode_of(found(1, fw), found(0, fw), mok_broken_with_one), SECURE_BOOT_ENABLED);
	/* The shim rule only matters once the firmware enforces: setup mode stays disabled. */
	assert_int_equal(mode_of(found(1, fw), found(1, fw), found(1, NV | BS | RT)), SECURE_BOOT_DISABLED);
	/* An out-of-range status counts as an error. */
	const struct efi_var_byte odd = { (enum efi_var_status)7, 1, fw };
	assert_int_equal(mode_of(odd, found(0, fw), missing), SECURE_BOOT_UNKNOWN);
}

/* The same decision restated as a table of conditions, over every combination of
 * status, value (0, 1, 2) and attribute set. */
static uint8_t reference(const struct efi_var_byte *sb, const struct efi_var_byte *setup, const struct efi_var_byte *mok)
{
	if (sb->status == EFI_VAR_NOT_FOUND)
		return SECURE_BOOT_DISABLED;
	if (sb->status == EFI_VAR_ERROR)
		return SECURE_BOOT_UNKNOWN;
	int in_setup_mode = setup->status == EFI_VAR_FOUND && setup->value == 1;
	if (sb->value == 0 || in_setup_mode)
		return SECURE_BOOT_DISABLED;
	int shim_off = mok->status == EFI_VAR_FOUND && mok->value == 1 && (mok->attributes & NV) == 0;
	return shim_off ? SECURE_BOOT_DISABLED : SECURE_BOOT_ENABLED;
}

static void whole_decision_table(void **state)
{
	(void)state;
	const enum efi_var_status statuses[] = { EFI_VAR_FOUND, EFI_VAR_NOT_FOUND, EFI_VAR_ERROR };
	const uint8_t values[] = { 0, 1, 2 };
	const uint32_t attrs[] = { 0, NV, BS, RT, BS | RT, NV | BS | RT };
	struct efi_var_byte vars[3 * 3 * 6];
	size_t n = 0;
	for (size_t s = 0; s < 3; s++)
		for (size_t v = 0; v < 3; v++)
			for (size_t a = 0; a < 6; a++)
				vars[n++] = (struct efi_var_byte){ statuses[s], values[v], attrs[a] };
	unsigned counts[4] = { 0 };
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < n; k++) {
				uint8_t got = mode_of(vars[i], vars[j], vars[k]);
				assert_int_equal(got, reference(&vars[i], &vars[j], &vars[k]));
				counts[got]++;
			}
	/* Every outcome but "unset" occurs; the table covers 54^3 rows. */
	assert_int_equal(counts[SECURE_BOOT_UNSET], 0);
	assert_true(counts[SECURE_BOOT_UNKNOWN] && counts[SECURE_BOOT_DISABLED] && counts[SECURE_BOOT_ENABLED]);
	assert_int_equal(counts[1] + counts[2] + counts[3], 54u * 54u * 54u);
}

static void names_for_verbose_output(void **state)
{
	(void)state;
	assert_string_equal(secure_boot_name(SECURE_BOOT_UNSET), "unset");
	assert_string_equal(secure_boot_name(SECURE_BOOT_UNKNOWN), "unknown");
	assert_string_equal(secure_boot_name(SECURE_BOOT_DISABLED), "disabled");
	assert_string_equal(secure_boot_name(SECURE_BOOT_ENABLED), "enabled");
	assert_string_equal(secure_boot_name(4), "invalid");
	assert_string_equal(secure_boot_name(0xff), "invalid");
	/* The values are boot_params.secure_boot's (Linux's enum efi_secureboot_mode). */
	assert_int_equal(SECURE_BOOT_UNSET, 0);
	assert_int_equal(SECURE_BOOT_UNKNOWN, 1);
	assert_int_equal(SECURE_BOOT_DISABLED, 2);
	assert_int_equal(SECURE_BOOT_ENABLED, 3);
}

static void ucs2_matches(const uint16_t *name, size_t n, const char *ascii)
{
	assert_int_equal(n, strlen(ascii) + 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(name[i], (uint16_t)(unsigned char)ascii[i]); /* the NUL included */
}

static void variable_names_and_guids(void **state)
{
	(void)state;
	ucs2_matches(EFI_SECURE_BOOT_VAR_NAME, sizeof(EFI_SECURE_BOOT_VAR_NAME) / 2, "SecureBoot");
	ucs2_matches(EFI_SETUP_MODE_VAR_NAME, sizeof(EFI_SETUP_MODE_VAR_NAME) / 2, "SetupMode");
	ucs2_matches(SHIM_MOK_SB_STATE_VAR_NAME, sizeof(SHIM_MOK_SB_STATE_VAR_NAME) / 2, "MokSBStateRT");
	/* 8be4df61-93ca-11d2-aa0d-00e098032b8c and 605dab50-e046-4300-abb6-3dd810dd8b23, in memory order. */
	const uint8_t global[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
				     0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
	const uint8_t shim[16] = { 0x50, 0xab, 0x5d, 0x60, 0x46, 0xe0, 0x00, 0x43,
				   0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 };
	assert_memory_equal(&(struct efi_guid)EFI_GLOBAL_VARIABLE_GUID, global, 16);
	assert_memory_equal(&(struct efi_guid)EFI_SHIM_LOCK_GUID, shim, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linux_decision_rows),
		cmocka_unit_test(whole_decision_table),
		cmocka_unit_test(names_for_verbose_output),
		cmocka_unit_test(variable_names_and_guids),
	};
	return cmocka_run_group_tests_name("secure_boot", tests, NULL, NULL);
}
