# syntax=docker/dockerfile:1
# ccu-purge's image: the GitHub Action runs it, GitLab CI and Jenkins use it
# as a job image. Build with `make image` (docker or buildah).

# Build stage: a static, reproducible binary (no cgo, no local paths), so
# the runtime stage needs no libc and the image stays small.
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/ccu-purge/ccu-purge/internal/cli.Version=${VERSION}" \
      -o /out/ccu-purge .

# Runtime stage: Alpine because it has what every CI needs and little more:
# CA certificates for Akamai's TLS, /bin/sh (GitLab's Docker executor runs
# job scripts through a shell in the image) and cat (Jenkins'
# docker.image(…).inside keeps the container alive with cat). About 8 MB
# plus the binary. Pin this tag to a digest when cutting a release.
FROM alpine:3.21
RUN apk add --no-cache ca-certificates
COPY --from=build /out/ccu-purge /usr/local/bin/ccu-purge
# Root, because GitHub runs Docker actions as root and mounts the workspace
# owned by the runner: a non-root user could not read the checkout.
USER root
# Exec form: signals (Ctrl-C, a cancelled job's SIGTERM) reach ccu-purge
# directly, so it stops cleanly and writes its report.
ENTRYPOINT ["/usr/local/bin/ccu-purge"]
