# syntax=docker/dockerfile:1
# Build: docker build -t mentorbot .
# Run:   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v mentorbot-data:/data mentorbot

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary: no libc in the final image, and the tz database is embedded.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mentorbot ./cmd/mentorbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mentorbot /usr/local/bin/mentorbot
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
