package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.register;

/** Profile events in the event log and audit entries of administrative acts, each in its write's transaction. */
class EventsAndAuditTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject()));
  static TestPlatform p;
  static final String ORG = "default";
  static JsonObject boss;

  @BeforeAll
  static void start() {
    p = platform.get();
    boss = register(p, ORG, "boss", "boss@example.org", "boss password");
  }

  private static List<Row> events(String type) {
    return p.sql("SELECT type, actor, subject, data FROM platform.events WHERE org = $1 AND type = $2 ORDER BY id",
      ORG, type);
  }

  private static long allEvents() {
    return p.sql("SELECT count(*) FROM platform.events WHERE org = $1", ORG).get(0).getLong(0);
  }

  @Test
  void everyProfileWriteAppendsItsEventWithPublicDataOnly() {
    JsonObject kim = register(p, ORG, "kim", "kim@example.org", "kim password");
    String id = kim.getString("userId");
    List<Row> created = events("profile.created");
    assertThat(created).anyMatch(r -> r.getJsonObject("subject").getString("userId").equals(id));

    long before = events("profile.updated").size();
    assertThat(p.patch("/api/me").bearer(kim.getString("token")).json(new JsonObject().put("name", "Kim Lee")).send()
      .status()).isEqualTo(200);
    List<Row> updated = events("profile.updated");
    assertThat(updated).hasSize((int) before + 1);
    Row last = updated.get(updated.size() - 1);
    assertThat(last.getString("actor")).isEqualTo(id);
    assertThat(last.getJsonObject("data").getString("displayName")).isEqualTo("Kim Lee");

    JsonObject lou = register(p, ORG, "lou", "lou@example.org", "lou password");
    assertThat(p.patch("/api/profiles/lou").bearer(kim.getString("token"))
      .json(new JsonObject().put("relationship", "follow")).send().status()).isEqualTo(200);
    Row rel = events("profile.relationship.changed").get(0);
    assertThat(rel.getJsonObject("subject")).isEqualTo(new JsonObject().put("userId", id)
      .put("targetUserId", lou.getString("userId")));
    assertThat(rel.getJsonObject("data").getString("relationship")).isEqualTo("follow");
    // following again changes nothing: no event
    p.patch("/api/profiles/lou").bearer(kim.getString("token")).json(new JsonObject().put("relationship", "follow")).send();
    assertThat(events("profile.relationship.changed")).hasSize(1);

    assertThat(p.put("/api/profiles/kims-club").bearer(kim.getString("token"))
      .json(new JsonObject().put("type", "idp").put("name", "Kim's club")).send().status()).isEqualTo(201);
    Row club = events("community_profile.created").get(0);
    assertThat(club.getJsonObject("subject").getString("idTag")).isEqualTo("kims-club");
    assertThat(club.getJsonObject("data").getString("name")).isEqualTo("Kim's club");

    // no event carries an address or a secret
    for (Row r : p.sql("SELECT data FROM platform.events WHERE org = $1", ORG)) {
      assertThat(r.getJsonObject("data").encode()).doesNotContain("@").doesNotContain("password");
    }
  }

  @Test
  void aRefusedOrRolledBackWriteAppendsNothing() {
    JsonObject ray = register(p, ORG, "ray", "ray@example.org", "ray password");
    long before = allEvents();
    // refused by the rule (400), refused by a conflict inside the transaction (409)
    assertThat(p.patch("/api/me").bearer(ray.getString("token")).json(new JsonObject().put("name", "R")).send().status())
      .isEqualTo(400);
    assertThat(p.post("/api/profiles/register").org(ORG).json(new JsonObject().put("type", "idp").put("idTag", "ray")
      .put("email", "ray.again@example.org")).send().status()).isEqualTo(409);
    assertThat(p.put("/api/profiles/ray").bearer(ray.getString("token")).json(new JsonObject().put("type", "idp"))
      .send().status()).isEqualTo(409);
    // x with too many extra fields fails after the row was locked in the transaction
    JsonObject x = new JsonObject();
    for (int i = 0; i < 30; i++) {
      x.put("k" + i, i);
    }
    assertThat(p.patch("/api/me").bearer(ray.getString("token")).json(new JsonObject().put("name", "Ray Two").put("x", x))
      .send().status()).isEqualTo(400);
    assertThat(allEvents()).isEqualTo(before);
    assertThat(p.sql("SELECT name FROM profiles.users WHERE org = $1 AND id_tag = 'ray'", ORG).get(0).getString(0))
      .isEqualTo("Ray");
  }

  @Test
  void adminChangesAndRegistrationTokensAreAudited() {
    register(p, ORG, "sam", "sam@example.org", "sam password");
    Res changed = p.patch("/api/admin/profiles/sam").bearer(boss.getString("token"))
      .json(new JsonObject().put("name", "Samuel").put("status", "suspended")).send();
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    List<Row> entries = p.sql("SELECT actor, action, target_type, before, after, req_id FROM platform.audit_log "
      + "WHERE org = $1 AND action = 'profile.admin_updated'", ORG);
    assertThat(entries).hasSize(1);
    Row e = entries.get(0);
    assertThat(e.getString("actor")).isEqualTo(boss.getString("userId"));
    assertThat(e.getJsonObject("before")).isEqualTo(new JsonObject().put("name", "Sam").put("status", "active"));
    assertThat(e.getJsonObject("after")).isEqualTo(new JsonObject().put("name", "Samuel").put("status", "suspended"));
    assertThat(e.getString("req_id")).isEqualTo(changed.header("x-request-id"));

    Res token = p.post("/api/admin/registration-tokens").bearer(boss.getString("token"))
      .json(new JsonObject().put("note", "for the new team")).send();
    assertThat(token.status()).isEqualTo(201);
    String tokenId = token.json().getJsonObject("data").getString("id");
    String secret = token.json().getJsonObject("data").getString("token");
    Res revoked = p.delete("/api/admin/registration-tokens/" + tokenId).bearer(boss.getString("token")).send();
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json().getJsonObject("data").getString("revokedAt")).isNotNull();
    assertThat(p.delete("/api/admin/registration-tokens/" + tokenId).bearer(boss.getString("token")).send().status())
      .isEqualTo(409);
    List<Row> tokenEntries = p.sql("SELECT action, target_id, before, after FROM platform.audit_log WHERE org = $1 "
      + "AND target_type = 'registration_token' ORDER BY seq", ORG);
    assertThat(tokenEntries).extracting(r -> r.getString("action"))
      .containsExactly("registration_token.created", "registration_token.revoked");
    assertThat(tokenEntries).allMatch(r -> r.getString("target_id").equals(tokenId));
    for (Row r : tokenEntries) {
      assertThat(String.valueOf(r.getJsonObject("after"))).doesNotContain(secret);
    }
    // a plain user cannot revoke
    JsonObject plain = register(p, ORG, "tess", "tess@example.org", "tess password");
    assertThat(p.delete("/api/admin/registration-tokens/" + tokenId).bearer(plain.getString("token")).send().status())
      .isEqualTo(403);
    // the refused revocation wrote nothing
    assertThat(p.sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", ORG).get(0).getLong(0)).isEqualTo(3);
  }
}
