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
		# The patches are made on 7.3. On an older base, the lines around
		# a change may differ (a neighbour's Kconfig entry, say): apply
		# with one line of context there, as a backport would, and say so.
		if ! git -C "$tree" apply --index "$entry/kernel.patch" 2>/dev/null; then
			[ "$BASE" != 7.3 ] &&
				git -C "$tree" apply --index -C1 "$entry/kernel.patch" ||
				die "$name: kernel.patch does not apply"
			step "$name: applied to $BASE with one line of context"
		fi
	fi
	git -C "$tree" commit -q -F "$entry/message" ||
		die "$name: nothing to commit"
done
