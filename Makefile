# Two commands do all set-up on a fresh machine:  make demo  ·  make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test docs bench samples examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

demo: $(STAMP)  ## parse and check the bundled sample reports
	$(BIN)/nianbao check samples/ --all
	$(BIN)/nianbao parse samples/ --format csv --out out/samples.csv
	@echo "flat form of all samples written to out/samples.csv; one report as canonical JSON:"
	$(BIN)/nianbao parse samples/00_*.txt | head -n 30

test: $(STAMP)  ## the test suite, then the linter and the generated docs
	$(BIN)/python -m pytest
	$(BIN)/ruff check nianbao tests bench
	$(BIN)/cog --check docs/cli-reference.md docs/rules.md

docs: $(STAMP)  ## regenerate the CLI reference and the rule table
	$(BIN)/cog -r docs/cli-reference.md docs/rules.md

bench: $(STAMP)  ## reports/second against a baseline measured in the same run
	$(BIN)/python bench/bench_parse.py

samples: $(STAMP)  ## regenerate the bundled samples
	rm -rf samples && $(BIN)/nianbao samples samples/ -n 16

examples: $(STAMP)  ## render the five seed reports to DOCX and HTML in docs/examples/
	NIANBAO=$(BIN)/nianbao sh docs/examples/make.sh

clean:
	rm -rf $(VENV) out .pytest_cache
