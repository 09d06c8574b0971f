package org.communityplatform.chatsync;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.events.Event;
import org.communityplatform.testing.TestPlatform;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared set-up of the sync tests: the configuration pointing at a stand-in, event appends, waiting. */
public final class SyncFixture {

  public static final String API_TOKEN = "chatsync-test-api-token-0123456789";

  private SyncFixture() {
  }

  /** Platform config with Stream keys pointing at {@code stream}, a fast poll and short back-off. */
  public static JsonObject config(StreamStandIn stream) {
    return new JsonObject()
      .put("auth", new JsonObject().put("apiToken", API_TOKEN).put("apiTokenOrg", "default"))
      .put("modules", new JsonObject()
        .put("communities", new JsonObject().put("stream", new JsonObject()
          .put("apiKey", StreamStandIn.API_KEY).put("secret", StreamStandIn.SECRET).put("baseUrl", stream.baseUrl())))
        .put("chatsync", new JsonObject().put("pollMs", 100).put("leaderRetryMs", 200).put("requestTimeoutMs", 2000)
          .put("retry", new JsonObject().put("baseMs", 1000).put("maxMs", 60000).put("maxAttempts", 25))));
  }

  /**
   * Appends events in one transaction of the real event log, as a module's write does. Each is
   * {@code [type, org, actor, subject JSON, data JSON]}.
   */
  public static void append(TestPlatform p, List<Event> events) {
    TestPlatform.await(p.pool().withTransaction(conn -> p.platform().events().appendAll(conn, events)));
  }

  public static Event event(String type, String actor, JsonObject subject, JsonObject data) {
    Event e = Event.of(type, "default").actor(actor).data(data);
    subject.forEach(en -> e.subject(en.getKey(), en.getValue()));
    return e;
  }

  /** Waits (up to 30 s) until {@code condition} holds; fails with {@code what} otherwise. */
  public static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Unfinished steps (pending or failed) in the database. */
  public static long openSteps(TestPlatform p) {
    return p.sql("SELECT count(*) FROM chatsync.steps WHERE status <> 'done'").get(0).getLong(0);
  }

  public static long allSteps(TestPlatform p) {
    return p.sql("SELECT count(*) FROM chatsync.steps").get(0).getLong(0);
  }

  /** Events of the types the sync reads that it has not planned yet. */
  public static long unreadEvents(TestPlatform p) {
    return p.sql("SELECT count(*) FROM platform.events e, chatsync.cursor c WHERE (e.tx, e.id) > (c.tx, c.event_id) "
      + "AND e.type = ANY($1)", (Object) Planner.TYPES).get(0).getLong(0);
  }

  /**
   * Waits until every event has been read and every step is done; with a stand-in that was failing, moves
   * the platform clock to the next retry's time, so that retries fall due without sleeping through the
   * back-off.
   */
  public static void awaitDrained(TestPlatform p) {
    await("every event read and every step done", () -> {
      if (!p.sql("SELECT 1 FROM chatsync.cursor").isEmpty() && unreadEvents(p) == 0 && openSteps(p) == 0) {
        return true;
      }
      java.time.OffsetDateTime next = p.sql("SELECT min(next_attempt_at) FROM chatsync.steps WHERE status = 'pending'")
        .get(0).getOffsetDateTime(0);
      java.time.Instant now = p.clock().instant();
      if (next != null && next.toInstant().isAfter(now)) {
        p.clock().advance(Duration.between(now, next.toInstant()).plusMillis(1));
      }
      return false;
    });
  }

  public static JsonObject subject(String... kv) {
    JsonObject s = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      s.put(kv[i], kv[i + 1]);
    }
    return s;
  }

  static JsonArray arr(String... s) {
    return new JsonArray(List.of((Object[]) s));
  }
}
