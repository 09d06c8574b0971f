package org.communityplatform.core;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.config.ConfigException;
import org.communityplatform.core.config.ConfigLoader;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
  }

  private static JsonObject load(String file, Map<String, String> env, Properties sys) {
    return TestPlatform.await(ConfigLoader.load(vertx, file, env, sys, null));
  }

  @Test
  void defaultsComeFromTheBundledFile() {
    JsonObject c = load(null, Map.of(), new Properties());
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(8080);
    assertThat(c.getJsonObject("http").getLong("bodyLimit")).isEqualTo(1048576L);
    assertThat(c.getJsonObject("db").getString("url")).isEmpty();
    assertThat(c.getJsonObject("modules").getJsonObject("probe").getBoolean("enabled")).isTrue();
  }

  @Test
  void environmentAndSystemPropertiesOverrideWithTheirTypes() {
    Properties sys = new Properties();
    sys.setProperty("platform.http.requestTimeoutMs", "2500");
    JsonObject c = load(null, Map.of("PLATFORM_HTTP_PORT", "9090", "PLATFORM_MODULES_PROBE_ENABLED", "false",
      "PLATFORM_DB_EMBEDDED_DIR", "/tmp/x", "PATH", "/usr/bin"), sys);
    assertThat(c.getJsonObject("http").getValue("port")).isEqualTo(9090);
    assertThat(c.getJsonObject("http").getValue("requestTimeoutMs")).isEqualTo(2500);
    assertThat(c.getJsonObject("modules").getJsonObject("probe").getValue("enabled")).isEqualTo(false);
    assertThat(c.getJsonObject("db").getJsonObject("embedded").getString("dir")).isEqualTo("/tmp/x");
  }

  @Test
  void systemPropertiesWinOverEnvironment() {
    Properties sys = new Properties();
    sys.setProperty("platform.http.port", "7070");
    JsonObject c = load(null, Map.of("PLATFORM_HTTP_PORT", "9090"), sys);
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(7070);
  }

  @Test
  void anOverlayFileChangesOnlyItsKeys() throws Exception {
    Path f = Files.createTempFile("platform", ".yaml");
    Files.writeString(f, "http:\n  port: 9999\nmodules:\n  probe:\n    instances: 3\n");
    JsonObject c = load(f.toString(), Map.of(), new Properties());
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(9999);
    assertThat(c.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
    assertThat(c.getJsonObject("modules").getJsonObject("probe").getInteger("instances")).isEqualTo(3);
    assertThat(c.getJsonObject("modules").getJsonObject("probe").getBoolean("enabled")).isTrue();
  }

  @Test
  void unknownKeysAreRefusedByName() throws Exception {
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_HTTP_PROT", "1"), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("PLATFORM_HTTP_PROT");
    Path f = Files.createTempFile("platform", ".yaml");
    Files.writeString(f, "http:\n  portt: 1\n");
    assertThatThrownBy(() -> load(f.toString(), Map.of(), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("http.portt");
    Properties sys = new Properties();
    sys.setProperty("platform.nothing.here", "1");
    assertThatThrownBy(() -> load(null, Map.of(), sys))
      .isInstanceOf(ConfigException.class).hasMessageContaining("platform.nothing.here");
  }

  @Test
  void illTypedValuesAreRefusedByName() throws Exception {
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_HTTP_PORT", "eighty"), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("http.port").hasMessageContaining("eighty");
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_MODULES_PROBE_ENABLED", "maybe"), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("modules.probe.enabled");
    Path f = Files.createTempFile("platform", ".yaml");
    Files.writeString(f, "http:\n  port: [1, 2]\n");
    assertThatThrownBy(() -> load(f.toString(), Map.of(), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThatThrownBy(() -> load("/nonexistent/platform.yaml", Map.of(), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/platform.yaml");
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_CONFIG", "/nope.yaml"), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("/nope.yaml");
  }

  @Test
  void aModuleBringsItsOwnKeysDefaultsAndRules() {
    // probe/config.yaml in the probe module's jar: merged under modules.probe without any core file naming it
    JsonObject c = load(null, Map.of(), new Properties());
    JsonObject probe = c.getJsonObject("modules").getJsonObject("probe");
    assertThat(probe.getInteger("holdMaxMs")).isEqualTo(30000);
    assertThat(probe.getBoolean("enabled")).isTrue();
    JsonObject switched = load(null, Map.of("PLATFORM_MODULES_PROBE_COLOUR", "GREEN"), new Properties());
    assertThat(switched.getJsonObject("modules").getJsonObject("probe").getString("colour")).isEqualTo("green");
  }

  @Test
  void rangesAndAllowedValuesAreAllReportedTogether() {
    Properties sys = new Properties();
    sys.setProperty("platform.log.format", "xml");
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_HTTP_PORT", "70000", "PLATFORM_MODULES_PROBE_COLOUR", "blue",
        "PLATFORM_MODULES_PROBE_INSTANCES", "0", "PLATFORM_SHUTDOWN_DRAINSECONDS", "-1"), sys))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("5 problems")
      .hasMessageContaining("'http.port' must be between 0 and 65535 but was 70000")
      .hasMessageContaining("'modules.probe.colour' must be one of [red, green] but was 'blue'")
      .hasMessageContaining("'modules.probe.instances' must be between 1 and 256")
      .hasMessageContaining("'shutdown.drainSeconds'")
      .hasMessageContaining("'log.format' must be one of [text, json]");
  }

  @Test
  void loggerLevelsAreAFreeMap() throws Exception {
    Properties sys = new Properties();
    sys.setProperty("platform.log.levels.org.communityplatform.gateway", "debug");
    JsonObject c = load(null, Map.of("PLATFORM_LOG_LEVELS", "{\"io.vertx\": \"warn\"}"), sys);
    JsonObject levels = c.getJsonObject("log").getJsonObject("levels");
    assertThat(levels.getString("org.communityplatform.gateway")).isEqualTo("debug");
    assertThat(levels.getString("io.vertx")).isEqualTo("warn");
    Path f = Files.createTempFile("platform", ".yaml");
    Files.writeString(f, "log:\n  levels:\n    com.example.Thing: error\n");
    assertThat(load(f.toString(), Map.of(), new Properties()).getJsonObject("log").getJsonObject("levels")
      .getString("com.example.Thing")).isEqualTo("error");
  }

  @Test
  void aBadValueStopsStartUpBeforeTheDatabaseStarts() {
    // an embedded database would be created in data/postgres: nothing may appear there
    Path dir = TestPlatform.tempDir();
    JsonObject cfg = new JsonObject()
      .put("data", new JsonObject().put("dir", dir.toString()))
      .put("db", new JsonObject().put("embedded", new JsonObject().put("dir", dir.resolve("pg").toString())))
      .put("http", new JsonObject().put("port", 0).put("requestTimeoutMs", 5))
      .put("modules", new JsonObject().put("probe", new JsonObject().put("colour", "blue")));
    assertThatThrownBy(() -> TestPlatform.startWith(cfg, Map.of()))
      .hasMessageContaining("http.requestTimeoutMs").hasMessageContaining("modules.probe.colour");
    assertThat(dir.resolve("pg")).doesNotExist();
  }
}
