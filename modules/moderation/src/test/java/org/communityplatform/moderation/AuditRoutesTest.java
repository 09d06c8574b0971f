package org.communityplatform.moderation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Req;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/admin/audit (filters, keyset cursor) and GET /api/admin/audit/verify over a real chain. */
class AuditRoutesTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  private static String admin(String org) {
    return p.get().token("boss", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org));
  }

  private static Req get(String org, String path) {
    return p.get().get(path).org(org).bearer(admin(org));
  }

  /** Appends entries through the core audit log, one transaction each; gives their recorded times. */
  private static List<Instant> seed(String org, AuditEntry... entries) {
    AuditLog log = new AuditLog(p.get().clock());
    List<Instant> times = new ArrayList<>();
    for (AuditEntry e : entries) {
      JsonObject written = TestPlatform.await(p.get().pool().withTransaction(conn -> log.append(conn, e)));
      times.add(Instant.parse(written.getString("at")));
    }
    assertThat(times).isSorted().doesNotHaveDuplicates();
    return times;
  }

  private static List<Long> seqs(Res r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<Long> seqs = new ArrayList<>();
    r.json().getJsonArray("data").forEach(e -> seqs.add(((JsonObject) e).getLong("seq")));
    return seqs;
  }

  private static List<Instant> world(String org) {
    return seed(org,
      AuditEntry.of(org, "community.member.banned").actor("u1").target("user", "x").scope("c1").after(new JsonObject().put("banned", true)),
      AuditEntry.of(org, "community.member.muted").actor("u1").target("user", "y").scope("c1"),
      AuditEntry.of(org, "report.resolved").actor("u2").target("post", "p1").scope("c1").after(new JsonObject().put("action", "dismiss")),
      AuditEntry.of(org, "page.member.banned").actor("u2").target("user", "z").scope("g1"),
      AuditEntry.of(org, "api_token.created").actor("api-token:" + org).target("api_token", "t1"));
  }

  @Test
  void entriesAreFilteredByActorActionTargetAndTimeNewestFirst() {
    String org = Calls.org();
    List<Instant> at = world(org);
    assertThat(seqs(get(org, "/api/admin/audit").send())).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(seqs(get(org, "/api/admin/audit").query("actor", "u1").send())).containsExactly(2L, 1L);
    assertThat(seqs(get(org, "/api/admin/audit").query("action", "community.member.*").send())).containsExactly(2L, 1L);
    assertThat(seqs(get(org, "/api/admin/audit").query("action", "community.*").send())).containsExactly(2L, 1L);
    assertThat(seqs(get(org, "/api/admin/audit").query("action", "page.member.banned").send())).containsExactly(4L);
    assertThat(seqs(get(org, "/api/admin/audit").query("action", "page.member").send())).isEmpty();
    assertThat(seqs(get(org, "/api/admin/audit").query("targetType", "user").send())).containsExactly(4L, 2L, 1L);
    assertThat(seqs(get(org, "/api/admin/audit").query("targetType", "user").query("targetId", "y").send()))
      .containsExactly(2L);
    assertThat(seqs(get(org, "/api/admin/audit").query("from", at.get(1).toString()).query("to", at.get(3).toString()).send()))
      .containsExactly(3L, 2L);
    assertThat(seqs(get(Calls.org(), "/api/admin/audit").send())).isEmpty();

    JsonObject third = get(org, "/api/admin/audit").query("action", "report.resolved").send().json()
      .getJsonArray("data").getJsonObject(0);
    assertThat(third.getString("actor")).isEqualTo("u2");
    assertThat(third.getString("actorType")).isEqualTo("user");
    assertThat(third.getString("targetId")).isEqualTo("p1");
    assertThat(third.getString("scopeId")).isEqualTo("c1");
    assertThat(third.getJsonObject("after")).isEqualTo(new JsonObject().put("action", "dismiss"));
    assertThat(third.getString("hash")).hasSize(64);
    assertThat(third.getString("prevHash")).hasSize(64);

    Res bad = get(org, "/api/admin/audit").query("from", "yesterday").send();
    Calls.assertError(bad, 400);
    Calls.assertError(get(org, "/api/admin/audit").query("action", "community.*.banned").send(), 400);
  }

  @Test
  void aKeysetCursorWalksTheWholeLogOnce() {
    String org = Calls.org();
    world(org);
    List<Long> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Req req = get(org, "/api/admin/audit").query("limit", "2");
      if (cursor != null) {
        req.query("cursor", cursor);
      }
      Res r = req.send();
      all.addAll(seqs(r));
      cursor = r.json().getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(all).containsExactly(5L, 4L, 3L, 2L, 1L);
    Res bad = get(org, "/api/admin/audit").query("cursor", "AAAA").send();
    assertThat(Calls.assertError(bad, 400).errorCode()).isEqualTo("invalid_cursor");
  }

  @Test
  void verifyAnswersTheHeadAndNamesTheFirstEntryChangedInTheDatabase() {
    String org = Calls.org();
    String bystander = Calls.org();
    world(org);
    world(bystander);
    Res ok = get(org, "/api/admin/audit/verify").send();
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.json().getBoolean("ok")).isTrue();
    assertThat(ok.json().getLong("count")).isEqualTo(5);
    String head = p.get().sql("SELECT hash FROM platform.audit_log WHERE org = $1 AND seq = 5", org).get(0).getString(0);
    assertThat(ok.json().getString("headHash")).isEqualTo(head);
    Res empty = get(Calls.org(), "/api/admin/audit/verify").send();
    assertThat(empty.json()).isEqualTo(new JsonObject().put("ok", true).put("count", 0).putNull("headHash"));

    // someone with database access quietly changes what entry 3 recorded
    p.get().sql("UPDATE platform.audit_log SET after = '{\"action\": \"ban\"}'::jsonb WHERE org = $1 AND seq = 3", org);
    JsonObject broken = get(org, "/api/admin/audit/verify").send().json();
    assertThat(broken.getBoolean("ok")).isFalse();
    assertThat(broken.getLong("brokenAt")).isEqualTo(3);
    assertThat(broken.getLong("count")).isEqualTo(2);
    assertThat(broken.getString("reason")).isNotBlank();
    assertThat(broken.getJsonObject("entry").getLong("seq")).isEqualTo(3);
    assertThat(broken.getJsonObject("entry").getJsonObject("after")).isEqualTo(new JsonObject().put("action", "ban"));

    assertThat(get(bystander, "/api/admin/audit/verify").send().json().getBoolean("ok")).isTrue();

    // a removed entry is named too
    p.get().sql("DELETE FROM platform.audit_log WHERE org = $1 AND seq = 2", bystander);
    JsonObject gap = get(bystander, "/api/admin/audit/verify").send().json();
    assertThat(gap.getLong("brokenAt")).isEqualTo(2);
    assertThat(gap.getValue("entry")).isNull();
  }

  @Test
  void anOrganisationApiTokenReadsItsOwnOrganisationOnly() {
    String org = Calls.org();
    Res created = p.get().post("/api/admin/api-tokens").org(org).bearer(admin(org)).json(new JsonObject().put("name", "siem")).send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String token = created.json().getString("token");
    world(org);
    world(Calls.org());
    // the token's own creation may be audited too: count what the database holds
    long entries = p.get().sql("SELECT count(*) FROM platform.audit_log WHERE org = $1", org).get(0).getLong(0);
    Res mine = p.get().get("/api/admin/audit").header("x-api-token", token).send();
    assertThat(seqs(mine)).hasSize((int) entries);
    Res elsewhere = p.get().get("/api/admin/audit").org(Calls.org()).header("x-api-token", token).send();
    assertThat(Calls.assertError(elsewhere, 403).errorCode()).isEqualTo("org_mismatch");
    Res verify = p.get().get("/api/admin/audit/verify").header("x-api-token", token).send();
    assertThat(verify.json().getLong("count")).isEqualTo(entries);
  }
}
