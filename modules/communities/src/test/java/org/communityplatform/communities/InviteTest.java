package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Invites: a one-time, hashed, expiring token, capped at the inviter's role, mailed through the outbox. */
class InviteTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static Res invite(String org, String by, String c, String email, String role) {
    JsonObject body = new JsonObject().put("email", email);
    if (role != null) {
      body.put("role", role);
    }
    return Fixture.post(org, by, "/api/communities/" + c + "/invite").json(body).send();
  }

  private static Res accept(String org, String user, String c, String token) {
    return Fixture.post(org, user, "/api/communities/" + c + "/invite/accept").json(new JsonObject().put("token", token)).send();
  }

  @Test
  void anInviteIsAcceptedOnceWithItsRole() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    Res r = invite(org, "owner", c, "ivy@example.test", "moderator");
    assertThat(r.status()).isEqualTo(201);
    JsonObject inv = r.json();
    String token = inv.getString("token");
    assertThat(token).hasSizeGreaterThan(30);
    assertThat(inv.getString("role")).isEqualTo("moderator");
    assertThat(java.time.Instant.parse(inv.getString("expiresAt")))
      .isEqualTo(java.time.Instant.parse(inv.getString("createdAt")).plus(Duration.ofDays(7)));
    // stored as a hash only; the mail is queued
    List<Row> stored = Fixture.platform().sql("SELECT token_hash FROM communities.invites WHERE id = $1::uuid", inv.getString("id"));
    assertThat(stored.get(0).getString(0)).isNotEqualTo(token).doesNotContain(token);
    List<Row> mail = Fixture.platform().sql("SELECT recipient, kind, link FROM platform.outbox WHERE org = $1", org);
    assertThat(mail).hasSize(1);
    assertThat(mail.get(0).getString("recipient")).isEqualTo("ivy@example.test");
    assertThat(mail.get(0).getString("kind")).isEqualTo("community.invite");
    assertThat(mail.get(0).getString("link")).contains(token);

    Res ok = accept(org, "ivy", c, token);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.json().getString("role")).isEqualTo("moderator");
    assertThat(ok.json().getBoolean("joined")).isTrue();
    // the private community is now visible to her, with her role
    JsonObject community = Fixture.get(org, "ivy", "/api/communities/" + c).send().json();
    assertThat(community.getString("role")).isEqualTo("moderator");
    assertThat(community.getInteger("memberCount")).isEqualTo(2);

    Res reuse = accept(org, "ivy", c, token);
    Fixture.assertError(reuse, 410);
    assertThat(reuse.errorCode()).isEqualTo("invite_used");
    Fixture.assertError(accept(org, "ivy", c, "x".repeat(43)), 404);
    Fixture.assertError(accept(org, "ivy", Fixture.community(org, "owner", false), token), 404);
  }

  @Test
  void anInviteExpiresAfterSevenDays() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    String early = invite(org, "owner", c, "late@example.test", null).json().getString("token");
    // another address: accepting the first invite withdraws the same address's other open invites
    String late = invite(org, "owner", c, "later@example.test", null).json().getString("token");
    Duration moved = Duration.ZERO;
    try {
      Fixture.platform().clock().advance(Duration.ofDays(6).plusHours(23));
      moved = moved.plus(Duration.ofDays(6).plusHours(23));
      Res inTime = Fixture.platform().post("/api/communities/" + c + "/invite/accept").org(org).bearer(Fixture.tokenIn(org, "late"))
        .json(new JsonObject().put("token", early)).send();
      assertThat(inTime.status()).as(inTime.toString()).isEqualTo(200);
      Fixture.platform().clock().advance(Duration.ofHours(1).plusSeconds(1));
      moved = moved.plus(Duration.ofHours(1).plusSeconds(1));
      Res expired = Fixture.platform().post("/api/communities/" + c + "/invite/accept").org(org).bearer(Fixture.tokenIn(org, "later"))
        .json(new JsonObject().put("token", late)).send();
      Fixture.assertError(expired, 410);
      assertThat(expired.errorCode()).isEqualTo("invite_expired");
    } finally {
      Fixture.platform().clock().advance(moved.negated());
    }
  }

  @Test
  void theInvitedRoleIsCappedAtTheInvitersOwn() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "mod", "moderator");
    Fixture.joined(org, c, "owner", "member", "member");
    Res above = invite(org, "mod", c, "a@example.test", "admin");
    Fixture.assertError(above, 403);
    assertThat(above.errorCode()).isEqualTo("role_above_inviter");
    assertThat(invite(org, "mod", c, "a@example.test", "moderator").status()).isEqualTo(201);
    Fixture.assertError(invite(org, "member", c, "a@example.test", "moderator"), 403);
    assertThat(invite(org, "member", c, "a@example.test", "member").status()).isEqualTo(201);
    assertThat(invite(org, "owner", c, "a@example.test", "admin").status()).isEqualTo(201);
    Fixture.assertError(invite(org, "stranger", c, "a@example.test", "member"), 403);
    // owner is not a role one can be invited to
    Fixture.assertError(invite(org, "owner", c, "a@example.test", "owner"), 400);
    Fixture.assertError(invite(org, "owner", c, "not-an-email", "member"), 400);
  }

  @Test
  void anInviteIsForItsAddresseeAndRaisesAnExistingMember() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "mia", "member");
    String token = invite(org, "owner", c, "mia@example.test", "admin").json().getString("token");
    Res other = accept(org, "someone", c, token);
    Fixture.assertError(other, 403);
    assertThat(other.errorCode()).isEqualTo("invite_for_someone_else");
    Res raised = accept(org, "mia", c, token);
    assertThat(raised.status()).isEqualTo(200);
    assertThat(raised.json().getBoolean("joined")).isFalse();
    assertThat(raised.json().getString("role")).isEqualTo("admin");
    assertThat(Fixture.get(org, "owner", "/api/communities/" + c).send().json().getInteger("memberCount")).isEqualTo(2);
    // a lower role never demotes
    String lower = invite(org, "owner", c, "mia@example.test", "member").json().getString("token");
    assertThat(accept(org, "mia", c, lower).json().getString("role")).isEqualTo("admin");
  }
}
