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
    assertThat(c.getJsonObject("modules").getJsonObject("backlog").getBoolean("enabled")).isTrue();
  }

  @Test
  void environmentAndSystemPropertiesOverrideWithTheirTypes() {
    Properties sys = new Properties();
    sys.setProperty("platform.http.requestTimeoutMs", "2500");
    JsonObject c = load(null, Map.of("PLATFORM_HTTP_PORT", "9090", "PLATFORM_MODULES_BACKLOG_ENABLED", "false",
      "PLATFORM_DB_EMBEDDED_DIR", "/tmp/x", "PATH", "/usr/bin"), sys);
    assertThat(c.getJsonObject("http").getValue("port")).isEqualTo(9090);
    assertThat(c.getJsonObject("http").getValue("requestTimeoutMs")).isEqualTo(2500);
    assertThat(c.getJsonObject("modules").getJsonObject("backlog").getValue("enabled")).isEqualTo(false);
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
    Files.writeString(f, "http:\n  port: 9999\nmodules:\n  backlog:\n    instances: 3\n");
    JsonObject c = load(f.toString(), Map.of(), new Properties());
    assertThat(c.getJsonObject("http").getInteger("port")).isEqualTo(9999);
    assertThat(c.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
    assertThat(c.getJsonObject("modules").getJsonObject("backlog").getInteger("instances")).isEqualTo(3);
    assertThat(c.getJsonObject("modules").getJsonObject("backlog").getBoolean("enabled")).isTrue();
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
    assertThatThrownBy(() -> load(null, Map.of("PLATFORM_MODULES_BACKLOG_ENABLED", "maybe"), new Properties()))
      .isInstanceOf(ConfigException.class).hasMessageContaining("modules.backlog.enabled");
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
}
