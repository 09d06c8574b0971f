package org.communityplatform.backlog;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Backlog writes append their events (backlog.item.*) in the write's transaction, and only when it commits. */
class BacklogEventsTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  private static JsonObject item(String title) {
    return new JsonObject().put("title", title).put("type", "bug").put("priority", "high").put("session", "web");
  }

  private static List<Row> events(String org) {
    return p.get().sql("SELECT type, actor, subject->>'itemId' AS item, data FROM platform.events WHERE org = $1 ORDER BY id", org);
  }

  @Test
  void createUpdateDeleteEachAppendOneEventAboutTheItem() {
    var t = p.get();
    String token = t.token("user-7", new JsonObject().put("org", "ev"));
    String id = t.post("/api/backlog").org("ev").bearer(token).json(item("Slow login")).send().json().getString("id");
    assertThat(t.patch("/api/backlog/" + id).org("ev").bearer(token).json(new JsonObject().put("status", "done")).send().status())
      .isEqualTo(200);
    assertThat(t.delete("/api/backlog/" + id).org("ev").bearer(token).send().status()).isEqualTo(200);

    List<Row> rows = events("ev");
    assertThat(rows).extracting(r -> r.getString("type"))
      .containsExactly("backlog.item.created", "backlog.item.updated", "backlog.item.deleted");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.getString("item")).isEqualTo(id);
      assertThat(r.getString("actor")).isEqualTo("user-7");
    });
    assertThat(rows.get(0).getJsonObject("data").getString("title")).isEqualTo("Slow login");
    assertThat(rows.get(1).getJsonObject("data").getString("status")).isEqualTo("done");
  }

  @Test
  void aMissingItemAppendsNothing() {
    var t = p.get();
    String missing = "00000000-0000-4000-8000-000000000001";
    assertThat(t.patch("/api/backlog/" + missing).org("none").json(new JsonObject().put("status", "done")).send().status())
      .isEqualTo(404);
    assertThat(t.delete("/api/backlog/" + missing).org("none").send().status()).isEqualTo(404);
    assertThat(events("none")).isEmpty();
  }

  @Test
  void aWriteRolledBackAtCommitLeavesNoEvent() {
    var t = p.get();
    // a deferred check that fails at commit: the insert and the event append both ran, then all rolls back
    t.sql("CREATE OR REPLACE FUNCTION backlog.refuse_explode() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      + "IF NEW.title = 'explode' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NEW; END $$");
    t.sql("CREATE CONSTRAINT TRIGGER refuse_explode AFTER INSERT ON backlog.items DEFERRABLE INITIALLY DEFERRED "
      + "FOR EACH ROW EXECUTE FUNCTION backlog.refuse_explode()");
    try {
      assertThat(t.post("/api/backlog").org("rb").json(item("explode")).send().status()).isGreaterThanOrEqualTo(400);
      assertThat(t.sql("SELECT count(*) FROM backlog.items WHERE org = 'rb'").get(0).getLong(0)).isZero();
      assertThat(events("rb")).isEmpty();
      // the same write that commits does leave its event
      assertThat(t.post("/api/backlog").org("rb").json(item("fine")).send().status()).isEqualTo(201);
      assertThat(events("rb")).extracting(r -> r.getString("type")).containsExactly("backlog.item.created");
    } finally {
      t.sql("DROP TRIGGER refuse_explode ON backlog.items");
    }
  }
}
