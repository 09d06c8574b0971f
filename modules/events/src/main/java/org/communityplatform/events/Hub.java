package org.communityplatform.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.communityplatform.core.events.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one reader of new events on a node. It LISTENs on core's notification channel with one
 * {@link PgSubscriber} (PostgreSQL delivers a notification to every listening node when the
 * appending transaction commits), reads the new events once per notification batch for all
 * organisations, and hands each batch to this node's stream connections, which filter it per client
 * in memory: no query per client per event.
 *
 * <p>Everything here runs on the hub's own event loop; the head position moves only there, and a
 * connection is added there too, so it starts exactly at a batch boundary.
 */
final class Hub extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
  private static final int BATCH = 1000;
  /** Re-read delay while committed events wait behind a transaction still running, in milliseconds. */
  private static final long LAG_RETRY_MS = 20;
  /**
   * The longest such delay. The blocking transaction's end sends no notification unless it wrote
   * events itself, so this bounds how late a waiting event reaches the streams (the fan-out goal
   * is p99 < 250 ms); one indexed read per 100 ms while a long transaction lasts costs little.
   */
  private static final long LAG_RETRY_MAX_MS = 100;
  /**
   * The shortest gap between the start of two reads when notifications keep coming (a steady write
   * load): at most about 100 reads a second per node, each taking whatever has committed meanwhile,
   * instead of one read per millisecond; it adds at most this much to the fan-out time.
   */
  private static final long MIN_READ_GAP_MS = 10;

  /** A stream connection as the hub sees it. */
  interface Listener {
    /** A batch of new events in log order; called on the hub's loop, the listener hops to its own. */
    void offer(EventStore.Batch batch, Visibility visibility);

    /** The node stops: end the stream now (the client resumes elsewhere with its last id). */
    void shutdown();
  }

  private final EventStore store;
  private final PgConnectOptions connect;
  private final Settings settings;
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
  private PgSubscriber subscriber;
  private EventStore.Pos head;
  private boolean reading;
  private boolean again;
  /** A lag re-read is scheduled (one at a time, however many notifications arrive meanwhile). */
  private boolean lagTimer;
  /** A gap-spaced re-read is scheduled. */
  private boolean gapTimer;
  private long lastReadStart = System.nanoTime() / 1_000_000 - MIN_READ_GAP_MS;
  private long poll = -1;
  private long lagDelay = LAG_RETRY_MS;

  Hub(EventStore store, PgConnectOptions connect, Settings settings) {
    this.store = store;
    this.connect = connect;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, connect)
      // keep listening across database restarts; a re-read after reconnecting catches up what passed meanwhile
      .reconnectPolicy(retries -> 500L);
    subscriber.channel(EventLog.CHANNEL).handler(payload -> read());
    subscriber.channel(EventLog.CHANNEL).subscribeHandler(v -> read());
    return subscriber.connect().compose(v -> store.head()).onSuccess(h -> {
      head = h;
      // a safety net: a notification lost while reconnecting, or events held back by a long transaction
      poll = vertx.setPeriodic(settings.streamPollMs(), id -> read());
    });
  }

  @Override
  public Future<?> stop() {
    if (poll >= 0) {
      vertx.cancelTimer(poll);
    }
    // live streams never end by themselves: left open they would hold the HTTP drain for its whole length
    listeners.forEach(Listener::shutdown);
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** Connections on this node. */
  int size() {
    return listeners.size();
  }

  /** Adds a connection; the future gives the position it starts after (the hub's head, on the hub's loop). */
  Future<EventStore.Pos> add(Listener l) {
    Promise<EventStore.Pos> p = Promise.promise();
    context.runOnContext(v -> {
      listeners.add(l);
      p.complete(head);
    });
    return p.future();
  }

  void remove(Listener l) {
    listeners.remove(l);
  }

  Context context() {
    return context;
  }

  private void read() {
    if (head == null) {
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    long sinceLast = System.nanoTime() / 1_000_000 - lastReadStart;
    if (sinceLast < MIN_READ_GAP_MS) {
      if (!gapTimer) {
        gapTimer = true;
        vertx.setTimer(MIN_READ_GAP_MS - sinceLast, id -> {
          gapTimer = false;
          read();
        });
      }
      return;
    }
    reading = true;
    again = false;
    lastReadStart = System.nanoTime() / 1_000_000;
    store.batch(head, BATCH).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        LOG.warn("reading new events failed: {}", ar.cause().toString());
        return;
      }
      EventStore.Batch b = ar.result();
      if (!b.events().isEmpty()) {
        if (!listeners.isEmpty()) {
          // encoded here, before the hand-over to the connections' loops (which publishes them safely)
          b.encodeAll();
        }
        Visibility visibility = new Visibility(vertx, settings.visibilityTimeoutMs());
        for (Listener l : listeners) {
          l.offer(b, visibility);
        }
        head = b.last();
      }
      if (!b.events().isEmpty() || !b.lagging()) {
        lagDelay = LAG_RETRY_MS; // progress, or nothing waits: a later lag is a new one
      }
      if (again || b.events().size() >= BATCH - 1) {
        read();
      } else if (b.lagging() && !lagTimer) {
        // committed events wait behind a running transaction: look again soon, less often while it lasts
        lagTimer = true;
        vertx.setTimer(lagDelay, id -> {
          lagTimer = false;
          read();
        });
        lagDelay = Math.min(lagDelay * 2, Math.min(LAG_RETRY_MAX_MS, settings.streamPollMs()));
      }
    });
  }
}
