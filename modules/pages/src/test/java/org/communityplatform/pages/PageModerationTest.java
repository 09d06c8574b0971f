package org.communityplatform.pages;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.field;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/**
 * Issue 14 for pages: bans and mutes with exact expiry on the platform clock, the internal
 * addresses pages.membership / pages.postInfo / pages.moderate, and the page.* events and audit
 * entries written in the same transaction as the act (none when it is refused).
 */
class PageModerationTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  @AfterEach
  void realTime() {
    PagesTestSupport.resetClock(p);
  }

  private static String post(String org, String id, String user, String text) {
    Res r = p.post(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, user)).json(new JsonObject().put("body", text)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static List<String> events(String org, String type) {
    return p.sql("SELECT subject->>'userId' FROM platform.events WHERE org = $1 AND type = $2 ORDER BY id", org, type)
      .stream().map(r -> r.getString(0)).toList();
  }

  private static long audit(String org, String action) {
    return p.sql("SELECT count(*) FROM platform.audit_log WHERE org = $1 AND action = $2", org, action).get(0).getLong(0);
  }

  private static JsonObject ask(String address, JsonObject msg) {
    return TestPlatform.await(p.platform().vertx().eventBus().<JsonObject>request(address, msg)).body();
  }

  /** Tester L3: an end whose UTC instant has a five-digit year cannot be written in RFC 3339, so it is refused. */
  @Test
  void anEndAtOrAfterTheYear10000IsRefused() {
    String org = "year-10000";
    String id = create(p, org, "owner", page("Far future")).getString("id");
    String path = PAGES + "/" + id;
    p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send();
    for (String end : new String[] {"9999-12-31T23:59:59-18:00", "+10000-01-01T00:00:00Z"}) {
      for (String what : new String[] {"/bans", "/mutes"}) {
        Res r = p.post(path + what).org(org).bearer(token(p, org, "owner"))
          .json(new JsonObject().put("targetUserId", "troll").put("reason", "spam").put("expiresAt", end)).send();
        assertError(r, 400);
      }
    }
    Res last = p.post(path + "/mutes").org(org).bearer(token(p, org, "owner"))
      .json(new JsonObject().put("targetUserId", "troll").put("reason", "spam").put("expiresAt", "9999-12-31T23:59:59Z")).send();
    assertThat(last.status()).as(last.toString()).isEqualTo(201);
    assertThat(last.json().getString("expiresAt")).isEqualTo("9999-12-31T23:59:59Z");
  }

  @Test
  void aBanRemovesAndKeepsOutUntilItExpiresToTheSecond() {
    String org = "ban";
    String id = create(p, org, "owner", page("Banning")).getString("id");
    String path = PAGES + "/" + id;
    p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send();
    Instant expires = p.clock().instant().plusSeconds(1200).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Res ban = p.post(path + "/bans").org(org).bearer(token(p, org, "owner"))
      .json(new JsonObject().put("targetUserId", "troll").put("reason", "spam").put("expiresAt", expires.toString())).send();
    assertThat(ban.status()).as(ban.toString()).isEqualTo(201);
    assertThat(ban.json().getString("expiresAt")).isEqualTo(expires.toString());
    assertThat(field(p.get(path + "/members").org(org).send().json().getJsonArray("data"), "userId")).containsExactly("owner");
    Res join = p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send();
    assertError(join, 403);
    assertThat(join.errorCode()).isEqualTo("banned");
    // listed for managers only
    assertThat(field(p.get(path + "/bans").org(org).bearer(token(p, org, "owner")).send().json().getJsonArray("data"), "userId"))
      .containsExactly("troll");
    assertError(p.get(path + "/bans").org(org).bearer(token(p, org, "troll")).send(), 403);

    // one second before expiry still banned, at expiry admitted (no job involved)
    p.clock().advance(Duration.between(p.clock().instant(), expires).minusSeconds(1));
    assertThat(p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send().errorCode()).isEqualTo("banned");
    p.clock().advance(Duration.between(p.clock().instant(), expires));
    assertThat(p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send().status()).isEqualTo(201);
    assertThat(p.get(path + "/bans").org(org).bearer(token(p, org, "owner")).send().json().getLong("total")).isZero();

    // a ban without end holds until lifted
    p.post(path + "/bans").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("targetUserId", "troll")
      .put("reason", "again")).send();
    // (well past any expiry; the tokens of this test stay within their own lifetime)
    p.clock().advance(Duration.ofMinutes(30));
    assertThat(p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send().errorCode()).isEqualTo("banned");
    assertThat(p.delete(path + "/bans/troll").org(org).bearer(token(p, org, "owner")).send().status()).isEqualTo(200);
    assertError(p.delete(path + "/bans/troll").org(org).bearer(token(p, org, "owner")).send(), 404);
    assertThat(p.post(path + "/join").org(org).bearer(token(p, org, "troll")).send().status()).isEqualTo(201);

    assertThat(events(org, "page.member.banned")).containsExactly("troll", "troll");
    assertThat(events(org, "page.member.removed")).containsExactly("troll", "troll");
    assertThat(events(org, "page.member.unbanned")).containsExactly("troll");
    assertThat(audit(org, "page.member.banned")).isEqualTo(2);
    assertThat(audit(org, "page.member.unbanned")).isEqualTo(1);
  }

  @Test
  void aBannedUserCannotAcceptAnInvitationUntilTheBanIsLifted() {
    String org = "ban-invite";
    String id = create(p, org, "owner", page("Invited")).getString("id");
    String path = PAGES + "/" + id;
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "troll", "troll@example.org");
      assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "owner"))
        .json(new JsonObject().put("targetUserId", "troll").put("reason", "spam")).send().status()).isEqualTo(201);
      // an invitation sent after the ban: its acceptance is refused while the ban holds
      Res inv = p.post(path + "/invite").org(org).bearer(token(p, org, "owner"))
        .json(new JsonObject().put("email", "troll@example.org")).send();
      assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
      String accept = path + "/invitations/" + inv.json().getString("id") + "/accept";
      Res refused = p.post(accept).org(org).bearer(token(p, org, "troll")).send();
      assertError(refused, 403);
      assertThat(refused.errorCode()).isEqualTo("banned");
      assertThat(p.delete(path + "/bans/troll").org(org).bearer(token(p, org, "owner")).send().status()).isEqualTo(200);
      Res accepted = p.post(accept).org(org).bearer(token(p, org, "troll")).send();
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
    }
  }

  @Test
  void aMuteKeepsAMemberFromPostingUntilItExpires() {
    String org = "mute";
    String id = create(p, org, "owner", page("Muting")).getString("id");
    String path = PAGES + "/" + id;
    p.post(path + "/join").org(org).bearer(token(p, org, "loud")).send();
    Instant expires = p.clock().instant().plusSeconds(60);
    assertThat(p.post(path + "/mutes").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("targetUserId", "loud")
      .put("reason", "shouting").put("expiresAt", expires.toString())).send().status()).isEqualTo(201);
    Res refused = p.post(path + "/posts").org(org).bearer(token(p, org, "loud")).json(new JsonObject().put("body", "HEY")).send();
    assertError(refused, 403);
    assertThat(refused.errorCode()).isEqualTo("muted");
    // still a member
    assertThat(p.get(path + "/members").org(org).send().json().getLong("total")).isEqualTo(2);
    p.clock().advance(Duration.ofSeconds(61));
    post(org, id, "loud", "calmer now");
    assertThat(events(org, "page.member.muted")).containsExactly("loud");
    assertThat(audit(org, "page.member.muted")).isEqualTo(1);
    // an expiry in the past is refused
    assertError(p.post(path + "/mutes").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("targetUserId", "loud")
      .put("reason", "x").put("expiresAt", "2000-01-01T00:00:00Z")).send(), 400);
  }

  @Test
  void anAdminCannotActOnTheOwnerOrAnotherAdminAndRefusedActsLeaveNoTrace() {
    String org = "ranks";
    String id = create(p, org, "owner", page("Ranks")).getString("id");
    String path = PAGES + "/" + id;
    for (String u : new String[] {"a1", "a2", "m1"}) {
      p.post(path + "/join").org(org).bearer(token(p, org, u)).send();
    }
    for (String u : new String[] {"a1", "a2"}) {
      p.patch(path + "/members/" + u).org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "admin")).send();
    }
    long eventsBefore = p.sql("SELECT count(*) FROM platform.events WHERE org = $1", org).get(0).getLong(0);
    long auditBefore = p.sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", org).get(0).getLong(0);
    JsonObject body = new JsonObject().put("reason", "because");
    assertError(p.post(path + "/bans").org(org).bearer(token(p, org, "a1")).json(body.copy().put("targetUserId", "owner")).send(), 403);
    assertError(p.post(path + "/bans").org(org).bearer(token(p, org, "a1")).json(body.copy().put("targetUserId", "a2")).send(), 403);
    assertError(p.post(path + "/mutes").org(org).bearer(token(p, org, "m1")).json(body.copy().put("targetUserId", "a2")).send(), 403);
    assertError(p.post(path + "/bans").org(org).bearer(token(p, org, "owner")).json(body.copy().put("targetUserId", "owner")).send(), 409);
    // refused acts appended nothing (the transaction rolled back)
    assertThat(p.sql("SELECT count(*) FROM platform.events WHERE org = $1", org).get(0).getLong(0)).isEqualTo(eventsBefore);
    assertThat(p.sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", org).get(0).getLong(0)).isEqualTo(auditBefore);
    // an admin bans a plain member; the owner bans an admin
    assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "a1")).json(body.copy().put("targetUserId", "m1")).send().status())
      .isEqualTo(201);
    assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "owner")).json(body.copy().put("targetUserId", "a2")).send().status())
      .isEqualTo(201);
    assertThat(p.sql("SELECT actor, before->>'role' FROM platform.audit_log WHERE org = $1 AND action = 'page.member.banned' "
      + "ORDER BY seq", org).stream().map(r -> r.getString(0) + ":" + r.getString(1)).toList()).containsExactly("a1:member", "owner:admin");
  }

  @Test
  void anAdminCannotUndoTheOwnersBanOfAnAdminNorAMuteOfOne() {
    String org = "undo";
    String id = create(p, org, "owner", page("Undo")).getString("id");
    String path = PAGES + "/" + id;
    for (String u : new String[] {"a1", "a2", "a3", "m1"}) {
      p.post(path + "/join").org(org).bearer(token(p, org, u)).send();
    }
    for (String u : new String[] {"a1", "a2", "a3"}) {
      p.patch(path + "/members/" + u).org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "admin")).send();
    }
    JsonObject body = new JsonObject().put("reason", "because");
    // the owner bans admin a2: a2 is out, but a1 (an admin) may not lift or shorten that ban
    assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "owner")).json(body.copy().put("targetUserId", "a2")).send()
      .status()).isEqualTo(201);
    assertError(p.delete(path + "/bans/a2").org(org).bearer(token(p, org, "a1")).send(), 403);
    assertError(p.post(path + "/bans").org(org).bearer(token(p, org, "a1")).json(body.copy().put("targetUserId", "a2")
      .put("expiresAt", p.clock().instant().plusSeconds(1).toString())).send(), 403);
    assertThat(p.post(path + "/join").org(org).bearer(token(p, org, "a2")).send().errorCode()).isEqualTo("banned");
    // the owner's ban of a plain outsider is the owner's decision too
    assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "owner")).json(body.copy().put("targetUserId", "zed")).send()
      .status()).isEqualTo(201);
    assertError(p.delete(path + "/bans/zed").org(org).bearer(token(p, org, "a1")).send(), 403);
    // a mute the owner put on admin a3 (still a member) stays until the owner lifts it
    assertThat(p.post(path + "/mutes").org(org).bearer(token(p, org, "owner")).json(body.copy().put("targetUserId", "a3")).send()
      .status()).isEqualTo(201);
    assertError(p.delete(path + "/mutes/a3").org(org).bearer(token(p, org, "a1")).send(), 403);
    // an admin's own ban of a member, another admin may lift; the owner lifts the rest
    assertThat(p.post(path + "/bans").org(org).bearer(token(p, org, "a3")).json(body.copy().put("targetUserId", "m1")).send()
      .status()).isEqualTo(201);
    assertThat(p.delete(path + "/bans/m1").org(org).bearer(token(p, org, "a1")).send().status()).isEqualTo(200);
    assertThat(p.delete(path + "/mutes/a3").org(org).bearer(token(p, org, "owner")).send().status()).isEqualTo(200);
    assertThat(p.delete(path + "/bans/a2").org(org).bearer(token(p, org, "owner")).send().status()).isEqualTo(200);
    assertThat(audit(org, "page.member.unbanned")).isEqualTo(2);
  }

  @Test
  void everyAdministrativeActAndEveryChangeIsInTheLogs() {
    String org = "logs";
    String id = create(p, org, "owner", page("Logged")).getString("id");
    String path = PAGES + "/" + id;
    p.post(path + "/join").org(org).bearer(token(p, org, "mo")).send();
    p.post(path + "/join").org(org).bearer(token(p, org, "zed")).send();
    p.patch(path + "/members/mo").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "admin")).send();
    p.patch(path).org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("name", "Logged Again")).send();
    String postId = post(org, id, "zed", "hello");
    p.delete(path + "/posts/" + postId).org(org).bearer(token(p, org, "mo")).send();
    p.delete(path + "/members/zed").org(org).bearer(token(p, org, "mo")).send();
    p.post(path + "/transfer").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("userId", "mo")).send();
    p.post(path + "/leave").org(org).bearer(token(p, org, "owner")).send();
    p.delete(path).org(org).bearer(token(p, org, "mo")).send();

    List<String> types = p.sql("SELECT type FROM platform.events WHERE org = $1 ORDER BY id", org).stream()
      .map(r -> r.getString(0)).toList();
    assertThat(types).containsExactly("page.created", "page.member.joined", "page.member.joined", "page.member.role_changed",
      "page.updated", "page.post.created", "page.post.deleted", "page.member.removed", "page.transferred",
      "page.member.role_changed", "page.member.role_changed", "page.member.left", "page.deleted");
    assertThat(p.sql("SELECT count(*) FROM platform.events WHERE org = $1 AND page_id = $2", org, id).get(0).getLong(0))
      .isEqualTo(types.size());
    List<String> actions = p.sql("SELECT action FROM platform.audit_log WHERE org = $1 AND scope_id = $2 ORDER BY seq", org, id)
      .stream().map(r -> r.getString(0)).toList();
    assertThat(actions).containsExactly("page.member.role_changed", "page.updated", "page.post.removed", "page.member.removed",
      "page.transferred", "page.deleted");
    JsonObject changed = new JsonObject(p.sql("SELECT after::text FROM platform.audit_log WHERE org = $1 AND action = 'page.updated'",
      org).get(0).getString(0));
    assertThat(changed.getString("name")).isEqualTo("Logged Again");
    // no email in any event's data
    assertThat(p.sql("SELECT count(*) FROM platform.events WHERE org = $1 AND data::text LIKE '%@%'", org).get(0).getLong(0)).isZero();
  }

  @Test
  void internalAddressesAnswerMembershipPostInfoAndModerate() {
    String org = "internal";
    String id = create(p, org, "owner", page("Internal").put("visibility", "private")).getString("id");
    JsonObject m = ask("pages.membership", new JsonObject().put("org", org).put("pageId", id).put("userId", "owner"));
    assertThat(m.getBoolean("exists")).isTrue();
    assertThat(m.getString("visibility")).isEqualTo("private");
    assertThat(m.getBoolean("member")).isTrue();
    assertThat(m.getString("role")).isEqualTo("owner");
    assertThat(ask("pages.membership", new JsonObject().put("org", "elsewhere").put("pageId", id).put("userId", "owner"))
      .getBoolean("exists")).isFalse();
    assertThat(ask("pages.membership", new JsonObject().put("org", org).put("pageId", id).put("userId", "nobody"))
      .getBoolean("member")).isFalse();

    String postId = post(org, id, "owner", "to be removed");
    JsonObject info = ask("pages.postInfo", new JsonObject().put("org", org).put("postId", postId));
    assertThat(info.getBoolean("exists")).isTrue();
    assertThat(info.getString("pageId")).isEqualTo(id);
    assertThat(info.getString("authorId")).isEqualTo("owner");
    assertThat(ask("pages.postInfo", new JsonObject().put("org", "elsewhere").put("postId", postId)).getBoolean("exists")).isFalse();

    JsonObject base = new JsonObject().put("org", org).put("pageId", id).put("reqId", "req-1").put("reason", "report upheld");
    // a non-manager may not moderate
    assertThatThrownBy(() -> ask("pages.moderate", base.copy().put("actorId", "nobody").put("action", "remove_post")
      .put("postId", postId))).isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
    assertThat(ask("pages.moderate", base.copy().put("actorId", "owner").put("action", "remove_post").put("postId", postId))
      .getBoolean("done")).isTrue();
    assertThat(ask("pages.postInfo", new JsonObject().put("org", org).put("postId", postId)).getBoolean("exists")).isFalse();
    assertThat(ask("pages.moderate", base.copy().put("actorId", "owner").put("action", "ban").put("targetUserId", "pest"))
      .getBoolean("done")).isTrue();
    assertThat(ask("pages.moderate", base.copy().put("actorId", "owner").put("action", "mute").put("targetUserId", "pest")
      .put("expiresAt", p.clock().instant().plusSeconds(30).toString())).getBoolean("done")).isTrue();
    assertThatThrownBy(() -> ask("pages.moderate", base.copy().put("actorId", "owner").put("action", "explode")))
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    assertThat(p.sql("SELECT req_id FROM platform.audit_log WHERE org = $1 AND action = 'page.post.removed'", org).get(0)
      .getString(0)).isEqualTo("req-1");
  }
}
