package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 (2, 3): invites need the caller's verified address (asked of profiles.account, compared
 * folded), are listed and withdrawn by whoever may invite, retire each other on accept, are retired by a
 * removal, and grant no more than their inviter may grant at accept time.
 */
class InviteLifecycleTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static Res invite(String org, String by, String c, String email, String role) {
    return Fixture.post(org, by, "/api/communities/" + c + "/invite").json(new JsonObject().put("email", email)
      .put("role", role)).send();
  }

  private static String token(Res r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("token");
  }

  private static Res accept(String org, String user, String c, String token) {
    return Fixture.post(org, user, "/api/communities/" + c + "/invite/accept").json(new JsonObject().put("token", token)).send();
  }

  private static String roleOf(String org, String c, String user) {
    return Fixture.get(org, user, "/api/communities/" + c).send().json().getString("role");
  }

  @Test
  void aSecondOpenInviteCannotRaiseADemotedMemberAgain() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    String first = token(invite(org, "owner", c, "ann@example.test", "admin"));
    String second = token(invite(org, "owner", c, "ann@example.test", "admin"));
    assertThat(accept(org, "ann", c, first).json().getString("role")).isEqualTo("admin");
    assertThat(Fixture.patch(org, "owner", "/api/communities/" + c + "/members")
      .json(new JsonObject().put("targetUserId", "ann").put("role", "member")).send().status()).isEqualTo(200);
    Res again = accept(org, "ann", c, second);
    Fixture.assertError(again, 410);
    assertThat(again.errorCode()).isEqualTo("invite_revoked");
    assertThat(roleOf(org, c, "ann")).isEqualTo("member");
  }

  @Test
  void aRemovedMemberCannotComeBackWithAnOlderInvite() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    String joinWith = token(invite(org, "owner", c, "rex@example.test", "member"));
    // an invite to another spelling of the same address, sent before the removal
    String spare = token(invite(org, "owner", c, "Rex@EXAMPLE.test", "member"));
    String spareOther = token(invite(org, "owner", c, "rex.other@example.test", "member"));
    assertThat(accept(org, "rex", c, joinWith).status()).isEqualTo(200);
    assertThat(Fixture.delete(org, "owner", "/api/communities/" + c + "/members")
      .json(new JsonObject().put("targetUserId", "rex")).send().status()).isEqualTo(200);
    Fixture.assertError(accept(org, "rex", c, spare), 410);
    // an invite to another address he may hold is no way back either: it predates the removal
    Fixture.ACCOUNTS.put(org + "/rex", new JsonObject().put("exists", true).put("email", "rex.other@example.test")
      .put("emailVerified", true));
    Fixture.assertError(accept(org, "rex", c, spareOther), 410);
    assertThat(Fixture.get(org, "rex", "/api/communities/" + c).send().status()).isEqualTo(404);
    // a new invite after the removal works
    Fixture.ACCOUNTS.remove(org + "/rex");
    assertThat(accept(org, "rex", c, token(invite(org, "owner", c, "rex@example.test", "member"))).status()).isEqualTo(200);
  }

  @Test
  void anInviteGrantsNoMoreThanItsInviterHoldsAtAcceptTime() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "ada", "admin");
    Fixture.joined(org, c, "owner", "mia", "member");
    String asAdmin = token(invite(org, "ada", c, "bo@example.test", "admin"));
    String fromMia = token(invite(org, "mia", c, "cy@example.test", "member"));
    // ada is demoted to moderator: her admin invite grants moderator
    assertThat(Fixture.patch(org, "owner", "/api/communities/" + c + "/members")
      .json(new JsonObject().put("targetUserId", "ada").put("role", "moderator")).send().status()).isEqualTo(200);
    assertThat(accept(org, "bo", c, asAdmin).json().getString("role")).isEqualTo("moderator");
    // mia leaves: her invite grants nothing
    assertThat(Fixture.delete(org, "mia", "/api/communities/" + c + "/members")
      .json(new JsonObject().put("targetUserId", "mia")).send().status()).isEqualTo(200);
    Res refused = accept(org, "cy", c, fromMia);
    Fixture.assertError(refused, 403);
    assertThat(refused.errorCode()).isEqualTo("inviter_cannot_invite");
    assertThat(Fixture.get(org, "cy", "/api/communities/" + c).send().json().getString("role")).isNull();
  }

  @Test
  void onlyAVerifiedAddressAcceptsComparedInOneForm() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    String t = token(invite(org, "owner", c, "Zoe@Example.test", "member"));
    // the token's email claim matches, but the account's address is not verified
    Fixture.ACCOUNTS.put(org + "/zoe", new JsonObject().put("exists", true).put("email", "zoe@example.test")
      .put("emailVerified", false));
    Res unverified = accept(org, "zoe", c, t);
    Fixture.assertError(unverified, 403);
    // no account at all
    Fixture.ACCOUNTS.put(org + "/zoe", new JsonObject().put("exists", false));
    Fixture.assertError(accept(org, "zoe", c, t), 403);
    // someone else's verified address
    Fixture.ACCOUNTS.put(org + "/zoe", new JsonObject().put("exists", true).put("email", "other@example.test")
      .put("emailVerified", true));
    Fixture.assertError(accept(org, "zoe", c, t), 403);
    // the same address in another case and with a decomposed letter is one address
    String nfd = "zoe\u0301@example.test";
    String t2 = token(invite(org, "owner", c, "ZO\u00c9@example.test", "member"));
    Fixture.ACCOUNTS.put(org + "/zoe", new JsonObject().put("exists", true).put("email", nfd).put("emailVerified", true));
    assertThat(accept(org, "zoe", c, t2).status()).isEqualTo(200);
    Fixture.ACCOUNTS.remove(org + "/zoe");
  }

  @Test
  void openInvitesAreListedAndWithdrawnByWhoeverMayInvite() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "ada", "admin");
    Fixture.joined(org, c, "owner", "mia", "member");
    Fixture.joined(org, c, "owner", "max", "member");
    String byMia = invite(org, "mia", c, "one@example.test", "member").json().getString("id");
    String byOwner = invite(org, "owner", c, "two@example.test", "member").json().getString("id");
    Res used = invite(org, "owner", c, "used@example.test", "member");
    accept(org, "used", c, used.json().getString("token"));

    JsonArray all = Fixture.get(org, "ada", "/api/communities/" + c + "/invites").send().json().getJsonArray("data");
    assertThat(all).extracting(o -> ((JsonObject) o).getString("id")).containsExactlyInAnyOrder(byMia, byOwner);
    assertThat(all.getJsonObject(0).containsKey("token")).isFalse();
    JsonArray mine = Fixture.get(org, "mia", "/api/communities/" + c + "/invites").send().json().getJsonArray("data");
    assertThat(mine).extracting(o -> ((JsonObject) o).getString("id")).containsExactly(byMia);
    Fixture.assertError(Fixture.get(org, "outsider", "/api/communities/" + c + "/invites").send(), 403);

    // a member withdraws only their own; an admin any
    Fixture.assertError(Fixture.delete(org, "max", "/api/communities/" + c + "/invites/" + byMia).send(), 404);
    assertThat(Fixture.delete(org, "mia", "/api/communities/" + c + "/invites/" + byMia).send().status()).isEqualTo(200);
    Fixture.assertError(Fixture.delete(org, "mia", "/api/communities/" + c + "/invites/" + byMia).send(), 409);
    Res withdrawn = Fixture.delete(org, "ada", "/api/communities/" + c + "/invites/" + byOwner).send();
    assertThat(withdrawn.status()).isEqualTo(200);
    assertThat(Fixture.get(org, "owner", "/api/communities/" + c + "/invites").send().json().getLong("total")).isZero();
    assertThat(Fixture.count("SELECT count(*) FROM platform.events WHERE org = $1 AND type = 'community.invite.revoked'", org))
      .isEqualTo(2);
    assertThat(Fixture.count("SELECT count(*) FROM platform.events WHERE org = $1 AND type = 'community.invite.accepted'", org))
      .isEqualTo(1);
  }
}
