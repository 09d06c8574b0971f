package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: bans and mutes with an exact expiry (the platform clock is moved, no job runs), the events
 * and audit entries they leave, the community's audit route, and the internal moderation addresses.
 * A platform of its own, because the test moves the clock.
 */
class ModerationTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static String community(String org, String owner) {
    Res r = Fixture.as(Fixture.platform().post("/api/communities"), org, owner).json(new JsonObject().put("name", "Moderated")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static Res join(String org, String user, String c) {
    return Fixture.as(Fixture.platform().post("/api/v4/communities/" + c + "/join"), org, user).send();
  }

  private static void role(String org, String c, String user, String role) {
    Res r = Fixture.as(Fixture.platform().patch("/api/communities/" + c + "/members"), org, "owner")
      .json(new JsonObject().put("targetUserId", user).put("role", role)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private static Res ban(String org, String by, String c, String target, Instant until) {
    JsonObject body = new JsonObject().put("targetUserId", target).put("reason", "spam");
    if (until != null) {
      body.put("expiresAt", until.toString());
    }
    return Fixture.as(Fixture.platform().post("/api/communities/" + c + "/bans"), org, by).json(body).send();
  }

  private static Res invite(String org, String by, String c, String email) {
    return Fixture.as(Fixture.platform().post("/api/communities/" + c + "/invite"), org, by).json(new JsonObject().put("email", email)).send();
  }

  private static Res accept(String org, String user, String c, String token) {
    return Fixture.as(Fixture.platform().post("/api/communities/" + c + "/invite/accept"), org, user).json(new JsonObject().put("token", token)).send();
  }

  private static long events(String org, String type) {
    return Fixture.platform().sql("SELECT count(*) FROM platform.events WHERE org = $1 AND type = $2", org, type).get(0).getLong(0);
  }

  /** Tester L3: an end whose UTC instant has a five-digit year cannot be written in RFC 3339, so it is refused. */
  @Test
  void anEndAtOrAfterTheYear10000IsRefused() {
    String org = Fixture.org();
    String c = community(org, "owner");
    assertThat(join(org, "bob", c).status()).isEqualTo(200);
    for (String end : new String[] {"9999-12-31T23:59:59-18:00", "9999-12-31T23:00:00-01:00", "+10000-01-01T00:00:00Z"}) {
      for (String what : new String[] {"bans", "mutes"}) {
        Res r = Fixture.as(Fixture.platform().post("/api/communities/" + c + "/" + what), org, "owner")
          .json(new JsonObject().put("targetUserId", "bob").put("reason", "spam").put("expiresAt", end)).send();
        assertThat(r.status()).as(what + " " + end + ": " + r).isEqualTo(400);
      }
    }
    // the last second of year 9999 in UTC is still an end
    Res last = Fixture.as(Fixture.platform().post("/api/communities/" + c + "/mutes"), org, "owner")
      .json(new JsonObject().put("targetUserId", "bob").put("reason", "spam").put("expiresAt", "9999-12-31T23:59:59Z")).send();
    assertThat(last.status()).as(last.toString()).isEqualTo(201);
    assertThat(last.json().getString("expiresAt")).isEqualTo("9999-12-31T23:59:59Z");
  }

  @Test
  void aBanKeepsAUserOutOfEveryWayInUntilItExpires() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    String gated = community(org, "owner");
    Res toRequest = p.patch("/api/v2/admin/communities/" + gated).header("x-api-token", Fixture.apiTokenOf(p, org))
      .json(new JsonObject().put("access", "request")).send();
    assertThat(toRequest.status()).as(toRequest.toString()).isEqualTo(200);
    assertThat(join(org, "bob", c).status()).isEqualTo(200);
    String earlyToken = invite(org, "owner", c, "bob@example.test").json().getString("token");

    Instant until = p.clock().instant().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Res banned = ban(org, "owner", c, "bob", until);
    assertThat(banned.status()).as(banned.toString()).isEqualTo(201);
    assertThat(banned.json().getString("expiresAt")).isEqualTo(until.toString());
    assertThat(ban(org, "owner", gated, "bob", until).status()).isEqualTo(201);
    // removed, and refused on every way in
    assertThat(p.sql("SELECT 1 FROM communities.members WHERE community_id = $1::uuid AND user_id = 'bob'", c)).isEmpty();
    Fixture.assertError(join(org, "bob", c), 403);
    assertThat(join(org, "bob", c).errorCode()).isEqualTo("banned");
    assertThat(join(org, "bob", gated).errorCode()).isEqualTo("banned");
    String lateToken = invite(org, "owner", c, "bob@example.test").json().getString("token");
    assertThat(accept(org, "bob", c, lateToken).errorCode()).isEqualTo("banned");
    // the ban's events and audit entries, in the same transactions
    assertThat(events(org, "community.member.banned")).isEqualTo(2);
    assertThat(events(org, "community.member.removed")).isEqualTo(1);
    List<Row> audit = p.sql("SELECT action, target_id, scope_id FROM platform.audit_log WHERE org = $1 AND action LIKE 'community.member.%' "
      + "ORDER BY seq", org);
    assertThat(audit).extracting(r -> r.getString(0)).contains("community.member.removed", "community.member.banned");
    JsonArray bans = Fixture.as(p.get("/api/communities/" + c + "/bans"), org, "owner").send().json().getJsonArray("data");
    assertThat(bans).hasSize(1);
    assertThat(bans.getJsonObject(0).getString("userId")).isEqualTo("bob");

    // a minute before the end: still banned; at the end: admitted, with no job having run (the test
    // clock keeps ticking with real time, so "before" keeps a margin; "at the end" moves to it exactly)
    Fixture.advance(p, Duration.between(p.clock().instant(), until).minusSeconds(60));
    assertThat(join(org, "bob", c).errorCode()).isEqualTo("banned");
    Fixture.advance(p, Duration.between(p.clock().instant(), until));
    assertThat(Fixture.as(p.get("/api/communities/" + c + "/bans"), org, "owner").send().json().getLong("total")).isZero();
    // the invite sent before the ban stays retired; one sent after it works now
    assertThat(accept(org, "bob", c, earlyToken).status()).isEqualTo(410);
    Res ok = accept(org, "bob", c, lateToken);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    Res request = join(org, "bob", gated);
    assertThat(request.status()).as(request.toString()).isEqualTo(200);
    assertThat(request.json().getJsonArray("joinRequests")).hasSize(1);

    // a ban without an end lasts until lifted
    assertThat(ban(org, "owner", c, "bob", null).status()).isEqualTo(201);
    Fixture.advance(p, Duration.ofDays(400));
    assertThat(join(org, "bob", c).errorCode()).isEqualTo("banned");
    Res lift = Fixture.as(p.delete("/api/communities/" + c + "/bans/bob"), org, "owner").send();
    assertThat(lift.status()).as(lift.toString()).isEqualTo(200);
    assertThat(events(org, "community.member.unbanned")).isEqualTo(1);
    assertThat(join(org, "bob", c).status()).isEqualTo(200);
    Fixture.assertError(Fixture.as(p.delete("/api/communities/" + c + "/bans/bob"), org, "owner").send(), 404);
  }

  @Test
  void banAndMuteEndExactlyAtTheirExpiryOnThePlatformClock() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    assertThat(join(org, "eve", c).status()).isEqualTo(200);
    assertThat(join(org, "sam", c).status()).isEqualTo(200);
    p.clock().freeze();
    try {
      Instant until = p.clock().instant().plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      assertThat(ban(org, "owner", c, "eve", until).status()).isEqualTo(201);
      assertThat(Fixture.as(p.post("/api/communities/" + c + "/mutes"), org, "owner").json(new JsonObject()
        .put("targetUserId", "sam").put("reason", "loud").put("expiresAt", until.toString())).send().status()).isEqualTo(201);
      JsonObject post = new JsonObject().put("communityId", c).put("content", "hello again");
      // one second before the end: both still in force
      Fixture.advance(p, Duration.between(p.clock().instant(), until).minusSeconds(1));
      assertThat(join(org, "eve", c).errorCode()).isEqualTo("banned");
      assertThat(Fixture.as(p.post("/api/posts"), org, "sam").json(post).send().errorCode()).isEqualTo("muted");
      // at the end, to the second: both over, with no job having run
      Fixture.advance(p, Duration.ofSeconds(1));
      assertThat(p.clock().instant()).isEqualTo(until);
      assertThat(join(org, "eve", c).status()).isEqualTo(200);
      assertThat(Fixture.as(p.post("/api/posts"), org, "sam").json(post).send().status()).isEqualTo(201);
    } finally {
      p.clock().thaw();
    }
  }

  @Test
  void aModeratorCannotUndoABanOrMuteAboveTheirRank() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    for (String u : List.of("ada", "mo", "mo2", "bob", "cy")) {
      assertThat(join(org, u, c).status()).isEqualTo(200);
    }
    role(org, c, "ada", "admin");
    role(org, c, "mo", "moderator");
    role(org, c, "mo2", "moderator");
    // the owner bans an admin: the admin is out, but the ban remembers whom it was placed on
    assertThat(ban(org, "owner", c, "ada", null).status()).isEqualTo(201);
    Res byMod = Fixture.as(p.delete("/api/communities/" + c + "/bans/ada"), org, "mo").send();
    Fixture.assertError(byMod, 403);
    // nor can the moderator launder it by replacing it with a ban that ends in a second
    Fixture.assertError(ban(org, "mo", c, "ada", p.clock().instant().plusSeconds(1)), 403);
    assertThat(join(org, "ada", c).errorCode()).isEqualTo("banned");
    // a ban an admin placed on a plain member is the admin's decision: a moderator cannot lift it either
    assertThat(join(org, "cy", c).status()).isEqualTo(200);
    assertThat(Fixture.as(p.post("/api/communities/" + c + "/bans"), org, "owner").json(new JsonObject()
      .put("targetUserId", "zed").put("reason", "spam")).send().status()).isEqualTo(201);
    Fixture.assertError(Fixture.as(p.delete("/api/communities/" + c + "/bans/zed"), org, "mo").send(), 403);
    // a moderator's own rank: one moderator lifts another's ban of a member
    assertThat(ban(org, "mo2", c, "bob", null).status()).isEqualTo(201);
    assertThat(Fixture.as(p.delete("/api/communities/" + c + "/bans/bob"), org, "mo").send().status()).isEqualTo(200);
    // mutes alike: a mute the owner put on an admin stays until the owner lifts it
    for (String u : List.of("ada2", "al")) {
      assertThat(join(org, u, c).status()).isEqualTo(200);
      role(org, c, u, "admin");
    }
    assertThat(Fixture.as(p.post("/api/communities/" + c + "/mutes"), org, "owner")
      .json(new JsonObject().put("targetUserId", "ada2").put("reason", "calm down")).send().status()).isEqualTo(201);
    Fixture.assertError(Fixture.as(p.delete("/api/communities/" + c + "/mutes/ada2"), org, "mo").send(), 403);
    Fixture.assertError(Fixture.as(p.delete("/api/communities/" + c + "/mutes/ada2"), org, "al").send(), 403);
    assertThat(Fixture.as(p.delete("/api/communities/" + c + "/mutes/ada2"), org, "owner").send().status()).isEqualTo(200);
    // the owner lifts the admin's ban
    assertThat(Fixture.as(p.delete("/api/communities/" + c + "/bans/ada"), org, "owner").send().status()).isEqualTo(200);
    assertThat(events(org, "community.member.unbanned")).isEqualTo(2);
  }

