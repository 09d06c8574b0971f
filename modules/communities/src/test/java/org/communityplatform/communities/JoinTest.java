package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Joining through the join API (004): open communities, approval, passwords, requirements, concurrency. */
class JoinTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static Res join(String org, String user, String c) {
    return Fixture.post(org, user, "/api/v4/communities/" + c + "/join").send();
  }

  private static long memberRows(String c) {
    return Fixture.count("SELECT count(*) FROM communities.members WHERE community_id = $1::uuid", c);
  }

  private static int memberCount(String org, String c) {
    return Fixture.get(org, "owner", "/api/communities/" + c).send().json().getInteger("memberCount");
  }

  @Test
  void anOpenCommunityIsJoinedAtOnceAndJoiningAgainChangesNothing() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Res r = join(org, "alice", c);
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.fieldNames()).contains("joinRequests", "users", "files", "roles");
    assertThat(body.getJsonArray("joinRequests")).isEmpty();
    assertThat(body.getJsonArray("files")).isEmpty();
    JsonObject user = body.getJsonArray("users").getJsonObject(0);
    assertThat(user.getString("userId")).isEqualTo("alice");
    assertThat(user.getJsonArray("roles")).containsExactly("member");
    assertThat(user.getString("displayName")).isEqualTo("User alice");
    assertThat(body.getJsonArray("roles").getJsonObject(0).getString("roleId")).isEqualTo("member");
    assertThat(memberCount(org, c)).isEqualTo(2);

    Res again = join(org, "alice", c);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getJsonArray("users").getJsonObject(0).getJsonArray("roles")).containsExactly("member");
    assertThat(memberCount(org, c)).isEqualTo(2);
    // the owner joining "again" keeps being the owner
    assertThat(join(org, "owner", c).json().getJsonArray("users").getJsonObject(0).getJsonArray("roles"))
      .containsExactly("owner");
    Fixture.assertError(Fixture.platform().post("/api/v4/communities/" + c + "/join").org(org).send(), 401);
  }

  @Test
  void fiftyUsersJoiningAtOnceAreAllCountedAndOneUserJoiningTwentyTimesOnce() throws Exception {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<CompletableFuture<Res>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String user = "user-" + i;
        all.add(CompletableFuture.supplyAsync(() -> join(org, user, c), pool));
      }
      for (CompletableFuture<Res> f : all) {
        assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
      }
      assertThat(memberCount(org, c)).isEqualTo(51);
      assertThat(memberRows(c)).isEqualTo(51);

      all.clear();
      for (int i = 0; i < 20; i++) {
        all.add(CompletableFuture.supplyAsync(() -> join(org, "eager", c), pool));
      }
      for (CompletableFuture<Res> f : all) {
        assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
      }
      assertThat(memberCount(org, c)).isEqualTo(52);
      assertThat(memberRows(c)).isEqualTo(52);
      assertThat(Fixture.count("SELECT count(*) FROM communities.members WHERE community_id = $1::uuid AND user_id = 'eager'", c))
        .isEqualTo(1);
      // the directory positions stay dense: 1..52, each once
      assertThat(Fixture.count("SELECT count(DISTINCT pos) FROM communities.members WHERE community_id = $1::uuid "
        + "AND pos BETWEEN 1 AND 52", c)).isEqualTo(52);

      // twenty concurrent requests to join a community that needs approval open one request
      String gated = Fixture.community(org, "owner", false);
      Fixture.adminPatch(org, Fixture.apiToken(org), gated, new JsonObject().put("access", "request"));
      all.clear();
      for (int i = 0; i < 20; i++) {
        all.add(CompletableFuture.supplyAsync(() -> join(org, "eager", gated), pool));
      }
      for (CompletableFuture<Res> f : all) {
        assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
      }
      assertThat(Fixture.count("SELECT count(*) FROM communities.join_requests WHERE community_id = $1::uuid", gated))
        .isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCommunityThatNeedsApprovalOpensARequestThatModeratorsDecide() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "mod", "moderator");
    Fixture.joined(org, c, "owner", "member", "member");
    Fixture.adminPatch(org, token, c, new JsonObject().put("access", "request"));

    Res r = join(org, "bob", c);
    assertThat(r.status()).isEqualTo(200);
    JsonObject request = r.json().getJsonArray("joinRequests").getJsonObject(0);
    assertThat(request.getString("status")).isEqualTo("pending");
    assertThat(request.getString("userId")).isEqualTo("bob");
    assertThat(request.getString("targetId")).isEqualTo(c);
    assertThat(request.getString("targetType")).isEqualTo("community");
    assertThat(request.getString("respondedAt")).isNull();
    assertThat(r.json().getJsonArray("users").getJsonObject(0).getJsonArray("roles")).isEmpty();
    assertThat(r.json().getJsonArray("roles")).isEmpty();
    String requestId = request.getString("joinRequestId");
    // not a member yet, and asking again returns the same request
    Fixture.assertError(Fixture.get(org, "bob", "/api/posts?communityId=" + c).send().status() == 200
      ? Fixture.post(org, "bob", "/api/posts").json(new JsonObject().put("communityId", c).put("content", "hi")).send()
      : null, 403);
    assertThat(join(org, "bob", c).json().getJsonArray("joinRequests").getJsonObject(0).getString("joinRequestId"))
      .isEqualTo(requestId);
    join(org, "carol", c);

    // the administrative model lists both as waiting
    JsonObject admin = Fixture.platform().get("/api/v2/admin/communities/" + c).header("x-api-token", token).send().json();
    assertThat(admin.getJsonArray("usersWaiting")).containsExactly("bob", "carol");
    JsonArray pending = Fixture.get(org, "mod", "/api/v4/communities/" + c + "/join-requests").send().json().getJsonArray("data");
    assertThat(pending).hasSize(2);
    Fixture.assertError(Fixture.get(org, "member", "/api/v4/communities/" + c + "/join-requests").send(), 403);

    Res approved = Fixture.post(org, "mod", "/api/v4/communities/" + c + "/join-requests/" + requestId + "/approve").send();
    assertThat(approved.status()).isEqualTo(200);
    JsonObject decided = approved.json().getJsonArray("joinRequests").getJsonObject(0);
    assertThat(decided.getString("status")).isEqualTo("approved");
    assertThat(decided.getString("responderId")).isEqualTo("mod");
    assertThat(decided.getString("respondedAt")).isNotNull();
    assertThat(approved.json().getJsonArray("users").getJsonObject(0).getJsonArray("roles")).containsExactly("member");
    assertThat(Fixture.get(org, "bob", "/api/communities/" + c).send().json().getString("role")).isEqualTo("member");
    Fixture.assertError(Fixture.post(org, "mod", "/api/v4/communities/" + c + "/join-requests/" + requestId + "/approve")
      .send(), 409);
    Fixture.assertError(Fixture.post(org, "mod", "/api/v4/communities/" + c + "/join-requests/"
      + java.util.UUID.randomUUID() + "/approve").send(), 404);

    String carolRequest = pending.getJsonObject(1).getString("joinRequestId");
    Res rejected = Fixture.post(org, "owner", "/api/v4/communities/" + c + "/join-requests/" + carolRequest + "/reject").send();
    assertThat(rejected.status()).isEqualTo(200);
    assertThat(rejected.json().getJsonArray("joinRequests").getJsonObject(0).getString("status")).isEqualTo("rejected");
    assertThat(rejected.json().getJsonArray("users")).isEmpty();
    assertThat(Fixture.get(org, "carol", "/api/communities/" + c).send().json().getString("role")).isNull();
    assertThat(memberCount(org, c)).isEqualTo(4);
    assertThat(Fixture.platform().get("/api/v2/admin/communities/" + c).header("x-api-token", token).send().json()
      .getJsonArray("usersWaiting")).isEmpty();
    // a rejected user may ask again
    assertThat(join(org, "carol", c).json().getJsonArray("joinRequests").getJsonObject(0).getString("status"))
      .isEqualTo("pending");
    assertThat(Fixture.get(org, "owner", "/api/v4/communities/" + c + "/join-requests?status=rejected").send().json()
      .getLong("total")).isEqualTo(1);
  }

  @Test
  void aPasswordProtectedCommunityNeedsItsPassword() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    JsonObject model = Fixture.adminPatch(org, Fixture.apiToken(org), c, new JsonObject().put("password", "open sesame"));
    assertThat(model.getBoolean("hasPassword")).isTrue();
    assertThat(model.containsKey("password")).isFalse();
    assertThat(Fixture.platform().sql("SELECT password_hash FROM communities.communities WHERE id = $1::uuid", c).get(0)
      .getString(0)).doesNotContain("open sesame").startsWith("pbkdf2-sha256$");

    assertThat(join(org, "dan", c).errorCode()).isEqualTo("password_required");
    Res wrong = Fixture.post(org, "dan", "/api/v4/communities/" + c + "/join").json(new JsonObject().put("password", "nope")).send();
    Fixture.assertError(wrong, 403);
    assertThat(wrong.errorCode()).isEqualTo("wrong_password");
    Res right = Fixture.post(org, "dan", "/api/v4/communities/" + c + "/join")
      .json(new JsonObject().put("password", "open sesame")).send();
    assertThat(right.status()).isEqualTo(200);
    assertThat(right.json().getJsonArray("users").getJsonObject(0).getJsonArray("roles")).containsExactly("member");
    assertThat(Fixture.get(org, "dan", "/api/communities/" + c).send().json().getBoolean("hasPassword")).isTrue();
  }

  @Test
  void memberRequirementsAndStatusAreEnforced() {
    String org = Fixture.org();
    String token = Fixture.apiToken(org);
    String c = Fixture.community(org, "owner", false);
    Fixture.adminPatch(org, token, c, new JsonObject().put("memberRequirements", new JsonArray()
      .add(new JsonObject().put("type", "age").put("minimumAge", 18).put("parentManaged", false))
      .add(new JsonObject().put("type", "code").put("code", "LETMEIN"))));
    String young = Fixture.platform().token("young", new JsonObject().put("birthdate", "2015-01-01").put("org", org));
    Res tooYoung = Fixture.platform().post("/api/v4/communities/" + c + "/join").org(org).bearer(young)
      .json(new JsonObject().put("code", "LETMEIN")).send();
    Fixture.assertError(tooYoung, 403);
    assertThat(tooYoung.errorCode()).isEqualTo("requirement_not_met");
    String adult = Fixture.platform().token("adult", new JsonObject().put("age", 30).put("org", org));
    Fixture.assertError(Fixture.platform().post("/api/v4/communities/" + c + "/join").org(org).bearer(adult).send(), 403);
    assertThat(Fixture.platform().post("/api/v4/communities/" + c + "/join").org(org).bearer(adult)
      .json(new JsonObject().put("code", "LETMEIN")).send().status()).isEqualTo(200);

    String draft = Fixture.community(org, "owner", false);
    Fixture.adminPatch(org, token, draft, new JsonObject().put("status", "draft"));
    Res closed = join(org, "eve", draft);
    Fixture.assertError(closed, 403);
    assertThat(closed.errorCode()).isEqualTo("community_not_open");
  }
}
