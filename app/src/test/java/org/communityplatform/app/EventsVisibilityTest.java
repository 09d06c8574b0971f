package org.communityplatform.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.SseClient;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events of private communities and private pages reach only their members (history and live
 * stream), and never another organisation (webhooks included). Needs the communities and pages
 * modules' event appends and pages.membership (all on the classpath of the app module).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventsVisibilityTest {

  static final String ORG = "vis";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject()
    .put("modules", new JsonObject().put("events", new JsonObject()
      .put("stream", new JsonObject().put("pollMs", 200))
      .put("webhooks", new JsonObject().put("allowPrivateTargets", true).put("pollMs", 100)))
      .put("communities", new JsonObject().put("passwordHashIterations", 1000))));

  private static String token(String user) {
    return p.get().token(user, new JsonObject().put("email", user + "@example.test").put("name", "User " + user).put("org", ORG));
  }

  private static TestPlatform.Req as(TestPlatform.Req r, String user) {
    return r.org(ORG).bearer(token(user));
  }

  private static String community(String owner, String name, boolean isPrivate) {
    TestPlatform.Res r = as(p.get().post("/api/communities"), owner).json(new JsonObject().put("name", name).put("isPrivate", isPrivate)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static List<JsonObject> history(String user, String query) {
    TestPlatform.Res r = as(p.get().get("/api/events" + query), user).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonObject> out = new ArrayList<>();
    r.json().getJsonArray("data").forEach(e -> out.add((JsonObject) e));
    return out;
  }

  private static List<String> communityIds(List<JsonObject> events) {
    return events.stream().map(e -> e.getJsonObject("subject").getString("communityId")).filter(java.util.Objects::nonNull).toList();
  }

  private static void requireCommunityEvents(String communityId) {
    long n = p.get().sql("SELECT count(*) FROM platform.events WHERE org = $1 AND community_id = $2", ORG, communityId).get(0).getLong(0);
    assertThat(n).as("events the communities module appended for " + communityId).isPositive();
  }

  private static String admin(String org) {
    return p.get().token("admin-" + org, new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org));
  }

  /** A webhook of {@code org} sending every event to {@code port} on this machine; returns its id. */
  private static String hook(String org, int port) {
    TestPlatform.Res r = p.get().post("/api/webhooks").org(org).bearer(admin(org))
      .json(new JsonObject().put("url", "http://127.0.0.1:" + port + "/hook").put("events", new JsonArray().add("community.*"))).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void aPrivateCommunitysEventsReachOnlyItsMembersInHistoryAndStream() {
    String hidden = community("owner-1", "Hidden circle", true);
    String open = community("owner-1", "Open square", false);
    requireCommunityEvents(hidden);

    assertThat(communityIds(history("outsider", ""))).contains(open).doesNotContain(hidden);
    assertThat(history("outsider", "?communityId=" + hidden)).isEmpty();
    assertThat(communityIds(history("owner-1", ""))).contains(open, hidden);

    Map<String, String> outsider = Map.of("Authorization", "Bearer " + token("outsider"), "orgid", ORG);
    Map<String, String> owner = Map.of("Authorization", "Bearer " + token("owner-1"), "orgid", ORG);
    try (SseClient out = SseClient.open(p.get().port(), "/api/events/stream?types=community.*", outsider);
         SseClient in = SseClient.open(p.get().port(), "/api/events/stream?types=community.*", owner)) {
      assertThat(as(p.get().patch("/api/communities/" + hidden), "owner-1").json(new JsonObject().put("description", "secret plans"))
        .send().status()).isEqualTo(200);
      assertThat(as(p.get().patch("/api/communities/" + open), "owner-1").json(new JsonObject().put("description", "all welcome"))
        .send().status()).isEqualTo(200);
      List<SseClient.Record> ownerSaw = in.take(2, 10);
      assertThat(ownerSaw).extracting(r -> r.data().getJsonObject("subject").getString("communityId")).containsExactly(hidden, open);
      List<SseClient.Record> outsiderSaw = out.take(1, 10);
      assertThat(outsiderSaw.get(0).data().getJsonObject("subject").getString("communityId")).isEqualTo(open);
      assertThat(out.next(1)).isNull();
    }
  }

  private static String group(String communityId, String name, boolean isPrivate) {
    TestPlatform.Res r = as(p.get().post("/api/groups"), "g-owner")
      .json(new JsonObject().put("communityId", communityId).put("name", name).put("isPrivate", isPrivate)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static void post(String communityId, String groupId, String content) {
    TestPlatform.Res r = as(p.get().post("/api/posts"), "g-owner")
      .json(new JsonObject().put("communityId", communityId).put("groupId", groupId).put("content", content)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private static List<String> groupIds(List<JsonObject> events) {
    return events.stream().map(e -> e.getJsonObject("subject").getString("groupId")).filter(java.util.Objects::nonNull).toList();
  }

  /** GET /api/groups hides a private group from community members outside it; its events are hidden the same way. */
  @Test
  void aPrivateGroupsEventsReachOnlyThoseWhoMaySeeTheGroupInHistoryAndStream() {
    String c = community("g-owner", "Public with a back room", false);
    for (String u : List.of("g-member", "g-outsider")) {
      TestPlatform.Res j = as(p.get().post("/api/v4/communities/" + c + "/join"), u).send();
      assertThat(j.status()).as(j.toString()).isIn(200, 201);
    }
    String back = group(c, "Back room", true);
    String front = group(c, "Front room", false);
    TestPlatform.Res add = as(p.get().post("/api/groups/" + back), "g-owner").json(new JsonObject().put("targetUserId", "g-member")).send();
    assertThat(add.status()).as(add.toString()).isIn(200, 201);
    post(c, back, "for the back room only");
    post(c, front, "for everyone");
    // the group route's own rule, for reference
    TestPlatform.Res listed = as(p.get().get("/api/groups?communityId=" + c), "g-outsider").send();
    assertThat(listed.json().getJsonArray("data").stream().map(g -> ((JsonObject) g).getString("id")).toList())
      .contains(front).doesNotContain(back);

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> memberSaw;
    do {
      memberSaw = groupIds(history("g-member", "?communityId=" + c));
    } while (memberSaw.stream().filter(back::equals).count() < 3 && System.nanoTime() < end);
    assertThat(memberSaw).as("group.created, group.member.added, post.created of the private group").contains(back, front);
    assertThat(memberSaw.stream().filter(back::equals).count()).isGreaterThanOrEqualTo(3);
    List<String> outsiderSaw = groupIds(history("g-outsider", "?communityId=" + c));
    assertThat(outsiderSaw).contains(front).doesNotContain(back);
    TestPlatform.Res token = p.get().get("/api/events?communityId=" + c).org(ORG).bearer(admin(ORG)).send();
    assertThat(groupIds(token.json().getJsonArray("data").stream().map(e -> (JsonObject) e).toList())).contains(back);

    Map<String, String> outsider = Map.of("Authorization", "Bearer " + token("g-outsider"), "orgid", ORG);
    Map<String, String> member = Map.of("Authorization", "Bearer " + token("g-member"), "orgid", ORG);
    try (SseClient out = SseClient.open(p.get().port(), "/api/events/stream?types=post.*&communityId=" + c, outsider);
         SseClient in = SseClient.open(p.get().port(), "/api/events/stream?types=post.*&communityId=" + c, member)) {
      post(c, back, "live, back room");
      post(c, front, "live, front room");
      assertThat(in.take(2, 10)).extracting(r -> r.data().getJsonObject("subject").getString("groupId")).containsExactly(back, front);
      assertThat(out.take(1, 10)).extracting(r -> r.data().getJsonObject("subject").getString("groupId")).containsExactly(front);
      assertThat(out.next(1)).as("nothing of the private group").isNull();
    }
  }

  @Test
  void anotherOrganisationNeverSeesThemAndOutsidersCannotRegisterWebhooks() {
    String hidden = community("owner-2", "Other hidden", true);
    requireCommunityEvents(hidden);
    TestPlatform.Res other = p.get().get("/api/events").org("elsewhere")
      .bearer(p.get().token("admin-x", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", "elsewhere"))).send();
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.json().getJsonArray("data")).isEmpty();
    TestPlatform.Res hook = as(p.get().post("/api/webhooks"), "outsider")
      .json(new JsonObject().put("url", "http://127.0.0.1:9/").put("events", new JsonArray().add("*"))).send();
    assertThat(hook.status()).isEqualTo(403);
  }

  @Test
  void aWebhookOfAnotherOrganisationNeverReceivesAPrivateCommunitysEvents() throws Exception {
    Vertx vertx = Vertx.vertx();
    LinkedBlockingQueue<JsonObject> mine = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<JsonObject> theirs = new LinkedBlockingQueue<>();
    try {
      HttpServer a = receiver(vertx, mine);
      HttpServer b = receiver(vertx, theirs);
      String ours = hook(ORG, a.actualPort());
      String other = hook("elsewhere-hooks", b.actualPort());
      String hidden = community("owner-3", "Hidden workshop", true);
      JsonObject got;
      do {
        got = mine.poll(20, TimeUnit.SECONDS);
        assertThat(got).as("the organisation's own webhook gets the event").isNotNull();
      } while (!hidden.equals(got.getJsonObject("subject").getString("communityId")));
      assertThat(got.getString("type")).startsWith("community.");
      assertThat(got.getString("org")).isEqualTo(ORG);
      // the other organisation's webhook is polled by the same worker: it has had its chance
      assertThat(theirs.poll(2, TimeUnit.SECONDS)).as("another organisation's webhook").isNull();
      for (String[] h : new String[][] {{ORG, ours}, {"elsewhere-hooks", other}}) {
        p.get().delete("/api/webhooks/" + h[1]).org(h[0]).bearer(admin(h[0])).send();
      }
    } finally {
      vertx.close();
    }
  }

  private static HttpServer receiver(Vertx vertx, LinkedBlockingQueue<JsonObject> got) {
    return TestPlatform.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      got.add(body.toJsonObject());
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
  }

  @Test
  void aPrivatePagesEventsReachOnlyItsMembers() {
    TestPlatform.Res page = as(p.get().post("/client/community/pages"), "page-owner").json(new JsonObject().put("name", "Quiet page")
      .put("type", "club").put("category", "sports").put("visibility", "private")).send();
    assertThat(page.status()).as(page.toString()).isEqualTo(201);
    String pageId = page.json().getString("id");
    long n = p.get().sql("SELECT count(*) FROM platform.events WHERE org = $1 AND page_id = $2", ORG, pageId).get(0).getLong(0);
    assertThat(n).as("events the pages module appended").isPositive();
    assertThat(history("outsider", "?pageId=" + pageId)).isEmpty();
    // needs pages.membership (pages branch); without it page events are hidden from everyone but admins
    assertThat(history("page-owner", "?pageId=" + pageId)).isNotEmpty();
  }
}
