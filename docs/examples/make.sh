#!/bin/sh
# Render the five real seed reports in the standard layout, as DOCX and HTML, into docs/examples/.
# The seed texts are read from the shared corpus, never copied here; only the rendered tables are kept.
# Run from the repository root:  sh docs/examples/make.sh   (or: make examples)
set -eu
NIANBAO="${NIANBAO:-.venv/bin/nianbao}"
SEEDS="${SEEDS:-../shared/corpus/seeds}"
OUT="$(dirname "$0")"
found=0
for seed in "$SEEDS"/*.txt; do
    [ -e "$seed" ] || continue
    found=1
    name="$(basename "$seed" .txt)"
    # through the canonical JSON, so that only the tables are rendered (render would carry a document's prose)
    json="$(mktemp)"
    "$NIANBAO" parse "$seed" --out "$json"
    sed -i "s|\"path\": \"[^\"]*\"|\"path\": \"$name.txt\"|" "$json"
    "$NIANBAO" render "$json" --to docx --out "$OUT/$name.docx"
    "$NIANBAO" render "$json" --to html --out "$OUT/$name.html"
    rm -f "$json"
done
if [ "$found" = 0 ]; then
    echo "no seed reports in $SEEDS (set SEEDS=path/to/seeds)" >&2
    exit 1
fi
