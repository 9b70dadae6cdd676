# syntax=docker/dockerfile:1
# hcc-cds: multi-stage build. A knowledge base, mapping or service definition that does not validate fails the
# build, so a bad knowledge base never becomes an image. See README § Docker.

# 1. build: install everything, compile, validate the knowledge base + mappings and the service definitions.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scripts ./scripts
COPY cds-services ./cds-services
COPY fhir-mappings ./fhir-mappings
COPY examples/patients ./examples/patients
# `npm ci` runs the prepare script, which compiles to dist/.
RUN npm ci --no-audit --no-fund
RUN node bin/hcc-cds.js kb --check && node dist/src/server.js --check

# 2. production dependencies only; better-sqlite3 is a native addon, rebuilt here where build tools exist.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3

# 3. runtime: slim, non-root, no compiler, no dev dependencies, no keys or config baked in.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root cds-services ./cds-services
COPY --chown=root:root fhir-mappings ./fhir-mappings
# The playground page is served from the source tree; its demo patients are examples/patients (no test files).
COPY --chown=root:root src/playground/assets ./src/playground/assets
COPY --chown=root:root examples/patients ./examples/patients
# The runtime image itself must hold everything the server loads (services, knowledge base, mappings, playground).
RUN node dist/src/server.js --check
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
