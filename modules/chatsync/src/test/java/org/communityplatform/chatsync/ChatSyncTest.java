package org.communityplatform.chatsync;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.chatsync.SyncFixture.append;
import static org.communityplatform.chatsync.SyncFixture.await;
import static org.communityplatform.chatsync.SyncFixture.awaitDrained;
import static org.communityplatform.chatsync.SyncFixture.event;
import static org.communityplatform.chatsync.SyncFixture.subject;

/**
 * The sync driven by the real event log (events appended with {@code EventLog.append} in a
 * transaction, as the communities module does), against a stand-in Stream that checks credentials and
 * bodies: each change makes the right calls in the right order, and an outage of Stream delays but
 * never loses a change.
 */
class ChatSyncTest {

  static final StreamStandIn stream = StreamStandIn.start();

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(SyncFixture.config(stream));

  /** A platform admin's token, issued now (tests move the platform clock, which tokens follow). */
  private static String admin() {
    return p.get().token("ops-admin", new JsonObject().put("roles", new JsonArray().add("admin")));
  }

  @AfterAll
  static void closeStandIn() {
    stream.close();
  }

  @BeforeEach
  void cleanStandIn() {
    awaitDrained(p.get());
    stream.reset();
  }

  private static List<String> shape(List<StreamStandIn.Call> calls) {
    List<String> list = new ArrayList<>();
    for (StreamStandIn.Call c : calls) {
      JsonObject b = c.body();
      String what = c.method() + (c.path().endsWith("/query") ? " query" : "");
      if (b != null && b.containsKey("add_members")) {
        what += " add " + b.getJsonArray("add_members").encode();
      } else if (b != null && b.containsKey("remove_members")) {
        what += " remove " + b.getJsonArray("remove_members").encode();
      } else if (b != null && b.containsKey("set")) {
        what += " set " + b.getJsonObject("set").encode();
      }
      list.add(what);
    }
    return list;
  }

