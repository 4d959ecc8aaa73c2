/* The setup header values probe.bzImage is built with. mkbzimage.py reads
 * the #defines below (plain "#define NAME number" lines only), and
 * image_bzimage.c checks the loader copied them into boot_params. */
#ifndef PROBE_BZIMAGE_LAYOUT_H
#define PROBE_BZIMAGE_LAYOUT_H

#define BZ_SETUP_SECTS 3             /* not the default 4: a loader must read it */
#define BZ_VERSION 0x020F
#define BZ_LOADFLAGS 0x01            /* LOADED_HIGH */
#define BZ_CODE32_START 0x100000
#define BZ_KERNEL_ALIGNMENT 0x400000 /* 4 MiB: deliberately not Linux's 2 MiB */
#define BZ_RELOCATABLE 1
#define BZ_MIN_ALIGNMENT 22          /* log2(4 MiB) */
#define BZ_XLOADFLAGS 0x3            /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
#define BZ_CMDLINE_SIZE 4095
#define BZ_PREF_ADDRESS 0x1000000
#define BZ_INIT_SIZE 0x1000000       /* 16 MiB: far more than the image */
#define BZ_INITRD_ADDR_MAX 0x7fffffff
#define BZ_VID_MODE 0xFFFF           /* "normal" */

#endif
