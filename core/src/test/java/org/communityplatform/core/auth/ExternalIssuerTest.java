package org.communityplatform.core.auth;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens of identity providers other than the platform: their organisation comes from
 * configuration (a fixed value or a named claim), their roles only from an explicit claim mapping,
 * their users' ids are namespaced, and JWKS keys are fetched again when a token names an unknown kid.
 */
class ExternalIssuerTest {

  static final String PLAIN = "https://plain.example.test";
  static final String FIXED = "https://fixed.example.test";
  static final String CLAIMED = "https://claimed.example.test";
  static final String LAX = "https://lax.example.test";
  static final String JWKS = "https://jwks.example.test";
  static final String CLAIMED_SECRET = "claimed-issuer-secret-claimed-issuer-secret";
  static final KeyPair KEY = Jws.rsa();
  static final KeyPair OLD = Jws.rsa();
  static final KeyPair ROTATED = Jws.rsa();
  static final Vertx JWKS_VERTX = Vertx.vertx();
  static final AtomicReference<JsonArray> PUBLISHED = new AtomicReference<>(new JsonArray().add(Jws.jwk(OLD, "k1")));
  static final AtomicInteger FETCHES = new AtomicInteger();
  static final HttpServer JWKS_SERVER = TestPlatform.await(JWKS_VERTX.createHttpServer()
    .requestHandler(req -> {
      FETCHES.incrementAndGet();
      req.response().putHeader("content-type", "application/json").end(new JsonObject().put("keys", PUBLISHED.get()).encode());
    }).listen(0, "127.0.0.1"));

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("auth", new JsonObject()
    .put("externalIssuers", new JsonArray()
      .add(new JsonObject().put("issuer", PLAIN).put("key", "plain").put("publicKey", Jws.pem(KEY)))
      .add(new JsonObject().put("issuer", FIXED).put("key", "fixed").put("publicKey", Jws.pem(KEY)).put("org", "acme")
        .put("rolesClaim", "groups"))
      .add(new JsonObject().put("issuer", CLAIMED).put("key", "claimed").put("secret", CLAIMED_SECRET)
        .put("orgClaim", "org_id"))
      .add(new JsonObject().put("issuer", LAX).put("key", "lax").put("publicKey", Jws.pem(KEY)).put("allowNoExp", true))
      .add(new JsonObject().put("issuer", JWKS).put("key", "jwks")
        .put("jwksUrl", "http://127.0.0.1:" + JWKS_SERVER.actualPort() + "/keys.json")))));

  @AfterAll
  static void stopJwks() {
    JWKS_VERTX.close();
  }

  static long now() {
    return p.get().clock().millis() / 1000;
  }

  static JsonObject claims(String iss, String sub) {
    return new JsonObject().put("iss", iss).put("sub", sub).put("iat", now()).put("exp", now() + 600);
  }

  static JsonObject whoami(String token) {
    Res r = p.get().get("/probe/whoami").bearer(token).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void rolesInAnExternalTokenWithoutAMappingGiveNothing() {
    String token = Jws.rs256(KEY, claims(PLAIN, "mallory").put("roles", new JsonArray().add("admin"))
      .put("org", "acme"));
    JsonObject seen = whoami(token);
    assertThat(seen.getJsonObject("principal").getJsonArray("roles")).isEmpty();
    // neither does its unmapped org claim move it out of the issuer's organisation ("default")
    assertThat(seen.getString("org")).isEqualTo("default");
    Res admin = p.get().post("/api/admin/api-tokens").bearer(token).json(new JsonObject().put("name", "x")).send();
    assertThat(admin.status()).as(admin.toString()).isEqualTo(403);
    assertThat(admin.errorCode()).isEqualTo("forbidden");
    assertThat(p.get().get("/api/admin/api-tokens").bearer(token).org("acme").send().errorCode()).isEqualTo("org_mismatch");
  }

  @Test
  void aFixedOrganisationAndAMappedRolesClaim() {
    String token = Jws.rs256(KEY, claims(FIXED, "olga").put("groups", new JsonArray().add("admin")).put("org", "globex"));
    JsonObject seen = whoami(token);
    assertThat(seen.getString("org")).isEqualTo("acme");
    assertThat(seen.getJsonObject("principal").getJsonArray("roles")).containsExactly("admin");
    assertThat(p.get().get("/api/admin/api-tokens").bearer(token).send().status()).isEqualTo(200);
    assertThat(p.get().get("/api/admin/api-tokens").bearer(token).org("acme").send().status()).isEqualTo(200);
    assertThat(p.get().get("/api/admin/api-tokens").bearer(token).org("default").send().errorCode()).isEqualTo("org_mismatch");
  }

  @Test
  void anOrganisationClaimDecidesTheOrganisationAndIsRequired() {
    JsonObject seen = whoami(Jws.hs256(CLAIMED_SECRET, claims(CLAIMED, "carl").put("org_id", "globex")));
    assertThat(seen.getString("org")).isEqualTo("globex");
    assertThat(p.get().get("/probe/whoami").bearer(Jws.hs256(CLAIMED_SECRET, claims(CLAIMED, "carl"))).send().status())
      .isEqualTo(401);
    assertThat(p.get().get("/probe/whoami").bearer(Jws.hs256(CLAIMED_SECRET, claims(CLAIMED, "carl").put("org_id", "a b")))
      .send().status()).isEqualTo(401);
  }

  @Test
  void externalSubjectsAreNamespacedAndNeverEqualANativeId() {
    String native1 = whoami(p.get().token("u-1")).getJsonObject("principal").getString("sub");
    String plain = whoami(Jws.rs256(KEY, claims(PLAIN, "u-1"))).getJsonObject("principal").getString("sub");
    String fixed = whoami(Jws.rs256(KEY, claims(FIXED, "u-1"))).getJsonObject("principal").getString("sub");
    assertThat(native1).isEqualTo("u-1");
    assertThat(plain).isEqualTo("ext:plain:u-1");
    assertThat(fixed).isEqualTo("ext:fixed:u-1");
    // a revocation of the native id does not touch the external user, and the other way round
    TestPlatform.await(p.get().platform().auth().revokeSubject("ext:plain:u-1"));
    assertThat(p.get().get("/probe/whoami").bearer(Jws.rs256(KEY, claims(PLAIN, "u-1").put("iat", now() - 5))).send().status())
      .isEqualTo(401);
    assertThat(p.get().get("/probe/whoami").bearer(p.get().token("u-1")).send().status()).isEqualTo(200);
  }

  @Test
  void tokensWithoutExpiryOnlyFromAnIssuerThatAllowsThem() {
    JsonObject noExp = claims(LAX, "lena");
    noExp.remove("exp");
    assertThat(whoami(Jws.rs256(KEY, noExp)).getJsonObject("principal").getString("sub")).isEqualTo("ext:lax:lena");
    JsonObject plainNoExp = claims(PLAIN, "lena");
    plainNoExp.remove("exp");
    Res refused = p.get().get("/probe/whoami").bearer(Jws.rs256(KEY, plainNoExp)).send();
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("expiry");
  }

  @Test
  void jwksKeysAreFetchedAgainForAnUnknownKidAtMostEveryThirtySeconds() {
    JsonObject header = new JsonObject().put("alg", "RS256").put("kid", "k1");
    assertThat(whoami(Jws.rs256(OLD.getPrivate(), header, claims(JWKS, "jo"))).getString("org")).isEqualTo("default");
    // the issuer rotates its key
    PUBLISHED.set(new JsonArray().add(Jws.jwk(ROTATED, "k2")));
    String rotated = Jws.rs256(ROTATED.getPrivate(), new JsonObject().put("alg", "RS256").put("kid", "k2"), claims(JWKS, "jo"));
    int before = FETCHES.get();
    // the keys were fetched moments ago (start-up): no new fetch yet, so the new kid is unknown
    assertThat(p.get().get("/probe/whoami").bearer(rotated).send().status()).isEqualTo(401);
    assertThat(FETCHES.get()).isEqualTo(before);
    p.get().clock().advance(Duration.ofSeconds(JwtVerifier.KID_REFRESH_SECONDS + 1));
    assertThat(whoami(rotated).getJsonObject("principal").getString("sub")).isEqualTo("ext:jwks:jo");
    assertThat(FETCHES.get()).isEqualTo(before + 1);
    // an attacker's unknown kids do not make the platform fetch again and again
    for (int i = 0; i < 5; i++) {
      String forged = Jws.rs256(Jws.rsa().getPrivate(), new JsonObject().put("alg", "RS256").put("kid", "x" + i),
        claims(JWKS, "eve"));
      assertThat(p.get().get("/probe/whoami").bearer(forged).send().status()).isEqualTo(401);
    }
    assertThat(FETCHES.get()).isEqualTo(before + 1);
  }
}
