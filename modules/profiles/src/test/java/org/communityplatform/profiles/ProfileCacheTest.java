package org.communityplatform.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.data;
import static org.communityplatform.profiles.Fixtures.register;

/**
 * The in-memory profile projections behind {@code profiles.lookup} (ProfileCache): a change made
 * through the API is seen by the next lookup at once; a change written by anyone else on the
 * database (another node, another process: here plain SQL) is seen once PostgreSQL's notification of
 * its commit arrives; the viewer-dependent parts (email, org admin) are decided per lookup.
 */
class ProfileCacheTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject()));
  static TestPlatform p;

  @BeforeAll
  static void start() {
    p = platform.get();
  }

  static JsonObject lookup(String org, JsonArray ids, String viewer) {
    JsonObject msg = new JsonObject().put("org", org).put("ids", ids);
    if (viewer != null) {
      msg.put("withEmail", true).put("viewerId", viewer);
    }
    return TestPlatform.await(p.platform().vertx().eventBus().<JsonObject>request("profiles.lookup", msg)).body()
      .getJsonObject("profiles");
  }

  /** Asks until the answer satisfies {@code ok} (a notification travels asynchronously), at most 10 s. */
  static JsonObject lookupUntil(String org, JsonArray ids, String viewer, Predicate<JsonObject> ok) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    JsonObject last = lookup(org, ids, viewer);
    while (!ok.test(last) && System.nanoTime() < end) {
      Thread.sleep(20);
      last = lookup(org, ids, viewer);
    }
    return last;
  }

  @Test
  void aChangeThroughTheApiIsSeenByTheNextLookup() {
    String org = "cache-api";
    JsonObject s = register(p, org, "nora", "nora@example.org", "pw-nora-123");
    String id = s.getString("userId");
    JsonArray ids = new JsonArray().add(id);
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("displayName")).isEqualTo("Nora");
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("displayName")).isEqualTo("Nora");

    data(p.patch("/api/me").bearer(s.getString("token")).json(new JsonObject().put("name", "Nora Quist")).send(), 200);
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("displayName")).isEqualTo("Nora Quist");
  }

  @Test
  void aChangeWrittenElsewhereReachesTheCacheThroughTheDatabase() throws InterruptedException {
    String org = "cache-sql";
    String id = register(p, org, "otto", "otto@example.org", "pw-otto-123").getString("userId");
    JsonArray ids = new JsonArray().add(id);
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("company")).isNull();

    // written as another node or process would: no bus message, only the row and its commit
    p.sql("UPDATE profiles.users SET company = 'Acme' WHERE org = $1 AND id = $2", org, id);
    JsonObject after = lookupUntil(org, ids, null, r -> "Acme".equals(r.getJsonObject(id).getString("company")));
    assertThat(after.getJsonObject(id).getString("company")).isEqualTo("Acme");

    p.sql("DELETE FROM profiles.users WHERE org = $1 AND id = $2", org, id);
    assertThat(lookupUntil(org, ids, null, r -> !r.containsKey(id)).containsKey(id)).isFalse();
  }

  @Test
  void aCachedEntryIsDroppedOnlyByTheNotificationOfACommit() throws InterruptedException {
    String org = "cache-proof";
    String id = register(p, org, "pia", "pia@example.org", "pw-pia-123").getString("userId");
    JsonArray ids = new JsonArray().add(id);
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("city")).isNull();
    // replica mode fires no trigger, so no notification: the lookup keeps answering from memory
    p.sql("DO $$ BEGIN SET LOCAL session_replication_role = replica; "
      + "UPDATE profiles.users SET city = 'Basel' WHERE org = 'cache-proof'; END $$");
    assertThat(lookup(org, ids, null).getJsonObject(id).getString("city")).isNull();
    // any notified change of the row drops it, and the next lookup reads the row as it is
    p.sql("UPDATE profiles.users SET country = 'CH' WHERE org = $1 AND id = $2", org, id);
    JsonObject after = lookupUntil(org, ids, null, r -> "CH".equals(r.getJsonObject(id).getString("country")));
    assertThat(after.getJsonObject(id).getString("city")).isEqualTo("Basel");
  }

  @Test
  void addressesFollowTheViewerAndAnAdminRoleGrantedElsewhere() throws InterruptedException {
    String org = "cache-admin";
    String a = register(p, org, "ida", "ida@example.org", "pw-ida-1234").getString("userId");
    String b = register(p, org, "jon", "jon@example.org", "pw-jon-1234").getString("userId");
    JsonArray ids = new JsonArray().add(a).add(b);
    JsonObject asA = lookup(org, ids, a);
    assertThat(asA.getJsonObject(a).getString("email")).isEqualTo("ida@example.org");
    assertThat(asA.getJsonObject(b).containsKey("email")).isFalse();
    JsonObject asB = lookup(org, ids, b);
    assertThat(asB.getJsonObject(a).containsKey("email")).isFalse();
    assertThat(asB.getJsonObject(b).getString("email")).isEqualTo("jon@example.org");
    // anonymous lookups never carry addresses, cached or not
    assertThat(lookup(org, ids, null).encode()).doesNotContain("@");

    p.sql("UPDATE profiles.users SET roles = array_append(roles, 'admin') WHERE org = $1 AND id = $2", org, a);
    JsonObject admin = lookupUntil(org, ids, a, r -> r.getJsonObject(b).containsKey("email"));
    assertThat(admin.getJsonObject(b).getString("email")).isEqualTo("jon@example.org");
    // the viewer's row was read for the check only: the answer holds just the ids asked for
    assertThat(lookup(org, new JsonArray().add(b), a).fieldNames()).containsExactly(b);
  }
}
