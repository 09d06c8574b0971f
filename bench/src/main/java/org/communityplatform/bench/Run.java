package org.communityplatform.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every phase of a bench run shares: the options, the data set, the bench's PostgreSQL, the
 * notes for the report, the progress log, and small helpers.
 */
final class Run {

  static final String SECRET = "bench-secret-not-for-production-0123456789-abcdefghij";
  /** The organisation API token the nodes accept (org {@link DataSet#ORG}); the events phase streams with it. */
  static final String API_TOKEN = "bench-api-token-not-for-production-0123456789";
  static final int LIMIT = 20;
  static final String PEOPLE_Q = "alice";

  final Options o;
  final DataSet ds;
  final List<String> notes = new ArrayList<>();
  final long t0 = System.nanoTime();
  Pg pg;
  String pgUrl;

  Run(Options o) {
    this.o = o;
    this.ds = o.smoke ? DataSet.smoke() : DataSet.full(o.xl);
  }

  /** One progress line, stamped with the seconds since the run began. */
  void say(String fmt, Object... args) {
    String s = args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args);
    System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, s);
  }

  /** The environment of a platform node on the bench's PostgreSQL, its data in {@code nodes/<dataName>-data}. */
  Map<String, String> env(int port, String dataName) {
    Map<String, String> env = Node.platformEnv(o.work.resolve("nodes").resolve(dataName + "-data"), pgUrl, SECRET, port);
    env.put("PLATFORM_AUTH_APITOKEN", API_TOKEN);
    env.put("PLATFORM_AUTH_APITOKENORG", DataSet.ORG);
    // every wrk request comes from one client address (127.0.0.1): the product's per-address search
    // limit (throttle.peopleSearch, 120 a minute) would answer 429 to nearly all of a run. The bench
    // measures the search, so its nodes get a limit no run reaches; the product default is unchanged.
    env.put("PLATFORM_THROTTLE_PEOPLESEARCH_MAX", "1000000000");
    // likewise the write limits of the measured writes (joins and posts, per user and per address):
    // the counters are still taken on every request (their cost is measured), only never exceeded
    for (String limit : List.of("COMMUNITYJOINSPERUSER", "COMMUNITYJOINSPERCLIENT", "COMMUNITYPOSTSPERUSER",
      "COMMUNITYPOSTSPERCLIENT")) {
      env.put("PLATFORM_THROTTLE_" + limit + "_MAX", "1000000000");
    }
    // the SSE fan-out opens its 1,000 streams with one API token: the per-caller stream cap (20) would
    // refuse all but 20 of them
    env.put("PLATFORM_MODULES_EVENTS_STREAM_MAXCONNECTIONSPERPRINCIPAL", "100000");
    return env;
  }

  /** A wrk run that reports a failure as a failed result instead of throwing. */
  Wrk.Result safeRun(Wrk wrk, String target, String base, Wrk.Request req, int seconds, double rate) {
    try {
      return wrk.run(target, base, req, seconds, rate);
    } catch (IOException e) {
      say("  wrk failed for %s: %s", target, e.getMessage());
      return Wrk.Result.failed(target, "wrk failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Wrk.Result.failed(target, "interrupted");
    }
  }

  static Map<String, String> withAuth(Map<String, String> h, String token) {
    Map<String, String> m = new LinkedHashMap<>(h);
    m.put("Authorization", "Bearer " + token);
    return m;
  }

  static String membersPath(String community, String query) {
    return "/api/communities/" + community + "/members?" + query + "&limit=" + LIMIT;
  }

  static String abbreviate(String s, int n) {
    String t = s == null ? "" : s.replace('\n', ' ');
    return t.length() <= n ? t : t.substring(0, n) + "...";
  }

  /** Modules of a node, from /health/ready (checks named modules/<name>, which Vert.x nests as a group). */
  static List<String> modules(Node n) {
    List<String> out = new ArrayList<>();
    Http.Res r = Http.get(n.base() + "/health/ready", Map.of());
    try {
      collectModules(new JsonObject(r.body()).getJsonArray("checks", new JsonArray()), "", out);
    } catch (RuntimeException e) {
      // not JSON: no modules known
    }
    return out;
  }

  private static void collectModules(JsonArray checks, String prefix, List<String> out) {
    for (int i = 0; i < checks.size(); i++) {
      JsonObject c = checks.getJsonObject(i);
      String id = prefix + c.getString("id", "");
      if (c.getJsonArray("checks") != null) {
        collectModules(c.getJsonArray("checks"), id + "/", out);
      } else if (id.startsWith("modules/")) {
        out.add(id.substring("modules/".length()));
      }
    }
  }

  /** The first value of {@code key} anywhere in a JSON tree, or null. */
  static Object findKey(Object node, String key) {
    if (node instanceof JsonObject j) {
      if (j.containsKey(key)) {
        return j.getValue(key);
      }
      for (String k : j.fieldNames()) {
        Object v = findKey(j.getValue(k), key);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }
}