  @Test
  void communityGroupMembersRenameAndDeleteMakeTheRightCallsInOrder() {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    String g = UUID.randomUUID().toString();
    append(tp, List.of(
      event("community.created", "owner-1", subject("communityId", c), new JsonObject().put("name", "Gardeners")),
      event("community.member.joined", "owner-1", subject("communityId", c, "userId", "owner-1"), new JsonObject())));
    append(tp, List.of(event("community.member.joined", "ann", subject("communityId", c, "userId", "ann"), new JsonObject())));
    append(tp, List.of(event("group.created", "owner-1", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Roses"))));
    append(tp, List.of(event("group.member.added", "owner-1", subject("communityId", c, "groupId", g, "userId", "ann"), new JsonObject())));
    append(tp, List.of(event("group.updated", "owner-1", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Old roses"))));
    append(tp, List.of(event("community.updated", "owner-1", subject("communityId", c), new JsonObject().put("name", "Gardeners club"))));
    awaitDrained(tp);

    StreamStandIn.Channel community = stream.channel("community-" + c);
    StreamStandIn.Channel group = stream.channel("group-" + g);
    assertThat(community.type).isEqualTo("team");
    assertThat(community.name).isEqualTo("Gardeners club");
    assertThat(community.createdBy).isEqualTo("owner-1");
    assertThat(community.members).containsExactlyInAnyOrder("owner-1", "ann");
    assertThat(group.name).isEqualTo("Old roses");
    assertThat(group.members).containsExactlyInAnyOrder("owner-1", "ann");
    assertThat(stream.users()).containsKeys("owner-1", "ann");
    assertThat(shape(stream.callsFor("community-" + c))).containsExactly(
      "POST query", "POST add [\"ann\"]", "PATCH set {\"name\":\"Gardeners club\"}");
    assertThat(shape(stream.callsFor("group-" + g))).containsExactly(
      "POST query", "POST add [\"ann\"]", "PATCH set {\"name\":\"Old roses\"}");
    JsonObject created = stream.callsFor("group-" + g).get(0).body().getJsonObject("data");
    assertThat(created.getString("created_by_id")).isEqualTo("owner-1");
    assertThat(created.getString("name")).isEqualTo("Roses");
    assertThat(created.getJsonArray("members")).containsExactly("owner-1");

    // leaving the community leaves its groups' channels too; then the group and the community go
    append(tp, List.of(event("community.member.left", "ann", subject("communityId", c, "userId", "ann"), new JsonObject())));
    awaitDrained(tp);
    assertThat(community.members).containsExactly("owner-1");
    assertThat(group.members).containsExactly("owner-1");
    append(tp, List.of(event("group.deleted", "owner-1", subject("communityId", c, "groupId", g), new JsonObject())));
    append(tp, List.of(event("community.deleted", "owner-1", subject("communityId", c), new JsonObject())));
    awaitDrained(tp);
    assertThat(group.deleted).isTrue();
    assertThat(community.deleted).isTrue();
    assertThat(shape(stream.callsFor("group-" + g))).endsWith("POST remove [\"ann\"]", "DELETE");
    assertThat(shape(stream.callsFor("community-" + c))).endsWith("POST remove [\"ann\"]", "DELETE");
    // the stand-in checked each call's credentials, bodies, and that users were upserted before joining
    assertThat(stream.problems()).isEmpty();
  }

  @Test
  void eventsReadTwiceOrUnrelatedQueueNothingMore() {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    append(tp, List.of(event("community.created", "owner-2", subject("communityId", c), new JsonObject().put("name", "Chess"))));
    awaitDrained(tp);
    long before = SyncFixture.allSteps(tp);
    int callsBefore = stream.callsFor("community-" + c).size();
    // the same join twice, a role change, a post: the member is added once, the rest makes no step
    append(tp, List.of(
      event("community.member.joined", "bob", subject("communityId", c, "userId", "bob"), new JsonObject()),
      event("community.member.joined", "bob", subject("communityId", c, "userId", "bob"), new JsonObject()),
      event("community.member.role_changed", "owner-2", subject("communityId", c, "userId", "bob"), new JsonObject()),
      event("post.created", "bob", subject("communityId", c, "postId", UUID.randomUUID().toString()), new JsonObject()),
      event("community.updated", "owner-2", subject("communityId", c), new JsonObject().put("name", "Chess"))));
    awaitDrained(tp);
    assertThat(SyncFixture.allSteps(tp) - before).isEqualTo(2); // upsert bob, add bob
    List<StreamStandIn.Call> calls = stream.callsFor("community-" + c);
    assertThat(shape(calls.subList(callsBefore, calls.size()))).containsExactly("POST add [\"bob\"]");
  }

  @Test
  void anOutageOfStreamDelaysButLosesNothing() {
    TestPlatform tp = p.get();
    stream.down();
    String c = UUID.randomUUID().toString();
    String g = UUID.randomUUID().toString();
    append(tp, List.of(event("community.created", "owner-3", subject("communityId", c), new JsonObject().put("name", "Runners"))));
    append(tp, List.of(event("group.created", "owner-3", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Sprinters"))));
    for (String u : List.of("u1", "u2", "u3")) {
      append(tp, List.of(event("community.member.joined", u, subject("communityId", c, "userId", u), new JsonObject()),
        event("group.member.added", "owner-3", subject("communityId", c, "groupId", g, "userId", u), new JsonObject())));
    }
    append(tp, List.of(event("group.member.removed", "owner-3", subject("communityId", c, "groupId", g, "userId", "u2"), new JsonObject())));
    await("the outage seen by the sync", () -> !tp.sql("SELECT 1 FROM chatsync.steps WHERE attempts > 0 AND last_status = 503").isEmpty());

    // operators see the waiting steps and the last error
    Res state = tp.get("/api/admin/integrations/stream").bearer(admin()).send();
    assertThat(state.status()).isEqualTo(200);
    assertThat(state.json().getBoolean("configured")).isTrue();
    assertThat(state.json().getJsonObject("counts").getLong("pending")).isPositive();
    JsonObject first = state.json().getJsonArray("data").getJsonObject(0);
    assertThat(first.getString("lastError")).contains("503");
    assertThat(first.getString("status")).isEqualTo("pending");

    stream.up();
    awaitDrained(tp);
    StreamStandIn.Channel community = stream.channel("community-" + c);
    StreamStandIn.Channel group = stream.channel("group-" + g);
    assertThat(community.members).containsExactlyInAnyOrder("owner-3", "u1", "u2", "u3");
    assertThat(group.name).isEqualTo("Sprinters");
    assertThat(group.members).containsExactlyInAnyOrder("owner-3", "u1", "u3");
    assertThat(stream.problems()).isEmpty();
  }

  @Test
  void aStepStreamRefusesIsFailedUntilAnOperatorRetriesIt() {
    TestPlatform tp = p.get();
    String g = UUID.randomUUID().toString();
    String c = UUID.randomUUID().toString();
    // a member Stream does not know is refused (400); such a step is forged here, as a manual change at
    // Stream (a deleted user) would leave it
    append(tp, List.of(event("group.created", "owner-4", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Chess"))));
    awaitDrained(tp);
    tp.sql("INSERT INTO chatsync.steps (org, queue, channel_type, kind, payload, next_attempt_at, created_at, updated_at) "
      + "VALUES ('default', $1, 'team', 'add_members', '{\"userIds\": [\"ghost\"]}', now(), now(), now())", "group-" + g);
    await("the refused step failed", () -> !tp.sql("SELECT 1 FROM chatsync.steps WHERE status = 'failed'").isEmpty());
    // it holds back its channel: a later member waits behind it
    append(tp, List.of(event("group.member.added", "owner-4", subject("communityId", c, "groupId", g, "userId", "zoe"), new JsonObject())));
    await("zoe's steps queued", () -> !tp.sql("SELECT 1 FROM chatsync.steps WHERE payload::text LIKE '%zoe%'").isEmpty());
    assertThat(stream.channel("group-" + g).members).doesNotContain("zoe");

    Res list = tp.get("/api/admin/integrations/stream").header("x-api-token", SyncFixture.API_TOKEN).query("status", "failed").send();
    assertThat(list.status()).isEqualTo(200);
    JsonObject failed = list.json().getJsonArray("data").getJsonObject(0);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("lastStatus")).isEqualTo(400);
    assertThat(failed.getString("lastError")).contains("not upserted");

    // the cause goes away (ghost becomes a Stream user) and the operator retries
    stream.knowUser("ghost");
    Res retried = tp.post("/api/admin/integrations/stream/steps/" + failed.getString("id") + "/retry")
      .header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isEqualTo("pending");
    awaitDrained(tp);
    assertThat(stream.channel("group-" + g).members).contains("ghost", "zoe");
    Res again = tp.post("/api/admin/integrations/stream/steps/" + failed.getString("id") + "/retry")
      .header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void onlyOperatorsOfTheOrganisationSeeAndRetrySteps() {
    TestPlatform tp = p.get();
    assertThat(tp.get("/api/admin/integrations/stream").send().status()).isEqualTo(401);
    assertThat(tp.get("/api/admin/integrations/stream").bearer(p.get().token("someone")).send().status()).isEqualTo(403);
    assertThat(tp.post("/api/admin/integrations/stream/backfill").bearer(p.get().token("someone")).send().status()).isEqualTo(403);
    long id = tp.sql("INSERT INTO chatsync.steps (org, queue, kind, payload, status, next_attempt_at, created_at, updated_at) "
      + "VALUES ('other-org', 'user:x', 'upsert_users', '{}', 'failed', now(), now(), now()) RETURNING id").get(0).getLong(0);
    // an admin of the default organisation sees nothing of another organisation's steps
    Res list = tp.get("/api/admin/integrations/stream").bearer(admin()).query("status", "failed").send();
    assertThat(list.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")))
      .doesNotContain(String.valueOf(id));
    assertThat(tp.post("/api/admin/integrations/stream/steps/" + id + "/retry").bearer(admin()).send().status())
      .isEqualTo(404);
    tp.sql("DELETE FROM chatsync.steps WHERE id = $1", id);
  }

  @Test
  void aStreamThatDoesNotAnswerTimesOutIsRetriedAndSlowsNoRequest() {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    stream.hangNext(2);
    append(tp, List.of(event("community.created", "hal", subject("communityId", c), new JsonObject().put("name", "Night owls"))));
    await("a call timed out", () -> !tp.sql("SELECT 1 FROM chatsync.steps WHERE last_error LIKE 'no answer%'").isEmpty());
    // while Stream hangs, writes and reads of the platform go on: the sync is on no request's path
    append(tp, List.of(event("community.member.joined", "ian", subject("communityId", c, "userId", "ian"), new JsonObject())));
    Res state = tp.get("/api/admin/integrations/stream").bearer(admin()).send();
    assertThat(state.status()).isEqualTo(200);
    assertThat(state.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("lastError")))
      .anySatisfy(e -> assertThat(e).startsWith("no answer from Stream"));
    awaitDrained(tp);
    assertThat(stream.channel("community-" + c).name).isEqualTo("Night owls");
    assertThat(stream.channel("community-" + c).members).containsExactlyInAnyOrder("hal", "ian");
    assertThat(stream.problems()).isEmpty();
  }

  @Test
  void aMembersNewDisplayNameReachesStream() {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    append(tp, List.of(event("community.created", "ivy", subject("communityId", c), new JsonObject().put("name", "Poets"))));
    awaitDrained(tp);
    int upserts = (int) stream.calls().stream().filter(call -> call.path().equals("/users")).count();
    append(tp, List.of(event("profile.updated", "ivy", subject("userId", "ivy"), new JsonObject()),
      event("profile.updated", "nobody-synced", subject("userId", "nobody-synced"), new JsonObject())));
    awaitDrained(tp);
    List<StreamStandIn.Call> users = stream.calls().stream().filter(call -> call.path().equals("/users")).toList();
    assertThat(users).hasSize(upserts + 1);
    assertThat(users.get(users.size() - 1).body().getJsonObject("users").fieldNames()).containsExactly("ivy");
  }

  @Test
  void aBurstOfJoinsReachesStreamInOneCall() {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    append(tp, List.of(event("community.created", "jo", subject("communityId", c), new JsonObject().put("name", "Crowd"))));
    awaitDrained(tp);
    List<org.communityplatform.core.events.Event> burst = new ArrayList<>();
    List<String> expected = new ArrayList<>(List.of("jo"));
    for (int i = 0; i < 30; i++) {
      burst.add(event("community.member.joined", "fan" + i, subject("communityId", c, "userId", "fan" + i), new JsonObject()));
      expected.add("fan" + i);
    }
    append(tp, burst);
    awaitDrained(tp);
    // sixty steps (an upsert and an addition per member) went out as one upsert and one addition
    assertThat(shape(stream.callsFor("community-" + c))).containsExactly("POST query", "POST add " + new JsonArray(expected.subList(1, 31)).encode());
    assertThat(stream.channel("community-" + c).members).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(stream.problems()).isEmpty();
  }
}
