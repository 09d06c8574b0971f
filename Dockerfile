# Community platform: build with Maven, run on a JRE 17 as a non-root user.
#   docker build -t community-platform .
#   docker run -p 8080:8080 -e PLATFORM_DB_URL=postgresql://user:pw@db:5432/platform community-platform
# Without PLATFORM_DB_URL it starts an embedded PostgreSQL with its data in /data (mount a volume).
# .git is not sent to the build (.dockerignore): /api/health and --version say "unknown" for the commit.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so that a code change does not download them again
COPY pom.xml ./
COPY core/pom.xml core/
COPY modules/backlog/pom.xml modules/backlog/
COPY modules/pages/pom.xml modules/pages/
COPY modules/profiles/pom.xml modules/profiles/
COPY modules/communities/pom.xml modules/communities/
COPY modules/moderation/pom.xml modules/moderation/
COPY modules/chatsync/pom.xml modules/chatsync/
COPY modules/events/pom.xml modules/events/
COPY app/pom.xml app/
COPY bench/pom.xml bench/
RUN mvn -B -q -pl app -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN mvn -B -q -pl app -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system platform && useradd --system --gid platform --home-dir /data --shell /usr/sbin/nologin platform \
  && mkdir -p /data && chown platform:platform /data \
  && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/app/target/community-platform.jar /opt/community-platform/community-platform.jar
USER platform
WORKDIR /data
ENV PLATFORM_DATA_DIR=/data \
    PLATFORM_DB_EMBEDDED_DIR=/data/postgres \
    PLATFORM_LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
VOLUME ["/data"]
EXPOSE 8080
# ready = database reachable, modules deployed, not stopping
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready > /dev/null || exit 1
# exec form: the JVM is PID 1 and receives SIGTERM itself (graceful drain, shutdown.* keys)
ENTRYPOINT ["java", "-jar", "/opt/community-platform/community-platform.jar"]
