#!/usr/bin/env bash
# Set up .venv with auditor, its test tools and the reference implementations the tests compare
# against. Safe to run again. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch first; a bare `torch` requirement would pull gigabytes of CUDA packages.
.venv/bin/pip install -q "torch==2.13.0"
.venv/bin/pip install -q -e ".[test,syntax,ray,multilingual,onnx]"
# Reference implementation for the lexical metrics (Shaib et al.). It pins old
# sentence-transformers/transformers and its __init__ imports spaCy, evaluate and openai, so it is
# installed without dependencies; the tests load only its metric modules.
.venv/bin/pip install -q --no-deps "diversity==0.3.1"
echo "set up .venv ($(.venv/bin/python -c 'import auditor; print("auditor", auditor.__version__)'))"
