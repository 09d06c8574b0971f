package org.communityplatform.communities;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain community routes (001): create, read, change, delete; bad input; no orphans. */
class CommunitiesApiTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  @Test
  void aCommunityIsCreatedReadAndChanged() {
    String org = Fixture.org();
    Res r = Fixture.post(org, "olga", "/api/communities").json(new JsonObject().put("name", "Chess Club Zürich")
      .put("description", "We play chess")).send();
    assertThat(r.status()).isEqualTo(201);
    JsonObject c = r.json();
    assertThat(c.getString("name")).isEqualTo("Chess Club Zürich");
    assertThat(c.getString("slug")).isEqualTo("chess-club-zurich");
    assertThat(c.getBoolean("isPrivate")).isFalse();
    assertThat(c.getString("role")).isEqualTo("owner");
    assertThat(c.getInteger("memberCount")).isEqualTo(1);
    assertThat(c.getString("status")).isEqualTo("live");
    assertThat(c.getString("access")).isEqualTo("open");
    String id = c.getString("id");
    // the same name again gets a slug of its own
    String slug2 = Fixture.post(org, "olga", "/api/communities").json(new JsonObject().put("name", "Chess Club Zurich"))
      .send().json().getString("slug");
    assertThat(slug2).startsWith("chess-club-zurich-").matches("^[a-z]+(-[a-z]+)*$");

    JsonObject seen = Fixture.get(org, "pete", "/api/communities/" + id).send().json();
    assertThat(seen.getString("role")).isNull();
    assertThat(seen.getString("description")).isEqualTo("We play chess");

    Res changed = Fixture.patch(org, "olga", "/api/communities/" + id).json(new JsonObject().put("name", "Chess Club")
      .put("logoUrl", "https://blob.example/logo.png").put("coverImageUrl", "https://blob.example/cover.png")
      .put("isPrivate", true)).send();
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getString("name")).isEqualTo("Chess Club");
    assertThat(changed.json().getString("logoUrl")).isEqualTo("https://blob.example/logo.png");
    assertThat(changed.json().getString("description")).isEqualTo("We play chess");
    assertThat(changed.json().getBoolean("isPrivate")).isTrue();
    // now private: hidden from non-members
    Fixture.assertError(Fixture.get(org, "pete", "/api/communities/" + id).send(), 404);
    Fixture.assertError(Fixture.platform().get("/api/communities/" + id).org(org).send(), 401);
  }

  @Test
  void deletingACommunityLeavesNoOrphanRows() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "admin", "admin");
    Fixture.joined(org, c, "owner", "m1", "member");
    String g = Fixture.post(org, "owner", "/api/groups").json(new JsonObject().put("communityId", c).put("name", "Group"))
      .send().json().getString("id");
    Fixture.post(org, "owner", "/api/groups/" + g).json(new JsonObject().put("targetUserId", "m1")).send();
    Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c).put("content", "hello")).send();
    Fixture.post(org, "owner", "/api/posts").json(new JsonObject().put("communityId", c).put("groupId", g).put("content", "hi"))
      .send();
    Fixture.post(org, "owner", "/api/communities/" + c + "/invite").json(new JsonObject().put("email", "x@example.test")).send();
    Fixture.adminPatch(org, Fixture.apiToken(org), c, new JsonObject().put("access", "request"));
    Fixture.post(org, "waiting", "/api/v4/communities/" + c + "/join").send();
    String keep = Fixture.community(org, "owner", false);

    String[] tables = {"members", "groups", "group_members", "posts", "invites", "join_requests"};
    for (String t : tables) {
      assertThat(Fixture.count("SELECT count(*) FROM communities." + t + " WHERE community_id = $1::uuid", c)).as(t).isPositive();
    }
    assertThat(Fixture.delete(org, "owner", "/api/communities/" + c).send().json().getBoolean("deleted")).isTrue();
    for (String t : tables) {
      assertThat(Fixture.count("SELECT count(*) FROM communities." + t + " WHERE community_id = $1::uuid", c)).as(t).isZero();
    }
    assertThat(Fixture.count("SELECT count(*) FROM communities.communities WHERE id = $1::uuid", c)).isZero();
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c).send(), 404);
    Fixture.assertError(Fixture.get(org, "owner", "/api/groups/" + g).send(), 404);
    Fixture.assertError(Fixture.delete(org, "owner", "/api/communities/" + c).send(), 404);
    // the other community is untouched
    assertThat(Fixture.get(org, "owner", "/api/communities/" + keep).send().status()).isEqualTo(200);
    assertThat(Fixture.get(org, "m1", "/api/communities").send().json().getJsonArray("data")).isEmpty();
  }

  @Test
  void badInputIsAnsweredInTheErrorShapeAndStoresNothing() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    String[] bad = {
      "{}", "{\"name\": \"x\"}", "{\"name\": \"" + "n".repeat(101) + "\"}", "{\"name\": 42}", "{\"name\": \"  \"}",
      "{\"name\": \"Fine\", \"description\": \"" + "d".repeat(501) + "\"}", "{\"name\": \"Fine\", \"isPrivate\": \"yes\"}",
      "{\"name\": \"Fine\", \"owner\": \"me\"}", "{\"name\": ", "[]", "null", "{\"name\": \"nul \\u0000 byte\"}"};
    for (String body : bad) {
      Res r = Fixture.post(org, "owner", "/api/communities").body("application/json", Buffer.buffer(body)).send();
      assertThat(r.status()).as(body + " -> " + r).isBetween(400, 499);
      Fixture.assertError(r, r.status());
    }
    Fixture.assertError(Fixture.post(org, "owner", "/api/communities").body("text/plain", Buffer.buffer("name")).send(), 415);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/not-a-uuid").send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + UUID.randomUUID()).send(), 404);
    Fixture.assertError(Fixture.patch(org, "owner", "/api/communities/" + c).json(new JsonObject()).send(), 400);
    Fixture.assertError(Fixture.patch(org, "owner", "/api/communities/" + c).json(new JsonObject()
      .put("logoUrl", "javascript:alert(1)")).send(), 400);
    Fixture.assertError(Fixture.patch(org, "owner", "/api/communities/" + c + "/members").json(new JsonObject()
      .put("targetUserId", "x").put("role", "king")).send(), 400);
    Fixture.assertError(Fixture.patch(org, "owner", "/api/communities/" + c + "/members").json(new JsonObject()
      .put("role", "member")).send(), 400);
    Fixture.assertError(Fixture.post(org, "owner", "/api/communities/" + c + "/invite/accept").json(new JsonObject()
      .put("token", "short")).send(), 400);
    Fixture.assertError(Fixture.post(org, "owner", "/api/v4/communities/" + c + "/join").json(new JsonObject()
      .put("password", 123)).send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities?page=0").send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities?limit=abc").send(), 400);
    assertThat(Fixture.count("SELECT count(*) FROM communities.communities WHERE org = $1", org)).isEqualTo(1);
    assertThat(Fixture.get(org, "owner", "/api/communities/" + c).send().json().getInteger("memberCount")).isEqualTo(1);
  }

  @Test
  void everyOperationIsInTheContract() {
    JsonObject doc = Fixture.platform().get("/openapi.json").send().json();
    JsonObject paths = doc.getJsonObject("paths");
    assertThat(paths.fieldNames()).contains("/api/communities", "/api/communities/{communityId}",
      "/api/communities/{communityId}/members", "/api/communities/{communityId}/invite",
      "/api/communities/{communityId}/invite/accept", "/api/groups", "/api/groups/{groupId}", "/api/posts",
      "/api/posts/{postId}", "/api/stream/token", "/api/v4/communities/{communityId}/join",
      "/api/v4/communities/{communityId}/join-requests",
      "/api/v4/communities/{communityId}/join-requests/{requestId}/approve",
      "/api/v4/communities/{communityId}/join-requests/{requestId}/reject",
      "/api/v2/admin/communities", "/api/v2/admin/communities/{communityId}");
    JsonArray security = paths.getJsonObject("/api/v2/admin/communities/{communityId}").getJsonObject("get")
      .getJsonArray("security");
    assertThat(security.getJsonObject(0).containsKey("apiToken")).isTrue();
  }
}
