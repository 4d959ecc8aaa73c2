#!/bin/sh
# check_elf.sh FILE pvh|nopvh
# Build-time assertions on probe.elf / probe-nopvh.elf: ELF64 ET_EXEC for
# x86-64, at least two PT_LOAD segments with p_vaddr == p_paddr, one with
# a bss (p_memsz > p_filesz) of at least 64 KiB, and the Xen PHYS32_ENTRY
# note present (pvh) or absent (nopvh).
set -eu
f=$1
want=$2
die() { echo "$f: $*" >&2; exit 1; }

readelf -h "$f" | grep -q 'Class:.*ELF64' || die "not ELF64"
readelf -h "$f" | grep -q 'Type:.*EXEC' || die "not ET_EXEC"
readelf -h "$f" | grep -q 'Machine:.*X86-64' || die "not x86-64"

# LOAD lines of "readelf -lW": Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
readelf -lW "$f" | awk '
	function hex(s,   i, v) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	$1 == "LOAD" {
		n++
		if ($3 != $4) { print "p_vaddr " $3 " != p_paddr " $4; bad = 1 }
		if (hex($6) - hex($5) >= 65536) bss = 1
	}
	END {
		if (n < 2) { print "only " n " PT_LOAD"; bad = 1 }
		if (!bss) { print "no PT_LOAD with a bss of 64 KiB"; bad = 1 }
		exit bad
	}' || die "bad program headers"

if readelf -nW "$f" | grep -q 'Xen.*0x00000012'; then has=pvh; else has=nopvh; fi
[ "$has" = "$want" ] || die "Xen PHYS32_ENTRY note: want $want, have $has"
if [ "$want" = pvh ]; then
	readelf -lW "$f" | grep -q '^ *NOTE' || die "no PT_NOTE"
fi
