package org.communityplatform.core;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The platform on its own embedded PostgreSQL keeps its data across a restart. */
class RestartTest {

  @Test
  void dataWrittenBeforeARestartIsThereAfterIt() {
    Path dir = TestPlatform.tempDir();
    JsonObject cfg = new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", dir.toString()))
      .put("db", new JsonObject().put("url", "").put("embedded", new JsonObject().put("dir", dir.resolve("pg").toString())));
    try (TestPlatform first = TestPlatform.startWith(cfg, Map.of())) {
      assertThat(first.post("/probe/notes").json(new JsonObject().put("text", "survives")).send().status()).isEqualTo(201);
    }
    assertThat(Files.isDirectory(dir.resolve("pg"))).isTrue();
    // the generated development signing key is kept too, so tokens survive the restart
    assertThat(Files.isRegularFile(dir.resolve("jwt-secret"))).isTrue();
    try (TestPlatform second = TestPlatform.startWith(cfg, Map.of())) {
      JsonObject notes = second.get("/probe/notes").send().json();
      assertThat(notes.getJsonArray("data")).containsExactly("survives");
    }
  }
}
