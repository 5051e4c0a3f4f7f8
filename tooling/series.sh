#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export our series from the prepared tree with git format-patch into
# $OUT/series, with the cover letter from series/cover-letter.
source "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no prepared tree (run: make tree)"
rm -rf "$OUT/series"
mkdir -p "$OUT/series"
step "exporting the series to $OUT/series"
git -C "$TREE" format-patch -q --cover-letter --no-signature \
	-o "$OUT/series" removed..series
python3 - "$OUT/series/0000-cover-letter.patch" \
	"$TOP/series/cover-letter" <<'PY'
import sys
letter_path, text_path = sys.argv[1:]
subject, _, blurb = open(text_path).read().partition("\n\n")
letter = open(letter_path).read()
letter = letter.replace("*** SUBJECT HERE ***", subject.strip())
letter = letter.replace("*** BLURB HERE ***", blurb.strip())
open(letter_path, "w").write(letter)
PY
ls "$OUT/series"
