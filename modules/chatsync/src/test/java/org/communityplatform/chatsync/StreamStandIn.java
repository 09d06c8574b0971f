package org.communityplatform.chatsync;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server standing in for Stream Chat's REST API in tests. It checks every request as
 * Stream would (the api_key query parameter, {@code stream-auth-type: jwt}, an Authorization JWT whose
 * HS256 signature verifies with the secret and whose payload says {@code server: true}) and the shape
 * of each body, keeps the users, channels and members it was told about, and logs every call. It can
 * be switched to fail (503) to play an outage.
 */
public final class StreamStandIn implements AutoCloseable {

  public static final String API_KEY = "test-stream-key";
  public static final String SECRET = "test-stream-secret-0123456789";

  private static final Pattern CHANNEL = Pattern.compile("^/channels/([a-z0-9_-]+)/([A-Za-z0-9_-]+)(/query)?$");

  /** One call as received: method, path, body, and the problem with it (null when Stream would accept it). */
  public record Call(String method, String path, JsonObject body, String problem) {
    public String channel() {
      Matcher m = CHANNEL.matcher(path);
      return m.matches() ? m.group(2) : null;
    }

    @Override
    public String toString() {
      return method + " " + path + " " + (body == null ? "" : body.encode()) + (problem == null ? "" : " !! " + problem);
    }
  }

  /** A channel as the stand-in holds it. */
  public static final class Channel {
    public final String type;
    public final String id;
    public volatile String name;
    public final String createdBy;
    public final Set<String> members = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    public volatile boolean deleted;

