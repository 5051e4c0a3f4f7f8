#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export the series from the prepared tree ($BASE) with git format-patch:
#   $OUT/series/  the series, a cover letter from series/cover-letter with
#                 "base-commit:", and To/Cc from the tree's own
#                 scripts/get_maintainer.pl (maintainers To, lists Cc)
#   $OUT/stable/  the fixes for mainline's own driver in stable/, each a
#                 patch of its own on the pristine base, for the stable trees
# On 7.3 the series is "PATCH v2"; the 6.12 backport is "PATCH 6.12" and
# ends with the adaptation patches of backport/6.12/.
source "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no prepared tree (run: make tree)"
case $BASE in
7.3) prefix="PATCH v2" ;;
*) prefix="PATCH $BASE" ;;
esac

# addresses ROLE-OPTIONS...: get_maintainer.pl's addresses for the whole
# series, one per line, without the sender's own (the series' author).
me=$(git -C "$TREE" config user.email)
addresses() {
	(cd "$TREE" && git diff refs/tags/base series |
		scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats "$@") | grep -vF "$me" || true
}
maintainers=$(addresses --m --no-r --no-l)
[ -n "$maintainers" ] || die "get_maintainer.pl named no maintainer"
# Reviewers and lists, minus whoever is already a To.
others=$(addresses --no-m --r --l | grep -vxF "$maintainers" || true)
to=$(paste -sd, - <<<"$maintainers" | sed 's/,/, /g')
cc=$(paste -sd, - <<<"$others" | sed 's/,/, /g')

rm -rf "$OUT/series" "$OUT/stable"
mkdir -p "$OUT/series" "$OUT/stable"
step "exporting the $BASE series to $OUT/series"
git -C "$TREE" format-patch -q --cover-letter --no-signature \
	--subject-prefix="$prefix" --base=refs/tags/base \
	--to="$to" --cc="$cc" -o "$OUT/series" refs/tags/base..series
python3 - "$OUT/series/0000-cover-letter.patch" \
	"$TOP/series/cover-letter" "$BASE" <<'PY'
import sys
letter_path, text_path, base = sys.argv[1:]
subject, _, blurb = open(text_path).read().partition("\n\n")
blurb = blurb.replace("@BASE@", base)
letter = open(letter_path).read()
letter = letter.replace("*** SUBJECT HERE ***", subject.strip())
letter = letter.replace("*** BLURB HERE ***", blurb.strip())
open(letter_path, "w").write(letter)
PY

# The stable fixes: each a commit on the pristine base, made in a
# temporary index (no checkout).
for entry in "$TOP"/stable/[0-9][0-9][0-9][0-9]-*/; do
	[ -d "$entry" ] || continue
	step "exporting the stable fix $(basename "$entry") to $OUT/stable"
	export GIT_INDEX_FILE=$OUT/stable/.index
	git -C "$TREE" read-tree refs/tags/base
	git -C "$TREE" apply --cached "$entry/kernel.patch" ||
		die "$(basename "$entry"): does not apply to the base"
	commit=$(git -C "$TREE" commit-tree "$(git -C "$TREE" write-tree)" \
		-p refs/tags/base -F "$entry/message")
	unset GIT_INDEX_FILE
	rm -f "$OUT/stable/.index"
	git -C "$TREE" format-patch -q --no-signature --base=refs/tags/base \
		--start-number "$(basename "$entry" | cut -c1-4 | sed 's/^0*//')" \
		-o "$OUT/stable" -1 "$commit"
done
ls "$OUT/series" "$OUT/stable"
