#!/bin/sh
# fetch-debian13.sh [WHAT...]
#
# Fetches Debian 13 (trixie) packages by name and extracts the parts the
# tests use under $BUILD/debian13 ($BUILD defaults to build/ of the
# repository), printing each resulting path on stdout (progress on stderr).
# WHAT (default: all of them but update):
#
#   grub-efi            grub-efi-amd64-bin -> debian13/grub/x86_64-efi  (GRUB 2.12 modules)
#   grub-pc             grub-pc-bin        -> debian13/grub/i386-pc
#   ovmf                ovmf               -> debian13/ovmf/OVMF_CODE_4M.fd, OVMF_VARS_4M.fd
#   kernel-amd64        linux-image-amd64 (through the metapackage to the
#                       versioned package)  -> debian13/kernels/vmlinuz-amd64
#   kernel-cloud-amd64  linux-image-cloud-amd64 -> debian13/kernels/vmlinuz-cloud-amd64
#   vmlinux-amd64       the ELF inside vmlinuz-amd64 (zstd payload,
#   vmlinux-cloud-amd64 scripts/extract-vmlinux.sh) -> debian13/kernels/vmlinux-FLAVOUR
#   memtest             memtest86+         -> debian13/memtest/memtest86+x64.bin, memtest86+ia32.bin
#   signed-chain        shim-signed, shim-helpers-amd64-signed, grub-efi-amd64-signed
#                       -> debian13/secureboot/shimx64.efi, mmx64.efi, grubx64.efi
#                       (Debian's stock Secure Boot chain, signed by Microsoft
#                       and Debian; not in the default set)
#   virt-firmware       python3-virt-firmware -> debian13/virt-firmware (its
#                       `virt` package: virt-fw-vars enrolls MOKs in OVMF
#                       variables; runs on Debian 12's python3 too; not in the
#                       default set)
#   update              refresh the package lists now (otherwise only when
#                       there are none, or a download fails)
#
# apt runs with a private configuration under $BUILD/debian13/apt: its own
# sources.list naming trixie on the mirror the machine's own sources already
# use (read from /etc/apt at run time), its own package lists, cache and an
# empty dpkg status. The machine's apt sources, lists and status are never
# read for packages nor changed. Each .deb is cached by version under
# $BUILD/cache/debian13, and each extraction records the package version it
# came from, so a rerun with the lists in place downloads and extracts nothing.
# Every .version file beside an output holds "PACKAGE VERSION".
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$build/debian13"
apt="$out/apt"
cache="$build/cache/debian13"
suite=trixie

say() { echo "fetch-debian13: $*" >&2; }
die() { echo "$0: $*" >&2; exit 1; }

all="grub-efi grub-pc ovmf kernel-amd64 kernel-cloud-amd64 vmlinux-amd64 memtest"
[ $# -gt 0 ] || set -- $all
for w in "$@"; do
    case "$w" in
        grub-efi|grub-pc|ovmf|kernel-amd64|kernel-cloud-amd64|vmlinux-amd64|vmlinux-cloud-amd64|memtest|update) ;;
        signed-chain|virt-firmware) ;;
        all) ;;
        *) echo "usage: $0 [update] [all] [$(echo "$all" | tr ' ' '|')|vmlinux-cloud-amd64]..." >&2; exit 2 ;;
    esac
done

# --- The private apt configuration -------------------------------------------

# "URI SUITE SIGNED-BY" for every deb entry of the machine's own sources
# (one-line .list files and deb822 .sources files, as apt reads them;
# SIGNED-BY is "-" when the entry names none).
host_entries() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            /^[ \t]*deb[ \t]/ {
                sub(/^[ \t]*deb[ \t]+/, "")
                key = "-"
                if ($0 ~ /^\[/) {
                    opts = substr($0, 2, index($0, "]") - 2)
                    $0 = substr($0, index($0, "]") + 1)
                    n = split(opts, o, /[ \t]+/)
                    for (i = 1; i <= n; i++)
                        if (tolower(o[i]) ~ /^signed-by=/) key = substr(o[i], 11)
                }
                split($0, w, /[ \t]+/)
                j = (w[1] == "") ? 2 : 1
                print w[j], w[j + 1], key
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush(   n, m, i, j, u, s) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                        if (u[i] != "" && s[j] != "") print u[i], s[j], (key == "" ? "-" : key)
                }
                types = uris = suites = key = enabled = ""
            }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                field = tolower($1); sub(/:$/, "", field)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                if (field == "types") types = val
                else if (field == "uris") uris = val
                else if (field == "suites") suites = val
                else if (field == "signed-by" && val ~ /^\//) key = val
                else if (field == "enabled") enabled = tolower(val)
            }
            END { flush() }' "$f"
    done
}

