# syntax=docker/dockerfile:1
# ccu-purge's image (ghcr.io/ccu-purge/ccu-purge): GitLab CI, Jenkins and
# docker/action.yml run it. Nothing is compiled here: the context holds the
# prebuilt static binary of each platform at <os>/<arch>/ccu-purge, put
# there by GoReleaser (dockers_v2, for linux/amd64 and linux/arm64) or by
# `make image` (the host's architecture). So an image costs a copy, not a
# Go toolchain and a module download.

# Alpine because it has what every CI needs and little more: CA
# certificates for Akamai's TLS, /bin/sh (GitLab's Docker executor runs job
# scripts through a shell in the image) and cat (Jenkins'
# docker.image(…).inside keeps the container alive with cat). About 8 MB
# plus the binary. Pinned by the digest of the multi-arch index, so a
# rebuilt tag cannot change what a release ships; bump tag and digest
# together.
FROM alpine:3.21@sha256:48b0309ca019d89d40f670aa1bc06e426dc0931948452e8491e3d65087abc07d
RUN apk add --no-cache ca-certificates

# Set by buildx (and by `make image` through --platform): linux/amd64 or
# linux/arm64, the folder of that platform's binary in the context.
ARG TARGETPLATFORM
COPY ${TARGETPLATFORM}/ccu-purge /usr/local/bin/ccu-purge

# OCI labels: where the image comes from and which commit and version it
# holds, so `docker inspect` (and ghcr.io) can link an image to its source.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.source="https://github.com/ccu-purge/ccu-purge" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.title="ccu-purge" \
      org.opencontainers.image.description="Purge from Akamai's cache exactly what a deploy changed."

# Root, because GitHub runs Docker actions as root and mounts the workspace
# owned by the runner: a non-root user could not read the checkout.
USER root
# Exec form: signals (Ctrl-C, a cancelled job's SIGTERM) reach ccu-purge
# directly, so it stops cleanly and writes its report.
ENTRYPOINT ["/usr/local/bin/ccu-purge"]
