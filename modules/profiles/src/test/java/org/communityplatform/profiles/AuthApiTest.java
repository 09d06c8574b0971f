package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.assertError;
import static org.communityplatform.profiles.Fixtures.data;
import static org.communityplatform.profiles.Fixtures.register;

/** Identity tags, registration, sign-in, logout, refresh, password change, throttling and email verification. */
class AuthApiTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.withLimit(Fixtures.config(new JsonObject()),
    "loginAccount", 5, 900));
  static TestPlatform p;

  @BeforeAll
  static void start() {
    p = platform.get();
  }

  private static JsonObject verify(String org, String tag, String type) {
    return data(p.post("/api/profiles/verify").org(org).json(new JsonObject().put("idTag", tag).put("type", type)).send(), 200);
  }

  @Test
  void verifyAnswersAvailabilityWithAReason() {
    String org = "verify";
    JsonObject free = verify(org, "Alice@Example.com", "idp");
    assertThat(free.getBoolean("available")).isTrue();
    assertThat(free.getString("idTag")).isEqualTo("alice@example.com");
    assertThat(free.containsKey("reason")).isFalse();

    register(p, org, "alice@example.com", "alice@gmail.com", null);
    JsonObject taken = verify(org, "ALICE@example.COM", "idp");
    assertThat(taken.getBoolean("available")).isFalse();
    assertThat(taken.getString("reason")).isEqualTo("taken");

    assertThat(verify(org, "admin@example.com", "idp").getString("reason")).isEqualTo("reserved");
    assertThat(verify(org, "support.example.com", "domain").getString("reason")).isEqualTo("reserved");
    assertThat(verify(org, "no spaces", "idp").getString("reason")).isEqualTo("malformed");
    assertThat(verify(org, "ab", "idp").getString("reason")).isEqualTo("malformed");
    assertThat(verify(org, "alice@example.com", "domain").getString("reason")).isEqualTo("malformed");
    assertThat(verify(org, "carol.example.com", "domain").getBoolean("available")).isTrue();
    // the same tag is free in another organisation
    assertThat(verify("verify-elsewhere", "alice@example.com", "idp").getBoolean("available")).isTrue();

    assertError(p.post("/api/profiles/verify").org(org).json(new JsonObject().put("idTag", "x")).send(), 400, null);
    assertError(p.post("/api/profiles/verify").org(org).json(new JsonObject().put("idTag", "bob").put("type", "other"))
      .send(), 400, null);
  }

  @Test
  void registerCreatesTheAccountAndSignsItIn() {
    String org = "reg";
    Res r = p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "Alice@Example.com").put("email", "Alice@Gmail.com").put("token", "whatever").put("lang", "en")
      .put("password", "s3cret-password")).send();
    JsonObject s = data(r, 201);
    assertThat(s.getString("idTag")).isEqualTo("alice@example.com");
    assertThat(s.getString("name")).isEqualTo("Alice");
    assertThat(s.getLong("tnId")).isPositive();
    JsonObject claims = Fixtures.claims(s.getString("token"));
    assertThat(claims.getString("sub")).isEqualTo(s.getString("userId"));
    assertThat(claims.getString("org")).isEqualTo(org);
    assertThat(claims.getString("idTag")).isEqualTo("alice@example.com");
    assertThat(claims.getString("email")).isEqualTo("alice@gmail.com");
    assertThat(claims.getJsonArray("roles")).containsExactly("user");

    var row = p.sql("SELECT id, id_tag, email, name, lang, email_verified, password_hash, tn_id, roles::text FROM profiles.users "
      + "WHERE org = $1", org).get(0);
    assertThat(row.getString("id")).isEqualTo(s.getString("userId"));
    assertThat(row.getString("email")).isEqualTo("alice@gmail.com");
    assertThat(row.getString("lang")).isEqualTo("en");
    assertThat(row.getBoolean("email_verified")).isFalse();
    assertThat(row.getString("password_hash")).startsWith("$2b$").doesNotContain("s3cret");
    assertThat(row.getLong("tn_id")).isEqualTo(s.getLong("tnId"));

    // the token works at once
    JsonObject me = data(p.get("/api/me").bearer(s.getString("token")).send(), 200);
    assertThat(me.getString("idTag")).isEqualTo("alice@example.com");
    assertThat(me.getLong("tnId")).isEqualTo(s.getLong("tnId"));

    // a verification message is queued with a link
    var mail = p.sql("SELECT recipient, kind, link FROM platform.outbox WHERE org = $1", org);
    assertThat(mail).hasSize(1);
    assertThat(mail.get(0).getString("recipient")).isEqualTo("alice@gmail.com");
    assertThat(mail.get(0).getString("link")).contains("/api/auth/verify-email?token=");

    // taken tag or email: 409, nothing new stored
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "ALICE@example.com").put("email", "other@gmail.com")).send(), 409, "id_tag_taken");
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "alice2").put("email", "ALICE@gmail.com")).send(), 409, "email_taken");
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "root").put("email", "root@gmail.com")).send(), 400, "id_tag_reserved");
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "domain")
      .put("idTag", "not a domain").put("email", "nd@gmail.com")).send(), 400, "id_tag_malformed");
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "bobby").put("email", "not-an-email")).send(), 400, null);
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "bobby").put("email", "b@gmail.com").put("password", "short")).send(), 400, null);
    assertError(p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp")
      .put("idTag", "bobby").put("email", "b@gmail.com").put("admin", true)).send(), 400, null);
    assertThat(p.sql("SELECT count(*) FROM profiles.users WHERE org = $1", org).get(0).getLong(0)).isEqualTo(1);
    assertThat(p.sql("SELECT count(*) FROM platform.outbox WHERE org = $1", org).get(0).getLong(0)).isEqualTo(1);
  }

  @Test
  void twoConcurrentRegistrationsOfOneTagExactlyOneWins() throws Exception {
    String org = "race";
    for (int round = 0; round < 3; round++) {
      String tag = "racer" + round;
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String email = tag + "-" + i + "@example.org";
        calls.add(CompletableFuture.supplyAsync(() -> p.post("/api/profiles/register").org(org)
          .json(new JsonObject().put("type", "idp").put("idTag", tag).put("email", email).put("password", "password-123"))
          .send().status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Integer> c : calls) {
        statuses.add(c.get());
      }
      assertThat(statuses).containsExactlyInAnyOrder(201, 409);
      assertThat(p.sql("SELECT count(*) FROM profiles.users WHERE org = $1 AND id_tag = $2", org, tag).get(0).getLong(0))
        .isEqualTo(1);
    }
  }

  @Test
  void loginWithTagOrEmailLogoutAndRefresh() {
    String org = "login";
    JsonObject s = register(p, org, "dora", "Dora@Example.org", "open sesame 1");
    Res byTag = p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "DORA").put("password", "open sesame 1")).send();
    JsonObject session = data(byTag, 200);
    assertThat(session.getString("userId")).isEqualTo(s.getString("userId"));
    assertThat(session.getLong("tnId")).isEqualTo(s.getLong("tnId"));
    String token = session.getString("token");
    JsonObject byEmail = data(p.post("/api/auth/login").org(org)
      .json(new JsonObject().put("email", "dora@example.org").put("password", "open sesame 1")).send(), 200);
    assertThat(byEmail.getString("idTag")).isEqualTo("dora");

    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "dora").put("password", "nope")).send(),
      401, "invalid_credentials");
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "nobody").put("password", "nope")).send(),
      401, "invalid_credentials");
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "dora").put("email", "dora@example.org")
      .put("password", "open sesame 1")).send(), 400, null);
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("password", "open sesame 1")).send(), 400, null);
    // the account is invisible from another organisation
    assertError(p.post("/api/auth/login").org("login-other").json(new JsonObject().put("idTag", "dora")
      .put("password", "open sesame 1")).send(), 401, "invalid_credentials");

    // refresh: a new token works, the old one stops
    JsonObject fresh = data(p.post("/api/auth/refresh").bearer(token).send(), 200);
    String newToken = fresh.getString("token");
    assertThat(newToken).isNotEqualTo(token);
    assertError(p.get("/api/me").bearer(token).send(), 401, null);
    assertThat(p.get("/api/me").bearer(newToken).send().status()).isEqualTo(200);

    // logout: the token stops working at once, another session goes on
    JsonObject out = data(p.post("/api/auth/logout").bearer(newToken).send(), 200);
    assertThat(out.getBoolean("loggedOut")).isTrue();
    assertError(p.get("/api/me").bearer(newToken).send(), 401, null);
    assertThat(p.get("/api/me").bearer(byEmail.getString("token")).send().status()).isEqualTo(200);
    assertError(p.post("/api/auth/logout").send(), 401, null);
  }

  @Test
  void repeatedFailedLoginsAreRefusedAtThatAddressForAWhileThenAllowedAgain() {
    String org = "throttle";
    register(p, org, "eve", "eve@example.org", "the right one");
    JsonObject wrong = new JsonObject().put("idTag", "eve").put("password", "wrong");
    JsonObject right = new JsonObject().put("idTag", "eve").put("password", "the right one");
    for (int i = 0; i < 5; i++) {
      assertError(p.post("/api/auth/login").org(org).json(wrong).send(), 401, "invalid_credentials");
    }
    // refused at this address: even the right password, by email too
    Res locked = p.post("/api/auth/login").org(org).json(right).send();
    assertError(locked, 429, "rate_limited");
    assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 900L);
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("email", "eve@example.org")
      .put("password", "the right one")).send(), 429, null);
    // not forever: after the window the right password works
    // (the clock goes back afterwards: tokens of the other tests must not be issued "in the future")
    p.clock().advance(java.time.Duration.ofSeconds(901));
    try {
      assertThat(p.post("/api/auth/login").org(org).json(right).send().status()).isEqualTo(200);
    } finally {
      p.clock().advance(java.time.Duration.ofSeconds(-901));
    }
  }

  @Test
  void passwordChangeEndsOtherSessions() {
    String org = "pw";
    JsonObject s = register(p, org, "fred", "fred@example.org", "first password");
    String old = s.getString("token");
    assertError(p.put("/api/auth/password").bearer(old).json(new JsonObject().put("newPassword", "second password")).send(),
      400, null);
    assertError(p.put("/api/auth/password").bearer(old).json(new JsonObject().put("currentPassword", "wrong")
      .put("newPassword", "second password")).send(), 403, "wrong_password");
    JsonObject changed = data(p.put("/api/auth/password").bearer(old).json(new JsonObject()
      .put("currentPassword", "first password").put("newPassword", "second password")).send(), 200);
    assertError(p.get("/api/me").bearer(old).send(), 401, null);
    assertThat(p.get("/api/me").bearer(changed.getString("token")).send().status()).isEqualTo(200);
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "fred").put("password", "first password"))
      .send(), 401, null);
    assertThat(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "fred").put("password", "second password"))
      .send().status()).isEqualTo(200);

    // an account without a password sets one without a current password
    JsonObject nopw = register(p, org, "gina", "gina@example.org", null);
    assertThat(p.put("/api/auth/password").bearer(nopw.getString("token")).json(new JsonObject()
      .put("newPassword", "brand new one")).send().status()).isEqualTo(200);
    assertThat(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "gina").put("password", "brand new one"))
      .send().status()).isEqualTo(200);
  }

  @Test
  void theEmailedLinkVerifiesTheAddressOnce() {
    String org = "mailverify";
    JsonObject s = register(p, org, "hank", "hank@example.org", "password-hank");
    String link = p.sql("SELECT link FROM platform.outbox WHERE org = $1 AND kind = 'verify-email'", org).get(0).getString(0);
    String token = link.substring(link.indexOf("token=") + 6);
    // the link carries everything: no organisation header is needed
    JsonObject done = data(p.get("/api/auth/verify-email?token=" + token).send(), 200);
    assertThat(done.getBoolean("emailVerified")).isTrue();
    assertThat(done.getString("email")).isEqualTo("hank@example.org");
    assertThat(p.sql("SELECT email_verified FROM profiles.users WHERE org = $1", org).get(0).getBoolean(0)).isTrue();
    assertThat(data(p.get("/api/me").bearer(s.getString("token")).send(), 200).getBoolean("emailVerified")).isTrue();
    assertError(p.post("/api/auth/verify-email").json(new JsonObject().put("token", token)).send(), 400, "invalid_token");
    assertError(p.post("/api/auth/verify-email").json(new JsonObject().put("token", "A".repeat(43))).send(), 400, "invalid_token");
    assertError(p.get("/api/auth/verify-email").send(), 400, null);
    // verified: nothing to resend
    assertError(p.post("/api/auth/verify-email/resend").bearer(s.getString("token")).send(), 409, null);

    // a resent message works the same way, via POST
    JsonObject other = register(p, org, "ivy", "ivy@example.org", "password-ivy");
    Res resent = p.post("/api/auth/verify-email/resend").bearer(other.getString("token")).send();
    assertThat(data(resent, 202).getBoolean("queued")).isTrue();
    var links = p.sql("SELECT link FROM platform.outbox WHERE org = $1 AND recipient = 'ivy@example.org' ORDER BY created_at", org);
    assertThat(links).hasSize(2);
    String second = links.get(1).getString(0);
    assertThat(data(p.post("/api/auth/verify-email").json(new JsonObject()
      .put("token", second.substring(second.indexOf("token=") + 6))).send(), 200).getBoolean("emailVerified")).isTrue();
  }

  @Test
  void theConfiguredFirstAdminGetsTheAdminRole() {
    JsonObject boss = register(p, "default", "boss", "boss@example.org", "boss password");
    assertThat(Fixtures.claims(boss.getString("token")).getJsonArray("roles")).contains("admin", "user");
    // the same tag in another organisation is an ordinary user
    JsonObject other = register(p, "not-default", "boss", "boss@example.org", "boss password");
    assertThat(Fixtures.claims(other.getString("token")).getJsonArray("roles")).containsExactly("user");
  }
}
