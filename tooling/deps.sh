#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the project needs, if any are missing.
source "$(dirname "$0")/lib.sh"

packages=(
	# the 6.12 base (7.3 comes from trixie-backports) and the kernel build
	linux-source-6.12 make gcc bc bison flex libelf-dev libssl-dev kmod
	cpio rsync xz-utils python3 python3-ply python3-git git ccache
	# cross toolchains: arm64 target, 32-bit arm COMPILE_TEST
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
	# the emulated board's static /init
	libc6-dev-arm64-cross
	# maintainer checks; sparse is built from sid's source (dpkg-source),
	# the DT checks run in a Debian 13 root (debootstrap)
	device-tree-compiler dpkg-dev debootstrap
	# KUnit and the emulated board
	qemu-system-arm
	# make bench: its plots; gdb for the profiles (make bench-profile, and
	# make check's bench-quick-profile)
	gnuplot-nox gdb-multiarch
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages; as root, run:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
step "installing ${#missing[@]} Debian packages: ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive $cmd