# The machine's release, e.g. bookworm: its main archive entry gives the
# mirror for trixie, its -security entry (if any) the one for trixie-security.
write_sources() {
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || die "no VERSION_CODENAME in /etc/os-release"
    entries=$(host_entries)
    main=$(printf '%s\n' "$entries" | awk -v s="$codename" '$2 == s { print; exit }')
    sec=$(printf '%s\n' "$entries" | awk -v s="$codename-security" '$2 == s { print; exit }')
    [ -n "$main" ] || die "no deb entry for suite $codename in /etc/apt/sources.list(.d)"
    line() { # URI SIGNED-BY SUITE
        if [ "$2" = - ]; then echo "deb $1 $3 main"
        else echo "deb [signed-by=$2] $1 $3 main"; fi
    }
    set -- $main
    {
        line "$1" "$3" "$suite"
        line "$1" "$3" "$suite-updates"
        if [ -n "$sec" ]; then
            set -- $sec
            line "$1" "$3" "$suite-security"
        fi
    } > "$apt/sources.list.tmp"
    mv "$apt/sources.list.tmp" "$apt/sources.list"
}

mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/empty" "$cache"
[ -f "$apt/status" ] || : > "$apt/status"
write_sources

# private apt-get|apt-cache ARGS...: the command with the private
# configuration. Nothing of the host's apt state: no other source, no
# pinning, no package lists, no cache, an empty dpkg status. (apt.conf stays
# the machine's, so a proxy it sets is still used.)
private() {
    cmd=$1
    shift
    "$cmd" -o "Dir::Etc::SourceList=$apt/sources.list" \
           -o "Dir::Etc::SourceParts=$apt/empty" \
           -o "Dir::Etc::Preferences=$apt/empty/preferences" \
           -o "Dir::Etc::PreferencesParts=$apt/empty" \
           -o "Dir::State=$apt" \
           -o "Dir::State::Lists=$apt/lists" \
           -o "Dir::State::status=$apt/status" \
           -o "Dir::Cache=$apt/cache" \
           -o "APT::Architecture=amd64" -o "APT::Architectures=amd64" \
           -o "Acquire::Languages=none" \
           -o "APT::Sandbox::User=root" \
           "$@"
}

apt_update() {
    say "apt-get update ($suite)"
    private apt-get -q update >&2
}
have_lists() {
    ls "$apt/lists/"*_Packages* >/dev/null 2>&1
}

what="$*"
case " $what " in *" update "*) apt_update ;; esac
have_lists || apt_update

# --- Packages ----------------------------------------------------------------

