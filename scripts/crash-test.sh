#!/usr/bin/env bash
# The long crash test: kills `dossier index` (SIGKILL) at many points of a run on a real
# corpus, checks after each kill that the index opens and holds every document of its last
# commit exactly once, searchable, and that the next run finishes the job; then the same
# for `dossier index --rebuild`.
#
#   scripts/crash-test.sh CORPUS_DIR [KILL_POINTS] [COMMIT_EVERY_DOCS]
#
# CORPUS_DIR: a folder of documents, e.g. one made by the shared bench corpora's prepare.sh.
# KILL_POINTS (default 24): kills while documents are added, on top of 2 while starting and
# 3 during rebuilds. COMMIT_EVERY_DOCS (default 2000): commit after this many documents as
# well as every minute, so that kills fall between many commits.
# The checks are the ignored test `long_crash_run_on_a_real_corpus` in tests/crash.rs.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 3 ] || {
  echo "usage: $0 CORPUS_DIR [KILL_POINTS] [COMMIT_EVERY_DOCS]" >&2
  exit 2
}
[ -d "$1" ] || { echo "$0: $1 is not a folder" >&2; exit 2; }
cd "$(dirname "$0")/.."
DOSSIER_CRASH_CORPUS=$(cd "$1" && pwd) \
DOSSIER_CRASH_POINTS=${2:-24} \
DOSSIER_CRASH_COMMIT_EVERY_DOCS=${3:-2000} \
  cargo test --release --test crash -- --ignored --nocapture long_crash_run_on_a_real_corpus
