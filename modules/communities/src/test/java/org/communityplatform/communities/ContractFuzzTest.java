package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractFuzzer;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends bad input to every operation of this module's contract, with and without credentials, on
 * paths naming real rows as well as made-up ones, and checks that each answer is a client error in
 * the one error shape: never a 5xx, never a hang.
 */
class ContractFuzzTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  static TestPlatform p;
  static String apiToken;
  static String org;
  static String[] realIds;

  @BeforeAll
  static void start() {
    p = Fixture.platform();
    org = Fixture.org();
    apiToken = Fixture.apiToken(org);
    String c = Fixture.community(org, "fuzz-user", false);
    String g = Fixture.post(org, "fuzz-user", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Fuzz"))
      .send().json().getString("id");
    String post = Fixture.post(org, "fuzz-user", "/api/posts").json(new JsonObject().put("communityId", c)
      .put("content", "fuzz")).send().json().getString("id");
    realIds = new String[] {c, g, post};
  }

  private static final java.util.regex.Pattern MINE = java.util.regex.Pattern.compile(
    "^/api/(communities|groups|posts|stream|v4/communities|v2/admin/communities)");

  @Test
  void everyOperationAnswersBadInputWithA4xxInTheErrorShape() {
    String user = p.token("fuzz-user", new JsonObject().put("email", "fuzz@example.com").put("name", "Fuzz").put("org", org));
    ContractFuzzer.Result result = new ContractFuzzer(p).bearer(user).apiToken(apiToken)
      .paths(t -> MINE.matcher(t).find()).realIds(realIds).run();
    assertThat(result.sent()).isGreaterThan(100);
    assertThat(result.failures()).as("answers that were not clean 4xx errors").isEmpty();
  }
}