# Sets ver to the candidate version of package $pkg ("" if unknown).
candidate() {
    ver=$(private apt-cache show --no-all-versions "$pkg" 2>/dev/null |
        awk '$1 == "Version:" { print $2; exit }')
}
# Prints the versioned kernel package the metapackage $meta depends on.
kernel_pkg() {
    private apt-cache depends "$meta" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# Sets deb to the cached .deb of $pkg at version $ver, downloading it if needed.
fetch_deb() {
    vfile=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb=$(ls "$cache/${pkg}_${vfile}_"*.deb 2>/dev/null | head -n1 || true)
    [ -n "$deb" ] && return 0
    say "downloading $pkg $ver"
    # Into a scratch dir, moved in when complete: an interrupted download
    # never looks cached.
    tmp=$(mktemp -d "$cache/dl.XXXXXX")
    if ! (cd "$tmp" && private apt-get -q download "$pkg=$ver" >&2); then
        rm -rf "$tmp"
        return 1
    fi
    mv "$tmp"/*.deb "$cache/"
    rmdir "$tmp"
    deb=$(ls "$cache/${pkg}_${vfile}_"*.deb | head -n1)
}

# resolve PKG: sets pkg, ver and deb (lists refreshed once if PKG is unknown
# or its version is gone from the mirror).
resolve() {
    pkg=$1
    candidate
    if [ -z "$ver" ]; then
        apt_update
        candidate
    fi
    [ -n "$ver" ] || die "package $pkg not found in $suite"
    if ! fetch_deb; then
        say "retrying after apt-get update"
        apt_update
        candidate
        fetch_deb
    fi
}
# resolve_kernel FLAVOUR: the same for the package linux-image-FLAVOUR names.
resolve_kernel() {
    meta=linux-image-$1
    k=$(kernel_pkg)
    if [ -z "$k" ]; then
        apt_update
        k=$(kernel_pkg)
    fi
    [ -n "$k" ] || die "cannot resolve $meta in $suite"
    resolve "$k"
}

# up_to_date STAMP: the output recorded in STAMP came from $pkg $ver.
up_to_date() { [ "$(cat "$1" 2>/dev/null)" = "$pkg $ver" ]; }

# extract DEST PATTERN...: the members of $deb matching the tar PATTERNs
# (./usr/...) into the fresh directory DEST.
extract() {
    dest=$1
    shift
    rm -rf "$dest"
    mkdir -p "$dest"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" --wildcards "$@"
}

# grub PACKAGE PLATFORM: /usr/lib/grub/PLATFORM as debian13/grub/PLATFORM.
grub() {
    plat=$2
    dir="$out/grub/$plat"
    resolve "$1"
    if ! up_to_date "$dir.version" || [ ! -f "$dir/modinfo.sh" ]; then
        tmp="$out/grub/.extract.$plat"
        extract "$tmp" "./usr/lib/grub/$plat/*"
        [ -f "$tmp/usr/lib/grub/$plat/modinfo.sh" ] || die "no usr/lib/grub/$plat/modinfo.sh in $deb"
        rm -rf "$dir"
        mv "$tmp/usr/lib/grub/$plat" "$dir"
        rm -rf "$tmp"
        echo "$pkg $ver" > "$dir.version"
        say "$dir <- $(basename "$deb")"
    fi
    echo "$dir"
}

ovmf() {
    dir="$out/ovmf"
    resolve ovmf
    if ! up_to_date "$dir/ovmf.version" || [ ! -f "$dir/OVMF_VARS_4M.fd" ]; then
        tmp="$out/.extract.ovmf"
        extract "$tmp" ./usr/share/OVMF/OVMF_CODE_4M.fd ./usr/share/OVMF/OVMF_VARS_4M.fd
        mkdir -p "$dir"
        for f in OVMF_CODE_4M.fd OVMF_VARS_4M.fd; do
            mv "$tmp/usr/share/OVMF/$f" "$dir/$f"
        done
        rm -rf "$tmp"
        echo "$pkg $ver" > "$dir/ovmf.version"
        say "$dir <- $(basename "$deb")"
    fi
    echo "$dir/OVMF_CODE_4M.fd"
    echo "$dir/OVMF_VARS_4M.fd"
}

# kernel FLAVOUR: boot/vmlinuz-* only, as fetch-kernel.sh does (the modules
# are most of the package and never needed).
kernel() {
    flavour=$1
    f="$out/kernels/vmlinuz-$flavour"
    resolve_kernel "$flavour"
    if ! up_to_date "$f.version" || [ ! -f "$f" ]; then
        tmp="$out/kernels/.extract.$flavour"
        extract "$tmp" './boot/vmlinuz-*'
        set -- "$tmp"/boot/vmlinuz-*
        [ $# -eq 1 ] && [ -f "$1" ] || die "no single boot/vmlinuz-* in $deb"
        mv "$1" "$f"
        rm -rf "$tmp"
        echo "$pkg $ver" > "$f.version"
        say "$f <- $(basename "$deb")"
    fi
    echo "$f"
}

vmlinux() {
    flavour=$1
    kernel "$flavour" >/dev/null
    f="$out/kernels/vmlinux-$flavour"
    if ! up_to_date "$f.version" || [ ! -f "$f" ]; then
        rm -f "$f"
        "$root/scripts/extract-vmlinux.sh" "$out/kernels/vmlinuz-$flavour" "$f"
        echo "$pkg $ver" > "$f.version"
        say "$f <- vmlinuz-$flavour"
    fi
    echo "$f"
}

memtest() {
    dir="$out/memtest"
    resolve memtest86+
    if ! up_to_date "$dir/memtest.version" || [ ! -f "$dir/memtest86+ia32.bin" ]; then
        tmp="$out/.extract.memtest"
        extract "$tmp" ./boot/memtest86+x64.bin ./boot/memtest86+ia32.bin
        mkdir -p "$dir"
        for f in memtest86+x64.bin memtest86+ia32.bin; do
            mv "$tmp/boot/$f" "$dir/$f"
        done
        rm -rf "$tmp"
        echo "$pkg $ver" > "$dir/memtest.version"
        say "$dir <- $(basename "$deb")"
    fi
    echo "$dir/memtest86+x64.bin"
    echo "$dir/memtest86+ia32.bin"
}

# take PACKAGE MEMBER DEST: ./MEMBER of PACKAGE (a file, or a directory with
# all it holds) as DEST, stamped DEST.version.
take() {
    resolve "$1"
    if ! up_to_date "$3.version" || [ ! -e "$3" ]; then
        tmp="$out/.extract.take"
        extract "$tmp" "./$2"
        mkdir -p "$(dirname "$3")"
        rm -rf "$3"
        mv "$tmp/$2" "$3"
        rm -rf "$tmp"
        echo "$pkg $ver" > "$3.version"
        say "$3 <- $(basename "$deb")"
    fi
    echo "$3"
}

mkdir -p "$out/grub" "$out/kernels"
case " $what " in *" all "*) what="$what $all" ;; esac
for w in $what; do
    case "$w" in
        grub-efi) grub grub-efi-amd64-bin x86_64-efi ;;
        grub-pc) grub grub-pc-bin i386-pc ;;
        ovmf) ovmf ;;
        kernel-amd64) kernel amd64 ;;
        kernel-cloud-amd64) kernel cloud-amd64 ;;
        vmlinux-amd64) vmlinux amd64 ;;
        vmlinux-cloud-amd64) vmlinux cloud-amd64 ;;
        memtest) memtest ;;
        signed-chain)
            take shim-signed usr/lib/shim/shimx64.efi.signed "$out/secureboot/shimx64.efi"
            take shim-helpers-amd64-signed usr/lib/shim/mmx64.efi.signed "$out/secureboot/mmx64.efi"
            take grub-efi-amd64-signed usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed "$out/secureboot/grubx64.efi" ;;
        virt-firmware) take python3-virt-firmware usr/lib/python3/dist-packages "$out/virt-firmware" ;;
    esac
done
