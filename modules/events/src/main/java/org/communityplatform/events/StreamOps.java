package org.communityplatform.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.module.GatewayOperations;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live stream operations, served on each gateway node by the node's {@link Hub}:
 * {@code streamEvents} (Server-Sent Events, per the WHATWG HTML "Server-sent events" section) and
 * {@code streamEventsWs} (WebSocket, RFC 6455). The gateway has authenticated and validated the
 * request before either runs.
 *
 * <p>A stream lasts only as long as the credential it was opened with (docs/EVENTS.md, "Live
 * stream"): it ends at the token's {@code exp} (platform clock), at once when a revocation fact on
 * {@link PlatformAuth#REVOKED_ADDRESS} names its token or subject (logout, suspension, password
 * change, demotion, an API token revoked), and when a heartbeat's re-verification fails. SSE ends
 * the response; a WebSocket is closed with 1008 (policy violation, RFC 6455 section 7.4.1).
 */
final class StreamOps implements GatewayOperations {

  private final Vertx vertx;
  private final Hub hub;
  private final EventStore store;
  private final Settings settings;
  private final Future<String> deployed;
  private final PlatformAuth auth;
  private final Clock clock;
  private final Origins origins;
  /** The open streams of this node, told of each revocation fact. */
  private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
  private final StreamSlots slots;
  private final MessageConsumer<JsonObject> revocations;

  /** An open stream's credential, its loop, and how to end it. */
  private record Guard(Credential credential, Context context, Runnable end) {
  }

  StreamOps(Vertx vertx, Hub hub, EventStore store, Settings settings, PlatformAuth auth, Clock clock, Origins origins) {
    this.vertx = vertx;
    this.hub = hub;
    this.store = store;
    this.settings = settings;
    this.auth = auth;
    this.clock = clock;
    this.origins = origins;
    this.slots = new StreamSlots(settings.maxConnectionsPerPrincipal());
    this.deployed = vertx.deployVerticle(hub);
    this.revocations = vertx.eventBus().consumer(PlatformAuth.REVOKED_ADDRESS, msg -> {
      for (Guard g : guards) {
        if (g.credential().revokedBy(msg.body())) {
          g.context().runOnContext(x -> g.end().run());
        }
      }
    });
  }

  @Override
  public Map<String, RawOperation> operations() {
    return Map.of("streamEvents", this::sse, "streamEventsWs", this::webSocket);
  }

  @Override
  public Future<Void> close() {
    return revocations.unregister().otherwiseEmpty()
      .compose(x -> deployed.compose(id -> vertx.undeploy(id)).otherwiseEmpty());
  }

  /**
   * Takes a stream slot for {@code principal}: 503 when the node is full, 429 with Retry-After when
   * this principal already holds {@code stream.maxConnectionsPerPrincipal} streams on this node
   * (so one caller cannot take the capacity every other tenant shares).
   */
  private Future<StreamSlots.Slot> admit(String principal) {
    if (hub.size() >= settings.maxConnections()) {
      return Future.failedFuture(new ApiError(503, "unavailable", "this node holds as many live streams as it may; retry later")
        .withHeader("Retry-After", "5"));
    }
    StreamSlots.Slot slot = slots.take(principal);
    if (slot == null) {
      return Future.failedFuture(ApiError.tooManyRequests(
        "this caller already holds as many live streams as one caller may; close one or retry later", 5));
    }
    return deployed.map(slot).onFailure(err -> slot.release());
  }

  /** The per-principal key: the API token itself, or the user within the organisation. */
  private static String principalKey(Viewer viewer, Credential credential) {
    return credential.apiTokenKey() != null ? "token:" + credential.apiTokenKey() : "user:" + viewer.org() + ":" + viewer.userId();
  }

  /**
   * Guards an open stream: ends it at the credential's expiry, on a revocation fact naming it, and
   * when a re-verification fails; re-verifies on each heartbeat. Returns what stops the guard.
   */
  private Runnable guard(Credential credential, Context context, Runnable end) {
    Guard g = new Guard(credential, context, end);
    guards.add(g);
    long timer = -1;
    if (credential.expiresMs() != Long.MAX_VALUE) {
      long untilExpiry = credential.expiresMs() - clock.millis();
      // capped at a day: a longer token is still checked at every heartbeat
      timer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, 86_400_000L)), id -> context.runOnContext(x -> {
        if (credential.expired(clock.millis())) {
          end.run();
        }
      }));
    }
    long expiry = timer;
    return () -> {
      guards.remove(g);
      if (expiry >= 0) {
        vertx.cancelTimer(expiry);
      }
    };
  }

  /** The heartbeat's check: expiry at once, then a re-verification (cached by core) that ends the stream when it fails. */
  private void recheck(Credential credential, Viewer viewer, Context context, Runnable end) {
    if (credential.expired(clock.millis())) {
      context.runOnContext(x -> end.run());
      return;
    }
    credential.stillGood(auth, viewer.seesAll()).onSuccess(ok -> {
      if (!ok) {
        context.runOnContext(x -> end.run());
      }
    });
  }

  /**
   * Where a client resumes: {@code Last-Event-ID} (it wins) or {@code after}; null when neither is
   * given; 400 when malformed.
   */
  private static Long resumeId(RoutingContext ctx, ApiRequest req) {
    Long resume = Queries.eventId(ctx.request().getHeader("Last-Event-ID"), "Last-Event-ID");
    return resume != null ? resume : Queries.eventId(req.queryString("after"), "after");
  }

  private Future<EventStore.Pos> resolve(Viewer viewer, Long from) {
    return from == null ? Future.succeededFuture((EventStore.Pos) null) : store.resolve(viewer.org(), from);
  }

  /**
   * The event loop of the client's TCP connection. The gateway reaches a raw operation after
   * asynchronous steps whose callbacks may run on other loops; socket set-up is done back on this one.
   */
  private static Context loopOf(RoutingContext ctx) {
    return ((HttpServerRequestInternal) ctx.request()).context();
  }

  /** SSE: {@code Last-Event-ID} (or {@code after}) replays what was missed, then the stream goes on live. */
  private Future<Void> sse(RoutingContext ctx, ApiRequest req) {
    Viewer viewer = Viewer.of(req);
    EventStore.Filter filter = Queries.filter(req.query());
    Long from = resumeId(ctx, req);
    Context context = loopOf(ctx);
    Credential credential = Credential.of(ctx.request(), req);
    return admit(principalKey(viewer, credential)).compose(slot -> resolve(viewer, from).onFailure(err -> slot.release())
      .compose(pos -> {
        HttpServerResponse resp = ctx.response();
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        // the comment line sends the headers at once, so clients see the stream open
        resp.write(": stream open\n\n");
        Promise<Void> over = Promise.promise();
        Runnable end = () -> {
          if (!resp.ended() && !resp.closed()) {
            resp.end();
          }
        };
        Connection conn = new Connection(context, hub, store, viewer, filter, new SseSink(resp), settings.visibilityTimeoutMs(),
          () -> !credential.expired(clock.millis()), end);
        Runnable unguard = guard(credential, context, end);
        long beat = vertx.setPeriodic(settings.heartbeatSeconds() * 1000, id -> {
          if (!resp.ended() && !resp.closed()) {
            resp.write(": heartbeat\n\n");
            recheck(credential, viewer, context, end);
          }
        });
        io.vertx.core.Handler<Void> finish = x -> {
          vertx.cancelTimer(beat);
          unguard.run();
          slot.release();
          conn.stop();
          over.tryComplete();
        };
        // ended by us (revoked, expired, too slow) or closed by the client
        resp.closeHandler(finish);
        // through the routing context: the response's single end handler may be the router's own
        ctx.addEndHandler(ar -> finish.handle(null));
        context.runOnContext(x -> conn.start(pos).onFailure(err -> end.run()));
        return over.future();
      }));
  }

  /**
   * WebSocket. A position given on the upgrade ({@code Last-Event-ID} or {@code after}) starts the
   * stream from there at once; otherwise the client sends one text message
   * {@code {"type":"resume","lastEventId":"42"}} (or without lastEventId to start live). Each event
   * then arrives as one text message holding the event JSON. Ping frames keep the connection alive.
   *
   * <p>The upgrade runs on the connection's own event loop and the handlers are set in the same
   * callback that receives the socket: Vert.x delivers frames to whatever handler is set when they
   * are read, so a callback that ran later on another loop could miss the client's first message.
   */
  private Future<Void> webSocket(RoutingContext ctx, ApiRequest req) {
    Viewer viewer = Viewer.of(req);
    EventStore.Filter filter = Queries.filter(req.query());
    Long given = resumeId(ctx, req);
    Context context = loopOf(ctx);
    Credential credential = Credential.of(ctx.request(), req);
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && credential.fromCookie() && !origins.allows(origin, ctx.request().getHeader("Host"))) {
      // a page of another site can make the browser open this socket with the session cookie (CSWSH)
      return Future.failedFuture(ApiError.forbidden(
        "the WebSocket upgrade comes from an origin this server does not allow (http.cors.allowedOrigins, http.publicUrl)"));
    }
    // a bad or foreign id is a 400 before the upgrade, as on the SSE route
    return admit(principalKey(viewer, credential)).compose(slot -> resolve(viewer, given).compose(pos -> {
      Promise<Void> over = Promise.promise();
      Promise<Void> upgraded = Promise.promise();
      context.runOnContext(x -> ctx.request().toWebSocket().onComplete(ar -> {
        if (ar.failed()) {
          upgraded.fail(ar.cause());
          return;
        }
        // on the connection's loop, before it reads the next frame
        serve(ar.result(), context, viewer, credential, slot, filter, given == null ? null : pos, over);
        upgraded.complete();
      }));
      return upgraded.future().compose(v -> over.future());
    }).onFailure(err -> slot.release()));
  }

  /** Sets up an upgraded socket: heartbeat, close, and the stream (now when {@code start} is given, else on the resume message). */
  private void serve(ServerWebSocket ws, Context context, Viewer viewer, Credential credential, StreamSlots.Slot slot,
                     EventStore.Filter filter, EventStore.Pos start, Promise<Void> over) {
    Runnable end = () -> {
      if (!ws.isClosed()) {
        ws.close((short) 1008, "credential expired or revoked");
      }
    };
    Connection conn = new Connection(context, hub, store, viewer, filter, new WsSink(ws), settings.visibilityTimeoutMs(),
      () -> !credential.expired(clock.millis()), end);
    boolean[] started = {false};
    Runnable unguard = guard(credential, context, end);
    long beat = vertx.setPeriodic(settings.heartbeatSeconds() * 1000, id -> {
      if (!ws.isClosed()) {
        ws.writePing(Buffer.buffer());
        recheck(credential, viewer, context, end);
      }
    });
    ws.closeHandler(x -> {
      vertx.cancelTimer(beat);
      unguard.run();
      slot.release();
      conn.stop();
      over.tryComplete();
    });
    ws.textMessageHandler(text -> {
      if (started[0]) {
        return; // the position is set once per connection; later messages are ignored
      }
      started[0] = true;
      Long from;
      try {
        JsonObject m = new JsonObject(text);
        if (!"resume".equals(m.getString("type"))) {
          throw Queries.bad("type", "the first message must be {\"type\":\"resume\"}");
        }
        Object last = m.getValue("lastEventId");
        from = Queries.eventId(last == null ? null : last.toString(), "lastEventId");
      } catch (RuntimeException e) {
        ApiError err = e instanceof ApiError ? (ApiError) e : Queries.bad("message", "not JSON");
        ws.writeTextMessage(new JsonObject().put("error", err.toJson()).encode());
        ws.close((short) 1008, err.getMessage().length() > 100 ? "invalid message" : err.getMessage());
        return;
      }
      resolve(viewer, from).compose(pos -> startOn(context, conn, pos)).onFailure(err -> refuse(ws, err));
    });
    if (start != null) {
      started[0] = true;
      startOn(context, conn, start).onFailure(err -> refuse(ws, err));
    }
    // the gateway kept the request paused through authentication; frames flow from here on
    ws.resume();
  }

  private static Future<Void> startOn(Context context, Connection conn, EventStore.Pos pos) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(x -> conn.start(pos).onComplete(p));
    return p.future();
  }

  private static void refuse(ServerWebSocket ws, Throwable err) {
    ApiError e = ApiError.from(err);
    ws.writeTextMessage(new JsonObject().put("error", e.toJson()).encode());
    ws.close((short) 1008, "resume failed");
  }

  /** Events as SSE records: {@code id}, {@code event} (the type), {@code data} (the event JSON on one line). */
  private static final class SseSink implements Connection.Sink {
    private final HttpServerResponse resp;

    SseSink(HttpServerResponse resp) {
      this.resp = resp;
    }

    @Override
    public void event(EventStore.Batch batch, int i) {
      if (!resp.ended() && !resp.closed()) {
        resp.write(batch.sse(i));
      }
    }

    @Override
    public boolean full() {
      return resp.writeQueueFull();
    }

    @Override
    public Future<Void> drained() {
      Promise<Void> p = Promise.promise();
      resp.drainHandler(v -> p.tryComplete());
      return p.future();
    }

    @Override
    public void close() {
      if (!resp.ended()) {
        resp.end();
      }
    }
  }

  private static final class WsSink implements Connection.Sink {
    private final ServerWebSocket ws;

    WsSink(ServerWebSocket ws) {
      this.ws = ws;
    }

    @Override
    public void event(EventStore.Batch batch, int i) {
      if (!ws.isClosed()) {
        ws.writeTextMessage(batch.encoded(i));
      }
    }

    @Override
    public boolean full() {
      return ws.writeQueueFull();
    }

    @Override
    public Future<Void> drained() {
      Promise<Void> p = Promise.promise();
      ws.drainHandler(v -> p.tryComplete());
      return p.future();
    }

    @Override
    public void close() {
      ws.close();
    }
  }
}
