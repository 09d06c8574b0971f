package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import org.communityplatform.chatsync.StreamStandIn;
import org.communityplatform.chatsync.SyncFixture;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.communityplatform.chatsync.SyncFixture.await;
import static org.communityplatform.chatsync.SyncFixture.awaitDrained;

/**
 * Stream Chat following communities and groups written through the HTTP API, with every module
 * running (communities, profiles for display names, chatsync) and a stand-in Stream that checks
 * credentials and bodies.
 */
class StreamSyncTest {

  static final StreamStandIn stream = StreamStandIn.start();

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(SyncFixture.config(stream));

  static final List<String> people = List.of("maker-owner", "maker-1", "maker-2");
  static final java.util.Map<String, String> tokens = new java.util.HashMap<>();

  /** Accounts with profiles first (display names come from them); tokens before any clock move. */
  @BeforeAll
  static void accounts() {
    for (String id : List.of("maker-owner", "maker-1", "maker-2", "live-owner", "live-1")) {
      String t = p.get().token(id, new JsonObject().put("name", "Person " + id).put("email", id + "@example.org"));
      tokens.put(id, t);
      assertThat(p.get().post("/api/users/sync").bearer(t).send().status()).isBetween(200, 201);
    }
  }

  @AfterAll
  static void closeStandIn() {
    stream.close();
  }

  private static String create(String path, String as, JsonObject body) {
    Res r = p.get().post(path).bearer(tokens.get(as)).json(body).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void aBackfillBringsExistingCommunitiesGroupsAndMembersToStreamOnce() {
    TestPlatform tp = p.get();
    String c = create("/api/communities", "maker-owner", new JsonObject().put("name", "Makers"));
    for (String m : List.of("maker-1", "maker-2")) {
      assertThat(tp.post("/api/v4/communities/" + c + "/join").bearer(tokens.get(m)).send().status()).isEqualTo(200);
    }
    String g = create("/api/groups", "maker-owner", new JsonObject().put("communityId", c).put("name", "Welders"));
    assertThat(tp.post("/api/groups/" + g).bearer(tokens.get("maker-owner")).json(new JsonObject().put("targetUserId", "maker-1"))
      .send().status()).isEqualTo(201);

    Res started = tp.post("/api/admin/integrations/stream/backfill").header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    awaitBackfillDone(tp);
    awaitDrained(tp);

    StreamStandIn.Channel community = stream.channel("community-" + c);
    StreamStandIn.Channel group = stream.channel("group-" + g);
    assertThat(community.name).isEqualTo("Makers");
    assertThat(community.createdBy).isEqualTo("maker-owner");
    assertThat(community.members).containsExactlyInAnyOrder("maker-owner", "maker-1", "maker-2");
    assertThat(group.name).isEqualTo("Welders");
    assertThat(group.members).containsExactlyInAnyOrder("maker-owner", "maker-1");
    // display names come from the profiles module over the bus
    assertThat(stream.users().get("maker-1").getString("name")).isEqualTo("Person maker-1");
    assertThat(stream.problems()).isEmpty();

    // a second backfill finds everything planned already and queues nothing
    long steps = SyncFixture.allSteps(tp);
    assertThat(tp.post("/api/admin/integrations/stream/backfill").header("x-api-token", SyncFixture.API_TOKEN).send().status())
      .isEqualTo(202);
    awaitBackfillDone(tp);
    assertThat(SyncFixture.allSteps(tp)).isEqualTo(steps);
    Res state = tp.get("/api/admin/integrations/stream").header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(state.json().getJsonObject("backfill").getInteger("communities")).isPositive();
  }

  /**
   * Needs the communities module to append its events (community.created, group.*, ...); skipped
   * while the module does not, which a log without community.created shows.
   */
  @Test
  void writesThroughTheApiReachStreamInOrder() {
    TestPlatform tp = p.get();
    String c = create("/api/communities", "live-owner", new JsonObject().put("name", "Live makers"));
    assumeThat(tp.sql("SELECT 1 FROM platform.events WHERE type = 'community.created' AND community_id = $1", c))
      .as("the communities module appends its events").isNotEmpty();
    assertThat(tp.post("/api/v4/communities/" + c + "/join").bearer(tokens.get("live-1")).send().status()).isEqualTo(200);
    String g = create("/api/groups", "live-owner", new JsonObject().put("communityId", c).put("name", "Lathes"));
    assertThat(tp.post("/api/groups/" + g).bearer(tokens.get("live-owner")).json(new JsonObject().put("targetUserId", "live-1"))
      .send().status()).isEqualTo(201);
    assertThat(tp.patch("/api/groups/" + g).bearer(tokens.get("live-owner")).json(new JsonObject().put("name", "Big lathes"))
      .send().status()).isEqualTo(200);
    awaitDrained(tp);
    assertThat(stream.channel("community-" + c).members).containsExactlyInAnyOrder("live-owner", "live-1");
    assertThat(stream.channel("group-" + g).members).containsExactlyInAnyOrder("live-owner", "live-1");
    assertThat(stream.channel("group-" + g).name).isEqualTo("Big lathes");
    assertThat(shape(stream.callsFor("group-" + g))).containsExactly("POST query", "POST add", "PATCH");

    assertThat(tp.delete("/api/communities/" + c + "/members").bearer(tokens.get("live-1")).query("targetUserId", "live-1")
      .send().status()).isEqualTo(200);
    assertThat(tp.delete("/api/groups/" + g).bearer(tokens.get("live-owner")).send().status()).isEqualTo(200);
    assertThat(tp.delete("/api/communities/" + c).bearer(tokens.get("live-owner")).send().status()).isBetween(200, 204);
    awaitDrained(tp);
    assertThat(shape(stream.callsFor("group-" + g))).endsWith("POST remove", "DELETE");
    assertThat(stream.channel("community-" + c).deleted).isTrue();
    assertThat(stream.problems()).isEmpty();
  }

  private static List<String> shape(List<StreamStandIn.Call> calls) {
    List<String> list = new ArrayList<>();
    for (StreamStandIn.Call call : calls) {
      JsonObject b = call.body();
      list.add(call.method() + (call.path().endsWith("/query") ? " query"
        : b != null && b.containsKey("add_members") ? " add" : b != null && b.containsKey("remove_members") ? " remove" : ""));
    }
    return list;
  }

  private static void awaitBackfillDone(TestPlatform tp) {
    await("the backfill finished", () -> {
      Res s = tp.get("/api/admin/integrations/stream").header("x-api-token", SyncFixture.API_TOKEN).send();
      JsonObject b = s.json().getJsonObject("backfill");
      assertThat(b == null ? null : b.getString("status")).isNotEqualTo("failed");
      return b != null && "done".equals(b.getString("status"));
    });
  }
}
