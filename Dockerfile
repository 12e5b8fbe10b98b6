# StreamGate gateway image: `docker build -t streamgate .`, then `docker run -p 8000:8000 streamgate`.
# See docs/deploy-container.md. packages/gateway/src/deploy/container-image.test.ts checks this file and
# starts the gateway from the same runtime layout, built by the same script, as the image holds.

# One Node version for both stages: the runtime stage runs the native SQLite addon the build stage
# installed, so Node's ABI and Debian's glibc (bookworm in both) must match.
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /src
# The full image has python3, make and g++ for native addons that must be compiled.
COPY . .
# `npm ci` runs the root `prepare` script, which builds every package (dev dependencies needed).
# Only the workspaces the image is built from: the CDK app's dependencies are not needed here.
# node-gyp compiles against the headers in the image (/usr/local/include/node) instead of downloading them.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm_config_nodedir=/usr/local npm ci --no-audit --no-fund --include-workspace-root \
      --workspace @streamgate/protocol --workspace @streamgate/gateway \
      --workspace @streamgate/client --workspace @streamgate/web
# The built gateway, protocol and web app with the gateway's production dependencies only.
RUN node scripts/runtime-layout.mjs /runtime

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
# Dependencies first: their layer stays cached while only the code changes. Owned by root, so the
# gateway's user cannot modify the code it runs.
COPY --from=build /runtime/node_modules ./node_modules
COPY --from=build /runtime/packages ./packages
# The only writable place (SQLite files, the usage spool). A named volume mounted here starts as a
# copy of this directory, ownership included, so the non-root user can write to it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8000
STOPSIGNAL SIGTERM
# Slim images have no curl. Loopback reaches the gateway whenever HOST is 0.0.0.0 (the default here).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health', { signal: AbortSignal.timeout(4000) }).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 (no shell, no npm, no docker-entrypoint.sh) so that SIGTERM reaches the
# gateway, which drains its streams (DRAIN_TIMEOUT_MS) and exits 0.
ENTRYPOINT []
CMD ["node", "packages/gateway/dist/main.js"]
