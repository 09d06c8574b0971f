package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.communityplatform.core.events.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sync's engine, active on exactly one node of a cluster: the node whose connection holds the
 * PostgreSQL session advisory lock {@code chatsync.leader}. Others try again every
 * {@code leaderRetryMs}; when the leader's process dies its connection closes, PostgreSQL releases the
 * lock, and another node takes over where the durable cursor and steps say.
 *
 * <p>The same connection LISTENs on {@value EventLog#CHANNEL}, so a commit that appended events wakes
 * the leader at once; a poll every {@code pollMs} covers a lost notification and runs retries when
 * they fall due. Each wake-up plans new events (in (tx, id) order below the snapshot's xmin, so no
 * late-committing event is skipped) and runs the due head step of each queue, a few queues at a time.
 */
final class SyncLeader {

  private static final Logger LOG = LoggerFactory.getLogger(SyncLeader.class);
  private static final String LOCK = "SELECT pg_try_advisory_lock(hashtext('chatsync.leader'))";

  private final Vertx vertx;
  private final SyncStore store;
  private final Planner planner;
  private final StepRunner runner;
  private final Settings settings;
  private final Clock clock;
  private final Set<String> busy = new HashSet<>();

  private SqlConnection conn;
  private boolean stopped;
  private boolean ingesting;
  private boolean ingestAgain;
  private boolean picking;
  private boolean pickAgain;
  private long pollTimer = -1;
  private long retryTimer = -1;
  private long lastPurge;

  SyncLeader(Vertx vertx, SyncStore store, Planner planner, StepRunner runner, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.planner = planner;
    this.runner = runner;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts trying to lead; never fails start-up (the database may come later). */
  void start() {
    pollTimer = vertx.setPeriodic(settings.pollMs, settings.pollMs, t -> wake());
    tryLead();
  }

  /** Whether this node leads now. */
  boolean leading() {
    return conn != null;
  }

  /** Something may be there to do: plan new events, then run due steps (only on the leader). */
  void wake() {
    if (conn == null) {
      return;
    }
    ingest();
    pick();
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(retryTimer);
    SqlConnection c = conn;
    conn = null;
    if (c == null) {
      return Future.succeededFuture();
    }
    // the connection goes back to the pool: it must not keep the lock or the subscription
    return c.query("UNLISTEN *; SELECT pg_advisory_unlock_all()").execute()
      .transform(x -> c.close());
  }

  private void tryLead() {
    if (stopped || conn != null) {
      return;
    }
    store.pool().getConnection().onComplete(ar -> {
      if (ar.failed()) {
        retryLater();
        return;
      }
      SqlConnection c = ar.result();
      c.query(LOCK).execute().onComplete(lock -> {
        boolean got = lock.succeeded() && Boolean.TRUE.equals(lock.result().iterator().next().getBoolean(0));
        if (!got || stopped) {
          (got ? c.query("SELECT pg_advisory_unlock_all()").execute().mapEmpty() : Future.succeededFuture())
            .onComplete(x -> c.close());
          retryLater();
          return;
        }
        PgConnection pg = PgConnection.cast(c);
        pg.notificationHandler(n -> {
          if (EventLog.CHANNEL.equals(n.getChannel())) {
            wake();
          }
        });
        pg.closeHandler(v -> {
          if (conn == c) {
            LOG.warn("chatsync: lost the leader connection; trying again");
            conn = null;
            retryLater();
          }
        });
        c.query("LISTEN " + EventLog.CHANNEL).execute().onComplete(l -> {
          if (l.failed()) {
            c.close();
            retryLater();
            return;
          }
          conn = c;
          LOG.info("chatsync: this node runs the Stream Chat sync");
          wake();
        });
      });
    });
  }

  private void retryLater() {
    if (!stopped) {
      vertx.cancelTimer(retryTimer);
      retryTimer = vertx.setTimer(settings.leaderRetryMs, t -> tryLead());
    }
  }

  /** Plans a batch of new events in one transaction (cursor moved with them); repeats while batches are full. */
  private void ingest() {
    if (ingesting) {
      ingestAgain = true;
      return;
    }
    ingesting = true;
    OffsetDateTime now = OffsetDateTime.now(clock);
    store.pool().withTransaction(tx -> store.lockPlanning(tx)
        .compose(x -> store.cursor(tx))
        .compose(c -> c == null ? store.startCursor(tx, now).map(0)
          : store.eventsAfter(tx, c[0], Long.parseLong(c[1]), Planner.TYPES, settings.batchSize).compose(rows -> {
            Future<Void> chain = Future.succeededFuture();
            Row last = null;
            for (Row r : rows) {
              chain = chain.compose(x -> planner.plan(tx, r, now));
              last = r;
            }
            if (last == null) {
              return Future.succeededFuture(0);
            }
            Row end = last;
            return chain.compose(x -> store.saveCursor(tx, end.getString("tx"), end.getLong("id"), now)).map(rows.size());
          })))
      .onComplete(ar -> {
        ingesting = false;
        if (ar.failed() && !stopped) {
          LOG.warn("chatsync: reading the event log failed: {}", ar.cause().toString());
        }
        boolean more = ar.succeeded() && ar.result() >= settings.batchSize;
        if (ar.succeeded() && ar.result() > 0) {
          pick();
        }
        if (more || ingestAgain) {
          ingestAgain = false;
          ingest();
        }
      });
    purgeNowAndThen();
  }

  /** Starts the due head steps of queues not already running, up to {@code concurrency} at once. */
  private void pick() {
    if (conn == null) {
      return;
    }
    if (picking) {
      pickAgain = true;
      return;
    }
    int room = settings.concurrency - busy.size();
    if (room <= 0) {
      return;
    }
    picking = true;
    store.dueHeads(OffsetDateTime.now(clock), List.copyOf(busy), room).onComplete(ar -> {
      picking = false;
      if (ar.failed()) {
        if (!stopped) {
          LOG.warn("chatsync: reading due steps failed: {}", ar.cause().toString());
        }
      } else {
        for (Row step : ar.result()) {
          String queue = step.getString("queue");
          busy.add(queue);
          runner.run(step).onComplete(done -> {
            busy.remove(queue);
            if (done.failed()) {
              LOG.warn("chatsync: recording step {} failed: {}", step.getLong("id"), done.cause().toString());
            }
            pick();
          });
        }
      }
      if (pickAgain) {
        pickAgain = false;
        pick();
      }
    });
  }

  private void purgeNowAndThen() {
    long t = System.nanoTime();
    if (lastPurge != 0 && t - lastPurge < Duration.ofHours(1).toNanos()) {
      return;
    }
    lastPurge = t;
    store.purgeDone(OffsetDateTime.now(clock).minusDays(settings.keepDoneDays))
      .onFailure(e -> LOG.debug("chatsync: purge failed: {}", e.toString()));
  }
}
