# syntax=docker/dockerfile:1
# The gitseal image, one for `gitseal controller` and `gitseal serve`
# (examples/deploy/base): user 65532, nothing written outside mounted volumes
# and /tmp, no shell and no package manager in the final stage.
#   docker build -t gitseal .
#   docker run --rm gitseal --version
# Without Docker or a registry, image/build.sh makes the same image from
# Debian's packages with buildah.
#
# The bases are pinned by digest. These digests are the ones public
# repositories pin for the same tags; they were not pulled here. Before a
# release, check them and take the newest with
#   docker buildx imagetools inspect node:24-bookworm-slim
#   docker buildx imagetools inspect gcr.io/distroless/cc-debian12:nonroot
# (the index's "Digest:" line, which covers every platform).
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f

FROM ${NODE_IMAGE} AS build
# pkcs11js compiles a native addon; strip comes with binutils.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ binutils \
 && rm -rf /var/lib/apt/lists/*
# node-gyp builds against the image's own headers instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN image/stage-app.sh /out/app \
 && cp "$(command -v node)" /out/node \
 && strip /out/node

# glibc, libstdc++, libgcc, CA certificates, tzdata and the user nonroot (65532).
FROM ${RUNTIME_IMAGE}
COPY --from=build /out/node /usr/local/bin/node
COPY --from=build /out/app /app
USER 65532:65532
WORKDIR /home/nonroot
ENV HOME=/home/nonroot
LABEL org.opencontainers.image.title=gitseal \
      org.opencontainers.image.licenses=Apache-2.0
ENTRYPOINT ["/usr/local/bin/node", "/app/dist/gitseal.mjs"]
CMD ["--help"]
