.PHONY: install test lint bench eval

install:
	python3 -m venv .venv && .venv/bin/pip install -e '.[test,dev]'

test:
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy

bench:
	.venv/bin/python bench/run.py

eval:
	.venv/bin/python ../shared/eval/score.py $(CURDIR)/.venv/bin/askbrief seeds ../shared/eval/dev_questions.jsonl
