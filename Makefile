# SPDX-License-Identifier: GPL-2.0
# sun50i-iommu: our Allwinner H6/H616 IOMMU driver, as a series for Linux
# 7.3, with a backport to 6.12: BASE=6.12 (e.g. `make BASE=6.12 series`)
# builds and exports that one. `make help` lists the targets.

T := tooling

.PHONY: all help deps tree build series lint check kunit emulator qtest run e2e \
	e2e-mainline bench bench-profile clean

all: deps tree build series ## everything: packages, tree, Image + DTBs, series
	@echo "outputs:"
	@echo "  kernel tree  build/$${BASE:-7.3}/linux (branch 'series')"
	@echo "  Image        out/$${BASE:+$$BASE/}Image"
	@echo "  DTBs         out/$${BASE:+$$BASE/}dtbs/"
	@echo "  series       out/$${BASE:+$$BASE/}series/, stable fixes in out/$${BASE:+$$BASE/}stable/"

help: ## this list
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'

deps: ## install the Debian packages the project needs (as root)
	@$(T)/deps.sh

tree: deps ## prepare build/$BASE/linux: the pristine base and our series
	@$(T)/prepare-tree.sh

build: tree ## the arm64 Image and every H6/H616 DTB, into out/
	@$(T)/build.sh image

series: tree ## export the series with a cover letter into out/series/
	@$(T)/series.sh

lint: deps ## static checks only: checkpatch, W=1, sparse, DT schema
	@$(T)/check.sh lint

kunit: tree ## the KUnit suite on arm64 in QEMU
	@rm -f out/results
	@$(T)/kunit.sh
	@! grep -q '^FAIL' out/results

emulator: deps ## build qemu-system-aarch64 with our H6 IOMMU model and board
	@$(T)/emulator.sh

qtest: emulator ## the models' self-tests (IOMMU, display) through QEMU's qtest protocol
	@python3 $(T)/qtest-iommu.py
	@python3 $(T)/qtest-display.py

run: all ## make, then boot the emulated board: a DMA copy, the display (out/run/*.png)
	@$(T)/run.sh

e2e: tree ## the end-to-end suite on the emulated board
	@$(T)/e2e.sh

e2e-mainline: tree ## the suite on mainline's driver, and the read-only cases with our stable fix
	@rm -f out/results
	@$(T)/e2e.sh mainline || true
	@$(T)/e2e.sh mainline-fixed readonly-write-fault permission-matrix several-faults || true
	@! grep -q '^FAIL' out/results

bench: tree ## driver vs mainline vs the floor, counted on the board: out/bench/
	@$(T)/bench.sh full

bench-profile: tree ## where make bench's 4K/64K map and unmap instructions go, per function
	@$(T)/bench-profile.sh full

check: deps ## every check and test; ends with "check: N passed, N failed, N skipped"
	@$(T)/check.sh

clean: ## remove build/ and out/ (the download cache stays)
	rm -rf build out
