#!/usr/bin/env bash
# Lays out the image's /app in OUT: the bundle with the KMS SDKs inside
# (image/bundle.mjs) and pkcs11js, the one package left in node_modules
# (a native addon, built by npm ci). Used by image/build.sh and the Dockerfile.
#   image/stage-app.sh OUT
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: image/stage-app.sh OUT}
pkcs11=$ROOT/node_modules/pkcs11js
[ -f "$pkcs11/build/Release/pkcs11.node" ] || { echo "pkcs11js is not built in $ROOT/node_modules: run npm ci" >&2; exit 1; }

node "$ROOT/image/bundle.mjs" "$OUT/dist"
mkdir -p "$OUT/node_modules/pkcs11js/build/Release"
cp "$pkcs11/package.json" "$pkcs11/index.js" "$pkcs11/LICENSE" "$OUT/node_modules/pkcs11js/"
cp "$pkcs11/build/Release/pkcs11.node" "$OUT/node_modules/pkcs11js/build/Release/"
strip --strip-unneeded "$OUT/node_modules/pkcs11js/build/Release/pkcs11.node"
cp "$ROOT/LICENSE" "$OUT/"
