# tracegraph: one image for the API (`serve`) and the ingest workers (`ingest`).

# Build stage: all dependencies, then the compiled CLI in dist/ (`npm run build`), then the dev
# tools (tsc, vitest, eslint, the Neo4j Cypher linter) pruned away. Scripts are skipped at install:
# `prepare` would build before the sources are copied in.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# The web app is built here too: at run time the image's files belong to root and `serve` runs as node.
RUN npm run build && node --import tsx scripts/build-web.ts && npm prune --omit=dev --ignore-scripts && npm cache clean --force

# Runtime: the built tree as it is, so that dist/ and the sources it was built from keep the times
# that make bin/tracegraph.js run dist/ (tsx remains a runtime dependency, the fallback).
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app ./

# The embedded store and the event log live here (a volume in docker-compose.yml).
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production \
    TRACEGRAPH_DATA=/data
USER node

# 4000: the API (serve); 9464: Prometheus metrics of `ingest --metrics-port 9464`. Health checks are
# in docker-compose.yml, per service.
EXPOSE 4000 9464
ENTRYPOINT ["node", "bin/tracegraph.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "4000"]
