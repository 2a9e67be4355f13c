# Set-up and the everyday jobs. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
OUT    ?= out/demo

export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint typecheck bench score lock clean

$(BIN)/uv:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: $(BIN)/uv requirements.lock pyproject.toml
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/jixiao review examples --out $(OUT) --fail-on never
	@echo "审核结果 / review output: $(OUT)/index.html（每个文件另有 .json / .html / .xlsx）"

test: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/review.py

score: $(VENV)/.installed
	rm -rf out/seeds && $(BIN)/jixiao review $(SHARED)/corpus/seeds/docs --out out/seeds --fail-on never
	python3 $(SHARED)/bench/score.py --gold $(SHARED)/corpus/seeds/gold --pred out/seeds --verbose

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra ocr --extra web --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) out