    Channel(String type, String id, String name, String createdBy) {
      this.type = type;
      this.id = id;
      this.name = name;
      this.createdBy = createdBy;
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Call> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<String, JsonObject> users = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, Channel> channels = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicInteger failing = new AtomicInteger();
  private final AtomicInteger hanging = new AtomicInteger();
  private volatile boolean down;

  private StreamStandIn() {
    server = TestPlatform.await(vertx.createHttpServer()
      .requestHandler(req -> req.body().onSuccess(b -> handle(req, b.length() == 0 ? null : safeJson(b.toString()))))
      .listen(0, "127.0.0.1"));
  }

  public static StreamStandIn start() {
    return new StreamStandIn();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Every call answers 503 until {@link #up()}. */
  public void down() {
    down = true;
  }

  public void up() {
    down = false;
  }

  /** The next {@code n} calls get no answer at all (the caller's time-out ends them). */
  public void hangNext(int n) {
    hanging.set(n);
  }

  /** The next {@code n} calls answer 503. */
  public void failNext(int n) {
    failing.set(n);
  }

  public List<Call> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }

  /** Calls concerning one channel, in the order received. */
  public List<Call> callsFor(String channelId) {
    List<Call> list = new ArrayList<>();
    for (Call c : calls()) {
      if (channelId.equals(c.channel())) {
        list.add(c);
      }
    }
    return list;
  }

  /** Calls Stream would have refused (bad credentials or bodies, members not upserted before). */
  public List<Call> problems() {
    List<Call> list = new ArrayList<>();
    for (Call c : calls()) {
      if (c.problem() != null) {
        list.add(c);
      }
    }
    return list;
  }

  public Map<String, JsonObject> users() {
    synchronized (users) {
      return new LinkedHashMap<>(users);
    }
  }

  /** Makes a user known, as if created at Stream by other means. */
  public void knowUser(String id) {
    users.put(id, new JsonObject().put("id", id));
  }

  public Channel channel(String id) {
    return channels.get(id);
  }

  public void reset() {
    calls.clear();
    users.clear();
    channels.clear();
    failing.set(0);
    hanging.set(0);
    down = false;
  }

  private void handle(HttpServerRequest req, JsonObject body) {
    String path = req.path();
    String problem = authProblem(req);
    if (problem != null) {
      record(req, path, body, problem);
      reply(req, 401, new JsonObject().put("message", problem));
      return;
    }
    if (hanging.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      calls.add(new Call(req.method().name(), path, body, null));
      return;
    }
    if (down || failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      calls.add(new Call(req.method().name(), path, body, null));
      reply(req, 503, new JsonObject().put("message", "stand-in is down"));
      return;
    }
    Matcher m = CHANNEL.matcher(path);
    String method = req.method().name();
    if (method.equals("POST") && path.equals("/users")) {
      JsonObject list = body == null ? null : body.getJsonObject("users");
      if (list == null || list.isEmpty()) {
        bad(req, path, body, "POST /users needs a users map");
        return;
      }
      for (String id : list.fieldNames()) {
        JsonObject u = list.getJsonObject(id);
        if (u == null || !id.equals(u.getString("id"))) {
          bad(req, path, body, "user " + id + " must carry its own id");
          return;
        }
        users.put(id, u);
      }
      record(req, path, body, null);
      reply(req, 201, new JsonObject().put("users", list));
      return;
    }
    if (!m.matches()) {
      bad(req, path, body, "unknown endpoint");
      return;
    }
    String type = m.group(1);
    String id = m.group(2);
    Channel ch = channels.get(id);
    if (m.group(3) != null && method.equals("POST")) {
      JsonObject data = body == null ? null : body.getJsonObject("data");
      if (data == null || data.getString("created_by_id") == null) {
        bad(req, path, body, "a server-side channel query needs data.created_by_id");
        return;
      }
      String problemUsers = notUpserted(data.getString("created_by_id"), data.getJsonArray("members"));
      if (problemUsers != null) {
        bad(req, path, body, problemUsers);
        return;
      }
      if (ch == null || ch.deleted) {
        ch = new Channel(type, id, data.getString("name"), data.getString("created_by_id"));
        for (Object u : data.getJsonArray("members", new JsonArray())) {
          ch.members.add((String) u);
        }
        channels.put(id, ch);
      }
      record(req, path, body, null);
      reply(req, 201, new JsonObject().put("channel", new JsonObject().put("id", id).put("type", type)));
      return;
    }
    if (ch == null || ch.deleted) {
      record(req, path, body, null);
      reply(req, 404, new JsonObject().put("message", "channel " + type + ":" + id + " does not exist"));
      return;
    }
    Channel target = ch;
    switch (method) {
      case "POST": {
        JsonArray add = body == null ? null : body.getJsonArray("add_members");
        JsonArray remove = body == null ? null : body.getJsonArray("remove_members");
        if ((add == null) == (remove == null)) {
          bad(req, path, body, "expected add_members or remove_members");
          return;
        }
        if (add != null) {
          String p = notUpserted(null, add);
          if (p != null) {
            bad(req, path, body, p);
            return;
          }
          add.forEach(u -> target.members.add((String) u));
        } else {
          remove.forEach(u -> target.members.remove((String) u));
        }
        break;
      }
      case "PATCH": {
        JsonObject set = body == null ? null : body.getJsonObject("set");
        if (set == null || !(set.getValue("name") instanceof String)) {
          bad(req, path, body, "expected set.name");
          return;
        }
        ch.name = set.getString("name");
        break;
      }
      case "DELETE":
        ch.deleted = true;
        break;
      default:
        bad(req, path, body, "unexpected method");
        return;
    }
    record(req, path, body, null);
    reply(req, 201, new JsonObject());
  }

  private String notUpserted(String creator, JsonArray members) {
    List<String> missing = new ArrayList<>();
    if (creator != null && !users.containsKey(creator)) {
      missing.add(creator);
    }
    if (members != null) {
      members.forEach(u -> {
        if (!(u instanceof String) || !users.containsKey(u)) {
          missing.add(String.valueOf(u));
        }
      });
    }
    return missing.isEmpty() ? null : "users not upserted before: " + missing;
  }

  private String authProblem(HttpServerRequest req) {
    if (!API_KEY.equals(req.getParam("api_key"))) {
      return "api_key query parameter missing or wrong";
    }
    if (!"jwt".equals(req.getHeader("stream-auth-type"))) {
      return "stream-auth-type must be jwt";
    }
    String token = req.getHeader("Authorization");
    String[] parts = token == null ? new String[0] : token.split("\\.");
    if (parts.length != 3) {
      return "Authorization must be a JWT";
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!"HS256".equals(header.getString("alg"))
        || !MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
        return "the token's HS256 signature does not verify with the secret";
      }
      if (!Boolean.TRUE.equals(payload.getValue("server"))) {
        return "the token is not a server token";
      }
    } catch (Exception e) {
      return "unreadable token: " + e;
    }
    return null;
  }

  private void bad(HttpServerRequest req, String path, JsonObject body, String problem) {
    record(req, path, body, problem);
    reply(req, 400, new JsonObject().put("message", problem));
  }

  private void record(HttpServerRequest req, String path, JsonObject body, String problem) {
    calls.add(new Call(req.method().name(), path, body, problem));
  }

  private static void reply(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static JsonObject safeJson(String s) {
    try {
      return new JsonObject(s);
    } catch (RuntimeException e) {
      return new JsonObject().put("unparsable", s);
    }
  }

  @Override
  public void close() {
    TestPlatform.await(vertx.close());
  }
}
