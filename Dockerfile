# syntax=docker/dockerfile:1
# One image per service, built from source: nothing but Docker is needed (docker compose up --build does this for
# every service).
#   docker build --build-arg SERVICE=catalog-service -t shop/catalog-service:1.0.0-SNAPSHOT .
# SERVICE: catalog-service, order-service or cache-invalidator.

FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
WORKDIR /src
COPY . .
# The Maven repository is a build cache: the second build of any service downloads nothing.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests -pl "${SERVICE}" -am package

FROM eclipse-temurin:17-jre
ARG SERVICE
WORKDIR /deployments
COPY --from=build /src/${SERVICE}/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /src/${SERVICE}/target/quarkus-app/*.jar /deployments/
COPY --from=build /src/${SERVICE}/target/quarkus-app/app/ /deployments/app/
COPY --from=build /src/${SERVICE}/target/quarkus-app/quarkus/ /deployments/quarkus/
# Non-root, as the Kubernetes manifests require (runAsNonRoot, uid 185).
USER 185
# The heap follows the container's memory limit: 60% of it, the rest is metaspace, code cache, threads and Netty's
# buffers (measured: about 150 MB besides the heap). Compose and Kubernetes set the limits (docker-compose.yml,
# deploy/k8s); an OutOfMemoryError ends the process so that it is restarted, not left half-working.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
