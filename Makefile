# The course's commands. `make book` and `make test` do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# Re-run one notebook: `make execute NB=book/01_fisher_information.ipynb`
NB ?= $(NOTEBOOKS)
PORT ?= 8000
# CPU profiles of `make nbval-portable` (see scripts/nbval_portable.py)
PROFILES ?= native avx2 sse4
# Strict nbval: every stored output is compared; the sanitizer only masks memory addresses.
NBVAL_FLAGS := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env

.PHONY: install book pdf test unit nbval nbval-portable binder-check site-test execute install-cells lab serve bench bench-peer clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The site is built from the notebooks' stored outputs (execution is off in _config.yml);
# -W -n --keep-going: any warning, including a broken reference, fails the build.
book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@$(BIN)/python scripts/site_size.py _build/html

# The whole book as one PDF (_build/pdf/), printed offline from the built site by the browser
# that the site checks use (scripts/make_pdf.py).
pdf: book
	$(BIN)/python scripts/make_pdf.py

# Unit and property tests, then strict nbval over every notebook (one notebook per worker),
# then the strict build, the whole-book PDF and the browser suite against both. A machine without a Chromium-family
# browser stops at the first line, with a message saying how to get one.
# pytest's exit code 5 ("no tests collected") is a failure here: a test run that ran nothing
# must not pass.
test: $(STAMP)
	@browser=$$($(BIN)/python tests/site/find_browser.py) && echo "== browser for the site checks: $$browser"
	$(BIN)/python -m pytest tests -q -n 2 --dist loadfile -m "not site"
	$(BIN)/python -m pytest book -q -n 2 --dist loadfile $(NBVAL_FLAGS)
	$(MAKE) --no-print-directory pdf
	$(MAKE) --no-print-directory site-test

# The browser suite (tests/site, marker `site`): a headless Chromium (the first that
# tests/site/find_browser.py finds: $$CHROMIUM, PATH, the Debian, snap and macOS paths, Playwright's
# download) opens every page of the built site with every request to another host blocked, and
# saves light and dark screenshots under _build/screenshots/ (two pages at a time, one browser).
site-test: $(STAMP)
	@test -f _build/html/index.html || { echo "no built site: run 'make book' first"; exit 1; }
	@test -f _build/html/fisher-information-course.pdf || { echo "no PDF: run 'make pdf' first"; exit 1; }
	$(BIN)/python -m pytest tests/site -q -m site -p no:xdist

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q -n 2 --dist loadfile -m "not site"

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NB) -q -n 2 --dist loadfile $(NBVAL_FLAGS)

# Strict nbval under each CPU profile (native, AVX2, SSE4): numpy's SIMD dispatch and OpenBLAS's
# kernel switched as on an older CPU. `make nbval-portable PROFILES="avx2 sse4" NB=book/04_...`
nbval-portable: $(STAMP)
	$(BIN)/python scripts/nbval_portable.py --profiles "$(PROFILES)" -- \
	    $(NB) -q -n 2 --dist loadfile $(NBVAL_FLAGS)

# The Binder environment (binder/: runtime.txt, requirements.txt) built over repo2docker's Jupyter
# packages in .venv-binder: pip must report no conflict, and every notebook must run in it.
binder-check:
	$(PYTHON) scripts/binder_check.py

# Re-run notebooks in place, each in a fresh kernel, top to bottom, and print their times.
execute: $(STAMP)
	$(BIN)/python scripts/execute.py $(NB)

# The first code cell of every notebook installs fisherlab where it is missing (Colab, a
# downloaded notebook), from repository.url in _config.yml: rewrite it after changing the URL.
install-cells: $(STAMP)
	$(BIN)/python scripts/install_cell.py

lab: $(STAMP)
	$(BIN)/jupyter lab book/

serve:
	@test -f _build/html/index.html || { echo "run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

bench: $(STAMP)
	@for b in $(sort $(wildcard benchmarks/bench_*.py)); do echo "== $$b"; $(BIN)/python "$$b" || exit 1; done

# Peer benchmark: sb3-contrib's TRPO on CartPole-v1 under bench_trpo.py's protocol, in its own
# environment (.venv-peer: torch, stable-baselines3, sb3-contrib; not the course's). Not part of
# `make bench`. `make bench-peer SEEDS=0-4` for the other seeds (default 5-9, held out).
PEER := .venv-peer
PEER_STAMP := $(PEER)/.installed
SEEDS ?= 5-9

$(PEER_STAMP): benchmarks/peer/requirements.txt
	test -x $(PEER)/bin/python || $(PYTHON) -m venv $(PEER)
	$(PEER)/bin/python -m pip install --quiet -r benchmarks/peer/requirements.txt
	$(PEER)/bin/python -m pip check
	touch $(PEER_STAMP)

bench-peer: $(PEER_STAMP)
	$(PEER)/bin/python benchmarks/peer_sb3_trpo.py --seeds $(SEEDS)

clean:
	rm -rf _build
