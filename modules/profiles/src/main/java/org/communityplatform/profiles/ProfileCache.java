package org.communityplatform.profiles;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A bounded in-memory copy of the viewer-independent part of profile rows, for directory pages
 * ({@code profiles.lookup}): the public projection without the email, the email apart (each
 * lookup decides per viewer whether to show it), and whether the account is an active admin.
 *
 * <p>Correct in a cluster and beside other processes on the same database: the trigger of
 * migration V3 NOTIFYs {@code profiles_changed} with org and id at the commit of any update or
 * deletion of a row, and this cache LISTENs on one dedicated connection of the pool, dropping the
 * entry. A reader records the invalidation count before its SELECT and stores what it read only
 * when no invalidation arrived meanwhile, so a row read before a commit is never kept after that
 * commit's notification. While the listening connection is down nothing is read from or stored in
 * the cache (everything goes to the database); it is emptied when the connection is lost.
 */
final class ProfileCache {

  /** The notification channel of migration V3. */
  static final String CHANNEL = "profiles_changed";
  private static final Logger LOG = LoggerFactory.getLogger(ProfileCache.class);
  private static final long RECONNECT_MS = 1000;

  /** What is kept of one row: the public projection without email, the email, the admin flag. */
  record Entry(JsonObject view, String email, boolean admin) {

    static Entry of(Row r) {
      return new Entry(Views.publicProfile(r, false), r.getString("email"), Env.isAdmin(r));
    }

    /** A fresh copy of the public projection, with the email when the viewer may see it. */
    JsonObject profile(boolean withEmail) {
      JsonObject p = view.copy();
      if (withEmail) {
        // same key order as Views.publicProfile: userId, idTag, displayName, email, fields
        JsonObject ordered = new JsonObject().put("userId", p.getValue("userId")).put("idTag", p.getValue("idTag"))
          .put("displayName", p.getValue("displayName")).put("email", email);
        p.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
      }
      return p;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Cache<String, Entry> cache;
  private final AtomicLong invalidations = new AtomicLong();
  private volatile boolean listening;
  private volatile boolean closed;
  private PgConnection conn;

  ProfileCache(Vertx vertx, Pool pool, int maxEntries) {
    this.vertx = vertx;
    this.pool = pool;
    this.cache = maxEntries > 0 ? Caffeine.newBuilder().maximumSize(maxEntries).build() : null;
  }

  private static String key(String org, String id) {
    return org + '\n' + id;
  }

  /** Starts listening; the returned future completes either way (a failure only means no caching yet). */
  Future<Void> start() {
    if (cache == null) {
      return Future.succeededFuture();
    }
    return listen().otherwiseEmpty().mapEmpty();
  }

  private Future<Void> listen() {
    return pool.getConnection().compose(c -> {
      PgConnection pg = PgConnection.cast(c);
      pg.notificationHandler(n -> {
        if (CHANNEL.equals(n.getChannel())) {
          drop(n.getPayload());
        }
      });
      pg.closeHandler(v -> lost());
      return pg.query("LISTEN " + CHANNEL).execute().<Void>mapEmpty()
        .onSuccess(v -> {
          conn = pg;
          // rows may have changed while nobody listened
          invalidateAll();
          listening = true;
        })
        .onFailure(err -> pg.close());
    }).onFailure(err -> {
      LOG.warn("profile cache: cannot listen for profile changes ({}); not caching, retrying", err.toString());
      retry();
    });
  }

  private void lost() {
    listening = false;
    invalidateAll();
    conn = null;
    if (!closed) {
      LOG.warn("profile cache: the listening connection closed; not caching until it is back");
      retry();
    }
  }

  private void retry() {
    if (!closed) {
      vertx.setTimer(RECONNECT_MS, id -> {
        if (!closed) {
          listen();
        }
      });
    }
  }

  /** Stops listening and returns the connection to the pool. */
  Future<Void> close() {
    closed = true;
    listening = false;
    PgConnection c = conn;
    conn = null;
    return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty().mapEmpty();
  }

  private void drop(String payload) {
    invalidations.incrementAndGet();
    int nl = payload.indexOf('\n');
    if (nl < 0) {
      cache.invalidateAll();
    } else {
      cache.invalidate(payload);
    }
  }

  /** Drops one profile (the writer's node calls it right after its own commit, before the notification). */
  void invalidate(String org, String id) {
    if (cache != null) {
      invalidations.incrementAndGet();
      cache.invalidate(key(org, id));
    }
  }

  private void invalidateAll() {
    invalidations.incrementAndGet();
    cache.invalidateAll();
  }

  /** Entries in memory now (for tests and metrics). */
  long size() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  /**
   * The entries of {@code ids} of {@code org} (unknown ids are left out), from memory where kept,
   * the others through {@code load} (rows with the {@link ProfilesStore#PUBLIC} columns and
   * {@code roles}), stored when no invalidation arrived during the load.
   */
  Future<Map<String, Entry>> get(String org, Collection<String> ids, Function<List<String>, Future<? extends Iterable<Row>>> load) {
    Map<String, Entry> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    boolean use = cache != null && listening;
    for (String id : ids) {
      Entry e = use ? cache.getIfPresent(key(org, id)) : null;
      if (e != null) {
        found.put(id, e);
      } else {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(found);
    }
    long before = invalidations.get();
    return load.apply(missing).map(rows -> {
      boolean keep = use && listening && invalidations.get() == before;
      for (Row r : rows) {
        Entry e = Entry.of(r);
        String id = r.getString("id");
        found.put(id, e);
        if (keep) {
          cache.put(key(org, id), e);
        }
      }
      return found;
    });
  }
}
