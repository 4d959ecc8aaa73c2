/* chainloader.efi's SBAT data (shim's SBAT.md): shim refuses an image without
 * it under Secure Boot, and revokes by raising a component's generation. The
 * first line is the format's own; the second names chainloader, generation 1
 * (raise it when a security fix must make older images unbootable).
 * scripts/mkefi.py gives the .sbat PE section exactly these bytes. No code. */
	.section .sbat, "a"
	.ascii	"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
	.ascii	"chainloader,1,The chainloader developers,chainloader,", CHAINLOADER_VERSION, ",file:///usr/share/doc/chainloader/README.md\n"
