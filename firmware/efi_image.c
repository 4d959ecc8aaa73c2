/* What GRUB 2.12 hands an EFI-stub image it starts by its PE entry
 * (firmware/efi_services.h): the command line as the image's LoadOptions, and
 * the initrd by EFI_LOAD_FILE2_PROTOCOL on Linux's initrd media device path
 * (drivers/firmware/efi/libstub/efi-stub-helper.c, efi_load_initrd_dev_path). */
#include <string.h>

#include "firmware/efi_services.h"

#define FOUR_GIB 0x100000000ull
#define PAGE_BYTES 4096ull

int efi_image_load_options(const struct efi_env *env, const uint16_t **options, uint64_t *units,
			   struct cl_error *err)
{
	static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	struct efi_loaded_image *li = NULL;
	efi_status_t s = env->st->boot_services->handle_protocol(env->image, &loaded_image_guid, (void **)&li);
	if (s != EFI_SUCCESS || !li)
		return cl_fail(err, "UEFI: the image handle has no EFI_LOADED_IMAGE_PROTOCOL: EFI status 0x%llx",
			       (unsigned long long)s);
	*options = li->load_options;
	*units = li->load_options ? li->load_options_size / sizeof(uint16_t) : 0;
	return 0;
}

int efi_load_file2_initrd(const struct efi_env *env, uint64_t *addr, uint64_t *size, struct cl_error *err)
{
	static const struct efi_vendor_media_path initrd_path = {
		{ EFI_DEV_MEDIA, EFI_DEV_MEDIA_VENDOR, offsetof(struct efi_vendor_media_path, end) },
		LINUX_EFI_INITRD_MEDIA_GUID,
		{ EFI_DEV_END, EFI_DEV_END_ENTIRE, sizeof(struct efi_device_path_node) },
	};
	static const struct efi_guid lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	struct efi_boot_services *bs = env->st->boot_services;
	/* LocateDevicePath leaves path at what the handle's own path does not
	 * cover (the end node): LoadFile2 takes that remainder, as Linux passes it. */
	const void *path = &initrd_path;
	efi_handle_t handle = NULL;
	if (bs->locate_device_path(&lf2_guid, &path, &handle) != EFI_SUCCESS || !handle)
		return 1;
	struct efi_load_file2 *lf2 = NULL;
	efi_status_t s = bs->handle_protocol(handle, &lf2_guid, (void **)&lf2);
	if (s != EFI_SUCCESS || !lf2)
		return cl_fail(err, "initrd: the initrd device path has no EFI_LOAD_FILE2_PROTOCOL: EFI status 0x%llx",
			       (unsigned long long)s);
	uint64_t want = 0;
	s = lf2->load_file(lf2, path, 0, &want, NULL);
	if (s != EFI_BUFFER_TOO_SMALL || want == 0)
		return cl_fail(err, "initrd: LoadFile2 gave no size (EFI status 0x%llx, %llu bytes)",
			       (unsigned long long)s, (unsigned long long)want);
	if (want > FOUR_GIB)
		return cl_fail(err, "initrd: LoadFile2 offers %llu bytes, more than fit below 4 GiB",
			       (unsigned long long)want);
	uint64_t a = FOUR_GIB - 1;
	s = bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, (want + PAGE_BYTES - 1) / PAGE_BYTES, &a);
	if (s != EFI_SUCCESS)
		return cl_fail(err, "initrd: AllocatePages for its %llu bytes below 4 GiB failed: EFI status 0x%llx",
			       (unsigned long long)want, (unsigned long long)s);
	uint64_t got = want;
	s = lf2->load_file(lf2, path, 0, &got, (void *)(uintptr_t)a);
	if (s != EFI_SUCCESS || got != want) {
		efi_free_pages(env, a, want);
		return cl_fail(err, "initrd: LoadFile2 of %llu bytes failed: EFI status 0x%llx, %llu bytes read",
			       (unsigned long long)want, (unsigned long long)s, (unsigned long long)got);
	}
	*addr = a;
	*size = want;
	return 0;
}
