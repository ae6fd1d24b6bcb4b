# kaderbot: one stateless app replica (DESIGN P8). Runs the TypeScript sources with tsx, a
# production dependency, so there is no build step. Persist /data (PGlite, media) or set DATABASE_URL.
FROM node:22-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source changes reuse the cached layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY locales ./locales
COPY migrations ./migrations

ENV DATA_DIR=/data PORT=3000
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 3000

USER node

# 200 only when the database answers (DESIGN "Contracts": GET /healthz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node directly (not npm start) so SIGTERM from `docker stop` reaches the app, which shuts down cleanly.
CMD ["node", "--import", "tsx", "src/main.ts"]
