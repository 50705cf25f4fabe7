# syntax=docker/dockerfile:1
#
# emqx-client-monitor container image.
#
#   docker build -t emqx-client-monitor:1.0.0 .
#   docker run --rm -p 9671:9671 --read-only --tmpfs /tmp -v ecm-data:/app/data \
#     -e EMQX_URL=http://emqx:18083/api -e EMQX_API_KEY=... -e EMQX_API_SECRET=... \
#     -e EMQX_CLIENTS=sensor=sensor-01 emqx-client-monitor:1.0.0          # serve /metrics
#   docker run --rm -p 9671:9671 emqx-client-monitor:1.0.0 demo            # against the built-in simulator
#   docker run --rm -e EMQX_URL=... emqx-client-monitor:1.0.0 check        # one-shot table
#
# Build arguments (all optional; docs/deploy.md):
#   BUILD_IMAGE, RUNTIME_IMAGE   the two bases (CI builds both from Debian packages: .ci/image)
#   VERSION, REVISION, CREATED, SOURCE   OCI labels (CI passes the pom's version, the commit, its time and the
#                                        repository's URL)
#
# Layout in the image (the working directory is /app):
#   /app/emqx-client-monitor.jar   the exporter
#   /app/emqx-client-monitor.jsa   its class-data (AppCDS) archive, written at build time by the launcher's train
#   /app/check-emqx-client-monitor.jsa   the same for check (only what one poll loads)
#   /app/bom.json                  CycloneDX SBOM of the jar (its dependencies, from the Maven build)
#   /app/bin/emqx-client-monitor   the launcher (deploy/bin): the entrypoint
#   /app/application.properties    every setting; override with environment variables (EMQX_API_SECRET ->
#                                  emqx.api.secret) or -D options in JAVA_OPTS
#   /app/routes/                   YAML routes, read at start-up (mount a ConfigMap over it to change them)
#   /app/kamelets/                 Kamelets used by the routes
#   /app/data/                     writable: state file (volume)
#   /tmp                           writable: JVM / Vert.x temporary files (volume)
# The root filesystem can be read-only; the process runs as uid/gid 65532 (/app/data is group 0 writable too,
# for platforms that run images as an arbitrary uid in group 0).
# Ports: camel-main ignores environment variables ending in _PORT, so the HTTP port is set with
# -Dcamel.server.port in JAVA_OPTS (default 9671) or --listen [host:]port; --cfg's prometheus.port and --listen
# win over JAVA_OPTS.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# ---- build ------------------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The whole build context (.dockerignore keeps it to pom.xml, src/, application.properties, routes/,
# kamelets/ and the launcher): the build may pack routes/ and kamelets/ into the jar as well.
COPY . ./
# routes/ and kamelets/ are optional in the context: create them empty when missing.
RUN mkdir -p routes kamelets
# Maven's local repository is a BuildKit cache: dependencies are downloaded once per builder.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
 && test -f target/emqx-client-monitor.jar \
 && test -f target/bom.json && test -f deploy/bin/emqx-client-monitor

# ---- runtime ----------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
ARG VERSION=1.0.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
# the training demo's port inside the build (a build with --network=host shares it with the host)
ARG TRAIN_PORT=19671
LABEL org.opencontainers.image.title="emqx-client-monitor" \
      org.opencontainers.image.description="Prometheus exporter for individual MQTT clients of EMQX v5 brokers (Apache Camel)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}"

RUN groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin nonroot \
 && mkdir -p /app/data /app/bin \
 && chown 65532:0 /app/data && chmod 0775 /app/data

WORKDIR /app
COPY --from=build /src/target/emqx-client-monitor.jar /app/emqx-client-monitor.jar
COPY --from=build /src/deploy/bin/emqx-client-monitor /app/bin/emqx-client-monitor
COPY --from=build /src/application.properties /app/application.properties
COPY --from=build /src/target/bom.json /app/bom.json
COPY --from=build /src/routes/ /app/routes/
COPY --from=build /src/kamelets/ /app/kamelets/

ENV JAVA_OPTS="-Dcamel.server.port=9671 -XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    ECM_ARCHIVE=/app/emqx-client-monitor.jsa

# The class-data archives, the server's from a 10 s run of the demo on TRAIN_PORT (nothing else listens in a build
# step), scraped meanwhile so that serving /metrics is in it too, and check's from a check against the demo's
# simulator (a check mapping the server's archive costs ~15 MB more RSS). The launcher scrapes with curl or wget, which a JRE
# base need not have: bash's /dev/tcp does it here. The launcher checks the archive's size file at every start
# and runs without it (one line on stderr) if the jar or the JDK no longer match.
RUN chmod 0755 /app/bin/emqx-client-monitor && mkdir -p /tmp/train; \
    (ECM_TRAIN_PORT=$TRAIN_PORT /app/bin/emqx-client-monitor train > /tmp/train/out 2>&1; echo $? > /tmp/train/rc) & \
    i=0; while [ $i -lt 40 ] && [ ! -f /tmp/train/rc ]; do \
      sleep 0.25; i=$((i + 1)); \
      TRAIN_PORT=$TRAIN_PORT bash -c 'exec 3<>/dev/tcp/127.0.0.1/$TRAIN_PORT && printf "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && cat <&3 >/dev/null' 2>/dev/null || true; \
    done; wait; \
    cat /tmp/train/out; test "$(cat /tmp/train/rc)" = 0 \
 && test -s /app/emqx-client-monitor.jsa && test -s /app/emqx-client-monitor.jsa.size \
 && test -s /app/check-emqx-client-monitor.jsa && test -s /app/check-emqx-client-monitor.jsa.size \
 && chmod 0644 /app/emqx-client-monitor.jsa /app/emqx-client-monitor.jsa.size \
      /app/check-emqx-client-monitor.jsa /app/check-emqx-client-monitor.jsa.size \
 && find /tmp -mindepth 1 -delete

VOLUME ["/app/data", "/tmp"]
EXPOSE 9671
USER 65532:65532

# The launcher is a POSIX sh script, so the image keeps /bin/sh: it splits JAVA_OPTS into options (the chart,
# the manifests and the Camel K integration set the port there), checks the archive against its size file and
# passes TERM/INT/HUP on to the JVM. Arguments (check, demo, --cfg FILE) go to the exporter unchanged.
ENTRYPOINT ["/app/bin/emqx-client-monitor"]
CMD []
