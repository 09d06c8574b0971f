package org.communityplatform.core.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;

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

  /** The module name: operations are served at {@code api.<name>.<operationId>}. */
  protected abstract String moduleName();

  /** Registers operations and internal addresses with {@link #operation} and {@link #internal}. */
  protected abstract void register();

  /** Asynchronous set-up before consumers are registered (prepare statements, warm caches). */
  protected Future<?> setUp() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    return setUp().compose(v -> {
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
      invoke(() -> handler.handle(req)).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result().toJson());
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
          msg.reply(ar.result());
        } else {
          fail(msg, ar.cause(), null);
        }
      });
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
    ApiError err = toApiError(cause);
    if (err.status() >= 500) {
      LOG.error("request " + reqId + " failed", cause);
    }
    msg.fail(err.status(), err.toJson().encode());
  }

  /** Maps any failure to an API error: PostgreSQL input errors become 4xx, the rest 500. */
  public static ApiError toApiError(Throwable cause) {
    if (cause instanceof ApiError) {
      return (ApiError) cause;
    }
    if (cause instanceof PgException) {
      String state = ((PgException) cause).getSqlState();
      if (state != null) {
        if (state.equals("23505")) {
          return new ApiError(409, "conflict", "a record with the same unique value already exists");
        }
        if (state.equals("23503")) {
          return new ApiError(409, "conflict", "a referenced record does not exist or is still referenced");
        }
        if (state.equals("40001") || state.equals("40P01")) {
          return new ApiError(409, "conflict", "a concurrent change got in the way; try again");
        }
        if (state.startsWith("22") || state.equals("23514") || state.equals("23502")) {
          return new ApiError(400, "bad_request", "a value is not acceptable: " + ((PgException) cause).getErrorMessage());
        }
        if (state.equals("54000")) {
          return new ApiError(413, "too_large", "a value is too large");
        }
      }
    }
    if (cause instanceof io.vertx.core.eventbus.ReplyException) {
      io.vertx.core.eventbus.ReplyException re = (io.vertx.core.eventbus.ReplyException) cause;
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new ApiError(503, "unavailable", "a module this request needs is not running");
        case TIMEOUT:
          return new ApiError(504, "timeout", "a module this request needs did not answer in time");
        default:
          if (re.failureCode() >= 400 && re.failureCode() < 600) {
            try {
              return ApiError.fromJson(re.failureCode(), new JsonObject(re.getMessage()));
            } catch (RuntimeException ignored) {
              return new ApiError(re.failureCode(), "error", String.valueOf(re.getMessage()));
            }
          }
      }
    }
    return new ApiError(500, "internal_error", "internal error");
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
