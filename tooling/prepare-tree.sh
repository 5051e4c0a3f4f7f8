#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare $TREE: a git clone of the cached pristine base ($BASE) with our
# series on top, one commit per series/NNNN-*/ entry; for a backport base,
# then the adaptation patches in backport/$BASE/ (git am).
source "$(dirname "$0")/lib.sh"

base=$("$TOP/tooling/fetch-base.sh")

if [ ! -d "$TREE/.git" ]; then
	step "cloning the $BASE base into $TREE"
	mkdir -p "$(dirname "$TREE")"
	git clone -q --shared --no-checkout "$base" "$TREE"
fi
cd "$TREE"
# The series' author, as its Signed-off-by lines name it.
git config user.name "Sun50i IOMMU Developers"
git config user.email "sun50i-iommu-dev@lists.example.org"
git fetch -q "$base" --tags
# Keep the work tree (and file mtimes) where the content is unchanged, so an
# incremental kernel build only rebuilds what the series really changed.
git checkout -q -f -B series refs/tags/base
git reset -q --hard refs/tags/base

"$TOP/tooling/apply-series.sh" "$TREE"
git tag -f series-end >/dev/null
if [ -d "$TOP/backport/$BASE" ]; then
	git am -q "$TOP/backport/$BASE"/*.patch ||
		die "backport/$BASE does not apply to the series"
fi
step "tree ready: $TREE ($BASE, $(git rev-list --count refs/tags/base..HEAD) commits on the base)"
