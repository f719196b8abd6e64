#!/usr/bin/env bash
# The test command: installs the programs the tests need when they are missing (Debian and
# Ubuntu packages; as root, or through sudo), then runs the whole suite. A test never passes
# by skipping because a program is absent: without them, this stops here and says why.
set -euo pipefail
cd "$(dirname "$0")/.."

# program:package, for every external program the tests run.
needed=(pdftotext:poppler-utils pdfinfo:poppler-utils pdftoppm:poppler-utils pdfunite:poppler-utils
    tesseract:tesseract-ocr antiword:antiword readelf:binutils chromium:chromium
    chromedriver:chromium-driver script:bsdutils)
missing=()
for pair in "${needed[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# The OCR tests read English: tesseract-ocr alone may come without its data.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx eng; then
    missing+=(tesseract-ocr-eng)
fi
if [ ${#missing[@]} -gt 0 ]; then
    packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
        echo "scripts/test.sh: the tests need: $packages; install them (apt-get install $packages) and run this again" >&2
        exit 2
    fi
    echo "scripts/test.sh: installing $packages" >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $packages >/dev/null
fi

# The tests read real documents that nobody here wrote, from the shared test data beside
# the repository (see the README).
if [ ! -f ../shared/data/formats/expected.tsv ]; then
    echo "scripts/test.sh: the shared test data is missing: clone the repository beside shared/ (shared/data/formats/expected.tsv must be at ../shared/data from here)" >&2
    exit 2
fi

cargo test --release "$@"
