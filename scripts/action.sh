#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), one subcommand each, so that they run here exactly
# as on a runner. Inputs arrive as environment variables (never pasted into the script):
#   key      INPUT_BACKEND, INPUT_PYTHON_VERSION        -> key=... in $GITHUB_OUTPUT
#   install  INPUT_PACKAGE (default: this checkout)    -> auditor on PATH (skipped when present)
#   check    INPUT_PATH, INPUT_CONFIG, INPUT_BASELINE, INPUT_BACKEND, INPUT_ARGS
set -euo pipefail
ACTION_PATH="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

case "${1:-}" in
  key)
    # The cache (model export and embeddings) belongs to one auditor version and its dependency
    # pins: a new release or a changed pyproject.toml starts a fresh cache.
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/pyproject.toml" | head -n 1)
    lock=$(sha256sum "$ACTION_PATH/pyproject.toml" | cut -c1-16)
    echo "key=auditor-${RUNNER_OS:-Linux}-py${INPUT_PYTHON_VERSION:-3}-${version}-${lock}-${INPUT_BACKEND:-torch}" >> "$GITHUB_OUTPUT"
    ;;
  install)
    if command -v auditor >/dev/null 2>&1; then
      echo "auditor is installed: $(auditor --version)"
      exit 0
    fi
    # the CPU build of torch first: a bare torch requirement pulls gigabytes of CUDA packages
    python -m pip install -q "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
    python -m pip install -q "${INPUT_PACKAGE:-$ACTION_PATH}[onnx]"
    ;;
  check)
    : "${INPUT_PATH:?the action needs a path: the batch to check}"
    export AUDITOR_CACHE_DIR="${AUDITOR_CACHE_DIR:-$HOME/.cache/auditor}"
    args=(check "$INPUT_PATH" --format github)
    [ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
    [ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
    [ -n "${INPUT_BACKEND:-}" ] && args+=(--backend "$INPUT_BACKEND")
    if [ -n "${INPUT_ARGS:-}" ]; then
      read -r -a extra <<< "$INPUT_ARGS"
      args+=("${extra[@]}")
    fi
    # --format github prints the annotations and appends the table to $GITHUB_STEP_SUMMARY
    exec auditor "${args[@]}"
    ;;
  *)
    echo "usage: scripts/action.sh key|install|check" >&2
    exit 2
    ;;
esac
