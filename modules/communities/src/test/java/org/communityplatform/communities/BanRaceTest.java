package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, found by the outside tester: a ban and a way in (v4 join, invite accept) sent at the same
 * moment must never leave a banned user a member. Each round sends both at once; whichever wins, the
 * invariant is "banned implies not a member".
 */
class BanRaceTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
  private static final int ROUNDS = 20;

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  private static String community(String org) {
    Res r = Fixture.as(Fixture.platform().post("/api/communities"), org, "owner").json(new JsonObject().put("name", "Raced")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static Res ban(String org, String c, String target) {
    return Fixture.as(Fixture.platform().post("/api/communities/" + c + "/bans"), org, "owner")
      .json(new JsonObject().put("targetUserId", target).put("reason", "spam")).send();
  }

  private static Res[] together(Supplier<Res> a, Supplier<Res> b) {
    CompletableFuture<Res> fa = CompletableFuture.supplyAsync(a, POOL);
    CompletableFuture<Res> fb = CompletableFuture.supplyAsync(b, POOL);
    return new Res[] {fa.join(), fb.join()};
  }

  private static long memberships(String c, String user) {
    return Fixture.platform().sql("SELECT count(*) FROM communities.members WHERE community_id = $1::uuid AND user_id = $2",
      c, user).get(0).getLong(0);
  }

  @Test
  void aBanAndAJoinAtOnceNeverLeaveABannedMember() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org);
    for (int i = 0; i < ROUNDS; i++) {
      String user = "racer" + i;
      Res[] r = together(() -> ban(org, c, user),
        () -> Fixture.as(p.post("/api/v4/communities/" + c + "/join"), org, user).send());
      assertThat(r[0].status()).as(r[0].toString()).isEqualTo(201);
      assertThat(r[1].status()).as(r[1].toString()).isIn(200, 403);
      assertThat(memberships(c, user)).as("round %d: banned %s is still a member (join answered %s)", i, user, r[1])
        .isZero();
    }
  }

  @Test
  void aBanAndAnInviteAcceptAtOnceNeverLeaveABannedMember() {
    TestPlatform p = Fixture.platform();
    String org = Fixture.org();
    String c = community(org);
    for (int i = 0; i < ROUNDS; i++) {
      String user = "invitee" + i;
      Res inv = Fixture.as(p.post("/api/communities/" + c + "/invite"), org, "owner")
        .json(new JsonObject().put("email", user + "@example.test")).send();
      assertThat(inv.status()).as(inv.toString()).isIn(200, 201);
      String token = inv.json().getString("token");
      Res[] r = together(() -> ban(org, c, user),
        () -> Fixture.as(p.post("/api/communities/" + c + "/invite/accept"), org, user)
          .json(new JsonObject().put("token", token)).send());
      assertThat(r[0].status()).as(r[0].toString()).isEqualTo(201);
      assertThat(memberships(c, user)).as("round %d: banned %s is still a member (accept answered %s)", i, user, r[1])
        .isZero();
    }
  }
}
