# Everything starts from python3 alone: the first target that needs it builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE ?= sample_images/chelsea.png

.PHONY: demo test lint bench clean figures fuzz

$(BIN)/paintlr: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/paintlr
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/paintlr
	mkdir -p out
	$(BIN)/paintlr learn $(SAMPLE) -o out/chelsea.gif -o out/chelsea.png --log out/chelsea.csv

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n auto

# The long fuzz of the command line (tests/fuzz.py); failing cases are kept in /tmp/paintlr-fuzz.
FUZZ_CASES ?= 1500
FUZZ_SEEDS ?= 1 2
fuzz: $(VENV)/.dev
	$(BIN)/python -m tests.fuzz --cases $(FUZZ_CASES) $(addprefix --seed ,$(FUZZ_SEEDS))

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .ruff_cache .hypothesis

# The README's pictures, remade with paintlr itself.
figures: $(VENV)/.dev
	mkdir -p out
	$(BIN)/paintlr learn sample_images/chelsea.png -o out/chelsea.html
	$(BIN)/python tools/page_screenshot.py out/chelsea.html docs/player.png 40 0.05 200000
	$(BIN)/paintlr learn sample_images/chelsea.png -o docs/chelsea.gif
	$(BIN)/paintlr sweep sample_images/chelsea.png --size 96 --learning-rate 0.05 --learning-rate 1.0 --learning-rate 2.2 --scale 2 -o docs/sweep.gif
	$(BIN)/paintlr sweep sample_images/chelsea.png --size 96 --run gd:0.05 --run gd:best --run momentum:best --momentum best --scale 2 -o docs/momentum.gif
	$(BIN)/paintlr sweep sample_images/coffee.png --size 128 --features onehot --features poly --features fourier --features cosine --scale 2 -o docs/designs.gif
	$(BIN)/paintlr learn sample_images/coffee.png --model logistic --palette 8 --soft -o docs/coffee-palette.gif
	$(BIN)/paintlr learn sample_images/coffee.png --size 128 --model logistic --palette 8 --features cosine -o docs/coffee-palette-cosine.gif
	$(BIN)/paintlr fit --example points -o docs/fit-points.gif
	$(BIN)/paintlr fit --example points --learning-rate 0.01 --learning-rate 0.1 --learning-rate 0.2 -o docs/fit-rates.gif
	$(BIN)/paintlr fit --example points --learning-rate 0.01 --at 10 --at 100 --at 1000 --at 11243 -o docs/fit-steps.png
	$(BIN)/paintlr classify --example admissions --predict 45,85 -o docs/classify-admissions.gif
	$(BIN)/paintlr classify --example admissions --no-standardize --predict 45,85 -o docs/classify-admissions-raw.png
	$(BIN)/paintlr classify --example iris -o docs/classify-iris.gif
