# One image per service, built from source: nothing but Docker is needed (docker compose up --build does this for
# every service).
#   docker build --build-arg SERVICE=catalog-service -t shop/catalog-service:1.0.0-SNAPSHOT .
# SERVICE: catalog-service, order-service or cache-invalidator.
# BUILD_IMAGE and RUNTIME_IMAGE: a JDK 17 and a JRE 17 image (default Eclipse Temurin's; without a registry, the
# Debian-based ones of deploy/compose/offline/build-images.sh). No syntax line: BuildKit would pull its frontend.
ARG BUILD_IMAGE=eclipse-temurin:17-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
ARG SERVICE
WORKDIR /src
COPY . .
# The Maven repository is a build cache: the second build of any service downloads nothing (locked: the three
# service builds of a compose build run at once and must not write one repository together).
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw -B -ntp -DskipTests -pl "${SERVICE}" -am package

FROM ${RUNTIME_IMAGE}
ARG SERVICE
LABEL org.opencontainers.image.title="${SERVICE}" \
      io.shop.sbom="/deployments/sbom/bom.json (CycloneDX)"
WORKDIR /deployments
COPY --from=build /src/${SERVICE}/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /src/${SERVICE}/target/quarkus-app/*.jar /deployments/
COPY --from=build /src/${SERVICE}/target/quarkus-app/app/ /deployments/app/
COPY --from=build /src/${SERVICE}/target/quarkus-app/quarkus/ /deployments/quarkus/
# The bill of materials of exactly what this image runs (the CycloneDX Maven plugin, at package).
COPY --from=build /src/${SERVICE}/target/bom.json /deployments/sbom/bom.json
# Non-root, as the Kubernetes manifests require (runAsNonRoot, uid 185).
USER 185
# The heap follows the container's memory limit: 60% of it, the rest is metaspace, code cache, threads and Netty's
# buffers (measured: about 150 MB besides the heap). Compose and Kubernetes set the limits (docker-compose.yml,
# deploy/k8s); an OutOfMemoryError ends the process so that it is restarted, not left half-working.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
