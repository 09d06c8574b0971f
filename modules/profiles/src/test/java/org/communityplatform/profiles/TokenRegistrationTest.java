package org.communityplatform.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.assertError;
import static org.communityplatform.profiles.Fixtures.data;

/** Registration mode "token": single-use tokens that a platform admin issues. */
class TokenRegistrationTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject().put("registrationMode", "token").put("firstAdmin", "root-user")
      .put("reservedIdTags", new JsonArray().add("admin"))));
  static TestPlatform p;

  @BeforeAll
  static void start() {
    p = platform.get();
  }

  private static Res register(String tag, String token) {
    JsonObject body = new JsonObject().put("type", "idp").put("idTag", tag).put("email", tag + "@example.org")
      .put("password", "long enough password");
    if (token != null) {
      body.put("token", token);
    }
    return p.post("/api/profiles/register").json(body).send();
  }

  @Test
  void onlyAnAdminsSingleUseTokenOpensRegistration() {
    // no token, or a made-up one: refused, nothing stored
    assertError(register("newbie", null), 403, "registration_token_required");
    assertError(register("newbie", "rt_made-up"), 403, "registration_token_invalid");
    assertThat(p.sql("SELECT count(*) FROM profiles.users").get(0).getLong(0)).isZero();

    // the first admin registers with a token an operator created directly in the database,
    // as a fresh installation would (first admin named in config)
    String bootstrap = "rt_bootstrap-token-0123456789";
    p.sql("INSERT INTO profiles.registration_tokens (token_hash, id, org, created_by, created_at, expires_at) "
      + "VALUES ($1, gen_random_uuid(), 'default', 'operator', now(), now() + interval '1 hour')",
      org.communityplatform.core.auth.PlatformAuth.sha256(bootstrap));
    JsonObject admin = data(register("root-user", bootstrap), 201);
    String adminToken = admin.getString("token");
    assertThat(Fixtures.claims(adminToken).getJsonArray("roles")).contains("admin");
    assertError(register("second", bootstrap), 403, "registration_token_invalid");

    // an admin issues tokens; a plain user may not
    JsonObject issued = data(p.post("/api/admin/registration-tokens").bearer(adminToken)
      .json(new JsonObject().put("note", "for Nina").put("expiresInHours", 2)).send(), 201);
    String token = issued.getString("token");
    assertThat(token).startsWith("rt_");
    assertThat(issued.getString("note")).isEqualTo("for Nina");
    assertThat(p.sql("SELECT count(*) FROM profiles.registration_tokens WHERE token_hash = $1", token).get(0).getLong(0))
      .as("only the hash is kept").isZero();

    JsonObject nina = data(register("nina", token), 201);
    assertThat(nina.getString("idTag")).isEqualTo("nina");
    assertError(register("nina2", token), 403, "registration_token_invalid");
    assertError(p.post("/api/admin/registration-tokens").bearer(nina.getString("token")).json(new JsonObject()).send(),
      403, null);
    assertError(p.get("/api/admin/registration-tokens").bearer(nina.getString("token")).send(), 403, null);
    assertError(p.post("/api/admin/registration-tokens").json(new JsonObject()).send(), 401, null);
    assertError(p.post("/api/admin/registration-tokens").bearer(adminToken).json(new JsonObject().put("expiresInHours", 0))
      .send(), 400, null);

    JsonObject list = p.get("/api/admin/registration-tokens").bearer(adminToken).send().json();
    assertThat(list.getLong("total")).isEqualTo(2);
    JsonObject used = list.getJsonArray("data").getJsonObject(0);
    assertThat(used.getString("note")).isEqualTo("for Nina");
    assertThat(used.getString("usedBy")).isEqualTo(nina.getString("userId"));
    assertThat(used.getString("usedAt")).isNotBlank();
    assertThat(used.containsKey("token")).isFalse();

    // a token is not spent by a registration that fails
    String spare = data(p.post("/api/admin/registration-tokens").bearer(adminToken).send(), 201).getString("token");
    assertError(register("nina", spare), 409, "id_tag_taken");
    assertThat(register("olivia", spare).status()).isEqualTo(201);
    // tokens belong to their organisation
    String other = data(p.post("/api/admin/registration-tokens").bearer(adminToken).send(), 201).getString("token");
    assertError(p.post("/api/profiles/register").org("another-org").json(new JsonObject().put("type", "idp")
      .put("idTag", "paul").put("email", "paul@example.org").put("token", other)).send(), 403, "registration_token_invalid");
  }
}
