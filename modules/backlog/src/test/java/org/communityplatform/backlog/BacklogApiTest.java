package org.communityplatform.backlog;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogApiTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  private static JsonObject item(String title) {
    return new JsonObject().put("title", title).put("type", "bug").put("priority", "high").put("session", "web");
  }

  private static long stored(String org) {
    return p.sql("SELECT count(*) FROM backlog.items WHERE org = $1", org).get(0).getLong(0);
  }

  @Test
  void createStoresTheItemWithDefaultStatus() {
    Res r = p.post("/api/backlog").org("create").json(item("Login is slow")
      .put("description", "Takes 5 s").put("apiEndpoint", "POST /api/login")).send();
    assertThat(r.status()).isEqualTo(201);
    JsonObject body = r.json();
    assertThat(body.getString("status")).isEqualTo("open");
    assertThat(body.getString("apiEndpoint")).isEqualTo("POST /api/login");
    var rows = p.sql("SELECT title, type, priority, session, description, api_endpoint, status FROM backlog.items WHERE id = $1::uuid",
      body.getString("id"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("title")).isEqualTo("Login is slow");
    assertThat(rows.get(0).getString("session")).isEqualTo("web");
    assertThat(rows.get(0).getString("api_endpoint")).isEqualTo("POST /api/login");
    assertThat(rows.get(0).getString("status")).isEqualTo("open");
    assertThat(r.header("x-request-id")).isNotBlank();
  }

  @Test
  void listIsNewestFirstAndFilters() {
    p.post("/api/backlog").org("list").json(item("first")).send();
    p.post("/api/backlog").org("list").json(item("second").put("type", "feature").put("priority", "low")).send();
    p.post("/api/backlog").org("list").json(item("third").put("status", "done").put("session", "mobile")).send();

    JsonObject all = p.get("/api/backlog").org("list").send().json();
    assertThat(all.getLong("total")).isEqualTo(3);
    assertThat(titles(all.getJsonArray("data"))).containsExactly("third", "second", "first");

    assertThat(titles(p.get("/api/backlog?type=feature").org("list").send().json().getJsonArray("data")))
      .containsExactly("second");
    assertThat(titles(p.get("/api/backlog?status=done&session=mobile").org("list").send().json().getJsonArray("data")))
      .containsExactly("third");
    assertThat(titles(p.get("/api/backlog?priority=high&status=open").org("list").send().json().getJsonArray("data")))
      .containsExactly("first");
    JsonObject paged = p.get("/api/backlog?limit=2&page=2").org("list").send().json();
    assertThat(titles(paged.getJsonArray("data"))).containsExactly("first");
    assertThat(paged.getLong("total")).isEqualTo(3);
    // another organisation sees none of them
    assertThat(p.get("/api/backlog").org("other").send().json().getLong("total")).isZero();
  }

  @Test
  void patchChangesOnlyTheFieldsSent() {
    String id = p.post("/api/backlog").org("patch").json(item("keep me").put("description", "d")).send().json().getString("id");
    Res r = p.patch("/api/backlog/" + id).org("patch").json(new JsonObject().put("status", "in-progress")).send();
    assertThat(r.status()).isEqualTo(200);
    var row = p.sql("SELECT title, priority, description, status FROM backlog.items WHERE id = $1::uuid", id).get(0);
    assertThat(row.getString("status")).isEqualTo("in-progress");
    assertThat(row.getString("title")).isEqualTo("keep me");
    assertThat(row.getString("priority")).isEqualTo("high");
    assertThat(row.getString("description")).isEqualTo("d");

    assertThat(p.patch("/api/backlog/" + java.util.UUID.randomUUID()).org("patch")
      .json(new JsonObject().put("status", "done")).send().status()).isEqualTo(404);
    // an item of another organisation is not found either
    assertThat(p.patch("/api/backlog/" + id).org("elsewhere").json(new JsonObject().put("status", "done")).send().status())
      .isEqualTo(404);
  }

  @Test
  void deleteRemovesTheItem() {
    String id = p.post("/api/backlog").org("del").json(item("gone")).send().json().getString("id");
    Res r = p.delete("/api/backlog/" + id).org("del").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getBoolean("deleted")).isTrue();
    assertThat(stored("del")).isZero();
    assertThat(p.delete("/api/backlog/" + id).org("del").send().status()).isEqualTo(404);
  }

  @Test
  void badInputIsRefusedInTheErrorShapeAndNothingIsStored() {
    String org = "bad";
    assertBad(p.post("/api/backlog").org(org).json(new JsonObject().put("type", "bug").put("priority", "high")
      .put("session", "web")).send(), 400);
    assertBad(p.post("/api/backlog").org(org).json(item("x").put("type", "chore")).send(), 400);
    assertBad(p.post("/api/backlog").org(org).json(item("x").put("title", 42)).send(), 400);
    assertBad(p.post("/api/backlog").org(org).body("application/json", Buffer.buffer("{\"title\": ")).send(), 400);
    assertBad(p.post("/api/backlog").org(org).json(item("x".repeat(2 * 1024 * 1024))).send(), 413);
    assertBad(p.patch("/api/backlog/not-a-uuid").org(org).json(new JsonObject().put("status", "done")).send(), 400);
    assertBad(p.delete("/api/backlog/123").org(org).send(), 400);
    assertBad(p.get("/api/backlog?limit=0").org(org).send(), 400);
    assertBad(p.get("/api/backlog?status=closed").org(org).send(), 400);
    assertBad(p.post("/api/backlog").org(org).body("text/plain", Buffer.buffer("hello")).send(), 415);
    assertBad(p.post("/api/backlog").org(org).json(item("nul \u0000 byte")).send(), 400);
    assertThat(stored(org)).isZero();
  }

  private static void assertBad(Res r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    JsonObject body = r.json();
    assertThat(body.getJsonObject("error").getString("code")).isNotBlank();
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(body.getString("reqId")).isEqualTo(r.header("x-request-id"));
  }

  private static java.util.List<String> titles(JsonArray data) {
    java.util.List<String> list = new java.util.ArrayList<>();
    data.forEach(o -> list.add(((JsonObject) o).getString("title")));
    return list;
  }
}
