package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractFuzzer;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input against every operation the whole platform serves (all modules in one contract), with
 * and without credentials: each answer is a client error in the one error shape.
 */
class ContractFuzzTest {

  static final String API_TOKEN = "fuzz-operator-token-0123456789";
  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject()
    .put("auth", new JsonObject().put("apiToken", API_TOKEN))).bind(t -> p = t);
  static TestPlatform p;

  @Test
  void everyOperationAnswersBadInputWithA4xxInTheErrorShape() {
    String user = p.token("fuzz-user", new JsonObject().put("email", "fuzz@example.com").put("name", "Fuzz"));
    ContractFuzzer.Result result = new ContractFuzzer(p).bearer(user).apiToken(API_TOKEN).run();
    assertThat(result.sent()).isGreaterThan(1000);
    assertThat(result.failures()).as("answers that were not clean 4xx errors").isEmpty();
  }
}
