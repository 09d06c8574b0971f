package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Req;
import org.communityplatform.testing.TestPlatform.Res;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One platform shared by the module's test classes (a real server, a real database); each test works in
 * an organisation of its own, so tests never see each other's rows.
 */
final class Fixture {

  static final String STREAM_KEY = "stream-key-123";
  static final String STREAM_SECRET = "stream-secret-for-tests-0123456789";

  private static TestPlatform platform;

  private Fixture() {
  }

  static synchronized TestPlatform platform() {
    if (platform == null) {
      platform = TestPlatform.start(new JsonObject().put("modules", new JsonObject().put("communities", new JsonObject()
        .put("passwordHashIterations", 1000)
        .put("organisationLanguages", new JsonArray().add("french-org=fr"))
        .put("stream", new JsonObject().put("apiKey", STREAM_KEY).put("secret", STREAM_SECRET)))));
      TestPlatform p = platform;
      Runtime.getRuntime().addShutdownHook(new Thread(p::close));
    }
    return platform;
  }

  /** A fresh organisation name. */
  static String org() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String token(String user) {
    return platform().token(user, new JsonObject().put("email", user + "@example.test").put("name", "User " + user));
  }

  /** A request by {@code user} (null: anonymous) in {@code org}. */
  static Req as(Req req, String org, String user) {
    req.org(org);
    return user == null ? req : req.bearer(token(user));
  }

  static Req get(String org, String user, String path) {
    return as(platform().get(path), org, user);
  }

  static Req post(String org, String user, String path) {
    return as(platform().post(path), org, user);
  }

  static Req patch(String org, String user, String path) {
    return as(platform().patch(path), org, user);
  }

  static Req delete(String org, String user, String path) {
    return as(platform().delete(path), org, user);
  }

  /** Creates a community owned by {@code owner}; returns its id. */
  static String community(String org, String owner, boolean isPrivate) {
    Res r = post(org, owner, "/api/communities").json(new JsonObject().put("name", "Community of " + owner)
      .put("isPrivate", isPrivate)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  /** Makes {@code user} a member with {@code role}: an invite by the owner, accepted. */
  static void member(String org, String communityId, String owner, String user, String role) {
    Res inv = post(org, owner, "/api/communities/" + communityId + "/invite")
      .json(new JsonObject().put("email", user + "@example.test").put("role", role.equals("owner") ? "admin" : role)).send();
    assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
    Res acc = post(org, user, "/api/communities/" + communityId + "/invite/accept")
      .json(new JsonObject().put("token", inv.json().getString("token"))).send();
    assertThat(acc.status()).as(acc.toString()).isEqualTo(200);
    if (role.equals("owner")) {
      Res up = patch(org, owner, "/api/communities/" + communityId + "/members")
        .json(new JsonObject().put("targetUserId", user).put("role", "owner")).send();
      assertThat(up.status()).as(up.toString()).isEqualTo(200);
    }
  }

  /** Makes {@code user} a member with {@code role} of an open community: a join, then a role change by the owner. */
  static void joined(String org, String communityId, String owner, String user, String role) {
    Res j = post(org, user, "/api/v4/communities/" + communityId + "/join").send();
    assertThat(j.status()).as(j.toString()).isEqualTo(200);
    if (!role.equals("member")) {
      Res up = patch(org, owner, "/api/communities/" + communityId + "/members")
        .json(new JsonObject().put("targetUserId", user).put("role", role)).send();
      assertThat(up.status()).as(up.toString()).isEqualTo(200);
    }
  }

  /** An x-api-token of {@code org}, created through the core route by an organisation admin. */
  static String apiToken(String org) {
    Res r = platform().post("/api/admin/api-tokens").org(org)
      .bearer(platform().token("org-admin", new JsonObject().put("roles", new JsonArray().add("admin"))))
      .json(new JsonObject().put("name", "tests")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("token");
  }

  /** Sets fields of a community through the administrative API. */
  static JsonObject adminPatch(String org, String token, String communityId, JsonObject fields) {
    Res r = platform().patch("/api/v2/admin/communities/" + communityId).header("x-api-token", token).json(fields).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static long count(String sql, Object... params) {
    return platform().sql(sql, params).get(0).getLong(0);
  }

  /** Checks the one error shape. */
  static Res assertError(Res r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    JsonObject body = r.json();
    assertThat(body.getJsonObject("error").getString("code")).isNotBlank();
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(body.getString("reqId")).isEqualTo(r.header("x-request-id"));
    return r;
  }
}
