#!/usr/bin/env bash
# o200k-reference.sh DIR FILE...
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Exact o200k_base counts from a reference tokenizer: installs js-tiktoken
# from the npm registry into DIR on first use (nothing is committed), writes
# DIR/o200k_base.tiktoken (its ranks in tiktoken's "base64 rank" format, for
# checking our BPE exactly) and prints "COUNT FILE" per file.
set -euo pipefail

dir=$1; shift
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
version=1.0.21
mkdir -p "$dir"
if [[ ! -d $dir/node_modules/js-tiktoken ]]; then
  command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 77; }
  (cd "$dir" && npm install --no-audit --no-fund --silent "js-tiktoken@$version" >&2)
fi

cd "$dir"
node - "${files[@]}" <<'JS'
const fs = require("fs");
const path = require("path");
const { Tiktoken } = require("js-tiktoken/lite");
const ranks = require("js-tiktoken/ranks/o200k_base");

/* The ranks ship as lines "! OFFSET TOKEN…", each token's rank OFFSET + i. */
const out = [];
for (const line of ranks.bpe_ranks.split("\n").filter(Boolean)) {
  const [, offset, ...tokens] = line.split(" ");
  tokens.forEach((token, i) => out.push(`${token} ${Number(offset) + i}`));
}
fs.writeFileSync("o200k_base.tiktoken", out.join("\n") + "\n");

const enc = new Tiktoken(ranks);
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  console.log(`${enc.encode(text).length} ${file}`);
}
JS
