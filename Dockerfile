# Berth as a container image: build with Maven on a JDK 21, run berth.jar on a JRE 21 (the last stage, the default).
# The stage `worker` is the builder worker (berth-builder.jar): docker build --target worker -t berth-builder .
#   docker build -t berth .
#   docker run -p 8080:8080 -e BERTH_SERVER_HOSTNAME=127.0.0.1:8080 -v berth-data:/data berth
# Extra arguments are passed to berth.jar, e.g. `--config /config/config.yaml` with a mounted config.yaml.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# poms first, so the dependency download is cached until a pom changes
COPY pom.xml ./
COPY shared-model/pom.xml shared-model/
COPY registry-verticles/pom.xml registry-verticles/
COPY builder-worker/pom.xml builder-worker/
COPY shared-model/src shared-model/src
COPY registry-verticles/src registry-verticles/src
COPY builder-worker/src builder-worker/src
RUN mvn -B -q -DskipTests -pl registry-verticles -am package

# A builder worker drives the Docker engine whose socket is mounted at /var/run/docker.sock; it runs as root because
# that socket belongs to root (and the docker group) on the host. Configure it with BERTH_<KEY> variables.
FROM eclipse-temurin:21-jre AS worker
COPY --from=build /src/builder-worker/target/berth-builder.jar /opt/berth/berth-builder.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75" BERTH_WORK_DIR=/tmp/berth-builder
ENTRYPOINT ["java", "-jar", "/opt/berth/berth-builder.jar"]

FROM eclipse-temurin:21-jre
# an unprivileged user owns /data (blobs, secrets and, without DB_URI, the embedded PostgreSQL)
RUN groupadd --system --gid 10001 berth \
 && useradd --system --uid 10001 --gid berth --home-dir /data --no-create-home berth \
 && mkdir -p /data /opt/berth && chown berth:berth /data
COPY --from=build /src/registry-verticles/target/berth.jar /opt/berth/berth.jar
USER berth
VOLUME /data
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/opt/berth/berth.jar", "--data-dir", "/data", "--port", "8080"]
