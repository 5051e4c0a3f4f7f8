#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# apply-series.sh TREE: commit each series/NNNN-*/ entry onto TREE's HEAD.
# An entry has a commit "message", and optionally "files" (paths we own,
# copied verbatim) and "kernel.patch" (changes to files the kernel owns).
source "$(dirname "$0")/lib.sh"

tree=$1
for entry in "$TOP"/series/[0-9][0-9][0-9][0-9]-*/; do
	name=$(basename "$entry")
	if [ -f "$entry/files" ]; then
		while read -r path; do
			[ -n "$path" ] || continue
			[ -f "$TOP/$path" ] || die "$name: missing $path"
			mkdir -p "$tree/$(dirname "$path")"
			cmp -s "$TOP/$path" "$tree/$path" ||
				cp "$TOP/$path" "$tree/$path"
			git -C "$tree" add -f "$path"
		done <"$entry/files"
	fi
	if [ -f "$entry/kernel.patch" ]; then
		git -C "$tree" apply --index "$entry/kernel.patch" ||
			die "$name: kernel.patch does not apply"
	fi
	git -C "$tree" commit -q -F "$entry/message" ||
		die "$name: nothing to commit"
done
