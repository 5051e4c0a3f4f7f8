#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse.sh: print the path of a sparse that can check this kernel. 7.3's
# headers use __typeof_unqual__, which Debian 12's sparse (0.6.4) cannot
# parse; the kernel's checker-valid.sh then turns C=1 off with only a
# warning. So build sparse from sid's source package (0.6.5~rc1) once, into
# $CACHE/sparse/<version>/, and use it for both bases.
source "$(dirname "$0")/lib.sh"

dir=$CACHE/sparse
mkdir -p "$dir"
bin=$(ls -d "$dir"/*/sparse 2>/dev/null | tail -n1) || true
if [ -n "$bin" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
step "building sparse from sid's source package (once; cached in $dir)" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$TOP/tooling/debian-apt.sh" sid source --download-only sparse) \
	>&2 || die "cannot download sid's sparse source package"
dsc=$(ls "$tmp"/sparse_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
dpkg-source -x "$dsc" "$tmp/src" >&2
# Debian's Makefile names the compiler of its own release (gcc-16).
make -C "$tmp/src" -j"$JOBS" CC=gcc sparse >&2
mkdir -p "$dir/$version"
cp "$tmp/src/sparse" "$dir/$version/sparse"
echo "$dir/$version/sparse"
