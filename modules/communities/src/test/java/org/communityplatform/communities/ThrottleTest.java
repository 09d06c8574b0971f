package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10 (4) and issue 14 (4): guessable secrets (join password, join code, invite tokens) are
 * throttled, and writes are rate limited with RateLimit-Policy / RateLimit headers on every answer. The
 * join-secret limits are the defaults of config/platform.yaml; the post limit is lowered to 3 here.
 */
class ThrottleTest {

  private static final long SLOWDOWN_MS = 300;

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass(new JsonObject()
    .put("throttle", new JsonObject().put("communityPostsPerUser", new JsonObject().put("max", 3).put("windowSeconds", 60))
      .put("communityJoinSecretPerClient", new JsonObject().put("max", 60).put("windowSeconds", 900)))
    .put("modules", new JsonObject().put("communities", new JsonObject().put("joinSecretSlowdownMs", SLOWDOWN_MS))));

  private static String community(String org, JsonObject admin) {
    Res r = Fixture.as(Fixture.platform().post("/api/communities"), org, "owner").json(new JsonObject().put("name", "Guarded")).send();
    String c = r.json().getString("id");
    Res patched = Fixture.platform().patch("/api/v2/admin/communities/" + c).header("x-api-token", Fixture.apiTokenOf(Fixture.platform(), org)).json(admin).send();
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    return c;
  }

  private static Res join(String org, String user, String c, JsonObject body) {
    return Fixture.as(Fixture.platform().post("/api/v4/communities/" + c + "/join"), org, user).json(body).send();
  }

  @Test
  void theSixthWrongJoinPasswordIsRefusedWithRetryAfter() {
    String org = Fixture.org();
    String c = community(org, new JsonObject().put("password", "open sesame"));
    for (int i = 1; i <= 5; i++) {
      Res wrong = join(org, "guesser", c, new JsonObject().put("password", "guess " + i));
      Fixture.assertError(wrong, 403);
      assertThat(wrong.errorCode()).isEqualTo("wrong_password");
    }
    Res sixth = join(org, "guesser", c, new JsonObject().put("password", "guess 6"));
    Fixture.assertError(sixth, 429);
    assertThat(Long.parseLong(sixth.header("Retry-After"))).isBetween(1L, 900L);
    // the headers of the refusal describe the limit that refused, not the join rate limit around it
    assertThat(sixth.header("RateLimit-Policy")).isEqualTo("\"communityJoinSecretPerUser\";q=5;w=900");
    assertThat(sixth.header("RateLimit")).startsWith("\"communityJoinSecretPerUser\";r=0;t=");
    // even the right password waits for the window to pass
    assertThat(join(org, "guesser", c, new JsonObject().put("password", "open sesame")).status()).isEqualTo(429);
    // someone else is not locked out by the guesser
    assertThat(join(org, "friend", c, new JsonObject().put("password", "open sesame")).status()).isEqualTo(200);
    Fixture.advance(Fixture.platform(), Duration.ofSeconds(900));
    assertThat(join(org, "guesser", c, new JsonObject().put("password", "open sesame")).status()).isEqualTo(200);
  }