  @Test
  void aMuteBlocksPostingUntilItExpires() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    join(org, "mo", c);
    join(org, "chatty", c);
    role(org, c, "mo", "moderator");
    String earlier = Fixture.as(p.post("/api/posts"), org, "chatty")
      .json(new JsonObject().put("communityId", c).put("content", "before the mute")).send().json().getString("id");
    Instant until = p.clock().instant().plusSeconds(600);
    Res mute = Fixture.as(p.post("/api/communities/" + c + "/mutes"), org, "mo")
      .json(new JsonObject().put("targetUserId", "chatty").put("reason", "flooding").put("expiresAt", until.toString())).send();
    assertThat(mute.status()).as(mute.toString()).isEqualTo(201);
    JsonObject post = new JsonObject().put("communityId", c).put("content", "hello");
    Res refused = Fixture.as(p.post("/api/posts"), org, "chatty").json(post).send();
    Fixture.assertError(refused, 403);
    assertThat(refused.errorCode()).isEqualTo("muted");
    // nor rewrite what was posted before
    Res edit = Fixture.as(p.patch("/api/posts/" + earlier), org, "chatty").json(new JsonObject().put("content", "edited while muted")).send();
    Fixture.assertError(edit, 403);
    assertThat(edit.errorCode()).isEqualTo("muted");
    // still a member
    assertThat(Fixture.as(p.get("/api/communities/" + c), org, "chatty").send().json().getString("role")).isEqualTo("member");
    Fixture.advance(p, Duration.ofSeconds(600));
    assertThat(Fixture.as(p.post("/api/posts"), org, "chatty").json(post).send().status()).isEqualTo(201);
    assertThat(events(org, "community.member.muted")).isEqualTo(1);
    // a moderator cannot mute or ban an admin; the owner can
    join(org, "ada", c);
    role(org, c, "ada", "admin");
    Fixture.assertError(Fixture.as(p.post("/api/communities/" + c + "/mutes"), org, "mo")
      .json(new JsonObject().put("targetUserId", "ada").put("reason", "x")).send(), 403);
    Fixture.assertError(ban(org, "mo", c, "ada", null), 403);
    Fixture.assertError(ban(org, "ada", c, "owner", null), 403);
    assertThat(Fixture.as(p.post("/api/communities/" + c + "/mutes"), org, "owner")
      .json(new JsonObject().put("targetUserId", "ada").put("reason", "x")).send().status()).isEqualTo(201);
    Res unmute = Fixture.as(p.delete("/api/communities/" + c + "/mutes/ada"), org, "owner").send();
    assertThat(unmute.status()).isEqualTo(200);
    // an expiry in the past is refused
    Fixture.assertError(ban(org, "owner", c, "chatty", p.clock().instant().minusSeconds(1)), 400);
  }

  @Test
  void theAuditRouteShowsTheCommunitysActsToOwnersAndAdminsOnly() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    join(org, "ada", c);
    join(org, "mo", c);
    join(org, "m", c);
    role(org, c, "ada", "admin");
    role(org, c, "mo", "moderator");
    Res rename = Fixture.as(p.patch("/api/communities/" + c), org, "ada").json(new JsonObject().put("name", "Renamed")).send();
    assertThat(rename.status()).isEqualTo(200);
    assertThat(Fixture.as(p.delete("/api/communities/" + c + "/members"), org, "owner")
      .json(new JsonObject().put("targetUserId", "m")).send().status()).isEqualTo(200);
    String other = community(org, "owner");
    role(org, other, "owner", "owner");

    Res audit = Fixture.as(p.get("/api/communities/" + c + "/audit?limit=2"), org, "ada").send();
    assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
    assertThat(audit.json().getLong("total")).isEqualTo(4);
    JsonArray page = audit.json().getJsonArray("data");
    assertThat(page).hasSize(2);
    assertThat(page.getJsonObject(0).getString("action")).isEqualTo("community.member.removed");
    JsonObject renamed = page.getJsonObject(1);
    assertThat(renamed.getString("action")).isEqualTo("community.updated");
    assertThat(renamed.getString("actor")).isEqualTo("ada");
    assertThat(renamed.getJsonObject("before").getString("name")).isEqualTo("Moderated");
    assertThat(renamed.getJsonObject("after").getString("name")).isEqualTo("Renamed");
    JsonArray older = Fixture.as(p.get("/api/communities/" + c + "/audit?limit=2&cursor=" + audit.json().getString("nextCursor")),
      org, "owner").send().json().getJsonArray("data");
    assertThat(older).extracting(o -> ((JsonObject) o).getString("action"))
      .containsExactly("community.member.role_changed", "community.member.role_changed");
    // the list pages by cursor only, as its contract declares: no page number in the answer
    assertThat(audit.json().containsKey("page")).isTrue();
    assertThat(audit.json().getValue("page")).isNull();
    // moderators, members and outsiders are refused; another community's entries never show
    Fixture.assertError(Fixture.as(p.get("/api/communities/" + c + "/audit"), org, "mo").send(), 403);
    Fixture.assertError(Fixture.as(p.get("/api/communities/" + c + "/audit"), org, "outsider").send(), 403);
    // the same user id in another organisation finds no such community
    Fixture.assertError(Fixture.as(p.get("/api/communities/" + c + "/audit"), "elsewhere", "ada").send(), 404);
    assertThat(Fixture.as(p.get("/api/communities/" + other + "/audit"), org, "owner").send().json().getJsonArray("data"))
      .allMatch(o -> other.equals(((JsonObject) o).getString("scopeId")));
    // the chain still verifies with every entry the module wrote
    Res verify = p.get("/api/admin/audit/verify").org(org)
      .bearer(Fixture.tokenOn(p, "boss", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org))).send();
    if (verify.status() == 200) {
      assertThat(verify.json().toString()).doesNotContain("broken");
    }
  }

  @Test
  void theModerateAddressRemovesAPostWithItsEventAndAuditEntry() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    join(org, "mo", c);
    join(org, "ada", c);
    join(org, "w", c);
    role(org, c, "mo", "moderator");
    role(org, c, "ada", "admin");
    String post = Fixture.as(p.post("/api/posts"), org, "w").json(new JsonObject().put("communityId", c).put("content", "bad"))
      .send().json().getString("id");
    String adminPost = Fixture.as(p.post("/api/posts"), org, "ada").json(new JsonObject().put("communityId", c).put("content", "ok"))
      .send().json().getString("id");
    var bus = p.platform().vertx().eventBus();
    JsonObject info = TestPlatform.await(bus.<JsonObject>request("communities.postInfo",
      new JsonObject().put("org", org).put("postId", post))).body();
    assertThat(info.getBoolean("exists")).isTrue();
    assertThat(info.getString("communityId")).isEqualTo(c);
    assertThat(info.getString("authorId")).isEqualTo("w");
    assertThat(TestPlatform.await(bus.<JsonObject>request("communities.postInfo",
      new JsonObject().put("org", "elsewhere").put("postId", post))).body().getBoolean("exists")).isFalse();

    JsonObject moderate = new JsonObject().put("org", org).put("actorId", "mo").put("reqId", "r-1").put("communityId", c)
      .put("action", "remove_post").put("postId", post).put("reason", "spam");
    assertThat(TestPlatform.await(bus.<JsonObject>request("communities.moderate", moderate)).body().getBoolean("done")).isTrue();
    Fixture.assertError(Fixture.as(p.get("/api/posts/" + post), org, "owner").send(), 404);
    assertThat(events(org, "post.deleted")).isEqualTo(1);
    assertThat(p.sql("SELECT req_id FROM platform.audit_log WHERE org = $1 AND action = 'community.post.removed'", org)
      .get(0).getString(0)).isEqualTo("r-1");
    // a moderator cannot remove an admin's post, nor ban an admin, over the bus either
    long before = events(org, "post.deleted");
    Throwable refused = catchFailure(() -> TestPlatform.await(bus.request("communities.moderate",
      moderate.copy().put("postId", adminPost))));
    assertThat(refused).isNotNull();
    assertThat(events(org, "post.deleted")).isEqualTo(before);
    JsonObject banAdmin = moderate.copy().put("action", "ban").put("targetUserId", "ada");
    banAdmin.remove("postId");
    assertThat(catchFailure(() -> TestPlatform.await(bus.request("communities.moderate", banAdmin)))).isNotNull();
    assertThat(events(org, "community.member.banned")).isZero();
    // a ban over the bus, with its expiry
    JsonObject ban = moderate.copy().put("action", "ban").put("targetUserId", "w")
      .put("expiresAt", p.clock().instant().plusSeconds(60).toString());
    ban.remove("postId");
    assertThat(TestPlatform.await(bus.<JsonObject>request("communities.moderate", ban)).body().getBoolean("done")).isTrue();
    assertThat(join(org, "w", c).errorCode()).isEqualTo("banned");
  }

  @Test
  void aWriteThatFailsLeavesNoEvent() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org, "owner");
    long created = events(org, "community.created");
    assertThat(created).isEqualTo(1);
    assertThat(events(org, "community.member.joined")).isEqualTo(1);
    // the only owner cannot demote themselves: the statement fails inside the transaction, no event stays
    Res last = Fixture.as(p.patch("/api/communities/" + c + "/members"), org, "owner")
      .json(new JsonObject().put("targetUserId", "owner").put("role", "member")).send();
    Fixture.assertError(last, 409);
    assertThat(events(org, "community.member.role_changed")).isZero();
    // a slug clash fails the insert after nothing else: no community.created for it
    String token = Fixture.apiTokenOf(p, org);
    JsonObject admin = new JsonObject().put("name", "Slugged").put("slug", "Taken-Slug").put("ownerId", "owner");
    assertThat(p.post("/api/v2/admin/communities").header("x-api-token", token).json(admin).send().status()).isEqualTo(201);
    Res clash = p.post("/api/v2/admin/communities").header("x-api-token", token).json(admin.copy().put("slug", "TAKEN-slug")).send();
    Fixture.assertError(clash, 409);
    assertThat(events(org, "community.created")).isEqualTo(2);
    assertThat(events(org, "community.member.joined")).isEqualTo(2);
    assertThat(p.sql("SELECT actor FROM platform.events WHERE org = $1 AND type = 'community.created' ORDER BY id DESC", org)
      .get(0).getString(0)).startsWith("api-token:");
    // approving a request appends its event first; the approval then fails (a ban written meanwhile,
    // here straight into the table): the transaction rolls back and takes the appended event with it
    Res gatedPatch = p.patch("/api/v2/admin/communities/" + c).header("x-api-token", token)
      .json(new JsonObject().put("access", "request")).send();
    assertThat(gatedPatch.status()).isEqualTo(200);
    String requestId = join(org, "late", c).json().getJsonArray("joinRequests").getJsonObject(0).getString("joinRequestId");
    p.sql("INSERT INTO communities.bans (community_id, user_id, org, reason, banned_by, created_at) "
      + "VALUES ($1::uuid, 'late', $2, 'meanwhile', 'owner', now() - interval '1 day')", c, org);
    Res approve = Fixture.as(p.post("/api/v4/communities/" + c + "/join-requests/" + requestId + "/approve"), org, "owner").send();
    Fixture.assertError(approve, 403);
    assertThat(events(org, "community.join_request.approved")).isZero();
    assertThat(p.sql("SELECT status FROM communities.join_requests WHERE id = $1::uuid", requestId).get(0).getString(0))
      .isEqualTo("pending");
    // an invite's event: its role, never the token nor the address
    Res inv = invite(org, "owner", c, "someone@example.test");
    assertThat(inv.status()).isEqualTo(201);
    List<Row> sent = p.sql("SELECT data::text, subject::text FROM platform.events WHERE org = $1 AND type = 'community.invite.sent'", org);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getString(0)).contains("member").doesNotContain("@").doesNotContain(inv.json().getString("token"));
    assertThat(sent.get(0).getString(1)).contains(inv.json().getString("id")).contains(c);
  }

  private static Throwable catchFailure(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}
