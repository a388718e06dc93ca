#!/bin/sh
# Installs the Bolt for JavaScript peer of BenchmarkCommands (package.json,
# app.js) into a cache directory, once, and prints that directory. The first
# run downloads @slack/bolt from the npm registry (about 20 MB, a minute);
# later runs find it installed. Not part of .ci/run: only the benchmark
# calls it, and it skips the peer when node or npm is missing.
#   BOLTJS_DIR  where to install (default: the user's cache, mentorbot-bench-boltjs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${BOLTJS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mentorbot-bench-boltjs}
mkdir -p "$dir"
cp "$here/package.json" "$here/app.js" "$dir/"
if [ ! -f "$dir/node_modules/@slack/bolt/package.json" ] || ! cmp -s "$here/package.json" "$dir/.installed"; then
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
  cp "$here/package.json" "$dir/.installed"
fi
echo "$dir"
