#!/usr/bin/env bash
# The long economic simulation: every scenario (honest market, wash trader, Sybil splitter, fake
# capacity, inflated utilization, revenue collapse) over many epochs on the real runtime. Writes
# docs/simulation/<scenario>.svg and docs/simulation/results.md, and fails if any attacker ends
# ahead. Arguments go to depin-simulate (`--epochs N`, default 2,000; `--out DIR`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
cargo run --locked -p depin-simulation --bin depin-simulate -- "$@"
