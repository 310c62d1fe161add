# syntax=docker/dockerfile:1
# quantrac runs its TypeScript directly on Node 24 (type stripping): no build stage, no dev dependencies.
FROM node:24-slim

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

# The code stays owned by root and read-only to the service user.
COPY . .

# The registry SQLite (and the embedded store, without InfluxDB) lives here; a named volume mounted at this
# path starts with the directory's ownership, so the non-root user can write to it.
RUN mkdir -p /app/data && chown node:node /app/data

ENV QUANTRAC_LISTEN_HOST=0.0.0.0 \
    QUANTRAC_DATA_DIR=/app/data

USER node

EXPOSE 8080 1883

CMD ["node", "bin/quantrac.js", "start"]
