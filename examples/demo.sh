#!/bin/sh
# The quick start: make a local org key, encrypt an example Secret, show the
# result, decrypt it and check the bytes are exactly the original. Everything
# happens in a throwaway folder; no server is needed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
# DEMO_GITSEAL runs another gitseal, e.g. the single executable (npm run build:binary).
gitseal=${DEMO_GITSEAL:-"node $here/dist/gitseal.mjs"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export XDG_CONFIG_HOME="$work/config"

echo "== gitseal keygen (local org key: ML-KEM-1024 + X25519)"
$gitseal keygen | cut -c1-72 | sed 's/$/…/'
echo "== gitseal keygen --writer --name demo (writer key: ML-DSA-65 + Ed25519; signs what you encrypt)"
$gitseal keygen --writer --name demo 2>/dev/null | cut -c1-72 | sed 's/$/…/'
echo "== gitseal init"
$gitseal init
cp "$here/examples/secret.yaml" secret.yaml
echo "== gitseal encrypt secret.yaml -o secret.enc.yaml"
$gitseal encrypt secret.yaml -o secret.enc.yaml
cut -c1-100 secret.enc.yaml | sed -n '1,16p'
echo "   …"
if grep -q "battery\|payments_app\|password\|username" secret.enc.yaml; then echo "a value or key name leaked" >&2; exit 1; fi
echo "== gitseal decrypt secret.enc.yaml | cmp - secret.yaml"
$gitseal decrypt secret.enc.yaml | cmp - secret.yaml
echo "byte-exact round trip: OK"
echo "== gitseal set secret.enc.yaml stringData.password … ; git would see:"
cp secret.enc.yaml before.yaml
$gitseal set secret.enc.yaml stringData.password "new password"
diff before.yaml secret.enc.yaml | grep '^[<>]' | cut -c1-90 || true
$gitseal verify secret.enc.yaml
