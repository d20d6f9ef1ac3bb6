# syntax=docker/dockerfile:1
# The image of every service, one recipe. Build from the repository root:
#   docker build --build-arg SERVICE=<name> -t <registry>/<name>:<version> .
# SERVICE names a folder of services/ (authorization, call-control, dtmf-vault, notification,
# order-link); each has a stage at the end with what is its own (ports, the vault's differences).
# Base: Node 24 LTS, exact tag, the version of .node-version (CI pins the digest it resolved when it pushes).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
# No default: say which service.
ARG SERVICE

# Build: install everything, generate the gRPC contracts, bundle the service (scripts/build-services.mjs:
# dist/main.js and the telemetry preload dist/telemetry.js).
FROM ${NODE_IMAGE} AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN test -f "services/${SERVICE}/src/main.ts" \
 || { echo "--build-arg SERVICE= must name a folder of services/ (got '${SERVICE}')" >&2; exit 1; }
RUN npm ci --no-audit --no-fund \
 && scripts/proto.sh generate \
 && node scripts/build-services.mjs "${SERVICE}"
# What the image carries, gathered in /out: the bundles, and whichever of migrations/ (SQL applied by
# `main.js migrate`), assets/ (recorded prompts) and console/dist (the operator console) the service has.
RUN mkdir -p /out && cp -r "services/${SERVICE}/dist" /out/ \
 && for d in migrations assets console/dist; do \
      if [ -d "services/${SERVICE}/$d" ]; then mkdir -p "/out/$(dirname "$d")" && cp -r "services/${SERVICE}/$d" "/out/$d"; fi; \
    done
# Production dependencies of this service only: the bundle keeps third-party packages external.
# Only the manifests are needed, so the install runs in a clean folder beside the sources.
RUN mkdir -p /prod && cp package.json package-lock.json .npmrc /prod/ \
 && for d in packages/* services/* tools/*; do mkdir -p "/prod/$d" && cp "$d/package.json" "/prod/$d/"; done
WORKDIR /prod
RUN npm ci --omit=dev --workspace "@ivr/${SERVICE}" --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@ivr

# Run: the bundles, their production node_modules and data files, owned by root and read-only to the app.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Package managers are not needed to run a bundle: less to patch, nothing to fetch code with.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /out/ ./
USER 10001:10001
# The service's own liveness endpoint on its admin port (ADMIN_PORT: set by each service's stage below,
# and by the chart), asked with node itself (no curl in the image).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.ADMIN_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Telemetry starts before the service's code loads (dist/telemetry.js, @ivr/telemetry's preload).
ENTRYPOINT ["node", "--enable-source-maps", "--require", "./dist/telemetry.js", "dist/main.js"]

# Each service: its admin port and the ports it listens on (the chart declares its own Services).
FROM runtime AS authorization
ENV ADMIN_PORT=9104
EXPOSE 50054 9104

FROM runtime AS call-control
ENV ADMIN_PORT=9102
EXPOSE 5070/udp 5070/tcp 9102

FROM runtime AS notification
ENV ADMIN_PORT=9105
EXPOSE 8085 9105

FROM runtime AS order-link
ENV ADMIN_PORT=9101
EXPOSE 8080 50051 9101

# dtmf-vault, the only holder of card data (memory only): no database, so no migrations; its recorded
# prompts; RTP over UDP. The build fails if that is not what it carries.
FROM runtime AS dtmf-vault
ENV ADMIN_PORT=9103
EXPOSE 50053 9103 40000-40999/udp
RUN test ! -e migrations && test -d assets

# The image: the stage of the service named by SERVICE.
FROM ${SERVICE}
