#!/bin/sh
# Builds the playground bundle into dist/ from the pinned package-lock.json.
# Run by `go generate ./schema`; needs node and npm and the npm registry.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
