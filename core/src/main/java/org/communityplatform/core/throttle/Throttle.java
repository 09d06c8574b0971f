package org.communityplatform.core.throttle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one throttle of the platform (DESIGN.md, "Tenancy"): fixed-window counters per key, kept in
 * PostgreSQL ({@code platform.throttle}) so that a limit holds across every node of a cluster. Used for
 * guessable secrets (login, join passwords and codes, invite tokens, verification codes) and for rate
 * limits of writes. Limits are named and configured under {@code throttle.<name>}
 * ({@code max} hits per {@code windowSeconds}); an unknown name uses {@code throttle.default}.
 *
 * <p>Keys are composed by the caller and should name the limit, the organisation and the thing
 * counted, for example {@code login.account:acme:alice@example.org} or {@code login.ip:acme:203.0.113.9}.
 * Over the limit a caller gets {@link ApiError#tooManyRequests} (429 with {@code Retry-After}); every
 * {@link State} also gives the IETF {@code RateLimit-Policy} and {@code RateLimit} header values
 * (draft-ietf-httpapi-ratelimit-headers).
 */
public final class Throttle {

  /** A named limit: at most {@code max} hits per {@code windowSeconds}. */
  public record Limit(String name, int max, int windowSeconds) {
  }

  /** The count after a hit or a check, and when the window resets. */
  public record State(Limit limit, int hits, long resetSeconds) {
    public boolean exceeded() {
      return hits > limit.max;
    }

    public int remaining() {
      return Math.max(0, limit.max - hits);
    }

    /** {@code RateLimit-Policy} value, e.g. {@code "posts";q=30;w=60}. */
    public String policyHeader() {
      return "\"" + limit.name + "\";q=" + limit.max + ";w=" + limit.windowSeconds;
    }

    /** {@code RateLimit} value, e.g. {@code "posts";r=12;t=41}. */
    public String rateLimitHeader() {
      return "\"" + limit.name + "\";r=" + remaining() + ";t=" + resetSeconds;
    }

    /** The 429 for this state, with {@code Retry-After} and the rate-limit headers. */
    public ApiError error(String message) {
      return ApiError.tooManyRequests(message, resetSeconds)
        .withHeader("RateLimit-Policy", policyHeader()).withHeader("RateLimit", rateLimitHeader());
    }
  }

  private static final String HIT = "INSERT INTO platform.throttle (key, window_start, hits) VALUES ($1, $2, 1)"
    + " ON CONFLICT (key, window_start) DO UPDATE SET hits = platform.throttle.hits + 1 RETURNING hits";
  /** Several keys in one statement, in key order (so two such statements never wait on each other in a cycle). */
  private static final String HIT_ALL = "INSERT INTO platform.throttle (key, window_start, hits)"
    + " SELECT k, w, 1 FROM unnest($1::text[], $2::timestamptz[]) AS t(k, w) ORDER BY k"
    + " ON CONFLICT (key, window_start) DO UPDATE SET hits = platform.throttle.hits + 1 RETURNING key, hits";
  private static final String COUNT = "SELECT hits FROM platform.throttle WHERE key = $1 AND window_start = $2";
  private static final String RESET = "DELETE FROM platform.throttle WHERE key = $1";
  private static final String PURGE = "DELETE FROM platform.throttle WHERE window_start < $1";

  private final Pool pool;
  private final Clock clock;
  private final JsonObject config;
  private final Map<String, Limit> limits = new ConcurrentHashMap<>();

  /**
   * @param config the {@code throttle} section: {@code {<name>: {max, windowSeconds}}}, with a
   *               {@code default} entry for names it does not list
   */
  public Throttle(Pool pool, Clock clock, JsonObject config) {
    this.pool = pool;
    this.clock = clock;
    this.config = config == null ? new JsonObject() : config;
  }

  /** The configured limit of {@code name} ({@code throttle.<name>}, else {@code throttle.default}, else 10/60 s). */
  public Limit limit(String name) {
    return limits.computeIfAbsent(name, n -> {
      JsonObject c = config.getJsonObject(n, config.getJsonObject("default", new JsonObject()));
      return new Limit(n, c.getInteger("max", 10), Math.max(1, c.getInteger("windowSeconds", 60)));
    });
  }

  /** Counts one hit of {@code key} under limit {@code name} and gives the state (over the limit or not). */
  public Future<State> hit(String name, String key) {
    Limit l = limit(name);
    long[] w = window(l);
    return pool.preparedQuery(HIT).execute(Tuple.of(name + ":" + key, start(w[0])))
      .map(rows -> new State(l, rows.iterator().next().getInteger(0), w[1]));
  }

  /** One hit of {@code key} under the limit named {@code name}. */
  public record Hit(String name, String key) {
  }

  /**
   * Counts one hit of each key in one round trip; the states come back in the order of {@code hits}.
   * Same counts as calling {@link #hit(String, String)} for each. Rows are written in key order, so
   * two calls naming the same keys never wait on each other in a cycle.
   *
   * @throws IllegalArgumentException when two hits name the same limit and key
   */
  public Future<java.util.List<State>> hit(java.util.List<Hit> hits) {
    java.util.List<Hit> sorted = new java.util.ArrayList<>(hits);
    sorted.sort(java.util.Comparator.comparing(h -> h.name + ":" + h.key));
    String[] keys = new String[sorted.size()];
    OffsetDateTime[] windows = new OffsetDateTime[sorted.size()];
    Map<String, long[]> windowOf = new java.util.HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      Hit h = sorted.get(i);
      long[] w = window(limit(h.name));
      keys[i] = h.name + ":" + h.key;
      if (windowOf.containsKey(keys[i])) {
        // one statement cannot update a row twice (PostgreSQL 21000): a caller's mistake, not a client's
        throw new IllegalArgumentException("the same throttle key twice in one call: " + keys[i]);
      }
      windows[i] = start(w[0]);
      windowOf.put(keys[i], w);
    }
    return pool.preparedQuery(HIT_ALL).execute(Tuple.tuple().addArrayOfString(keys).addArrayOfOffsetDateTime(windows)).map(rows -> {
      Map<String, Integer> counts = new java.util.HashMap<>();
      for (Row r : rows) {
        counts.put(r.getString(0), r.getInteger(1));
      }
      java.util.List<State> out = new java.util.ArrayList<>(hits.size());
      for (Hit h : hits) {
        String k = h.name + ":" + h.key;
        Integer n = counts.get(k);
        if (n == null) {
          throw new IllegalStateException("no count came back for throttle key " + k);
        }
        out.add(new State(limit(h.name), n, windowOf.get(k)[1]));
      }
      return out;
    });
  }

  /** Counts one hit and fails with 429 (and the rate-limit headers) once {@code key} is over the limit. */
  public Future<State> acquire(String name, String key, String message) {
    return hit(name, key).compose(s -> s.exceeded() ? Future.failedFuture(s.error(message)) : Future.succeededFuture(s));
  }

  /** Reads the state of {@code key} without counting. */
  public Future<State> peek(String name, String key) {
    Limit l = limit(name);
    long[] w = window(l);
    return pool.preparedQuery(COUNT).execute(Tuple.of(name + ":" + key, start(w[0])))
      .map(rows -> {
        Row r = rows.size() == 0 ? null : rows.iterator().next();
        return new State(l, r == null ? 0 : r.getInteger(0), w[1]);
      });
  }

  /** Fails with 429 when {@code key} has already reached its limit in this window; counts nothing. */
  public Future<State> check(String name, String key, String message) {
    return peek(name, key).compose(s -> s.hits >= s.limit.max
      ? Future.failedFuture(new State(s.limit, s.hits + 1, s.resetSeconds).error(message))
      : Future.succeededFuture(s));
  }

  /** Forgets the counts of {@code key} (after a successful login, say). */
  public Future<Void> reset(String name, String key) {
    return pool.preparedQuery(RESET).execute(Tuple.of(name + ":" + key)).mapEmpty();
  }

  /** Removes windows older than a day; run it now and then (the outbox worker does). */
  public Future<Integer> purge() {
    return pool.preparedQuery(PURGE).execute(Tuple.of(start(clock.millis() / 1000 - 86_400)))
      .map(rows -> rows.rowCount());
  }

  /** {window start in epoch seconds, seconds until it ends}. */
  private long[] window(Limit l) {
    long now = clock.millis() / 1000;
    long startSec = now - Math.floorMod(now, l.windowSeconds);
    return new long[]{startSec, startSec + l.windowSeconds - now};
  }

  private static OffsetDateTime start(long epochSecond) {
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }
}
