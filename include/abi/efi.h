/* The few UEFI services chainloader calls while GRUB has left the boot services
 * running (UEFI 2.10 specification; x86_64 calling convention: Microsoft x64,
 * hence ms_abi on every function pointer). Only the fields used are named;
 * the others are kept as padding so that each offset stays as the spec has it. */
#ifndef CHAINLOADER_EFI_H
#define CHAINLOADER_EFI_H

#include <stddef.h>
#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status_t;
typedef void *efi_handle_t;
typedef uint16_t efi_char16_t;

struct efi_guid {
	uint32_t d1;
	uint16_t d2;
	uint16_t d3;
	uint8_t d4[8];
};
_Static_assert(sizeof(struct efi_guid) == 16, "EFI_GUID");

/* Every GUID chainloader uses, spelled one way: an initializer of struct
 * efi_guid, as the specifications write it (its bytes in memory: d1, d2, d3
 * little-endian, then d4 as written). */
#define EFI_ACPI_20_TABLE_GUID { 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_TABLE_GUID { 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }
#define EFI_GLOBAL_VARIABLE_GUID { 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c } }
#define EFI_SHIM_LOCK_GUID { 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } }
#define EFI_TCG2_PROTOCOL_GUID { 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }
#define EFI_TCG2_FINAL_EVENTS_TABLE_GUID { 0x1e2ed096, 0x30e2, 0x4254, { 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } }
/* Linux's LINUX_EFI_TPM_EVENT_LOG_GUID */
#define LINUX_EFI_TPM_EVENT_TABLE_GUID { 0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } }
#define EFI_RNG_PROTOCOL_GUID { 0x3152bca5, 0xeade, 0x433d, { 0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44 } }
#define EFI_RNG_ALGORITHM_RAW_GUID { 0xe43176d7, 0xb6e8, 0x4827, { 0xb7, 0x84, 0x7f, 0xfd, 0xc4, 0xb6, 0x85, 0x61 } }
#define EFI_GOP_GUID { 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
/* Linux's own configuration table for an RNG seed (include/linux/efi.h). */
#define LINUX_EFI_RANDOM_SEED_TABLE_GUID { 0x1ce1e5bc, 0x7ceb, 0x42f2, { 0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b } }
#define EFI_LOADED_IMAGE_PROTOCOL_GUID { 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_LOAD_FILE2_PROTOCOL_GUID { 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }
/* The vendor media device path on which a loader offers Linux its initrd
 * through EFI_LOAD_FILE2_PROTOCOL (include/linux/efi.h). */
#define LINUX_EFI_INITRD_MEDIA_GUID { 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

#define EFI_ERROR_BIT (1ull << 63)
#define EFI_SUCCESS 0ull
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_OUT_OF_RESOURCES (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)
#define EFI_ACCESS_DENIED (EFI_ERROR_BIT | 15)
#define EFI_SECURITY_VIOLATION (EFI_ERROR_BIT | 26)

/* EFI_ALLOCATE_TYPE */
#define EFI_ALLOCATE_MAX_ADDRESS 1
/* EFI_MEMORY_TYPE */
enum {
	EFI_RESERVED_TYPE,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
};

/* EFI_MEMORY_DESCRIPTOR (the firmware's stride, descr_size, may be larger). */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages; /* 4 KiB pages */
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI memory descriptor");

