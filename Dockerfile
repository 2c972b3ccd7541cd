# tracegraph: one image for the API (`serve`) and the ingest workers (`ingest`).
# TypeScript runs through tsx, which is a runtime dependency, so production installs omit only the
# dev tools (vitest, eslint, the Neo4j Cypher linter).
FROM node:20-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# The web app is built here: at run time the image's files belong to root and `serve` runs as node.
RUN node --import tsx scripts/build-web.ts

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
