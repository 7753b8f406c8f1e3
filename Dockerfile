# graphd in a container: the playground and dashboard bundles are built from
# npm, the binary from Go, and the server runs with its Badger store on the
# /data volume.
#
# The npm stages run on Node 26, the Active LTS line of Node's release
# schedule (LTS since October 2026, supported until April 2029); Node 20
# reached its end of life in April 2026.
#
# The build has no .git (see .dockerignore), so the version and commit are
# stamped from build arguments:
#   docker build --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) .
FROM node:26-bookworm-slim AS playground
WORKDIR /src/schema/playground
COPY schema/playground/package.json schema/playground/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/playground/ ./
RUN node build.mjs

FROM node:26-bookworm-slim AS dashboard
WORKDIR /src/schema/dashboard
COPY schema/dashboard/package.json schema/dashboard/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/dashboard/ ./
RUN node build.mjs

FROM golang:1.26-bookworm AS build
ARG VERSION=devel
ARG COMMIT=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=playground /src/schema/playground/dist/ schema/playground/dist/
COPY --from=dashboard /src/schema/dashboard/dist/ schema/dashboard/dist/
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/graphd ./cmd/graphd \
    && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/graphd /graphd
# The store directory belongs to the image's nonroot user, so a new volume does too.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
EXPOSE 8080
# Listening on every interface of the container, graphd serve needs a write
# token: GRAPHD_TOKEN_FILE (a Docker secret) or GRAPHD_TOKEN; it refuses to
# start without one unless given --insecure.
ENV GRAPHD_DB=/data GRAPHD_ADDR=0.0.0.0:8080
# The image has no shell and no curl: graphd asks itself (GET /readyz on
# GRAPHD_ADDR, reached on loopback).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/graphd", "health"]
ENTRYPOINT ["/graphd"]
CMD ["serve"]
