package org.communityplatform.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.module.GatewayOperations;

import java.util.Map;

/**
 * The live stream operations, served on each gateway node by the node's {@link Hub}:
 * {@code streamEvents} (Server-Sent Events, per the WHATWG HTML "Server-sent events" section) and
 * {@code streamEventsWs} (WebSocket, RFC 6455). The gateway has authenticated and validated the
 * request before either runs.
 */
final class StreamOps implements GatewayOperations {

  private final Vertx vertx;
  private final Hub hub;
  private final EventStore store;
  private final Settings settings;
  private final Future<String> deployed;

  StreamOps(Vertx vertx, Hub hub, EventStore store, Settings settings) {
    this.vertx = vertx;
    this.hub = hub;
    this.store = store;
    this.settings = settings;
    this.deployed = vertx.deployVerticle(hub);
  }

  @Override
  public Map<String, RawOperation> operations() {
    return Map.of("streamEvents", this::sse, "streamEventsWs", this::webSocket);
  }

  @Override
  public Future<Void> close() {
    return deployed.compose(id -> vertx.undeploy(id)).otherwiseEmpty();
  }

  private Future<Void> admit() {
    if (hub.size() >= settings.maxConnections()) {
      return Future.failedFuture(new ApiError(503, "unavailable", "this node holds as many live streams as it may; retry later")
        .withHeader("Retry-After", "5"));
    }
    return deployed.mapEmpty();
  }

  /** SSE: {@code Last-Event-ID} (or {@code after}) replays what was missed, then the stream goes on live. */
  private Future<Void> sse(RoutingContext ctx, ApiRequest req) {
    Viewer viewer = Viewer.of(req);
    EventStore.Filter filter = Queries.filter(req.query());
    Long resume = Queries.eventId(ctx.request().getHeader("Last-Event-ID"), "Last-Event-ID");
    if (resume == null) {
      resume = Queries.eventId(req.queryString("after"), "after");
    }
    Long from = resume;
    Context context = vertx.getOrCreateContext();
    return admit().compose(v -> from == null ? Future.succeededFuture((EventStore.Pos) null) : store.resolve(viewer.org(), from))
      .compose(pos -> {
        HttpServerResponse resp = ctx.response();
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        // the comment line sends the headers at once, so clients see the stream open
        resp.write(": stream open\n\n");
        Promise<Void> over = Promise.promise();
        Connection conn = new Connection(context, hub, store, viewer, filter, new SseSink(resp), settings.visibilityTimeoutMs());
        long beat = vertx.setPeriodic(settings.heartbeatSeconds() * 1000, id -> {
          if (!resp.ended() && !resp.closed()) {
            resp.write(": heartbeat\n\n");
          }
        });
        resp.closeHandler(x -> {
          vertx.cancelTimer(beat);
          conn.stop();
          over.tryComplete();
        });
        conn.start(pos).onFailure(err -> {
          if (!resp.ended()) {
            resp.end();
          }
        });
        return over.future();
      });
  }

  /**
   * WebSocket: after the upgrade, the client sends one text message
   * {@code {"type":"resume","lastEventId":"42"}} (or without lastEventId to start live); each event
   * then arrives as one text message holding the event JSON. Ping frames keep the connection alive.
   */
  private Future<Void> webSocket(RoutingContext ctx, ApiRequest req) {
    Viewer viewer = Viewer.of(req);
    EventStore.Filter filter = Queries.filter(req.query());
    Context context = vertx.getOrCreateContext();
    return admit().compose(v -> ctx.request().toWebSocket()).compose(ws -> {
      Promise<Void> over = Promise.promise();
      Connection[] conn = new Connection[1];
      long beat = vertx.setPeriodic(settings.heartbeatSeconds() * 1000, id -> {
        if (!ws.isClosed()) {
          ws.writePing(Buffer.buffer());
        }
      });
      ws.closeHandler(x -> {
        vertx.cancelTimer(beat);
        if (conn[0] != null) {
          conn[0].stop();
        }
        over.tryComplete();
      });
      ws.textMessageHandler(text -> {
        if (conn[0] != null) {
          return; // one resume per connection; later messages are ignored
        }
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
        conn[0] = new Connection(context, hub, store, viewer, filter, new WsSink(ws), settings.visibilityTimeoutMs());
        (from == null ? Future.succeededFuture((EventStore.Pos) null) : store.resolve(viewer.org(), from))
          .compose(pos -> conn[0].start(pos))
          .onFailure(err -> {
            ApiError e = ApiError.from(err);
            ws.writeTextMessage(new JsonObject().put("error", e.toJson()).encode());
            ws.close((short) 1008, "resume failed");
          });
      });
      // the gateway kept the request paused through authentication; frames flow once the handlers are set
      ws.resume();
      return over.future();
    });
  }

  /** Events as SSE records: {@code id}, {@code event} (the type), {@code data} (the event JSON on one line). */
  private static final class SseSink implements Connection.Sink {
    private final HttpServerResponse resp;

    SseSink(HttpServerResponse resp) {
      this.resp = resp;
    }

    @Override
    public void event(JsonObject e) {
      if (!resp.ended() && !resp.closed()) {
        resp.write("id: " + e.getLong("id") + "\nevent: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n");
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
    public void event(JsonObject e) {
      if (!ws.isClosed()) {
        ws.writeTextMessage(e.encode());
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
