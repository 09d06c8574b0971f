package org.communityplatform.core.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Base verticle of a feature module: one bus consumer per operation ({@code api.<module>.<operationId>})
 * and per internal address. It turns handler results into replies and failures into
 * {@code ReplyException(status, errorJson)}; a database error caused by the input is a 4xx, never a 500.
 */
public abstract class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  /** Handles one API operation. */
  @FunctionalInterface
  public interface Operation {
    Future<ApiReply> handle(ApiRequest request) throws Exception;
  }

  /** Handles one internal request (module to module); the result is the reply body. */
  @FunctionalInterface
  public interface Internal {
    Future<?> handle(JsonObject request) throws Exception;
  }

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /**
   * What the platform gives the module ({@link PlatformModule#createVerticle}): its name, its own
   * configuration ({@code modules.<name>}), the pool, clock, event log, audit log, throttle and outbox.
   * Null for a verticle made with the no-argument constructor.
   */
  protected final ModuleContext ctx;

  /** A verticle of the module {@code ctx} describes: {@link #moduleName()} is {@code ctx.name()}. */
  protected ApiVerticle(ModuleContext ctx) {
    this.ctx = ctx;
  }

  /** A verticle without a module context: it must override {@link #moduleName()}. */
  protected ApiVerticle() {
    this(null);
  }

  /** The module name: operations are served at {@code api.<name>.<operationId>}; by default the context's name. */
  protected String moduleName() {
    if (ctx == null) {
      throw new IllegalStateException(getClass().getName() + " has no module context: override moduleName()");
    }
    return ctx.name();
  }

  /** Registers operations and internal addresses with {@link #operation} and {@link #internal}. */
  protected abstract void register();

  /**
   * Asynchronous set-up before consumers are registered (read settings, prepare statements, warm caches).
   * An exception thrown here (a setting out of range) fails the deployment as a failed future would.
   */
  protected Future<?> setUp() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    Future<?> ready;
    try {
      ready = setUp();
    } catch (RuntimeException e) {
      ready = Future.failedFuture(e);
    }
    return ready.compose(v -> {
      register();
      List<Future<?>> done = new ArrayList<>();
      for (MessageConsumer<?> c : consumers) {
        done.add(c.completion());
      }
      return Future.all(done);
    });
  }

  public static String address(String module, String operationId) {
    return "api." + module + "." + operationId;
  }

  protected void operation(String operationId, Operation handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address(moduleName(), operationId), msg -> {
      ApiRequest req = new ApiRequest(msg.body());
      // lines logged while serving it carry its request id and organisation
      org.communityplatform.core.ops.RequestContext.set(req.reqId(), req.org());
      invoke(() -> handler.handle(req)).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result().toJson(), LocalJsonCodec.options());
        } else {
          fail(msg, ar.cause(), req.reqId());
        }
      });
    });
    consumers.add(c);
  }

  protected void internal(String address, Internal handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address, msg -> {
      JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
      invoke(() -> handler.handle(body)).onComplete(ar -> {
        if (ar.succeeded()) {
          Object result = ar.result();
          msg.reply(result, result instanceof JsonObject ? LocalJsonCodec.options() : new DeliveryOptions());
        } else {
          fail(msg, ar.cause(), null);
        }
      });
    });
    consumers.add(c);
  }

  /**
   * Asks another module over the bus (request/reply) with the module's {@link #askTimeoutMs()}; the future
   * fails with the {@link ApiError} the other side answered, 503 when no node serves the address, 504 on
   * time-out. A reply that is not a JSON object reads as an empty one. For facts that already happened,
   * listen with {@link #on} instead.
   */
  protected Future<JsonObject> ask(String address, JsonObject message) {
    return ask(address, message, askTimeoutMs());
  }

  /**
   * Same as {@link #ask(String, JsonObject)} with a time-out of its own, in milliseconds (&gt; 0), for a
   * call whose patience a module setting names (e.g. communities' {@code profileLookupTimeoutMs}).
   */
  protected Future<JsonObject> ask(String address, JsonObject message, long timeoutMs) {
    return BusCalls.ask(vertx, address, message, timeoutMs);
  }

  /**
   * Same as {@link #ask(String, JsonObject)} for an optional partner module: when no node serves the
   * address (the module is switched off everywhere) the answer is {@code absent} instead of a 503.
   * Every other failure (the partner's own 503 included) fails as in {@link #ask(String, JsonObject)}.
   */
  protected Future<JsonObject> askIfRunning(String address, JsonObject message, JsonObject absent) {
    return BusCalls.askIfRunning(vertx, address, message, askTimeoutMs(), absent);
  }

  /**
   * How long {@link #ask(String, JsonObject)} waits for an answer, in milliseconds (default 5000); a
   * module overrides it to read its own setting (pages: {@code lookupTimeoutMs}).
   */
  protected long askTimeoutMs() {
    return 5000;
  }

  /**
   * Listens to a published fact ({@code events.<module>.<name>}, or any address) on this node; a
   * failing handler is logged, never answered. The consumer is unregistered with the verticle.
   */
  protected void on(String address, java.util.function.Consumer<JsonObject> handler) {
    MessageConsumer<Object> c = vertx.eventBus().consumer(address, msg -> {
      try {
        handler.accept(msg.body() instanceof JsonObject ? (JsonObject) msg.body() : new JsonObject());
      } catch (RuntimeException e) {
        LOG.warn("handler of {} failed: {}", address, e.toString());
      }
    });
    consumers.add(c);
  }

  /** Publishes a fact to every consumer on every node: {@code events.<module>.<name>}. */
  protected void publish(String name, JsonObject event) {
    vertx.eventBus().publish("events." + moduleName() + "." + name, event);
  }

  private interface Call<T> {
    Future<T> call() throws Exception;
  }

  private static <T> Future<T> invoke(Call<T> call) {
    try {
      Future<T> f = call.call();
      return f == null ? Future.failedFuture(new IllegalStateException("handler returned no future")) : f;
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private static void fail(Message<?> msg, Throwable cause, String reqId) {
    ApiError err = ApiError.from(cause);
    if (err.status() >= 500 && err.status() != 503) {
      LOG.error("request " + reqId + " failed", cause);
    }
    msg.fail(err.status(), err.toTransport().encode());
  }

  /** Same as {@link ApiError#from(Throwable)}; kept for callers that still use this name. */
  public static ApiError toApiError(Throwable cause) {
    return ApiError.from(cause);
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> done = new ArrayList<>();
    for (MessageConsumer<?> c : consumers) {
      done.add(c.unregister());
    }
    return Future.all(done);
  }
}