#define EFI_PAGE_SHIFT 12

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};
_Static_assert(sizeof(struct efi_table_header) == 24, "EFI_TABLE_HEADER");

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status_t(EFIAPI *allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages, uint64_t *addr);
	efi_status_t(EFIAPI *free_pages)(uint64_t addr, uint64_t pages);
	efi_status_t(EFIAPI *get_memory_map)(uint64_t *size, void *map, uint64_t *key, uint64_t *desc_size,
					     uint32_t *desc_version);
	efi_status_t(EFIAPI *allocate_pool)(uint32_t memory_type, uint64_t size, void **buffer);
	efi_status_t(EFIAPI *free_pool)(void *buffer);
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface, *uninstall_protocol_interface;
	efi_status_t(EFIAPI *handle_protocol)(efi_handle_t handle, const struct efi_guid *protocol, void **interface);
	void *reserved, *register_protocol_notify, *locate_handle;
	efi_status_t(EFIAPI *locate_device_path)(const struct efi_guid *protocol, const void **device_path,
						 efi_handle_t *device);
	efi_status_t(EFIAPI *install_configuration_table)(const struct efi_guid *guid, void *table);
	void *load_image, *start_image, *exit, *unload_image;
	efi_status_t(EFIAPI *exit_boot_services)(efi_handle_t image, uint64_t map_key);
	void *get_next_monotonic_count, *stall, *set_watchdog_timer;
	void *connect_controller, *disconnect_controller;
	void *open_protocol, *close_protocol, *open_protocol_information;
	void *protocols_per_handle, *locate_handle_buffer;
	efi_status_t(EFIAPI *locate_protocol)(const struct efi_guid *protocol, void *registration, void **interface);
};
_Static_assert(offsetof(struct efi_boot_services, allocate_pages) == 40, "AllocatePages");
_Static_assert(offsetof(struct efi_boot_services, get_memory_map) == 56, "GetMemoryMap");
_Static_assert(offsetof(struct efi_boot_services, allocate_pool) == 64, "AllocatePool");
_Static_assert(offsetof(struct efi_boot_services, handle_protocol) == 152, "HandleProtocol");
_Static_assert(offsetof(struct efi_boot_services, locate_device_path) == 184, "LocateDevicePath");
_Static_assert(offsetof(struct efi_boot_services, install_configuration_table) == 192, "InstallConfigurationTable");
_Static_assert(offsetof(struct efi_boot_services, exit_boot_services) == 232, "ExitBootServices");
_Static_assert(offsetof(struct efi_boot_services, locate_protocol) == 320, "LocateProtocol");

struct efi_runtime_services {
	struct efi_table_header hdr;
	void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time;
	void *set_virtual_address_map, *convert_pointer;
	efi_status_t(EFIAPI *get_variable)(const efi_char16_t *name, const struct efi_guid *vendor,
					   uint32_t *attributes, uint64_t *size, void *data);
};
_Static_assert(offsetof(struct efi_runtime_services, get_variable) == 72, "GetVariable");

struct efi_config_table {
	struct efi_guid guid;
	void *table;
};
_Static_assert(sizeof(struct efi_config_table) == 24, "EFI_CONFIGURATION_TABLE");

struct efi_system_table {
	struct efi_table_header hdr;
	void *firmware_vendor;
	uint32_t firmware_revision;
	void *console_in_handle, *con_in, *console_out_handle, *con_out, *standard_error_handle, *std_err;
	struct efi_runtime_services *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_config_table *configuration_table;
};
_Static_assert(offsetof(struct efi_system_table, runtime_services) == 88, "RuntimeServices");
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96, "BootServices");
_Static_assert(offsetof(struct efi_system_table, number_of_table_entries) == 104, "NumberOfTableEntries");
_Static_assert(offsetof(struct efi_system_table, configuration_table) == 112, "ConfigurationTable");

#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ull /* "IBI SYST" */

/* EFI_TCG2_EVENT, the argument of HashLogExtendEvent (TCG EFI Protocol
 * Specification 6.6.5): packed, Size counts the whole struct with its event. */
struct efi_tcg2_event_header {
	uint32_t header_size;    /* sizeof(struct efi_tcg2_event_header) */
	uint16_t header_version; /* EFI_TCG2_EVENT_HEADER_VERSION */
	uint32_t pcr_index;
	uint32_t event_type;
} __attribute__((packed));
_Static_assert(sizeof(struct efi_tcg2_event_header) == 14, "EFI_TCG2_EVENT_HEADER");
struct efi_tcg2_event {
	uint32_t size;
	struct efi_tcg2_event_header header;
	uint8_t event[];
} __attribute__((packed));
_Static_assert(offsetof(struct efi_tcg2_event, event) == 18, "EFI_TCG2_EVENT");
#define EFI_TCG2_EVENT_HEADER_VERSION 1

/* EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification) */
struct efi_tcg2_protocol {
	void *get_capability;
	efi_status_t(EFIAPI *get_event_log)(struct efi_tcg2_protocol *self, uint32_t format, uint64_t *location,
					    uint64_t *last_entry, uint8_t *truncated);
	efi_status_t(EFIAPI *hash_log_extend_event)(struct efi_tcg2_protocol *self, uint64_t flags,
						    uint64_t data_to_hash, uint64_t data_len,
						    struct efi_tcg2_event *event);
};
_Static_assert(offsetof(struct efi_tcg2_protocol, hash_log_extend_event) == 16, "HashLogExtendEvent");

/* EFI_LOADED_IMAGE_PROTOCOL: where the image's LoadOptions are. */
struct efi_loaded_image {
	uint32_t revision;
	efi_handle_t parent_handle;
	struct efi_system_table *system_table;
	efi_handle_t device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size; /* bytes */
	void *load_options;
	void *image_base;
	uint64_t image_size;
};
_Static_assert(offsetof(struct efi_loaded_image, load_options_size) == 48, "LoadOptionsSize");
_Static_assert(offsetof(struct efi_loaded_image, load_options) == 56, "LoadOptions");
_Static_assert(offsetof(struct efi_loaded_image, image_size) == 72, "ImageSize");

/* EFI_DEVICE_PATH_PROTOCOL nodes: a vendor media node then the end node. */
struct efi_device_path_node {
	uint8_t type;
	uint8_t subtype;
	uint16_t length; /* bytes of the node, header included */
} __attribute__((packed));
#define EFI_DEV_MEDIA 4
#define EFI_DEV_MEDIA_VENDOR 3
#define EFI_DEV_END 0x7f
#define EFI_DEV_END_ENTIRE 0xff
struct efi_vendor_media_path {
	struct efi_device_path_node vendor; /* EFI_DEV_MEDIA, EFI_DEV_MEDIA_VENDOR, 20 */
	struct efi_guid guid;
	struct efi_device_path_node end; /* EFI_DEV_END, EFI_DEV_END_ENTIRE, 4 */
} __attribute__((packed));
_Static_assert(sizeof(struct efi_vendor_media_path) == 24, "vendor media device path and its end");

/* EFI_LOAD_FILE2_PROTOCOL (UEFI 13.2): BootPolicy must be FALSE. */
struct efi_load_file2 {
	efi_status_t(EFIAPI *load_file)(struct efi_load_file2 *self, const void *file_path, uint8_t boot_policy,
					uint64_t *buffer_size, void *buffer);
};

/* Shim's SHIM_LOCK protocol (rhboot/shim shim.h): Verify takes the System V
 * calling convention (shim declares it without EFIAPI), not Microsoft's. */
struct shim_lock_protocol {
	efi_status_t (*verify)(void *buffer, uint32_t size);
	void *hash, *context;
};

/* EFI_RNG_PROTOCOL */
struct efi_rng_protocol {
	void *get_info;
	efi_status_t(EFIAPI *get_rng)(struct efi_rng_protocol *self, const struct efi_guid *algorithm, uint64_t len,
				      uint8_t *value);
};

/* EFI_GRAPHICS_OUTPUT_PROTOCOL: only its Mode is read. */
struct efi_gop_mode {
	uint32_t max_mode;
	uint32_t mode;
	void *info; /* EFI_GRAPHICS_OUTPUT_MODE_INFORMATION (firmware/gop.h) */
	uint64_t size_of_info;
	uint64_t frame_buffer_base;
	uint64_t frame_buffer_size;
};
_Static_assert(offsetof(struct efi_gop_mode, frame_buffer_base) == 24, "EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE");
struct efi_gop {
	void *query_mode, *set_mode, *blt;
	struct efi_gop_mode *mode;
};
_Static_assert(offsetof(struct efi_gop, mode) == 24, "EFI_GRAPHICS_OUTPUT_PROTOCOL");

/* Linux's own configuration table for an RNG seed (LINUX_EFI_RANDOM_SEED_TABLE_GUID):
 * the kernel mixes the bits in, then wipes them. */
struct linux_efi_random_seed {
	uint32_t size;
	uint8_t bits[];
};
_Static_assert(offsetof(struct linux_efi_random_seed, bits) == 4, "linux_efi_random_seed");
#define EFI_RANDOM_SEED_SIZE 32u /* bytes, as Linux's stub asks */

#endif
