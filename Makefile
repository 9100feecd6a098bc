# make demo      : set everything up and run the workflow on the built-in simulated genome
# make test      : set everything up and run the whole test suite (CI, and before a merge)
# make test-fast : the same without the tests marked slow (end-to-end workflow runs, the wheel,
#                  SLURM, training to a goal: each over 10 s), in under 2 minutes on 2 cores;
#                  the loop while editing (tests/README.md)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIP    := $(BIN)/python -m pip install -q -c constraints.txt
DEMO   := demo
# pytest-xdist workers of `make test` (0: one process); tests/conftest.py gives each one OpenMP thread
TEST_WORKERS ?= 2

.PHONY: setup test test-fast demo clean browser-packages

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) torch==2.13.0
	$(PIP) -e '.[test]'
	touch $(STAMP)

test: $(STAMP) browser-packages
	$(BIN)/python -m pytest tests -n $(TEST_WORKERS) --dist loadfile

test-fast: $(STAMP) browser-packages
	$(BIN)/python -m pytest tests -m "not slow" -n $(TEST_WORKERS) --dist loadfile

# igv.js and playwright-core for tests/export/test_browser.py, pinned by package-lock.json;
# installed when npm is present (Chromium itself comes from .ci/setup-browser.sh).
browser-packages:
	@if command -v npm >/dev/null 2>&1 && { [ ! -f tests/browser/node_modules/igv/dist/igv.min.js ] || \
		[ ! -d tests/browser/node_modules/playwright-core ]; }; then \
		npm ci --prefix tests/browser --no-audit --no-fund --silent --loglevel=error >/dev/null; fi

# The simulated genome (5 x 500 kb, planted boundaries, Tn5 fragments), then the whole workflow
# from its fragments (config/demo.yaml, config/samples.tsv) on 2 cores.
$(DEMO)/simulate.json: $(STAMP)
	$(BIN)/gategenome simulate --out-dir $(DEMO) --seed 1

demo: $(DEMO)/simulate.json
	$(BIN)/gategenome run --cores 2 --configfile config/demo.yaml --rerun-incomplete
	$(BIN)/python benchmarks/demo_boundaries.py --calls results/demo/drops.bed --truth $(DEMO)/truth.boundaries.bed
	@echo
	@echo "Demo results (results/demo/):"
	@echo "  drops.bed                 forget-gate drops per strand (BED6+4)"
	@echo "  boundaries.bed            one call per boundary, both strands merged (BED6+7)"
	@echo "  region_calls.bed          accessible regions from opening/closing boundary pairs"
	@echo "  tracks/forget.plus.bw     mean forget gate, + strand scan"
	@echo "  tracks/forget.minus.bw    mean forget gate, - strand scan"
	@echo "  tracks/accessibility.bw   predicted accessibility"
	@echo "  evaluation/report.html    drops and boundary calls vs. accessible-region edges (open in a browser)"
	@echo "  hub/                      UCSC track hub + IGV session (igv_session.xml)"
	@echo "  design/designs.fa         long-memory DNA designed for the model"
	@echo "  model/model.pt, model/metrics.json, model/curves.png"
	@echo "Truth: $(DEMO)/truth.boundaries.bed, $(DEMO)/truth.accessible.bed; genome: $(DEMO)/genome.fa"

clean:
	rm -rf $(VENV) .pytest_cache
