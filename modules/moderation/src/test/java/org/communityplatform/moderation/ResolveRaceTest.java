package org.communityplatform.moderation;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, found by the outside tester: two moderators resolving the same report at the same moment.
 * Only one may carry out its action (one moderate call reaches the place's module); the other is
 * answered 409 {@code already_resolved} and carries out nothing.
 */
class ResolveRaceTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
  static StandIn world;
  static Calls calls;

  @BeforeAll
  static void standIn() {
    world = StandIn.on(p.get());
    calls = new Calls(p.get());
  }

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  @Test
  void ofTwoModeratorsResolvingAtOnceOnlyOneActs() {
    for (int i = 0; i < 20; i++) {
      String org = Calls.org();
      String c = world.place(org, true, false, "owner");
      world.member(org, c, "admin", "admin");
      world.member(org, c, "mod", "moderator");
      world.member(org, c, "a", "member");
      world.member(org, c, "troll", "member");
      String id = calls.reported(org, "a", Calls.member("troll", c, "harassment"));

      CompletableFuture<Res> one = CompletableFuture.supplyAsync(() -> calls.resolve(org, "mod", id, Calls.action("mute")), POOL);
      CompletableFuture<Res> two = CompletableFuture.supplyAsync(() -> calls.resolve(org, "admin", id, Calls.action("ban")), POOL);
      List<Res> answers = List.of(one.join(), two.join());

      List<JsonObject> acts = world.moderateCalls.stream().filter(m -> org.equals(m.getString("org"))).toList();
      assertThat(acts).as("round %d: actions carried out %s; answers %s", i, acts, answers).hasSize(1);
      assertThat(answers).extracting(Res::status).as("round %d: %s", i, answers).containsExactlyInAnyOrder(200, 409);
      Res loser = answers.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
      assertThat(loser.errorCode()).isEqualTo("already_resolved");
      assertThat(p.get().sql("SELECT status FROM moderation.reports WHERE id = $1::uuid", id).get(0).getString(0))
        .isEqualTo("resolved");
    }
  }
}
