#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# in-root.sh ROOT CMD...: run CMD inside the Debian root ROOT (from
# tooling/dt-root.sh), with this clone, its builds and the cache
# (ccache) bind-mounted at the same paths, so that paths in logs and in
# the build directories mean the same inside and out.
source "$(dirname "$0")/lib.sh"

root=${1:?usage: in-root.sh ROOT CMD...}
shift
mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || true
	done
}
trap cleanup EXIT
bind() {
	mkdir -p "$1" "$root$1"
	mount --bind "$1" "$root$1"
	mounts+=("$root$1")
}
mount -t proc proc "$root/proc"
mounts+=("$root/proc")
bind "$TOP"
case $BUILD/ in "$TOP"/*) ;; *) bind "$BUILD" ;; esac
bind "$CCACHE_DIR"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 BASE="$BASE" BUILD="$BUILD" SUN50I_CACHE="$CACHE" \
	CCACHE_DIR="$CCACHE_DIR" JOBS="$JOBS" "$@"
