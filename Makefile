# GreenNN: the two set-up commands are `make test` and `make bench`; both work on a bare
# Debian machine with the Swift toolchain (they install OpenBLAS and zlib through apt-get when
# pkg-config cannot find them).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCH_ARGS ?=

.PHONY: deps build test sanitize fuzz bench examples docs lint report-check clean

# Installs Debian's OpenBLAS and zlib (and pkg-config) when pkg-config cannot find them.
deps:
	@if ! (command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas); then \
		echo "installing libopenblas-dev and pkg-config with apt-get"; \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y libopenblas-dev pkg-config; \
	fi
	@if ! (command -v pkg-config >/dev/null 2>&1 && pkg-config --exists zlib); then \
		echo "installing zlib1g-dev and pkg-config with apt-get"; \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y zlib1g-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

# Every test, in debug.
test: deps
	$(SWIFT) test

# Every test under AddressSanitizer (LeakSanitizer included) and, for the C target CKernels,
# UndefinedBehaviorSanitizer (Swift has no -sanitize=undefined on Linux; -Xcc reaches the C
# compiles), in a build folder of its own so `make test`'s stays as it is. Any report fails the
# target; Scripts/lsan-suppressions.txt lists the toolchain libraries' own leaks, and Swift's
# backtracer is off (ASan reports its reads). About 5 minutes on 2 cores.
sanitize: deps
	SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Scripts/lsan-suppressions.txt \
		UBSAN_OPTIONS=print_stacktrace=1 \
		$(SWIFT) test --scratch-path .build/sanitize --sanitize=address \
		-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined

# Builds the libFuzzer harnesses in Fuzz/ (release, libFuzzer + AddressSanitizer) and runs each
# for FUZZ_SECONDS on a scratch copy of its seed corpus, printing executions and crashes per
# harness; fails when any crashed (Fuzz/README.md: turning a crash into a regression test).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) Scripts/fuzz.sh

# Builds greenbench in release and runs the standard suite (report in ./greenbench-report);
# BENCH_ARGS="run vgg16 --layers" runs something else.
bench: deps
	$(SWIFT) build -c release --product greenbench
	.build/release/greenbench $(BENCH_ARGS)

# Builds and runs the example consumer packages in Docs/Examples (each depends on GreenNN by
# path, as a user's package would); an example that stops compiling or fails its checks
# fails this target.
examples: deps
	cd Docs/Examples/QuickStart && $(SWIFT) build && .build/debug/QuickStart
	cd Docs/Examples/CustomLayer && $(SWIFT) build && .build/debug/CustomLayer

# DocC documentation for GreenTensor and GreenNN, built with the toolchain's own tools
# (symbol graphs from SwiftPM, then docc convert) into .build/docs; fails when any public
# symbol of the library modules lacks a /// comment.
SYMBOLS = .build/symbol-graphs
docs: deps
	$(SWIFT) package dump-symbol-graph --minimum-access-level public
	rm -rf $(SYMBOLS) .build/docs && mkdir -p $(SYMBOLS) .build/docs
	python3 Scripts/undocumented.py "$$(dirname $$($(SWIFT) build --show-bin-path))/symbolgraph" \
		GreenTensor GreenNN GreenModels GreenEnergy GreenONNX GreenProtobuf
	for module in GreenTensor GreenNN; do \
		mkdir -p $(SYMBOLS)/$$module && \
		cp "$$(dirname $$($(SWIFT) build --show-bin-path))/symbolgraph/$$module"*.symbols.json $(SYMBOLS)/$$module/ && \
		docc convert Sources/$$module/$$module.docc --fallback-display-name $$module \
			--fallback-bundle-identifier org.greennn.$$module --additional-symbol-graph-dir $(SYMBOLS)/$$module \
			--warnings-as-errors --output-path .build/docs/$$module || exit 1; \
	done
	@echo "documentation in .build/docs/GreenTensor and .build/docs/GreenNN"

# Writes a small run report (LeNet-5 and two variants, per-layer tables) and renders its
# report.html in headless Chromium (Debian's chromium, installed with apt-get when missing):
# the rendered DOM must hold every table and chart, and a screenshot lands beside it.
REPORT_CHECK = .build/report-check
report-check: deps
	$(SWIFT) build -c release --product greenbench
	rm -rf $(REPORT_CHECK)
	.build/release/greenbench run lenet5 lenet5-ds lenet5-lowrank --runs 3 --layers --out $(REPORT_CHECK) > /dev/null
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "installing chromium with apt-get"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium; \
	fi
	chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$(CURDIR)/$(REPORT_CHECK)/report.html" \
		> $(REPORT_CHECK)/rendered.html 2> $(REPORT_CHECK)/chromium.log
	chromium --headless --no-sandbox --disable-gpu --window-size=1280,6000 \
		--screenshot="$(CURDIR)/$(REPORT_CHECK)/report.png" "file://$(CURDIR)/$(REPORT_CHECK)/report.html" \
		>> $(REPORT_CHECK)/chromium.log 2>&1
	python3 Scripts/check_report_html.py $(REPORT_CHECK)/rendered.html $(REPORT_CHECK)/report.png

# The whole tree against .swift-format (run `swift-format format -i -r Sources Tests Benchmarks
# Docs/Examples Package.swift` to fix what it reports).
lint:
	swift-format lint --strict -r Sources Tests Benchmarks Docs/Examples Package.swift Fuzz/Package.swift Fuzz/Sources

clean:
	$(SWIFT) package clean
