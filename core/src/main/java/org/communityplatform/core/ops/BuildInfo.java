package org.communityplatform.core.ops;

import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit this build was made from, written at build time into
 * {@code community-platform/build.properties} (Maven resource filtering and the git-commit-id
 * plugin). A build from a tree without {@code .git} says {@code unknown} for the commit.
 */
public final class BuildInfo {

  private static final BuildInfo CURRENT = read();

  private final String version;
  private final String commit;
  private final String buildTime;
  private final String swaggerUi;

  private BuildInfo(String version, String commit, String buildTime, String swaggerUi) {
    this.version = version;
    this.commit = commit;
    this.buildTime = buildTime;
    this.swaggerUi = swaggerUi;
  }

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo read() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream("community-platform/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (Exception e) {
      // no build information: every value says unknown
    }
    return new BuildInfo(value(p, "version"), value(p, "commit"), value(p, "time"), value(p, "swaggerUi"));
  }

  /** A filtered value, or "unknown" when the build could not fill it in (a literal ${...} stays). */
  private static String value(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null || v.isBlank() || v.contains("${") ? "unknown" : v.trim();
  }

  /** The project version, e.g. 0.1.0-SNAPSHOT. */
  public String version() {
    return version;
  }

  /** The abbreviated git commit id, or "unknown". */
  public String commit() {
    return commit;
  }

  public String buildTime() {
    return buildTime;
  }

  /** The version of the Swagger UI webjar served at /docs. */
  public String swaggerUi() {
    return swaggerUi;
  }

  /** "0.1.0 (commit abc1234)". */
  public String describe() {
    return version + " (commit " + commit + ")";
  }

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("commit", commit);
  }
}
