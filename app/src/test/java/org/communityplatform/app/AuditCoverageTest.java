package org.communityplatform.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Req;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, "Audit log": walks the issue's list of administrative acts (role changes, removals, bans,
 * mutes, report resolutions, community/page/group settings changes and deletions, API and registration
 * token creation and revocation, webhook changes, admin profile updates) plus invites sent and revoked,
 * does each once through the HTTP API with every module deployed, and checks that each left its audit
 * entry (with actor and target), that no entry holds a secret handed out (tokens, webhook secrets) or an
 * address, and that the organisation's chain verifies.
 */
class AuditCoverageTest {

  private static final String ORG = "audit-" + UUID.randomUUID().toString().substring(0, 8);

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("modules", new JsonObject()
    .put("profiles", new JsonObject().put("bcryptCost", 4).put("firstAdmin", "boss").put("firstAdminOrg", ORG))
    .put("events", new JsonObject().put("webhooks", new JsonObject().put("allowPrivateTargets", true)))
    .put("communities", new JsonObject().put("passwordHashIterations", 1000))));

  private static String token(String user) {
    return p.get().token(user, new JsonObject().put("email", user + "@example.org").put("org", ORG));
  }

  private static Req as(Req r, String user) {
    return r.org(ORG).bearer(token(user));
  }

  private static Res ok(Res r, int... status) {
    assertThat(r.status()).as(r.toString()).isIn(java.util.Arrays.stream(status).boxed().toArray());
    return r;
  }

  @Test
  void everyAdministrativeActOfTheIssueLeavesAnAuditEntryWithoutSecrets() {
    TestPlatform t = p.get();
    String orgAdmin = t.token("org-admin", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", ORG));
    List<String> secrets = new ArrayList<>();
    // action -> what was done to trigger it (for the failure message)
    Map<String, String> expected = new LinkedHashMap<>();

    // ---- a community: settings, roles, removal, bans, mutes, invites, a report resolved, deletion
    String c = ok(as(t.post("/api/communities"), "owner").json(new JsonObject().put("name", "Audited")).send(), 201)
      .json().getString("id");
    for (String u : List.of("mod", "ann", "bob", "cat", "dan", "rep")) {
      ok(as(t.post("/api/v4/communities/" + c + "/join"), u).send(), 200);
    }
    ok(as(t.patch("/api/communities/" + c), "owner").json(new JsonObject().put("description", "now with rules")).send(), 200);
    expected.put("community.updated", "PATCH /api/communities/{id}");
    ok(as(t.patch("/api/communities/" + c + "/members"), "owner")
      .json(new JsonObject().put("targetUserId", "mod").put("role", "moderator")).send(), 200);
    expected.put("community.member.role_changed", "PATCH /api/communities/{id}/members");
    ok(as(t.delete("/api/communities/" + c + "/members"), "owner").query("targetUserId", "ann").send(), 200, 204);
    expected.put("community.member.removed", "DELETE /api/communities/{id}/members");
    ok(as(t.post("/api/communities/" + c + "/bans"), "mod").json(new JsonObject().put("targetUserId", "bob")
      .put("reason", "spam")).send(), 201);
    expected.put("community.member.banned", "POST /api/communities/{id}/bans");
    ok(as(t.delete("/api/communities/" + c + "/bans/bob"), "mod").send(), 200);
    expected.put("community.member.unbanned", "DELETE /api/communities/{id}/bans/{userId}");
    ok(as(t.post("/api/communities/" + c + "/mutes"), "mod").json(new JsonObject().put("targetUserId", "cat")
      .put("reason", "shouting")).send(), 201);
    expected.put("community.member.muted", "POST /api/communities/{id}/mutes");
    ok(as(t.delete("/api/communities/" + c + "/mutes/cat"), "mod").send(), 200);
    expected.put("community.member.unmuted", "DELETE /api/communities/{id}/mutes/{userId}");
    Res invite = ok(as(t.post("/api/communities/" + c + "/invite"), "owner")
      .json(new JsonObject().put("email", "newcomer@example.org")).send(), 201);
    secrets.add(invite.json().getString("token"));
    expected.put("community.invite.sent", "POST /api/communities/{id}/invite");
    ok(as(t.delete("/api/communities/" + c + "/invites/" + invite.json().getString("id")), "owner").send(), 200);
    expected.put("community.invite.revoked", "DELETE /api/communities/{id}/invites/{inviteId}");
    String post = ok(as(t.post("/api/posts"), "dan").json(new JsonObject().put("communityId", c)
      .put("content", "buy now")).send(), 201).json().getString("id");
    String report = ok(as(t.post("/api/reports"), "rep").json(new JsonObject().put("targetType", "post")
      .put("targetId", post).put("reason", "spam")).send(), 201).json().getString("id");
    ok(as(t.post("/api/reports/" + report + "/resolve"), "mod").json(new JsonObject().put("action", "remove_content")).send(), 200);
    expected.put("report.resolved", "POST /api/reports/{id}/resolve");
    expected.put("community.post.removed", "the resolution's remove_content");

    // ---- a group: settings change and deletion
    String g = ok(as(t.post("/api/groups"), "owner").json(new JsonObject().put("communityId", c).put("name", "Crew")).send(), 201)
      .json().getString("id");
    ok(as(t.patch("/api/groups/" + g), "owner").json(new JsonObject().put("description", "the crew")).send(), 200);
    expected.put("group.updated", "PATCH /api/groups/{id}");
    ok(as(t.delete("/api/groups/" + g), "owner").send(), 200, 204);
    expected.put("group.deleted", "DELETE /api/groups/{id}");
    ok(as(t.delete("/api/communities/" + c), "owner").send(), 200, 204);
    expected.put("community.deleted", "DELETE /api/communities/{id}");

    // ---- a page: settings, roles, removal, bans, mutes, invites, deletion
    String pages = "/client/community/pages";
    String pg = ok(as(t.post(pages), "powner").json(new JsonObject().put("name", "Audited page").put("type", "community")
      .put("category", "design")).send(), 201).json().getString("id");
    for (String u : List.of("padmin", "pm1", "pm2", "pm3")) {
      ok(as(t.post(pages + "/" + pg + "/join"), u).send(), 200, 201);
    }
    ok(as(t.patch(pages + "/" + pg), "powner").json(new JsonObject().put("description", "updated")).send(), 200);
    expected.put("page.updated", "PATCH /client/community/pages/{id}");
    ok(as(t.patch(pages + "/" + pg + "/members/padmin"), "powner").json(new JsonObject().put("role", "admin")).send(), 200);
    expected.put("page.member.role_changed", "PATCH /client/community/pages/{id}/members/{userId}");
    ok(as(t.delete(pages + "/" + pg + "/members/pm1"), "padmin").send(), 200, 204);
    expected.put("page.member.removed", "DELETE /client/community/pages/{id}/members/{userId}");
    JsonObject because = new JsonObject().put("reason", "because");
    ok(as(t.post(pages + "/" + pg + "/bans"), "padmin").json(because.copy().put("targetUserId", "pm2")).send(), 201);
    expected.put("page.member.banned", "POST /client/community/pages/{id}/bans");
    ok(as(t.delete(pages + "/" + pg + "/bans/pm2"), "padmin").send(), 200);
    expected.put("page.member.unbanned", "DELETE /client/community/pages/{id}/bans/{userId}");
    ok(as(t.post(pages + "/" + pg + "/mutes"), "padmin").json(because.copy().put("targetUserId", "pm3")).send(), 201);
    expected.put("page.member.muted", "POST /client/community/pages/{id}/mutes");
    ok(as(t.delete(pages + "/" + pg + "/mutes/pm3"), "padmin").send(), 200);
    expected.put("page.member.unmuted", "DELETE /client/community/pages/{id}/mutes/{userId}");
    Res pageInvite = ok(as(t.post(pages + "/" + pg + "/invite"), "powner")
      .json(new JsonObject().put("email", "guest@example.org")).send(), 201);
    expected.put("page.invite.sent", "POST /client/community/pages/{id}/invite");
    ok(as(t.delete(pages + "/" + pg + "/invitations/" + pageInvite.json().getString("id")), "powner").send(), 200);
    expected.put("page.invite.revoked", "DELETE /client/community/pages/{id}/invitations/{inviteId}");
    ok(as(t.delete(pages + "/" + pg), "powner").send(), 200, 204);
    expected.put("page.deleted", "DELETE /client/community/pages/{id}");

    // ---- organisation API tokens
    Res apiToken = ok(t.post("/api/admin/api-tokens").org(ORG).bearer(orgAdmin)
      .json(new JsonObject().put("name", "ci")).send(), 201);
    secrets.add(apiToken.json().getString("token"));
    ok(t.delete("/api/admin/api-tokens/" + apiToken.json().getString("id")).org(ORG).bearer(orgAdmin).send(), 200, 204);
    expected.put("api_token.created", "POST /api/admin/api-tokens");
    expected.put("api_token.revoked", "DELETE /api/admin/api-tokens/{id}");

    // ---- webhooks
    Res hook = ok(t.post("/api/webhooks").org(ORG).bearer(orgAdmin).json(new JsonObject().put("url", "http://127.0.0.1:9/hook")
      .put("events", new JsonArray().add("community.*"))).send(), 201);
    String hookId = hook.json().getString("id");
    secrets.add(hook.json().getString("secret"));
    ok(t.patch("/api/webhooks/" + hookId).org(ORG).bearer(orgAdmin).json(new JsonObject().put("description", "ci hook")).send(), 200);
    Res rotated = ok(t.post("/api/webhooks/" + hookId + "/rotate-secret").org(ORG).bearer(orgAdmin).send(), 200);
    secrets.add(rotated.json().getString("secret"));
    ok(t.delete("/api/webhooks/" + hookId).org(ORG).bearer(orgAdmin).send(), 200, 204);
    expected.put("webhook.create", "POST /api/webhooks");
    expected.put("webhook.update", "PATCH /api/webhooks/{id}");
    expected.put("webhook.rotate_secret", "POST /api/webhooks/{id}/rotate-secret");
    expected.put("webhook.delete", "DELETE /api/webhooks/{id}");

    // ---- registration tokens and admin profile updates (profiles' admins are recorded accounts)
    String boss = ok(t.post("/api/profiles/register").org(ORG).json(new JsonObject().put("type", "idp").put("idTag", "boss")
      .put("email", "boss@example.org").put("token", "x").put("password", "pw-boss-1234")).send(), 201)
      .json().getJsonObject("data").getString("token");
    ok(t.post("/api/profiles/register").org(ORG).json(new JsonObject().put("type", "idp").put("idTag", "sam")
      .put("email", "sam@example.org").put("token", "x").put("password", "pw-sam-12345")).send(), 201);
    Res reg = ok(t.post("/api/admin/registration-tokens").org(ORG).bearer(boss).json(new JsonObject().put("note", "team")).send(), 201);
    JsonObject regData = reg.json().containsKey("data") ? reg.json().getJsonObject("data") : reg.json();
    secrets.add(regData.getString("token"));
    ok(t.delete("/api/admin/registration-tokens/" + regData.getString("id")).org(ORG).bearer(boss).send(), 200, 204);
    expected.put("registration_token.created", "POST /api/admin/registration-tokens");
    expected.put("registration_token.revoked", "DELETE /api/admin/registration-tokens/{id}");
    ok(t.patch("/api/admin/profiles/sam").org(ORG).bearer(boss).json(new JsonObject().put("name", "Samuel")).send(), 200);
    expected.put("profile.admin_updated", "PATCH /api/admin/profiles/{idTag}");

    // ---- every act is in the organisation's audit log, with its actor and target, and nothing secret
    List<Row> rows = t.sql("SELECT action, actor, target_type, target_id, coalesce(before::text, ''), "
      + "coalesce(after::text, '') FROM platform.audit_log WHERE org = $1 ORDER BY seq", ORG);
    List<String> actions = rows.stream().map(r -> r.getString(0)).toList();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(actions).as("audit entry '%s' after %s", e.getKey(), e.getValue()).contains(e.getKey());
    }
    for (Row r : rows) {
      assertThat(r.getString(1)).as("actor of %s", r.getString(0)).isNotBlank();
      assertThat(r.getString(2)).as("target of %s", r.getString(0)).isNotBlank();
      String recorded = r.getString(4) + r.getString(5);
      assertThat(recorded).as("before/after of %s", r.getString(0)).doesNotContain("@");
      for (String secret : secrets) {
        assertThat(secret).isNotBlank();
        assertThat(recorded).as("before/after of %s", r.getString(0)).doesNotContain(secret);
      }
    }
    JsonObject verify = ok(t.get("/api/admin/audit/verify").org(ORG).bearer(orgAdmin).send(), 200).json();
    assertThat(verify.getBoolean("ok")).as(verify.encode()).isTrue();
    assertThat(verify.getLong("count")).isEqualTo(rows.size());
  }
}
