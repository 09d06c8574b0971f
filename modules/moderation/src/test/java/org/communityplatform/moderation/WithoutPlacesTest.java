package org.communityplatform.moderation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With neither communities nor pages running anywhere, reports and queues answer 503; the audit routes still work. */
class WithoutPlacesTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  @Test
  void reportsAndQueuesAnswer503WithRetryAfterWhenThePlacesAreNotRunning() {
    Calls calls = new Calls(p.get());
    String org = Calls.org();
    String id = UUID.randomUUID().toString();
    Res report = Calls.assertError(calls.report(org, "a", Calls.post(id, "spam")), 503);
    assertThat(report.header("Retry-After")).isNotNull();
    assertThat(report.header("RateLimit")).contains("reportsPerUser");
    Calls.assertError(calls.report(org, "a", Calls.member("b", id, "spam")), 503);
    Calls.assertError(calls.communityQueue(org, "a", id), 503);
    Calls.assertError(calls.pageQueue(org, "a", id), 503);
    Calls.assertError(calls.resolve(org, "a", id, Calls.action("dismiss")), 404);
    Res audit = p.get().get("/api/admin/audit").org(org)
      .bearer(p.get().token("boss", new JsonObject().put("roles", new JsonArray().add("admin")).put("org", org))).send();
    assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
  }
}
