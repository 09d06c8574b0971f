package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import org.communityplatform.profiles.FromAddress.Answer;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.assertError;
import static org.communityplatform.profiles.Fixtures.register;

/**
 * Throttled secrets and mail (issue 10, item 4), from several client addresses: the tests'
 * default client is 127.0.0.1; {@link FromAddress} sends from 127.0.0.2 and 127.0.0.3.
 */
class ThrottleTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject())
    .put("throttle", new JsonObject()
      .put("loginAccount", limit(5, 900)).put("loginClient", limit(50, 900)).put("loginAccountAll", limit(8, 900))
      .put("registerClient", limit(4, 3600)).put("registerEmail", limit(2, 3600))
      .put("verifyMailClient", limit(100, 3600)).put("verifyMailAddress", limit(2, 3600))
      .put("verifyEmailClient", limit(3, 900)).put("peopleSearch", limit(10, 60))));

  static TestPlatform p;
  static FromAddress second;
  static FromAddress third;

  static JsonObject limit(int max, int windowSeconds) {
    return new JsonObject().put("max", max).put("windowSeconds", windowSeconds);
  }

  @BeforeAll
  static void start() {
    p = platform.get();
    second = new FromAddress(p, "127.0.0.2");
    third = new FromAddress(p, "127.0.0.3");
  }

  /**
   * Registration and mail limits count per client address and per mailbox across organisations, so
   * every test starts in windows of its own: the platform clock moves past the longest window.
   */
  @BeforeEach
  void freshWindows() {
    p.clock().advance(java.time.Duration.ofHours(2));
  }

  @AfterAll
  static void stop() {
    second.close();
    third.close();
  }

  private static JsonObject login(String tag, String password) {
    return new JsonObject().put("idTag", tag).put("password", password);
  }

  private static void assertTooMany(Answer a) {
    assertThat(a.status()).as(a.json().encode()).isEqualTo(429);
    assertThat(a.code()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(a.headers().get("Retry-After"))).isPositive();
  }

  @Test
  void theOwnerStillSignsInWhileSomeoneElseFailsOnTheAccountFromAnotherAddress() {
    String org = "throttle-owner";
    register(p, org, "owner", "owner@example.org", "the right one");
    for (int i = 0; i < 5; i++) {
      assertThat(second.post("/api/auth/login", org, login("owner", "guess " + i)).status()).isEqualTo(401);
    }
    // the 6th attempt from that address is refused, whatever the password
    assertTooMany(second.post("/api/auth/login", org, login("owner", "guess 6")));
    assertTooMany(second.post("/api/auth/login", org, login("owner", "the right one")));
    // the owner, at their own address, is not locked out
    Res mine = p.post("/api/auth/login").org(org).json(login("owner", "the right one")).send();
    assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
    // and the refusal ends with its window
    // (the clock goes back afterwards: tokens of the other tests must not be issued "in the future")
    p.clock().advance(Duration.ofSeconds(901));
    try {
      assertThat(second.post("/api/auth/login", org, login("owner", "guess 7")).status()).isEqualTo(401);
    } finally {
      p.clock().advance(Duration.ofSeconds(-901));
    }
  }

  @Test
  void pastTheAccountWideLimitTheRightPasswordStillSignsIn() {
    String org = "throttle-slow";
    register(p, org, "slowpoke", "slowpoke@example.org", "the right one");
    for (int i = 0; i < 5; i++) {
      assertThat(second.post("/api/auth/login", org, login("slowpoke", "a" + i)).status()).isEqualTo(401);
      assertThat(third.post("/api/auth/login", org, login("slowpoke", "b" + i)).status()).isEqualTo(401);
    }
    // 10 failures from everywhere, over loginAccountAll (8): attempts are slowed, not refused
    Res wrong = p.post("/api/auth/login").org(org).json(login("slowpoke", "c")).send();
    assertError(wrong, 401, "invalid_credentials");
    Res right = p.post("/api/auth/login").org(org).json(login("slowpoke", "the right one")).send();
    assertThat(right.status()).as(right.toString()).isEqualTo(200);
  }

  @Test
  void registrationIsCountedPerClientAddressAndPerEmail() {
    String org = "throttle-register";
    for (int i = 0; i < 4; i++) {
      register(p, org, "member" + i, "member" + i + "@example.org", null);
    }
    JsonObject fifth = new JsonObject().put("type", "idp").put("idTag", "member4").put("email", "member4@example.org");
    assertTooMany(answer(p.post("/api/profiles/register").org(org).json(fifth).send()));
    // another address may still register
    assertThat(second.post("/api/profiles/register", org, fifth).status()).isEqualTo(201);

    // one address named again and again, from different client addresses: registrations that succeeded
    // count against it (each sent a mail there), failed attempts do not
    String other = "throttle-register-email";
    JsonObject again = new JsonObject().put("type", "idp").put("email", "Target@Example.org");
    assertThat(second.post("/api/profiles/register", other, again.copy().put("idTag", "first")).status()).isEqualTo(201);
    assertThat(third.post("/api/profiles/register", other, again.copy().put("idTag", "second")).status()).isEqualTo(409);
    assertThat(third.post("/api/profiles/register", other, again.copy().put("idTag", "third")).status()).isEqualTo(409);
    assertThat(p.sql("SELECT count(*) FROM profiles.users WHERE org = $1", other).get(0).getLong(0)).isEqualTo(1);
    assertThat(third.post("/api/profiles/register", "made-up-org", again.copy().put("idTag", "fourth")
      .put("email", "target@example.org")).status()).isEqualTo(201);
    // a third registration of the address (folded) is refused, in any organisation, from any client address
    assertThat(second.post("/api/profiles/register", "another-made-up-org", again.copy().put("idTag", "fifth")).status())
      .isEqualTo(429);
  }

  /** The tester's attack: failed registrations naming someone's address from elsewhere never lock its owner out. */
  @Test
  void attemptsNamingSomeonesAddressDoNotKeepItsOwnerFromRegistering() {
    String org = "throttle-victim";
    register(p, org, "taken", "taken@example.org", null);
    JsonObject attack = new JsonObject().put("type", "idp").put("idTag", "taken").put("email", "victim@example.org");
    for (int i = 0; i < 4; i++) {
      assertThat(third.post("/api/profiles/register", org, attack).status()).isEqualTo(409);
    }
    // the attacker's own address is what runs out
    assertTooMany(third.post("/api/profiles/register", org, attack));
    Answer mine = second.post("/api/profiles/register", org, new JsonObject().put("type", "idp").put("idTag", "victim")
      .put("email", "Victim@example.org"));
    assertThat(mine.status()).as(mine.toString()).isEqualTo(201);
  }

  @Test
  void verificationMailResendsAreCountedPerAddress() {
    String org = "throttle-resend";
    String token = register(p, org, "resender", "resender@example.org", "pw-resender").getString("token");
    // the registration queued one; two resends are allowed per address and window
    for (int i = 0; i < 2; i++) {
      assertThat(p.post("/api/auth/verify-email/resend").org(org).bearer(token).send().status()).isEqualTo(202);
    }
    assertTooMany(answer(p.post("/api/auth/verify-email/resend").org(org).bearer(token).send()));
    assertThat(p.sql("SELECT count(*) FROM platform.outbox WHERE org = $1", org).get(0).getLong(0)).isEqualTo(3);
  }

  @Test
  void wrongVerificationTokensAreCountedPerClientAddress() {
    JsonObject body = new JsonObject().put("token", "not-a-token-at-all");
    for (int i = 0; i < 3; i++) {
      assertThat(third.post("/api/auth/verify-email", "throttle-verify", body).status()).isEqualTo(400);
    }
    assertTooMany(third.post("/api/auth/verify-email", "throttle-verify", body));
  }

  @Test
  void peopleSearchIsCountedPerClientAddress() {
    for (int i = 0; i < 10; i++) {
      assertThat(second.send(io.vertx.core.http.HttpMethod.GET, "/client/community/people?q=anyone", "throttle-people",
        null, null).status()).isEqualTo(200);
    }
    assertTooMany(second.send(io.vertx.core.http.HttpMethod.GET, "/client/community/people?q=anyone", "throttle-people",
      null, null));
    // the look-up by address counts with the searches
    assertTooMany(second.send(io.vertx.core.http.HttpMethod.GET, "/client/community/people/someone@example.org",
      "throttle-people", null, null));
  }

  private static Answer answer(Res r) {
    return new Answer(r.status(), io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Retry-After",
      String.valueOf(r.header("Retry-After"))), r.json());
  }
}
