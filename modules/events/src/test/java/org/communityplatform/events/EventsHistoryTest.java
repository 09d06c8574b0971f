package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractFuzzer;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/events: log order, filters, the cursor, the organisation boundary, bad input. */
class EventsHistoryTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(Cfg.events());

  private static String create(String org, String title) {
    return p.get().post("/api/backlog").org(org).json(Cfg.item(title)).send().json().getString("id");
  }

  private static JsonObject history(String org, String query) {
    TestPlatform.Res r = p.get().get("/api/events" + query).org(org).bearer(p.get().token("reader", Cfg.in(org))).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void eventsComeOldestFirstWithTheirSubjectAndData() {
    String a = create("hist", "first");
    String b = create("hist", "second");
    p.get().delete("/api/backlog/" + a).org("hist").send();
    JsonArray data = history("hist", "").getJsonArray("data");
    assertThat(data).hasSize(3);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getLong("id"));
    }
    assertThat(ids).isSorted();
    JsonObject first = data.getJsonObject(0);
    assertThat(first.getString("type")).isEqualTo("backlog.item.created");
    assertThat(first.getString("org")).isEqualTo("hist");
    assertThat(first.getJsonObject("subject").getString("itemId")).isEqualTo(a);
    assertThat(first.getJsonObject("data").getString("title")).isEqualTo("first");
    assertThat(first.getString("occurredAt")).endsWith("Z");
    assertThat(data.getJsonObject(1).getJsonObject("subject").getString("itemId")).isEqualTo(b);
    assertThat(data.getJsonObject(2).getString("type")).isEqualTo("backlog.item.deleted");
  }

  @Test
  void theCursorWalksPageByPageWithoutGapsOrRepeats() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(create("pages", "item " + i));
    }
    List<String> seen = new ArrayList<>();
    String after = "";
    for (int guard = 0; guard < 10; guard++) {
      JsonObject page = history("pages", "?limit=2" + after);
      page.getJsonArray("data").forEach(e -> seen.add(((JsonObject) e).getJsonObject("subject").getString("itemId")));
      if (page.getString("nextCursor") == null) {
        break;
      }
      after = "&after=" + page.getString("nextCursor");
    }
    assertThat(seen).containsExactlyElementsOf(made);
  }

  @Test
  void typesFilterByNameAndFamily() {
    String id = create("types", "x");
    p.get().patch("/api/backlog/" + id).org("types").json(new JsonObject().put("status", "done")).send();
    assertThat(history("types", "?types=backlog.item.updated").getJsonArray("data")).hasSize(1);
    assertThat(history("types", "?types=backlog.*").getJsonArray("data")).hasSize(2);
    assertThat(history("types", "?types=community.*,backlog.item.created").getJsonArray("data")).hasSize(1);
    assertThat(history("types", "?types=community.*").getJsonArray("data")).isEmpty();
  }

  @Test
  void aCallerSeesOnlyTheirOrganisation() {
    create("org-a", "mine");
    create("org-b", "theirs");
    JsonArray a = history("org-a", "").getJsonArray("data");
    assertThat(a).hasSize(1);
    assertThat(a.getJsonObject(0).getString("org")).isEqualTo("org-a");
    // an API token reads its own organisation, and cannot name another
    create(Cfg.TOKEN_ORG, "token org");
    assertThat(p.get().get("/api/events").org("org-b").header("x-api-token", Cfg.API_TOKEN).send().status()).isEqualTo(403);
    TestPlatform.Res r = p.get().get("/api/events").header("x-api-token", Cfg.API_TOKEN).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonArray("data")).isNotEmpty();
    assertThat(r.json().getJsonArray("data")).allSatisfy(e -> assertThat(((JsonObject) e).getString("org")).isEqualTo(Cfg.TOKEN_ORG));
    // an id of another organisation's log is not a cursor here
    long foreign = history("org-b", "").getJsonArray("data").getJsonObject(0).getLong("id");
    TestPlatform.Res bad = p.get().get("/api/events?after=" + foreign).org("org-a").bearer(p.get().token("reader", Cfg.in("org-a"))).send();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorCode()).isEqualTo("invalid_cursor");
  }

  @Test
  void anonymousCallersAndBadInputAreRefused() {
    assertThat(p.get().get("/api/events").send().status()).isEqualTo(401);
    String token = p.get().token("reader");
    for (String q : List.of("?after=abc", "?after=-1", "?limit=0", "?limit=501", "?types=Bad%20Type", "?communityId=nope")) {
      TestPlatform.Res r = p.get().get("/api/events" + q).bearer(token).send();
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("code")).isNotBlank();
    }
  }

  @Test
  void noOperationAnswersBadInputWithA5xx() {
    String admin = p.get().token("admin-1", Cfg.admin());
    var result = new ContractFuzzer(p.get()).bearer(admin)
      .paths(t -> (t.startsWith("/api/events") && !t.startsWith("/api/events/")) || t.startsWith("/api/webhooks")).run();
    assertThat(result.failures()).isEmpty();
  }
}
