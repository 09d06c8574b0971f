package org.communityplatform.moderation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports through the real server, database and bus, with a stand-in for the communities and pages
 * modules on that bus ({@link StandIn}): filing, the queue with its counts, resolutions carried out
 * through the moderate addresses, and what is written (reports closed, events, audit entries).
 */
class ReportFlowTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  static StandIn world;
  static Calls calls;

  @BeforeAll
  static void standIn() {
    world = StandIn.on(p.get());
    calls = new Calls(p.get());
  }

  /** A public community: owner, admin, moderator "mod", members a, b and author; a post by author. */
  private static String[] community(String org, boolean isPrivate) {
    String c = world.place(org, true, isPrivate, "owner");
    world.member(org, c, "admin", "admin");
    world.member(org, c, "mod", "moderator");
    for (String m : List.of("a", "b", "author")) {
      world.member(org, c, m, "member");
    }
    return new String[]{c, world.post(org, c, "author", false)};
  }

  @Test
  void reportsOfAPostQueueUpAndABanRemovesThePostBansTheAuthorAndClosesThemAll() {
    String org = Calls.org();
    String[] w = community(org, false);
    String c = w[0];
    String post = w[1];
    String first = calls.reported(org, "a", Calls.post(post, "spam").put("details", "  buy now  "));
    calls.reported(org, "b", Calls.post(post, "harassment"));

    Res again = Calls.assertError(calls.report(org, "a", Calls.post(post, "hate")), 409);
    assertThat(again.errorCode()).isEqualTo("already_reported");
    assertThat(again.json().getJsonObject("error").getJsonObject("details").getString("reportId")).isEqualTo(first);

    Res queue = calls.communityQueue(org, "mod", c);
    assertThat(queue.status()).as(queue.toString()).isEqualTo(200);
    assertThat(queue.json().getLong("total")).isEqualTo(1);
    JsonObject item = queue.json().getJsonArray("data").getJsonObject(0);
    assertThat(item.getString("targetType")).isEqualTo("post");
    assertThat(item.getString("targetId")).isEqualTo(post);
    assertThat(item.getString("targetUserId")).isEqualTo("author");
    assertThat(item.getInteger("openReports")).isEqualTo(2);
    assertThat(item.getJsonObject("reasons")).isEqualTo(new JsonObject().put("harassment", 1).put("spam", 1));
    assertThat(item.getJsonArray("reports")).hasSize(2);
    assertThat(item.getJsonArray("reports").getJsonObject(1).getString("details")).isEqualTo("buy now");

    Instant until = p.get().clock().instant().plus(Duration.ofDays(7));
    Res resolved = calls.resolve(org, "mod", first, Calls.action("ban").put("reason", "spam ring")
      .put("expiresAt", until.toString()));
    assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
    assertThat(resolved.json().getString("status")).isEqualTo("resolved");
    assertThat(resolved.json().getJsonObject("resolution").getString("action")).isEqualTo("ban");
    assertThat(resolved.json().getJsonObject("resolution").getString("resolvedBy")).isEqualTo("mod");
    assertThat(resolved.json().getJsonArray("closedReportIds")).hasSize(2);

    // carried out through the communities module: the author banned until then, the post removed
    assertThat(world.get(org, c).banned).containsEntry("author", until.toString());
    assertThat(world.posts).doesNotContainKey(post);
    List<JsonObject> acts = world.moderateCalls.stream().filter(m -> org.equals(m.getString("org"))).toList();
    assertThat(acts).extracting(m -> m.getString("action")).containsExactly("ban", "remove_post");
    assertThat(acts.get(0).getString("actorId")).isEqualTo("mod");
    assertThat(acts.get(0).getString("communityId")).isEqualTo(c);
    assertThat(acts.get(0).getString("reason")).isEqualTo("spam ring");
    assertThat(acts.get(0).getString("reqId")).isEqualTo(resolved.header("x-request-id"));

    assertThat(calls.communityQueue(org, "mod", c).json().getLong("total")).isZero();
    assertThat(p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1 AND status = 'open'", org)
      .get(0).getLong(0)).isZero();

    List<Row> events = p.get().sql("SELECT type, actor, community_id, subject FROM platform.events WHERE org = $1 ORDER BY id", org);
    assertThat(events).extracting(r -> r.getString("type"))
      .containsExactly("report.created", "report.created", "report.resolved", "report.resolved");
    assertThat(events).allSatisfy(r -> assertThat(r.getString("community_id")).isEqualTo(c));
    Set<String> resolvedIds = new HashSet<>();
    events.subList(2, 4).forEach(r -> resolvedIds.add(((JsonObject) r.getJson("subject")).getString("reportId")));
    assertThat(resolvedIds).containsExactlyInAnyOrderElementsOf(
      resolved.json().getJsonArray("closedReportIds").getList());

    List<Row> audit = p.get().sql("SELECT actor, action, target_type, target_id, scope_id, after, req_id"
      + " FROM platform.audit_log WHERE org = $1 ORDER BY seq", org);
    assertThat(audit).hasSize(1);
    Row entry = audit.get(0);
    assertThat(entry.getString("action")).isEqualTo("report.resolved");
    assertThat(entry.getString("actor")).isEqualTo("mod");
    assertThat(entry.getString("target_type")).isEqualTo("post");
    assertThat(entry.getString("target_id")).isEqualTo(post);
    assertThat(entry.getString("scope_id")).isEqualTo(c);
    assertThat(entry.getString("req_id")).isEqualTo(resolved.header("x-request-id"));
    JsonObject after = (JsonObject) entry.getJson("after");
    assertThat(after.getString("action")).isEqualTo("ban");
    assertThat(after.getJsonArray("reportIds")).hasSize(2);

    Res twice = Calls.assertError(calls.resolve(org, "admin", first, Calls.action("dismiss")), 409);
    assertThat(twice.errorCode()).isEqualTo("already_resolved");
  }

  @Test
  void aRefusedActionIsAnsweredAsItCameAndTheReportStaysOpen() {
    String org = Calls.org();
    String c = community(org, false)[0];
    String id = calls.reported(org, "a", Calls.member("admin", c, "harassment"));

    // the stand-in, like the communities module, refuses a moderator acting on an admin
    Res refused = Calls.assertError(calls.resolve(org, "mod", id, Calls.action("ban")), 403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
    world.refuseNext = new ApiError(409, "already_banned", "that member is already banned");
    Res conflict = Calls.assertError(calls.resolve(org, "owner", id, Calls.action("ban")), 409);
    assertThat(conflict.errorCode()).isEqualTo("already_banned");

    assertThat(p.get().sql("SELECT status FROM moderation.reports WHERE id = $1::uuid", id).get(0).getString(0))
      .isEqualTo("open");
    assertThat(p.get().sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", org).get(0).getLong(0)).isZero();
    assertThat(p.get().sql("SELECT type FROM platform.events WHERE org = $1", org))
      .extracting(r -> r.getString(0)).containsExactly("report.created");
    assertThat(calls.communityQueue(org, "owner", c).json().getLong("total")).isEqualTo(1);

    Res banned = calls.resolve(org, "owner", id, Calls.action("ban"));
    assertThat(banned.status()).as(banned.toString()).isEqualTo(200);
    assertThat(world.get(org, c).banned).containsKey("admin");
  }

  @Test
  void aMemberReportCanBeDismissedOrActedOnButHasNoContentToRemove() {
    String org = Calls.org();
    String c = community(org, false)[0];
    String id = calls.reported(org, "a", Calls.member("b", c, "impersonation"));
    Res wrong = Calls.assertError(calls.resolve(org, "mod", id, Calls.action("remove_content")), 400);
    assertThat(wrong.json().getJsonObject("error").getJsonArray("details").getJsonObject(0).getString("path"))
      .isEqualTo("/action");
    Calls.assertError(calls.resolve(org, "mod", id, Calls.action("dismiss").put("expiresAt", "2099-01-01T00:00:00Z")), 400);
    Calls.assertError(calls.resolve(org, "mod", id, Calls.action("mute").put("expiresAt", "2001-01-01T00:00:00Z")), 400);

    Res dismissed = calls.resolve(org, "mod", id, Calls.action("dismiss"));
    assertThat(dismissed.status()).as(dismissed.toString()).isEqualTo(200);
    assertThat(dismissed.json().getJsonObject("resolution").getString("reason")).isNull();
    assertThat(world.moderateCalls.stream().filter(m -> org.equals(m.getString("org")))).isEmpty();

    // closed, so the reporter may report the same member again
    String second = calls.reported(org, "a", Calls.member("b", c, "harassment"));
    Res muted = calls.resolve(org, "mod", second, Calls.action("mute"));
    assertThat(muted.status()).as(muted.toString()).isEqualTo(200);
    assertThat(world.get(org, c).muted).containsKey("b");
  }

  @Test
  void filingChecksTheTargetAndThePlace() {
    String org = Calls.org();
    String[] w = community(org, false);
    String[] hidden = community(org, true);
    String other = community(org, false)[0];

    Calls.assertError(calls.report(org, "stranger", Calls.post(w[1], "spam")), 403);
    Calls.assertError(calls.report(org, "stranger", Calls.post(hidden[1], "spam")), 404);
    Calls.assertError(calls.report(org, "a", Calls.post(java.util.UUID.randomUUID().toString(), "spam")), 404);
    Calls.assertError(calls.report(org, "a", Calls.post("not-a-uuid", "spam")), 404);
    Calls.assertError(calls.report(Calls.org(), "a", Calls.post(w[1], "spam")), 404);
    Res mismatch = Calls.assertError(calls.report(org, "a", Calls.post(w[1], "spam").put("communityId", other)), 400);
    assertThat(mismatch.header("RateLimit")).contains("reportsPerUser");
    Calls.assertError(calls.report(org, "a", Calls.post(w[1], "spam").put("pageId", other)), 400);
    Calls.assertError(calls.report(org, "a", Calls.member("a", w[0], "spam")), 400);
    Calls.assertError(calls.report(org, "a", Calls.member("nobody", w[0], "spam")), 404);
    Calls.assertError(calls.report(org, "a", Calls.member("b", w[0], "spam").put("pageId", other)), 400);
    Calls.assertError(calls.report(org, "a", Calls.member("b", null, "spam")), 400);
    Calls.assertError(calls.report(org, "a", Calls.post(w[1], "boredom")), 400);
    Calls.assertError(calls.report(org, "a", Calls.post(w[1], "spam").put("extra", 1)), 400);
    assertThat(p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1", org).get(0).getLong(0)).isZero();

    // the same member may be reported in two places
    world.member(org, other, "a", "member");
    world.member(org, other, "b", "member");
    calls.reported(org, "a", Calls.member("b", w[0], "spam"));
    calls.reported(org, "a", Calls.member("b", other, "spam"));
  }

  @Test
  void anOutsiderOfAPrivatePlaceGetsNotFoundForEveryTargetTypeWhateverPlaceItNames() {
    String org = Calls.org();
    String[] hidden = community(org, true);
    String open = community(org, false)[0];
    String page = world.place(org, false, true, "powner");
    world.member(org, page, "y", "member");
    String pagePost = world.post(org, page, "y", true);
    String openPage = world.place(org, false, false, "other");
    world.member(org, openPage, "stranger", "member");
    world.member(org, open, "stranger", "member");
    // a post, a page post and a member of a private place: 404 however the report names the place,
    // exactly as for a post or member that does not exist (nothing tells the place or the post exists)
    String missing = java.util.UUID.randomUUID().toString();
    for (JsonObject body : List.of(
        Calls.post(hidden[1], "spam"),
        Calls.post(hidden[1], "spam").put("communityId", open),
        Calls.post(hidden[1], "spam").put("communityId", hidden[0]),
        Calls.pagePost(pagePost, "spam"),
        Calls.pagePost(pagePost, "spam").put("pageId", openPage),
        Calls.pagePost(pagePost, "spam").put("pageId", page),
        Calls.member("a", hidden[0], "spam"),
        Calls.member("nobody", hidden[0], "spam"),
        new JsonObject().put("targetType", "member").put("targetId", "y").put("pageId", page).put("reason", "spam"),
        Calls.post(missing, "spam").put("communityId", open),
        Calls.pagePost(missing, "spam").put("pageId", openPage))) {
      Res r = calls.report(org, "stranger", body);
      Calls.assertError(r, 404);
      assertThat(r.errorCode()).as(body.encode()).isEqualTo("not_found");
    }
    // a member of the page who names another page is told so
    Calls.assertError(calls.report(org, "y", Calls.pagePost(pagePost, "spam").put("pageId", openPage)), 400);
    assertThat(p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1", org).get(0).getLong(0)).isZero();
  }

  @Test
  void pagePostsAreReportedToThePageAndRemovedThroughPagesModerate() {
    String org = Calls.org();
    String page = world.place(org, false, false, "powner");
    world.member(org, page, "padmin", "admin");
    world.member(org, page, "x", "member");
    world.member(org, page, "y", "member");
    String post = world.post(org, page, "y", true);
    String id = calls.reported(org, "x", Calls.pagePost(post, "misinformation"));
    Calls.assertError(calls.report(org, "x", Calls.post(post, "spam")), 404);

    Res queue = calls.pageQueue(org, "powner", page);
    assertThat(queue.status()).as(queue.toString()).isEqualTo(200);
    assertThat(queue.json().getJsonArray("data").getJsonObject(0).getString("targetUserId")).isEqualTo("y");
    Calls.assertError(calls.pageQueue(org, "y", page), 403);

    Res removed = calls.resolve(org, "padmin", id, Calls.action("remove_content"));
    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(removed.json().getString("pageId")).isEqualTo(page);
    assertThat(world.posts).doesNotContainKey(post);
    JsonObject call = world.moderateCalls.stream().filter(m -> org.equals(m.getString("org"))).findFirst().orElseThrow();
    assertThat(call.getString("address")).isEqualTo("pages.moderate");
    assertThat(call.getString("pageId")).isEqualTo(page);
    assertThat(call.getString("postId")).isEqualTo(post);
    assertThat(call.getString("reason")).isEqualTo("reported for misinformation");
    assertThat(p.get().sql("SELECT page_id FROM platform.events WHERE org = $1 AND type = 'report.resolved'", org))
      .extracting(r -> r.getString(0)).containsExactly(page);
  }

  @Test
  void aPostAlreadyGoneStillLetsRemoveContentCloseItsReports() {
    String org = Calls.org();
    String[] w = community(org, false);
    String id = calls.reported(org, "a", Calls.post(w[1], "spam"));
    world.posts.remove(w[1]);
    Res r = calls.resolve(org, "mod", id, Calls.action("remove_content"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void theQueuePagesWithAKeysetCursor() {
    String org = Calls.org();
    String c = community(org, false)[0];
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      String post = world.post(org, c, "author", false);
      targets.add(post);
      calls.reported(org, "a", Calls.post(post, "spam"));
      p.get().clock().advance(Duration.ofSeconds(1));
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      var req = calls.as(p.get().get("/api/communities/" + c + "/reports"), org, "mod").query("limit", "2");
      if (cursor != null) {
        req.query("cursor", cursor);
      }
      Res r = req.send();
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().getLong("total")).isEqualTo(5);
      JsonArray data = r.json().getJsonArray("data");
      data.forEach(x -> assertThat(seen.add(((JsonObject) x).getString("targetId"))).isTrue());
      cursor = r.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(targets);

    Res bad = calls.as(p.get().get("/api/communities/" + c + "/reports"), org, "mod").query("cursor", "bm90LWEtY3Vyc29y").send();
    assertThat(Calls.assertError(bad, 400).errorCode()).isEqualTo("invalid_cursor");
  }
}