  @Test
  void aCommunityGuessedAtTooOftenSlowsDownButNeverLocksOutTheRightPassword() {
    String org = Fixture.org();
    String c = community(org, new JsonObject().put("password", "open sesame"));
    // 50 wrong passwords from 10 users (5 each) reach the community's ceiling
    for (int u = 0; u < 10; u++) {
      for (int i = 0; i < 5; i++) {
        assertThat(join(org, "g" + u, c, new JsonObject().put("password", "x" + i)).status()).isEqualTo(403);
      }
    }
    // a member who knows the password still joins, after the slowdown
    long t0 = System.nanoTime();
    Res right = join(org, "member", c, new JsonObject().put("password", "open sesame"));
    assertThat(right.status()).as(right.toString()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t0).toMillis()).isGreaterThanOrEqualTo(SLOWDOWN_MS);
    // a further wrong guess is slowed and refused as wrong, not as a lockout of the community
    long t1 = System.nanoTime();
    Res wrong = join(org, "fresh", c, new JsonObject().put("password", "x"));
    Fixture.assertError(wrong, 403);
    assertThat(wrong.errorCode()).isEqualTo("wrong_password");
    assertThat(Duration.ofNanos(System.nanoTime() - t1).toMillis()).isGreaterThanOrEqualTo(SLOWDOWN_MS);
  }

  @Test
  void joinCodesGuessedFromOneAddressAreRefusedThere() {
    String org = Fixture.org();
    String c = community(org, new JsonObject().put("memberRequirements", new io.vertx.core.json.JsonArray()
      .add(new JsonObject().put("type", "code").put("code", "K-42"))));
    // 60 wrong codes from one address (12 users, 5 each) exhaust that address's allowance
    for (int u = 0; u < 12; u++) {
      for (int i = 0; i < 5; i++) {
        assertThat(join(org, "g" + u, c, new JsonObject().put("code", "x" + i)).status()).isEqualTo(403);
      }
    }
    Res next = join(org, "fresh", c, new JsonObject().put("code", "x"));
    Fixture.assertError(next, 429);
    assertThat(next.header("Retry-After")).isNotNull();
    assertThat(next.header("RateLimit-Policy")).isEqualTo("\"communityJoinSecretPerClient\";q=60;w=900");
  }

  @Test
  void guessedInviteTokensAreThrottled() {
    String org = Fixture.org();
    Res r = Fixture.as(Fixture.platform().post("/api/communities"), org, "owner").json(new JsonObject().put("name", "Invites")).send();
    String c = r.json().getString("id");
    for (int i = 0; i < 10; i++) {
      Res miss = Fixture.as(Fixture.platform().post("/api/communities/" + c + "/invite/accept"), org, "guesser")
        .json(new JsonObject().put("token", "not-a-real-token-" + i)).send();
      assertThat(miss.status()).isEqualTo(404);
    }
    Res over = Fixture.as(Fixture.platform().post("/api/communities/" + c + "/invite/accept"), org, "guesser")
      .json(new JsonObject().put("token", "not-a-real-token-x")).send();
    Fixture.assertError(over, 429);
    assertThat(over.header("Retry-After")).isNotNull();
  }

  @Test
  void postsCarryRateLimitHeadersThatCountDownToA429() {
    String org = Fixture.org();
    Res r = Fixture.as(Fixture.platform().post("/api/communities"), org, "owner").json(new JsonObject().put("name", "Busy")).send();
    String c = r.json().getString("id");
    JsonObject post = new JsonObject().put("communityId", c).put("content", "hi");
    for (int i = 1; i <= 3; i++) {
      Res ok = Fixture.as(Fixture.platform().post("/api/posts"), org, "owner").json(post).send();
      assertThat(ok.status()).isEqualTo(201);
      assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"communityPostsPerUser\";q=3;w=60");
      assertThat(ok.header("RateLimit")).startsWith("\"communityPostsPerUser\";r=" + (3 - i) + ";t=");
    }
    Res over = Fixture.as(Fixture.platform().post("/api/posts"), org, "owner").json(post).send();
    Fixture.assertError(over, 429);
    assertThat(over.header("Retry-After")).isNotNull();
    assertThat(over.header("RateLimit")).contains(";r=0;");
    // an error of a limited operation carries the headers too
    Res refused = Fixture.as(Fixture.platform().post("/api/posts"), org, "outsider").json(post).send();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("RateLimit-Policy")).isNotNull();
    assertThat(refused.header("RateLimit")).isNotNull();
    // joins and invites are limited too
    assertThat(Fixture.as(Fixture.platform().post("/api/v4/communities/" + c + "/join"), org, "joiner").send().header("RateLimit-Policy"))
      .contains("communityJoins");
    assertThat(Fixture.as(Fixture.platform().post("/api/communities/" + c + "/invite"), org, "owner")
      .json(new JsonObject().put("email", "x@example.test")).send().header("RateLimit")).contains("communityInvites");
    // the next window admits again
    Fixture.advance(Fixture.platform(), Duration.ofSeconds(60));
    assertThat(Fixture.as(Fixture.platform().post("/api/posts"), org, "owner").json(post).send().status()).isEqualTo(201);
  }
}
