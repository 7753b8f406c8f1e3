# graphd in a container: the playground and dashboard bundles are built from
# npm, the binary from Go, and the server runs with its Badger store on the
# /data volume.
FROM node:20-bookworm-slim AS playground
WORKDIR /src/schema/playground
COPY schema/playground/package.json schema/playground/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/playground/ ./
RUN node build.mjs

FROM node:20-bookworm-slim AS dashboard
WORKDIR /src/schema/dashboard
COPY schema/dashboard/package.json schema/dashboard/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/dashboard/ ./
RUN node build.mjs

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=playground /src/schema/playground/dist/ schema/playground/dist/
COPY --from=dashboard /src/schema/dashboard/dist/ schema/dashboard/dist/
RUN CGO_ENABLED=0 go build -trimpath -o /out/graphd ./cmd/graphd && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/graphd /graphd
# The store directory belongs to the image's nonroot user, so a new volume does too.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
EXPOSE 8080
ENV GRAPHD_DB=/data GRAPHD_ADDR=0.0.0.0:8080
ENTRYPOINT ["/graphd"]
CMD ["serve"]
