package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.eventually;
import static org.communityplatform.pages.PagesTestSupport.field;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/**
 * Issue 10 for pages: an email address is trusted only once verified (the squatter scenario, before
 * and after the invitation), and invitations have a lifecycle (list, revoke, accept retires the
 * others, removal retires them, the inviter's current right caps what an invitation grants).
 */
class InvitationLifecycleTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  private static Res invite(String org, String pageId, String inviter, String email, String role) {
    JsonObject body = new JsonObject().put("email", email);
    if (role != null) {
      body.put("role", role);
    }
    return p.post(PAGES + "/" + pageId + "/invite").org(org).bearer(token(p, org, inviter)).json(body).send();
  }

  private static Res accept(String org, String pageId, String inviteId, String user) {
    return p.post(PAGES + "/" + pageId + "/invitations/" + inviteId + "/accept").org(org).bearer(token(p, org, user)).send();
  }

  private static Res posts(String org, String pageId, String user) {
    return p.get(PAGES + "/" + pageId + "/posts").org(org).bearer(p.token(user, new JsonObject().put("org", org).put("email",
      "invitee@example.org"))).send();
  }

  @Test
  void aSquatterWhoNeverVerifiesNeverBecomesAMemberNorReadsPrivatePostsBeforeOrAfterTheInvite() {
    String org = "squat";
    String id = create(p, org, "owner", page("Secret Garden").put("visibility", "private")).getString("id");
    assertThat(p.post(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, "owner"))
      .json(new JsonObject().put("body", "members only")).send().status()).isEqualTo(201);
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      // the squatter registered BEFORE the invitation, with the invitee's address, unverified
      accounts.registered(org, "early-squatter", "invitee@example.org");
      p.platform().vertx().eventBus().publish("events.profiles.user.created", new JsonObject().put("org", org)
        .put("userId", "early-squatter").put("email", "invitee@example.org"));
      Res inv = invite(org, id, "owner", "Invitee@Example.org", null);
      assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
      String inviteId = inv.json().getString("id");
      // ... and one registers AFTER it
      accounts.registered(org, "late-squatter", "INVITEE@example.org");
      p.platform().vertx().eventBus().publish("events.profiles.user.created", new JsonObject().put("org", org)
        .put("userId", "late-squatter").put("email", "invitee@example.org"));

      for (String squatter : new String[] {"early-squatter", "late-squatter"}) {
        // their tokens even claim the address: it changes nothing
        assertThat(p.post(PAGES + "/" + id + "/join").org(org).bearer(p.token(squatter, new JsonObject().put("org", org)
          .put("email", "invitee@example.org"))).send().errorCode()).isEqualTo("invitation_required");
        Res a = accept(org, id, inviteId, squatter);
        assertError(a, 403);
        assertThat(a.errorCode()).isEqualTo("email_not_verified");
        assertThat(p.get(PAGES + "/invitations/mine").org(org).bearer(token(p, org, squatter)).send().json().getLong("total")).isZero();
        assertError(posts(org, id, squatter), 404);
        assertError(p.get(PAGES + "/" + id).org(org).bearer(token(p, org, squatter)).send(), 404);
      }
      assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(1);

      // the true owner of the address verifies it and accepts
      accounts.verify(org, "true-owner", "invitee@example.org");
      eventually(() -> assertThat(p.get(PAGES + "/invitations/mine").org(org).bearer(token(p, org, "true-owner")).send().json()
        .getLong("total")).isEqualTo(1));
      assertThat(accept(org, id, inviteId, "true-owner").status()).isEqualTo(201);
      assertThat(posts(org, id, "true-owner").json().getLong("total")).isEqualTo(1);
      // the squatters still cannot read
      assertError(posts(org, id, "early-squatter"), 404);
    }
  }

  @Test
  void openInvitationsAreListedAndRevokedByWhoeverMayInvite() {
    String org = "lifecycle";
    String id = create(p, org, "owner", page("Lifecycle")).getString("id");
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "admin")).send();
    p.patch(PAGES + "/" + id + "/members/admin").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "admin")).send();
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "member")).send();
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "other")).send();
    String byOwner = invite(org, id, "owner", "a@example.org", null).json().getString("id");
    String byMember = invite(org, id, "member", "b@example.org", null).json().getString("id");
    String path = PAGES + "/" + id + "/invitations";

    JsonObject all = p.get(path).org(org).bearer(token(p, org, "admin")).send().json();
    assertThat(field(all.getJsonArray("data"), "id")).containsExactly(byOwner, byMember);
    assertThat(field(all.getJsonArray("data"), "email")).containsExactly("a@example.org", "b@example.org");
    // a plain member sees the invitations they sent, an outsider none
    assertThat(field(p.get(path).org(org).bearer(token(p, org, "member")).send().json().getJsonArray("data"), "id"))
      .containsExactly(byMember);
    assertError(p.get(path).org(org).bearer(token(p, org, "outsider")).send(), 403);
    assertError(p.get(path).org(org).send(), 401);

    // revoke: not by another plain member, by the inviter or a manager
    assertError(p.delete(path + "/" + byMember).org(org).bearer(token(p, org, "other")).send(), 403);
    Res revoked = p.delete(path + "/" + byMember).org(org).bearer(token(p, org, "member")).send();
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json().getString("status")).isEqualTo("revoked");
    assertThat(p.delete(path + "/" + byMember).org(org).bearer(token(p, org, "owner")).send().errorCode()).isEqualTo("invitation_closed");
    assertThat(p.delete(path + "/" + byOwner).org(org).bearer(token(p, org, "admin")).send().status()).isEqualTo(200);
    assertThat(p.get(path).org(org).bearer(token(p, org, "owner")).send().json().getLong("total")).isZero();
    assertError(p.delete(path + "/" + java.util.UUID.randomUUID()).org(org).bearer(token(p, org, "owner")).send(), 404);
    // a revoked invitation cannot be accepted
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "bee", "b@example.org");
      assertThat(accept(org, id, byMember, "bee").errorCode()).isEqualTo("invitation_closed");
    }
    // audit: the revocations, scoped to the page
    assertThat(p.sql("SELECT count(*) FROM platform.audit_log WHERE org = $1 AND action = 'page.invite.revoked' AND scope_id = $2",
      org, id).get(0).getLong(0)).isEqualTo(2);
  }

  @Test
  void acceptingRetiresTheOtherInvitationsAndRemovalRetiresThemToo() {
    String org = "retire";
    String id = create(p, org, "owner", page("Retire").put("visibility", "private")).getString("id");
    String adminInvite = invite(org, id, "owner", "dora@example.org", "admin").json().getString("id");
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "dora", "dora@example.org");
      // a second invitation to the same address cannot exist while one is open
      assertThat(invite(org, id, "owner", "DORA@example.org", null).status()).isEqualTo(200);
      Res ok = accept(org, id, adminInvite, "dora");
      assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
      assertThat(ok.json().getString("role")).isEqualTo("admin");
      // demoted; a new invitation to her address while she is a member does not promote her again
      p.patch(PAGES + "/" + id + "/members/dora").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("role", "member")).send();
      String again = invite(org, id, "owner", "dora@example.org", "admin").json().getString("id");
      Res used = accept(org, id, again, "dora");
      assertThat(used.status()).isEqualTo(200);
      assertThat(used.json().getString("role")).isEqualTo("member");

      // removed: open invitations to her address are retired, she cannot come back with them
      String spare = invite(org, id, "owner", "dora@example.org", null).json().getString("id");
      assertThat(p.delete(PAGES + "/" + id + "/members/dora").org(org).bearer(token(p, org, "owner")).send().status()).isEqualTo(200);
      assertThat(p.sql("SELECT status FROM pages.invitations WHERE id = $1::uuid", spare).get(0).getString(0)).isEqualTo("retired");
      assertThat(accept(org, id, spare, "dora").errorCode()).isEqualTo("invitation_closed");
      assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid AND user_id = 'dora'", id).get(0).getLong(0))
        .isZero();
    }
  }

  @Test
  void anInvitationGrantsNoMoreThanItsInviterMayGrantNowAndNothingOnceTheyLeft() {
    String org = "capped";
    String id = create(p, org, "olga", page("Capped")).getString("id");
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "pete")).send();
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "mia")).send();
    assertError(invite(org, id, "mia", "x@example.org", "admin"), 403);
    String asAdmin = invite(org, id, "olga", "ann@example.org", "admin").json().getString("id");
    String byMia = invite(org, id, "mia", "ben@example.org", null).json().getString("id");
    // olga hands the page to pete: she is an admin now and may no longer grant admin
    assertThat(p.post(PAGES + "/" + id + "/transfer").org(org).bearer(token(p, org, "olga"))
      .json(new JsonObject().put("userId", "pete")).send().status()).isEqualTo(200);
    // mia leaves: her invitation grants nothing
    p.post(PAGES + "/" + id + "/leave").org(org).bearer(token(p, org, "mia")).send();
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "ann", "ann@example.org");
      accounts.verify(org, "ben", "ben@example.org");
      Res ann = accept(org, id, asAdmin, "ann");
      assertThat(ann.status()).as(ann.toString()).isEqualTo(201);
      assertThat(ann.json().getString("role")).isEqualTo("member");
      Res ben = accept(org, id, byMia, "ben");
      assertError(ben, 409);
      assertThat(ben.errorCode()).isEqualTo("invitation_void");
      assertThat(p.sql("SELECT status FROM pages.invitations WHERE id = $1::uuid", byMia).get(0).getString(0)).isEqualTo("retired");
      assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid AND user_id = 'ben'", id).get(0).getLong(0))
        .isZero();
    }
  }

  @Test
  void declineClosesTheInvitationAndMineNeedsTheProfilesModuleOrAnAttachment() {
    String org = "decline";
    String id = create(p, org, "owner", page("Decline")).getString("id");
    String inviteId = invite(org, id, "owner", "dan@example.org", null).json().getString("id");
    // without profiles.account: mine is empty, accept cannot check the address (503)
    assertThat(p.get(PAGES + "/invitations/mine").org(org).bearer(token(p, org, "dan")).send().json().getLong("total")).isZero();
    assertError(accept(org, id, inviteId, "dan"), 503);
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "dan", "dan@example.org");
      Res d = p.post(PAGES + "/" + id + "/invitations/" + inviteId + "/decline").org(org).bearer(token(p, org, "dan")).send();
      assertThat(d.status()).as(d.toString()).isEqualTo(200);
      assertThat(d.json().getString("status")).isEqualTo("declined");
      assertThat(accept(org, id, inviteId, "dan").errorCode()).isEqualTo("invitation_closed");
    }
  }
}
