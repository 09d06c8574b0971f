package org.communityplatform.moderation;

import org.communityplatform.testing.ContractFuzzer;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to every moderation operation (odd path values, wrong query values, malformed and wrongly
 * typed bodies, with and without credentials), on paths naming real places, posts and reports as well as
 * made-up ones: every answer is a 4xx in the one error shape.
 */
class ContractFuzzTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  @Test
  void everyOperationAnswersBadInputWithA4xxInTheErrorShape() {
    StandIn stand = StandIn.on(p.get());
    Calls calls = new Calls(p.get());
    String org = "default";
    String c = stand.place(org, true, false, "fuzz-user");
    String page = stand.place(org, false, false, "fuzz-user");
    stand.member(org, c, "reporter", "member");
    String post = stand.post(org, c, "fuzz-user", false);
    String report = calls.reported(org, "reporter", Calls.post(post, "spam"));
    ContractFuzzer.Result result = new ContractFuzzer(p.get()).bearer(p.get().token("fuzz-user"))
      .paths(t -> t.startsWith("/api/reports") || t.startsWith("/api/admin/audit") || t.endsWith("/reports"))
      .realIds(c, page, post, report).run();
    assertThat(result.sent()).isGreaterThan(50);
    assertThat(result.failures()).as("answers that were not clean 4xx errors").isEmpty();
  }
}
