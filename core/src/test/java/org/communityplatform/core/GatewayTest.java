package org.communityplatform.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway seen from a client, through the test-only probe module. */
class GatewayTest {

  static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject()
    .put("http", new JsonObject().put("requestTimeoutMs", 1500))).bind(t -> p = t);
  static TestPlatform p;

  /** Signs a token by hand, as another party could. */
  private static String sign(String secret, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(p.platform().vertx(), new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  private static JsonObject claims(String sub) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", sub).put("iss", "community-platform").put("aud", "community-platform")
      .put("iat", now).put("exp", now + 600);
  }

  private static void assertError(Res r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonObject body = r.json();
    assertThat(body.getJsonObject("error").getString("code")).isEqualTo(code);
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(body.getString("reqId")).isNotBlank().isEqualTo(r.header("x-request-id"));
  }

  @Test
  void aGoodTokenReachesTheHandlerAsThePrincipal() {
    String token = p.token("user-42", new JsonObject().put("org", "acme").put("roles", new JsonArray().add("moderator")));
    Res r = p.get("/probe/whoami").bearer(token).header("x-language", "de").send();
    assertThat(r.status()).isEqualTo(200);
    JsonObject principal = r.json().getJsonObject("principal");
    assertThat(principal.getString("sub")).isEqualTo("user-42");
    assertThat(principal.getJsonArray("roles")).containsExactly("moderator");
    assertThat(r.json().getString("org")).isEqualTo("acme");
    assertThat(r.json().getString("lang")).isEqualTo("de");
    // with no trusted proxies configured, X-Forwarded-For is not believed
    assertThat(p.get("/probe/whoami").bearer(token).header("X-Forwarded-For", "203.0.113.7").send().json()
      .getString("client")).isEqualTo("127.0.0.1");
    // a token belongs to its organisation: naming another one is refused, naming its own is fine
    assertError(p.get("/probe/whoami").bearer(token).org("other-org").send(), 403, "org_mismatch");
    assertThat(p.get("/probe/whoami").bearer(token).org("acme").send().json().getString("org")).isEqualTo("acme");
    // a platform token without an org claim belongs to "default"
    assertError(p.get("/probe/whoami").as("plain").org("acme").send(), 403, "org_mismatch");
    assertThat(p.get("/probe/whoami").as("plain").send().json().getString("org")).isEqualTo("default");
  }

  @Test
  void theSessionCookieIsAcceptedLikeABearerToken() {
    Res r = p.get("/probe/whoami").header("Cookie", "__session=" + p.token("cookie-user")).send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getJsonObject("principal").getString("sub")).isEqualTo("cookie-user");
  }

  @Test
  void badTokensAre401() {
    assertError(p.get("/probe/whoami").send(), 401, "unauthorized");
    long past = System.currentTimeMillis() / 1000 - 7200;
    assertError(p.get("/probe/whoami").bearer(sign(SECRET, claims("u").put("iat", past).put("exp", past + 60))).send(),
      401, "unauthorized");
    assertError(p.get("/probe/whoami").bearer(sign("another-secret-another-secret-another-0123", claims("u"))).send(),
      401, "unauthorized");
    assertError(p.get("/probe/whoami").bearer(sign(SECRET, claims("u").put("iss", "https://evil.example"))).send(),
      401, "unauthorized");
    assertError(p.get("/probe/whoami").bearer(sign(SECRET, claims("u").put("aud", "someone-else"))).send(),
      401, "unauthorized");
    assertError(p.get("/probe/whoami").bearer("not.a.jwt").send(), 401, "unauthorized");
    assertError(p.get("/probe/whoami").header("Authorization", "Basic dXNlcjpwYXNz").send(), 401, "unauthorized");
    // a hand-signed token with the right key, issuer and audience is fine
    assertThat(p.get("/probe/whoami").bearer(sign(SECRET, claims("hand"))).send().status()).isEqualTo(200);
  }

  @Test
  void revokedTokensStopWorking() {
    String token = p.token("leaver");
    assertThat(p.get("/probe/whoami").bearer(token).send().status()).isEqualTo(200);
    TestPlatform.await(p.platform().auth().revokeSubject("leaver"));
    assertError(p.get("/probe/whoami").bearer(token).send(), 401, "unauthorized");
    // a token issued after the revocation works
    assertThat(p.get("/probe/whoami").bearer(p.token("leaver")).send().status()).isEqualTo(200);
  }

  @Test
  void aTokenSeenBeforeStillExpires() {
    try (TestPlatform strict = TestPlatform.start(new JsonObject().put("auth", new JsonObject()
      .put("jwt", new JsonObject().put("clockSkewSeconds", 0))))) {
      long now = strict.clock().millis() / 1000;
      String token = sign(SECRET, claims("short-lived").put("iat", now).put("exp", now + 2));
      assertThat(strict.get("/probe/whoami").bearer(token).send().status()).isEqualTo(200);
      strict.clock().advance(java.time.Duration.ofSeconds(3));
      Res late = strict.get("/probe/whoami").bearer(token).send();
      assertThat(late.status()).as(late.toString()).isEqualTo(401);
    }
  }

  @Test
  void optionalAndPublicOperations() {
    assertThat(p.get("/probe/maybe").send().json().getValue("user")).isNull();
    assertThat(p.get("/probe/maybe").as("u1").send().json().getString("user")).isEqualTo("u1");
    assertError(p.get("/probe/maybe").bearer("garbage").send(), 401, "unauthorized");
    // on a public operation an invalid token is ignored
    Res pub = p.get("/probe/public").bearer("garbage").send();
    assertThat(pub.status()).isEqualTo(200);
    assertThat(pub.json().getValue("user")).isNull();
    // a valid token on a public operation still belongs to its organisation
    String acme = p.token("u2", new JsonObject().put("org", "acme"));
    assertError(p.get("/probe/public").bearer(acme).org("globex").send(), 403, "org_mismatch");
    assertError(p.get("/probe/maybe").bearer(acme).org("globex").send(), 403, "org_mismatch");
    assertThat(p.get("/probe/public").bearer(acme).org("acme").send().json().getString("user")).isEqualTo("u2");
    assertThat(p.get("/probe/public").bearer("garbage").org("globex").send().status()).isEqualTo(200);
  }

  @Test
  void apiTokensAreCreatedByAdminsAndRevocable() {
    assertError(p.get("/probe/admin").send(), 401, "unauthorized");
    assertError(p.get("/probe/admin").header("x-api-token", "cpt_nope").send(), 401, "unauthorized");
    String admin = p.token("boss", new JsonObject().put("org", "acme").put("roles", new JsonArray().add("admin")));
    assertError(p.post("/api/admin/api-tokens").org("acme").bearer(p.token("pleb", new JsonObject().put("org", "acme")))
      .json(new JsonObject().put("name", "ci")).send(), 403, "forbidden");
    Res created = p.post("/api/admin/api-tokens").org("acme").bearer(admin).json(new JsonObject().put("name", "ci")).send();
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().getString("token");
    assertThat(p.sql("SELECT count(*) FROM platform.api_tokens WHERE token_hash = $1", secret).get(0).getLong(0)).isZero();
    Res ok = p.get("/probe/admin").header("x-api-token", secret).send();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("org")).isEqualTo("acme");
    JsonArray listed = p.get("/api/admin/api-tokens").org("acme").bearer(admin).send().json().getJsonArray("data");
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).containsKey("token")).isFalse();
    String id = created.json().getString("id");
    assertThat(p.delete("/api/admin/api-tokens/" + id).org("acme").bearer(admin).send().status()).isEqualTo(200);
    assertError(p.get("/probe/admin").header("x-api-token", secret).send(), 401, "unauthorized");
    assertError(p.delete("/api/admin/api-tokens/" + id).org("acme").bearer(admin).send(), 404, "not_found");
    // both administrative acts are in acme's audit log, with the admin as actor
    assertThat(p.sql("SELECT action, actor FROM platform.audit_log WHERE org = 'acme' ORDER BY seq").stream()
      .map(r -> r.getString(0) + " by " + r.getString(1)).toList())
      .containsExactly("api_token.created by boss", "api_token.revoked by boss");
    // an admin of another organisation can neither reach acme's tokens nor see them from its own
    String stranger = p.token("boss-of-default", new JsonObject().put("roles", new JsonArray().add("admin")));
    assertError(p.get("/api/admin/api-tokens").org("acme").bearer(stranger).send(), 403, "org_mismatch");
    assertError(p.delete("/api/admin/api-tokens/" + id).org("acme").bearer(stranger).send(), 403, "org_mismatch");
    assertThat(p.get("/api/admin/api-tokens").bearer(stranger).send().json().getJsonArray("data")).isEmpty();
    assertError(p.delete("/api/admin/api-tokens/" + id).bearer(stranger).send(), 404, "not_found");
  }

  @Test
  void validationFailuresAre400WithTheFailingPlace() {
    Res missing = p.post("/probe/notes").json(new JsonObject().put("tags", new JsonArray())).send();
    assertError(missing, 400, "validation_failed");
    assertError(p.post("/probe/notes").json(new JsonObject().put("text", 5)).send(), 400, "validation_failed");
    Res extra = p.post("/probe/notes").json(new JsonObject().put("text", "a").put("admin", true)).send();
    assertError(extra, 400, "validation_failed");
    Res tooMany = p.post("/probe/notes").json(new JsonObject().put("text", "a")
      .put("tags", new JsonArray().add("1").add("2").add("3"))).send();
    assertError(tooMany, 400, "validation_failed");
    assertThat(tooMany.json().getJsonObject("error").getJsonArray("details").encode()).contains("/tags");
    assertError(p.post("/probe/notes").body("application/json", Buffer.buffer("{\"text\": \"a\"")).send(), 400,
      "validation_failed");
    assertError(p.post("/probe/notes").body("application/json", Buffer.buffer("[1,2]")).send(), 400, "validation_failed");
    assertError(p.post("/probe/notes").send(), 400, "validation_failed");
    assertError(p.post("/probe/notes").body("text/plain", Buffer.buffer("text=a")).send(), 415, "unsupported_media_type");
    assertError(p.get("/probe/notes?limit=abc").send(), 400, "validation_failed");
    assertError(p.get("/probe/notes?limit=11").send(), 400, "validation_failed");
    assertError(p.get("/probe/whoami").as("u").org("bad org!").send(), 400, "bad_request");
    assertThat(p.sql("SELECT count(*) FROM probe.notes").get(0).getLong(0)).isZero();
  }

  @Test
  void badlyEncodedQueriesAre400AndStringQueriesKeepTheirText() {
    assertError(p.get("/probe/notes?limit=%").send(), 400, "validation_failed");
    assertError(p.get("/probe/search?q=100%zz").send(), 400, "validation_failed");
    // a route with a path parameter decodes the query while matching: still a 400
    assertError(p.delete("/api/admin/api-tokens/" + java.util.UUID.randomUUID() + "?x=%").send(), 400,
      "validation_failed");
    for (String q : new String[]{"-5", "1.5", "[1]", "%22x%22", "true", "null", "%5C"}) {
      Res r = p.get("/probe/search?q=" + q).send();
      assertThat(r.status()).as(q + " " + r).isEqualTo(200);
    }
    assertThat(p.get("/probe/search?q=-5").send().json().getValue("q")).isEqualTo("-5");
    assertThat(p.get("/probe/search?q=%5B1%5D").send().json().getValue("q")).isEqualTo("[1]");
  }

  @Test
  void queryValuesArriveTyped() {
    assertThat(p.get("/probe/notes?limit=3").send().json().getString("limitType")).isEqualTo("Integer");
  }

  @Test
  void bodiesOverTheLimitAre413() {
    assertError(p.post("/probe/notes").json(new JsonObject().put("text", "x".repeat(1_100_000))).send(), 413, "too_large");
    // per-operation limit from x-body-limit
    assertError(p.put("/probe/upload").body("image/png", Buffer.buffer(new byte[5000])).send(), 413, "too_large");
    Res ok = p.put("/probe/upload").body("image/png", Buffer.buffer(new byte[]{1, 2, 3})).send();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("x-bytes")).isEqualTo("3");
    assertThat(ok.body().getBytes()).containsExactly(1, 2, 3);
  }

  @Test
  void rawBodiesAreCheckedForTypeAndPresence() {
    assertError(p.put("/probe/upload").body("text/plain", Buffer.buffer("hello")).send(), 415, "unsupported_media_type");
    assertError(p.put("/probe/upload").body("image/png", Buffer.buffer()).send(), 400, "validation_failed");
    assertThat(p.put("/probe/upload").body("image/png; charset=binary", Buffer.buffer("x")).send().status()).isEqualTo(200);
  }

  @Test
  void unknownRoutesAndMethodsAnswerInTheErrorShape() {
    assertError(p.get("/nowhere").send(), 404, "not_found");
    assertError(p.delete("/probe/notes").send(), 405, "method_not_allowed");
  }

  @Test
  void busFailuresBecome504And503And500() {
    assertError(p.get("/probe/slow").send(), 504, "timeout");
    assertError(p.get("/probe/unserved").send(), 503, "unavailable");
    Res boom = p.get("/probe/boom").header("x-request-id", "trace-123").send();
    assertError(boom, 500, "internal_error");
    assertThat(boom.json().getString("reqId")).isEqualTo("trace-123");
    assertThat(boom.body().toString()).doesNotContain("deliberate");
  }

  @Test
  void healthAnswers() {
    Res r = p.get("/api/health").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("ok");
    assertThat(java.time.Instant.parse(r.json().getString("timestamp"))).isNotNull();
    Res ready = p.get("/health/ready").send();
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().toString()).contains("database").contains("probe");
  }

  @Test
  void theMergedContractIsValidOpenApi31() {
    Res r = p.get("/openapi.json").send();
    assertThat(r.status()).isEqualTo(200);
    var result = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(r.body().toString(), List.of(), null);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).containsKeys("/api/health", "/probe/whoami", "/api/admin/api-tokens");
  }
}
