package org.communityplatform.chatsync;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.SharedPostgres;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.chatsync.SyncFixture.append;
import static org.communityplatform.chatsync.SyncFixture.await;
import static org.communityplatform.chatsync.SyncFixture.awaitDrained;
import static org.communityplatform.chatsync.SyncFixture.event;
import static org.communityplatform.chatsync.SyncFixture.subject;

/**
 * The sync across platform lifetimes and nodes sharing one database: a restart in the middle of an
 * outage loses nothing, and of two nodes exactly one sends each call, the other taking over when the
 * first stops.
 */
class ChatSyncNodesTest {

  static final StreamStandIn stream = StreamStandIn.start();

  @AfterAll
  static void closeStandIn() {
    stream.close();
  }

  @BeforeEach
  void cleanStandIn() {
    stream.reset();
  }

  /** The sync's configuration on a database of its own, shared by every platform this test starts. */
  private static JsonObject sharedDatabase() {
    return SyncFixture.config(stream).put("db", new JsonObject().put("url", SharedPostgres.newDatabaseUrl()));
  }

  @Test
  void aRestartDuringAnOutageLosesNothing() {
    JsonObject cfg = sharedDatabase();
    String c = UUID.randomUUID().toString();
    String g = UUID.randomUUID().toString();
    stream.down();
    try (TestPlatform first = TestPlatform.start(cfg)) {
      await("the sync started", () -> !first.sql("SELECT 1 FROM chatsync.cursor").isEmpty());
      append(first, List.of(event("community.created", "ada", subject("communityId", c), new JsonObject().put("name", "Climbers")),
        event("group.created", "ada", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Boulders"))));
      append(first, List.of(event("community.member.joined", "ben", subject("communityId", c, "userId", "ben"), new JsonObject()),
        event("group.member.added", "ada", subject("communityId", c, "groupId", g, "userId", "ben"), new JsonObject())));
      await("steps tried and failed", () -> !first.sql("SELECT 1 FROM chatsync.steps WHERE attempts > 0").isEmpty());
      // committed just before the stop: maybe read, maybe not; either way it must arrive
      append(first, List.of(event("community.member.joined", "cy", subject("communityId", c, "userId", "cy"), new JsonObject()),
        event("group.member.added", "ada", subject("communityId", c, "groupId", g, "userId", "cy"), new JsonObject())));
    }
    try (TestPlatform second = TestPlatform.start(cfg)) {
      append(second, List.of(event("group.updated", "ada", subject("communityId", c, "groupId", g), new JsonObject().put("name", "Big boulders")),
        event("group.member.removed", "ada", subject("communityId", c, "groupId", g, "userId", "ben"), new JsonObject())));
      stream.up();
      awaitDrained(second);
    }
    assertThat(stream.channel("community-" + c).members).containsExactlyInAnyOrder("ada", "ben", "cy");
    assertThat(stream.channel("group-" + g).members).containsExactlyInAnyOrder("ada", "cy");
    assertThat(stream.channel("group-" + g).name).isEqualTo("Big boulders");
    assertThat(stream.problems()).isEmpty();
  }

  @Test
  void ofTwoNodesOneSendsEachCallAndTheOtherTakesOver() {
    JsonObject cfg = sharedDatabase();
    String c = UUID.randomUUID().toString();
    TestPlatform second;
    try (TestPlatform first = TestPlatform.start(cfg)) {
      await("the first node leads", () -> !first.sql("SELECT 1 FROM chatsync.cursor").isEmpty());
      second = TestPlatform.start(cfg);
      append(first, List.of(event("community.created", "dee", subject("communityId", c), new JsonObject().put("name", "Readers"))));
      for (String u : List.of("e1", "e2", "e3", "e4")) {
        append(second, List.of(event("community.member.joined", u, subject("communityId", c, "userId", u), new JsonObject())));
      }
      awaitDrained(second);
      // each change reached Stream exactly once, though both nodes saw every notification (additions
      // waiting together may share a call)
      List<StreamStandIn.Call> calls = stream.callsFor("community-" + c);
      assertThat(calls.stream().filter(call -> call.path().endsWith("/query"))).hasSize(1);
      List<Object> added = new java.util.ArrayList<>();
      calls.stream().filter(call -> call.body() != null && call.body().containsKey("add_members"))
        .forEach(call -> added.addAll(call.body().getJsonArray("add_members").getList()));
      assertThat(added).containsExactlyInAnyOrder("e1", "e2", "e3", "e4");
    }
    try (TestPlatform survivor = second) {
      append(survivor, List.of(event("community.member.left", "e1", subject("communityId", c, "userId", "e1"), new JsonObject())));
      awaitDrained(survivor);
      assertThat(stream.channel("community-" + c).members).containsExactlyInAnyOrder("dee", "e2", "e3", "e4");
    }
    assertThat(stream.problems()).isEmpty();
  }
}
