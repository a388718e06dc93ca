# syntax=docker/dockerfile:1
# Build: docker build -t mentorbot .
# Run:   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v mentorbot-data:/data mentorbot
#
# Multi-arch (the builder cross-compiles; nothing runs under emulation):
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=1.2.0 --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg DATE=$(git log -1 --format=%cI) -t REGISTRY/mentorbot:1.2.0 --push .
#
# Base images are pinned by digest (the multi-arch index), so a rebuild gets
# the same bases until someone moves the pin on purpose. These digests are
# the ones public projects pinned for these tags when this file was written:
# check them before a release, and refresh them together with
#   docker buildx imagetools inspect golang:1.26
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
ARG GO_IMAGE=golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab

FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
ARG TARGETOS TARGETARCH
ARG VERSION="" COMMIT="" DATE=""
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# .dockerignore lets in only what the build needs: no env file, no Secret, no database.
COPY . .
# A static binary: no libc in the final image, and the tz database is embedded.
# Without .git in the context, the version comes from the build arguments.
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/mentorbot ./cmd/mentorbot \
 && mkdir -p /out/data

FROM ${RUNTIME_IMAGE}
ARG VERSION="" COMMIT="" DATE=""
LABEL org.opencontainers.image.title="mentorbot" \
      org.opencontainers.image.description="A self-hosted Slack bot for reflection prompts, one static binary and one bbolt file" \
      org.opencontainers.image.source="https://github.com/mentorbot/mentorbot" \
      org.opencontainers.image.url="https://github.com/mentorbot/mentorbot" \
      org.opencontainers.image.documentation="https://github.com/mentorbot/mentorbot/blob/main/docs/operations.md" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}"
COPY --from=build /out/mentorbot /usr/local/bin/mentorbot
COPY LICENSE /usr/share/doc/mentorbot/LICENSE
# The database lives on a volume; nonroot (65532) must own the mount point.
COPY --from=build --chown=65532:65532 /out/data /data
ENV MENTOR_DB_PATH=/data/mentorbot.db
VOLUME ["/data"]
USER nonroot:nonroot
EXPOSE 8080
# No shell or curl in distroless: the binary GETs its own /healthz (port from
# MENTOR_HTTP_ADDR, default 8080) and exits non-zero unless it answers 200 in 2 s.
# Kubernetes ignores this and uses the probes in deploy/kubernetes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/mentorbot", "health"]
ENTRYPOINT ["/usr/local/bin/mentorbot"]
CMD ["serve"]
