#!/bin/sh
# apt-download.sh PACKAGE CACHEDIR
#
# Prints the path of PACKAGE's .deb (the machine's apt, Debian 12) in
# CACHEDIR, downloading it first when no version of it is cached there.
# Into a scratch directory, moved in when complete: an interrupted download
# never looks cached. Running as root, apt would warn that its _apt user
# cannot write there; the download runs as root instead. Old package lists
# can name a version the mirror no longer has, and a fresh machine has none:
# then the lists are fetched once and the download tried again.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 PACKAGE CACHEDIR" >&2; exit 2; }
pkg=$1
cache=$2
mkdir -p "$cache"

cached() { ls "$cache/${pkg}_"*.deb 2>/dev/null | head -n1; }

download() {
    tmp=$(mktemp -d "$cache/dl.XXXXXX")
    if (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
        mv "$tmp"/*.deb "$cache/"
        rmdir "$tmp"
        return 0
    fi
    rm -rf "$tmp"
    return 1
}

deb=$(cached)
if [ -z "$deb" ]; then
    echo "apt-download: downloading $pkg" >&2
    if ! download; then
        echo "apt-download: retrying after apt-get update" >&2
        apt-get update >&2
        download
    fi
    deb=$(cached)
fi
echo "$deb"
