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
# Layout in the image (the working directory is /app):
#   /app/emqx-client-monitor.jar   the exporter
#   /app/application.properties    every setting; override with environment variables (EMQX_API_SECRET ->
#                                  emqx.api.secret) or -D options in JAVA_OPTS
#   /app/routes/                   YAML routes, read at start-up (mount a ConfigMap over it to change them)
#   /app/kamelets/                 Kamelets used by the routes
#   /app/data/                     writable: state file (volume)
#   /tmp                           writable: JVM / Vert.x temporary files (volume)
# The root filesystem can be read-only; the process runs as uid/gid 65532.
# Ports: camel-main ignores environment variables ending in _PORT, so the HTTP port is set with
# -Dcamel.server.port in JAVA_OPTS (default 9671) or --listen [host:]port; --cfg's prometheus.port and --listen
# win over JAVA_OPTS.

# ---- build ------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The whole build context (.dockerignore keeps it to pom.xml, src/, application.properties, routes/,
# kamelets/): the build may pack routes/ and kamelets/ into the jar as well.
COPY . ./
# routes/ and kamelets/ are optional in the context: create them empty when missing.
RUN mkdir -p routes kamelets
# Maven's local repository is a BuildKit cache: dependencies are downloaded once per builder.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package \
 && test -f target/emqx-client-monitor.jar

# ---- runtime ----------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="emqx-client-monitor" \
      org.opencontainers.image.description="Prometheus exporter for individual MQTT clients of EMQX v5 brokers (Apache Camel)"

RUN groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin nonroot \
 && mkdir -p /app/data \
 && chown 65532:65532 /app/data

WORKDIR /app
COPY --from=build /src/target/emqx-client-monitor.jar /app/emqx-client-monitor.jar
COPY --from=build /src/application.properties /app/application.properties
COPY --from=build /src/routes/ /app/routes/
COPY --from=build /src/kamelets/ /app/kamelets/

ENV JAVA_OPTS="-Dcamel.server.port=9671 -XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
VOLUME ["/app/data", "/tmp"]
EXPOSE 9671
USER 65532:65532

# sh -c expands JAVA_OPTS; "$@" passes the arguments (check, demo, --cfg FILE) to the exporter.
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /app/emqx-client-monitor.jar \"$@\"", "emqx-client-monitor"]
CMD []
