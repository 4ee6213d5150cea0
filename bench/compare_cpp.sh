#!/usr/bin/env bash
# Parity of trifecta's C++ skeleton with clang's AST: bench/compare_c.sh
# for the `cpp` files of the corpus.
#   bash bench/compare_cpp.sh CORPUS_DIR [OUT_JSON] [-- CLANG_FLAGS…]
set -euo pipefail
LANG_NAME=cpp exec bash "$(dirname "$0")/compare_c.sh" "$@"
