package org.communityplatform.moderation;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Req;
import org.communityplatform.testing.TestPlatform.Res;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Client calls of the moderation routes, as a user of an organisation (null: anonymous). */
final class Calls {

  private final TestPlatform p;

  Calls(TestPlatform p) {
    this.p = p;
  }

  static String org() {
    return "m" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A token of the user in the organisation (its {@code org} claim), issued now on the platform clock. */
  String token(String user, String org) {
    return p.token(user, new JsonObject().put("org", org));
  }

  /** The request as {@code user} of {@code org} (the gateway refuses an orgid other than the token's). */
  Req as(Req req, String org, String user) {
    req.org(org);
    return user == null ? req : req.bearer(token(user, org));
  }

  Res report(String org, String user, JsonObject body) {
    return as(p.post("/api/reports"), org, user).json(body).send();
  }

  /** Files a report that must succeed; gives its id. */
  String reported(String org, String user, JsonObject body) {
    Res r = report(org, user, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  Res resolve(String org, String user, String reportId, JsonObject body) {
    return as(p.post("/api/reports/" + reportId + "/resolve"), org, user).json(body).send();
  }

  Res communityQueue(String org, String user, String communityId) {
    return as(p.get("/api/communities/" + communityId + "/reports"), org, user).send();
  }

  Res pageQueue(String org, String user, String pageId) {
    return as(p.get("/client/community/pages/" + pageId + "/reports"), org, user).send();
  }

  static JsonObject post(String postId, String reason) {
    return new JsonObject().put("targetType", "post").put("targetId", postId).put("reason", reason);
  }

  static JsonObject pagePost(String postId, String reason) {
    return new JsonObject().put("targetType", "page_post").put("targetId", postId).put("reason", reason);
  }

  static JsonObject member(String userId, String communityId, String reason) {
    return new JsonObject().put("targetType", "member").put("targetId", userId).put("communityId", communityId)
      .put("reason", reason);
  }

  static JsonObject action(String action) {
    return new JsonObject().put("action", action);
  }

  /** Checks the one error shape and the status. */
  static Res assertError(Res r, int status) {
    return r.assertError(status);
  }
}
