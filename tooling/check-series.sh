#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-series.sh checkpatch|apply: the checks on the exported series.
#   checkpatch  checkpatch.pl --strict (the base's own) on every patch of
#               the series and of the stable fixes: nothing reported
#   apply       git am of the series onto the pristine base, in a fresh
#               clone of it, gives exactly the prepared tree
source "$(dirname "$0")/lib.sh"

patches=$(ls "$OUT"/series/[0-9]*.patch | grep -v 0000-cover-letter)
stable=$(ls "$OUT"/stable/[0-9]*.patch 2>/dev/null || true)
[ -n "$patches" ] || die "no exported series (run: make series)"

case ${1:-} in
checkpatch)
	bad=0
	for p in $patches $stable; do
		# The base is a tarball import without history, so checkpatch
		# cannot look up a Fixes: commit id; the stable fixes' ids name
		# the commit that added mainline's driver (4100b8c229b3), as
		# mainline's own sun50i fixes do.
		ignore=()
		[[ " $stable " != *" $p "* ]] || ignore=(--ignore UNKNOWN_COMMIT_ID)
		res=$(cd "$TREE" && scripts/checkpatch.pl --strict --quiet \
			--show-types "${ignore[@]}" "$p" 2>&1) || true
		if [ -n "$res" ]; then
			echo "$(basename "$p"):"
			echo "$res"
			bad=1
		fi
	done
	exit $bad
	;;
apply)
	base=$("$TOP/tooling/fetch-base.sh")
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	git clone -q --shared --no-checkout "$base" "$tmp/linux"
	cd "$tmp/linux"
	git config user.name check
	git config user.email check@example.org
	# Only the paths the series touches need to be checked out.
	paths=$(cat $patches | sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' |
		sort -u)
	git sparse-checkout set --no-cone $paths
	git checkout -q refs/tags/base
	git am -q $patches
	want=$(git -C "$TREE" rev-parse 'series^{tree}')
	got=$(git rev-parse 'HEAD^{tree}')
	[ "$want" = "$got" ] || die "the applied series differs from the tree"
	echo "series of $(echo "$patches" | wc -l) patches applies with git am"
	;;
*)
	die "usage: check-series.sh checkpatch|apply"
	;;
esac
