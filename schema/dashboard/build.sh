#!/bin/sh
# Builds the dashboard bundle into dist/ from the pinned package-lock.json.
# Run by `go generate ./schema`; needs Node.js 18 or later, npm and the npm
# registry (or a warm npm cache).
set -eu
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
	echo "dashboard/build.sh: npm not found; install Node.js 18 or later to build the dashboard" >&2
	exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
