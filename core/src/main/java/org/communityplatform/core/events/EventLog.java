package org.communityplatform.core.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Appends events to the one event log ({@code platform.events}) inside the caller's transaction, so
 * that an event exists if and only if its change committed (DESIGN.md, "Events"). Modules call
 * {@link #append} with the connection of their {@code withTransaction}; they never publish facts that
 * are not in the log. Each append also queues a PostgreSQL notification on channel
 * {@value #CHANNEL}, which PostgreSQL delivers to every listening node only when the transaction
 * commits: that is the "new events" signal for live streams and webhooks on every node.
 *
 * <p>With {@code events.log.enabled: false} (benchmarks of the write path only) appends do nothing.
 */
public final class EventLog {

  /** The PostgreSQL notification channel that signals new events; the payload is the organisation. */
  public static final String CHANNEL = "platform_events";

  /** One statement, one round trip: the row and its commit-time notification. */
  private static final String APPEND = "WITH e AS (INSERT INTO platform.events"
    + " (org, type, actor, community_id, page_id, subject, data) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)"
    + " SELECT id, pg_notify('" + CHANNEL + "', $1) FROM e";

  private final boolean enabled;

  public EventLog(boolean enabled) {
    this.enabled = enabled;
  }

  /** Whether appends are written (false only when switched off by configuration). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Appends one event in the transaction of {@code conn}; the future gives its id (0 when the log is
   * switched off). Call it before the transaction commits; if the transaction rolls back, so does the event.
   */
  public Future<Long> append(SqlClient conn, Event e) {
    if (!enabled) {
      return Future.succeededFuture(0L);
    }
    Tuple t = Tuple.of(e.org(), e.type(), e.actor(), e.subject().getString("communityId"),
      e.subject().getString("pageId"), e.subject(), e.data());
    return conn.preparedQuery(APPEND).execute(t).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Appends several events in order, in the transaction of {@code conn}. */
  public Future<Void> appendAll(SqlClient conn, java.util.List<Event> events) {
    Future<?> f = Future.succeededFuture();
    for (Event e : events) {
      f = f.compose(x -> append(conn, e));
    }
    return f.mapEmpty();
  }
}
