package org.communityplatform.core;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded PostgreSQL refuses a data directory of an older major version and says what to do. */
class EmbeddedVersionTest {

  @Test
  void aPostgres14DataDirectoryIsRefusedWithTheWayOut() throws Exception {
    Path data = TestPlatform.tempDir();
    Path pg = data.resolve("postgres");
    Files.createDirectories(pg);
    Files.writeString(pg.resolve("PG_VERSION"), "14\n");
    Files.writeString(pg.resolve("postgresql.conf"), "# written by PostgreSQL 14\n");
    JsonObject cfg = new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", data.toString()))
      .put("db", new JsonObject().put("embedded", new JsonObject().put("dir", pg.toString())));
    assertThatThrownBy(() -> TestPlatform.startWith(cfg, Map.of()))
      .hasMessageContaining("PostgreSQL 14")
      .hasMessageContaining("PostgreSQL 17")
      .hasMessageContaining("pg_dump")
      .hasMessageContaining("pg_upgrade");
    // left as it was: nothing initialised over the old data
    assertThat(Files.readString(pg.resolve("PG_VERSION")).trim()).isEqualTo("14");
    try (var files = Files.list(pg)) {
      assertThat(files.count()).isEqualTo(2);
    }
  }
}
