#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check-dt.sh TREE BUILD_DIR: devicetree checks of our series on TREE (a
# kernel tree with the series applied), building in BUILD_DIR (an O= dir).
#
#   yamllint          our binding, with the kernel's binding lint rules
#   dt-check-style    our binding's example, --mode=strict (7.3 asks it of
#                     new bindings; 6.12 has no such tool: a SKIP there)
#   dt_binding_check  our binding's meta-schema check and example
#   dtbs              every board that includes sun50i-h6.dtsi or
#                     sun50i-h616.dtsi builds without IOMMU-related warnings
#   dtbs_check        those boards validate: any report that names the IOMMU
#                     node, our compatibles or an iommus property fails; the
#                     base tree's other warnings are only counted. Reports
#                     are cached per DTB content in BUILD_DIR/check-dt/.
#
# If BUILD_DIR has no .config, an allnoconfig + CONFIG_ARCH_SUNXI=y one is
# made. Full logs go to BUILD_DIR/check-dt/. Prints PASS/FAIL per check and
# exits non-zero if any check failed.
source "$(dirname "$0")/lib.sh"
# Only print results: check.sh records them from this script's output.
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }

[ $# -eq 2 ] || die "usage: $0 TREE BUILD_DIR"
[ -f "$1/Makefile" ] || die "$1 is not a kernel tree"
TREE=$(realpath "$1")
build=$(mkdir -p "$2" && realpath "$2")
logs=$build/check-dt
mkdir -p "$logs"
renice -n 10 $$ >/dev/null

bindings=Documentation/devicetree/bindings
yaml=$bindings/iommu/allwinner,sun50i-h6-iommu.yaml
example=$build/$bindings/iommu/allwinner,sun50i-h6-iommu.example
# What a report about our work looks like: our binding (file or example),
# our compatibles, the IOMMU node or a consumer's iommus property.
ours='allwinner,sun50i-h6-iommu|sun50i-h616-iommu|sun55i-a523-iommu|iommu@30f0000|iommus'
# kbuild's own progress lines ("  DTC [C] path") are not reports.
progress='^  [A-Z]{2,}'
failed=0

# took NAME: report how long the check since the last call took.
last=$SECONDS
took() {
	step "$1 took $((SECONDS - last)) s"
	last=$SECONDS
}

dtmake() {
	kmake "$build" arm64 "$ARM64_CROSS" "$@"
}

# check NAME LOG RC: PASS unless RC is non-zero or LOG reports on our work.
check() {
	local name=$1 log=$2 rc=$3 hits
	hits=$(grep -Ev "$progress" "$log" | grep -E "$ours" || true)
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit status $rc (see $log)"
	elif [ -n "$hits" ]; then
		printf '%s\n' "$hits" | head -n 20 | sed 's/^/    /'
		fail "$name: $(printf '%s\n' "$hits" | grep -c .) line(s) about the IOMMU (see $log)"
	else
		pass "$name"
		return 0
	fi
	failed=1
}

step "yamllint $yaml"
[ -f "$TREE/$yaml" ] || die "$TREE/$yaml missing: is the series applied?"
rc=0
yamllint -f parsable -c "$TREE/$bindings/.yamllint" "$TREE/$yaml" \
	>"$logs/yamllint.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$logs/yamllint.log" ]; then
	pass yamllint
else
	sed 's/^/    /' "$logs/yamllint.log"
	fail "yamllint: $(grep -c . "$logs/yamllint.log") problem(s), exit status $rc"
	failed=1
fi
took yamllint

step "dt-check-style --mode=strict $yaml"
style=$TREE/scripts/dtc/dt-check-style
if [ ! -f "$style" ]; then
	echo "SKIP dt-check-style: Linux $BASE has no scripts/dtc/dt-check-style"
else
	rc=0
	python3 "$style" --mode=strict "$TREE/$yaml" >"$logs/dt-check-style.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$logs/dt-check-style.log" ]; then
		pass dt-check-style
	else
		sed 's/^/    /' "$logs/dt-check-style.log"
		fail "dt-check-style: exit status $rc (see $logs/dt-check-style.log)"
		failed=1
	fi
fi
took dt-check-style

step "dt_binding_check $yaml"
# The checks below end in "|| true" inside kbuild and are not redone for an
# unchanged input: drop their outputs so that every run reports afresh.
rm -f "$example.dts" "$example.dtb" \
	"$(dirname "$example")"/.allwinner,sun50i-h6-iommu.example.dt[sb].cmd \
	"$build/$bindings/.dt-binding.checked" "$build/$bindings/.yamllint.checked"
