#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare $TREE: a git clone of the cached base (pristine commit, generated
# removal commit) with our series on top, one commit per series/NNNN-*/.
source "$(dirname "$0")/lib.sh"

base=$("$TOP/tooling/fetch-base.sh")

if [ ! -d "$TREE/.git" ]; then
	step "cloning the base into $TREE"
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
git checkout -q -f -B series removed
git reset -q --hard removed

"$TOP/tooling/apply-series.sh" "$TREE"
step "tree ready: $TREE ($(git rev-list --count removed..HEAD) series commits)"
