package org.communityplatform.moderation;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The write limits of POST /api/reports: per account and per client address, with the IETF headers. */
class RateLimitTest {

  private static final int WINDOW = 3600;

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("throttle", new JsonObject()
    .put("reportsPerUser", new JsonObject().put("max", 3).put("windowSeconds", WINDOW))
    .put("reportsPerAddress", new JsonObject().put("max", 5).put("windowSeconds", WINDOW))));

  static StandIn world;
  static Calls calls;

  @BeforeAll
  static void standIn() {
    world = StandIn.on(p.get());
    calls = new Calls(p.get());
  }

  /** Moves the platform clock to one second into a fresh window, so that no window ends during a test. */
  @BeforeEach
  void freshWindow() {
    long now = p.get().clock().instant().getEpochSecond();
    p.get().clock().advance(Duration.ofSeconds(WINDOW - Math.floorMod(now, WINDOW) + 1));
  }

  private static final Pattern ITEM = Pattern.compile("\"(\\w+)\";r=(\\d+);t=(\\d+)");

  /** The remaining count of {@code limit} in a RateLimit header; -1 when it is not there. */
  private static int remaining(Res r, String limit) {
    String h = r.header("RateLimit");
    if (h == null) {
      return -1;
    }
    Matcher m = ITEM.matcher(h);
    while (m.find()) {
      if (m.group(1).equals(limit)) {
        return Integer.parseInt(m.group(2));
      }
    }
    return -1;
  }

  private static String[] place(String org, String... members) {
    String c = world.place(org, true, false, "owner");
    for (String m : members) {
      world.member(org, c, m, "member");
    }
    return new String[]{c, world.post(org, c, "owner", false)};
  }

  @Test
  void aBurstOverTheAccountLimitCountsDownThenAnswers429WithRetryAfter() {
    String org = Calls.org();
    String c = place(org, "a")[0];
    List<Integer> left = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Res r = calls.report(org, "a", Calls.post(world.post(org, c, "owner", false), "spam"));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(r.header("RateLimit-Policy")).contains("\"reportsPerUser\";q=3;w=3600")
        .contains("\"reportsPerAddress\";q=5;w=3600");
      left.add(remaining(r, "reportsPerUser"));
    }
    assertThat(left).containsExactly(2, 1, 0);

    Res over = Calls.assertError(calls.report(org, "a", Calls.post(world.post(org, c, "owner", false), "spam")), 429);
    assertThat(over.errorCode()).isEqualTo("rate_limited");
    int retry = Integer.parseInt(over.header("Retry-After"));
    assertThat(retry).isBetween(1, WINDOW);
    assertThat(remaining(over, "reportsPerUser")).isZero();
    assertThat(over.header("RateLimit-Policy")).isEqualTo("\"reportsPerUser\";q=3;w=3600");
    assertThat(p.get().sql("SELECT count(*) FROM moderation.reports WHERE org = $1", org).get(0).getLong(0)).isEqualTo(3);

    // another account is not held back by a's limit, and a may report again once the window has passed
    world.member(org, c, "b", "member");
    assertThat(calls.report(org, "b", Calls.post(world.post(org, c, "owner", false), "spam")).status()).isEqualTo(201);
    p.get().clock().advance(Duration.ofSeconds(retry));
    Res later = calls.report(org, "a", Calls.post(world.post(org, c, "owner", false), "spam"));
    assertThat(later.status()).as(later.toString()).isEqualTo(201);
    assertThat(remaining(later, "reportsPerUser")).isEqualTo(2);
  }

  @Test
  void accountsBehindOneAddressShareTheAddressLimit() {
    String org = Calls.org();
    String c = place(org, "a", "b", "d")[0];
    List<Integer> left = new ArrayList<>();
    String[] who = {"a", "a", "b", "b", "d"};
    for (String user : who) {
      Res r = calls.report(org, user, Calls.post(world.post(org, c, "owner", false), "spam"));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      left.add(remaining(r, "reportsPerAddress"));
    }
    assertThat(left).containsExactly(4, 3, 2, 1, 0);
    Res over = Calls.assertError(calls.report(org, "d", Calls.post(world.post(org, c, "owner", false), "spam")), 429);
    assertThat(over.header("RateLimit-Policy")).isEqualTo("\"reportsPerAddress\";q=5;w=3600");
    assertThat(over.header("Retry-After")).isNotNull();
  }

  @Test
  void refusedReportsCountAndCarryTheHeadersToo() {
    String org = Calls.org();
    String[] w = place(org, "a");
    Res missing = Calls.assertError(calls.report(org, "a", Calls.post(java.util.UUID.randomUUID().toString(), "spam")), 404);
    assertThat(remaining(missing, "reportsPerUser")).isEqualTo(2);
    calls.reported(org, "a", Calls.post(w[1], "spam"));
    Res twice = Calls.assertError(calls.report(org, "a", Calls.post(w[1], "spam")), 409);
    assertThat(remaining(twice, "reportsPerUser")).isZero();
    assertThat(twice.header("RateLimit-Policy")).contains("reportsPerUser");
  }
}