rc=0
dtmake dt_binding_check DT_SCHEMA_FILES=iommu/allwinner,sun50i-h6-iommu.yaml \
	>"$logs/dt_binding_check.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ ! -f "$example.dtb" ]; then
	fail "dt_binding_check: the example was not built (see $logs/dt_binding_check.log)"
	failed=1
else
	check dt_binding_check "$logs/dt_binding_check.log" "$rc"
fi
took dt_binding_check

# Every board that includes one of the two SoC dtsi, directly or not.
dts_dir=$TREE/arch/arm64/boot/dts/allwinner
set_=(sun50i-h6.dtsi sun50i-h616.dtsi)
grown=1
while [ "$grown" -eq 1 ]; do
	grown=0
	pats=()
	for f in "${set_[@]}"; do pats+=(-e "\"$f\""); done
	while read -r f; do
		f=$(basename "$f")
		if ! printf '%s\n' "${set_[@]}" | grep -qxF "$f"; then
			set_+=("$f")
			grown=1
		fi
	done < <(grep -lF "${pats[@]}" "$dts_dir"/*.dts "$dts_dir"/*.dtsi)
done
dtbs=()
for f in "${set_[@]}"; do
	case $f in *.dts) dtbs+=("allwinner/${f%.dts}.dtb") ;; esac
done
[ ${#dtbs[@]} -gt 0 ] || die "no sun50i-h6/h616 boards found in $dts_dir"
mapfile -t dtbs < <(printf '%s\n' "${dtbs[@]}" | sort)

if [ ! -f "$build/.config" ]; then
	step "no $build/.config: allnoconfig + CONFIG_ARCH_SUNXI=y"
	echo CONFIG_ARCH_SUNXI=y >"$logs/sunxi.config"
	dtmake KCONFIG_ALLCONFIG="$logs/sunxi.config" allnoconfig \
		>"$logs/config.log" 2>&1 || die "allnoconfig failed (see $logs/config.log)"
fi

step "building ${#dtbs[@]} DTBs"
rc=0
dtmake "${dtbs[@]}" >"$logs/dtbs.log" 2>&1 || rc=$?
check dtbs "$logs/dtbs.log" "$rc"
took dtbs

# dtbs_check: dt-validate, run on each DTB just as kbuild's CHECK_DTBS=y runs
# it, but with its report kept per (DTB, bindings, dt-validate) content, so
# that a warm run validates only what changed (one DTB takes ~15 s).
step "dtbs_check of ${#dtbs[@]} DTBs"
schema=$build/$bindings/processed-schema.json
[ -f "$schema" ] || die "$schema missing (dt_binding_check should make it)"
# Key on the binding sources, not on processed-schema.json: dt-mk-schema
# does not write the same file twice (set order varies from run to run).
salt=$( (dt-validate --version
	cd "$TREE/$bindings" && find . -name '*.yaml' -print0 | sort -z |
		xargs -0 sha1sum) | sha1sum | cut -c1-40)
cache=$logs/validated
rm -rf "$logs/reports"
mkdir -p "$cache" "$logs/reports"
validate() {
	local dtb=$1 key rc=0
	key=$( (echo "$salt"; cat "$dtb") | sha1sum | cut -c1-40)
	if [ -f "$cache/$key" ]; then
		touch "$cache/$key"
	else
		dt-validate -m -u "$TREE/$bindings" -p "$schema" "$dtb" \
			>"$cache/$key.tmp" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ]; then	# a crash: report it, never cache it
			echo "$dtb: dt-validate exit status $rc" >>"$logs/reports/errors"
			mv "$cache/$key.tmp" "$logs/reports/$(basename "$dtb").log"
			return 0
		fi
		mv "$cache/$key.tmp" "$cache/$key"
	fi
	cp "$cache/$key" "$logs/reports/$(basename "$dtb").log"
}
for dtb in "${dtbs[@]}"; do
	validate "$build/arch/arm64/boot/dts/$dtb" &
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done
wait
find "$cache" -type f -mtime +7 -delete
cat "$logs/reports"/*.log >"$logs/dtbs_check.log"
rc=0
if [ -f "$logs/reports/errors" ]; then
	cat "$logs/reports/errors" >>"$logs/dtbs_check.log"
	rc=1
fi
# dt-validate -m cannot flag our nodes if our schema failed to load (a
# catch-all compatible pattern in 6.12's bindings hides them): check it.
grep -qF '/schemas/iommu/allwinner,sun50i-h6-iommu.yaml#' "$schema" ||
	echo "$yaml: not in processed-schema.json" >>"$logs/dtbs_check.log"
others=$(grep -Ev "$ours" "$logs/dtbs_check.log" | grep -c '\.dtb: ' || true)
step "dtbs_check: $others warning(s) not about the IOMMU (counted, not failed on)"
check dtbs_check "$logs/dtbs_check.log" "$rc"
took dtbs_check

exit "$failed"
