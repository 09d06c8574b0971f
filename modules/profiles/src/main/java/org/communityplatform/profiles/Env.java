package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.throttle.Throttle;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** What the operation handlers share: stores, settings, the platform's services, and the caller checks. */
final class Env {

  /** Registers one operation handler. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);
  }

  final Vertx vertx;
  final ProfilesSettings settings;
  final ProfilesStore store;
  final AccountStore accounts;
  final DirectoryStore directory;
  /** Viewer-independent profile projections for profiles.lookup (bounded; see ProfileCache). */
  final ProfileCache cache;
  final PlatformAuth auth;
  final Outbox outbox;
  final EventLog events;
  final AuditLog audit;
  final Throttle throttle;
  final Passwords passwords;
  private final BiConsumer<String, JsonObject> publisher;
  private final BiFunction<String, JsonObject, Future<JsonObject>> asker;

  Env(Vertx vertx, ProfilesSettings settings, ProfilesStore store, AccountStore accounts, DirectoryStore directory,
      ProfileCache cache, ModuleContext ctx, BiConsumer<String, JsonObject> publisher,
      BiFunction<String, JsonObject, Future<JsonObject>> asker) {
    this.vertx = vertx;
    this.settings = settings;
    this.store = store;
    this.accounts = accounts;
    this.directory = directory;
    this.cache = cache;
    this.auth = ctx.auth();
    this.outbox = ctx.outbox();
    this.events = ctx.events();
    this.audit = ctx.audit();
    this.throttle = ctx.throttle();
    this.passwords = new Passwords(vertx, settings.bcryptCost);
    this.publisher = publisher;
    this.asker = asker;
  }

  /**
   * Publishes {@code events.profiles.<name>}; call it only after the write's transaction committed.
   * A fact about one account ({@code org}, {@code userId}) also drops this node's cached projection
   * of it at once (other nodes drop theirs on the database's notification of the same commit).
   */
  void publish(String name, JsonObject event) {
    if (event.getValue("org") instanceof String && event.getValue("userId") instanceof String) {
      cache.invalidate(event.getString("org"), event.getString("userId"));
    }
    publisher.accept(name, event);
  }

  /** Asks another module (request/reply); failures arrive as {@link ApiError}. */
  Future<JsonObject> ask(String address, JsonObject message) {
    return asker.apply(address, message);
  }

  /** The {data, time, reqId} envelope of the profiles API. */
  ApiReply wrap(ApiRequest req, int status, Object data) {
    return ApiReply.status(status, new JsonObject().put("data", data).put("time", Views.time(store.now()))
      .put("reqId", req.reqId()));
  }

  /** The caller's user id; 401 when anonymous, 403 for an API token or a token of another organisation. */
  static String caller(ApiRequest req) {
    String me = req.requireUser();
    JsonObject p = req.principal();
    if (p.getBoolean("apiToken", false)) {
      throw ApiError.forbidden("an API token does not act as a user");
    }
    String tokenOrg = p.getString("org");
    if (tokenOrg != null && !tokenOrg.equals(req.org())) {
      throw ApiError.forbidden("this token belongs to another organisation");
    }
    return me;
  }

  /** The caller when there is one that belongs to this organisation; otherwise null (treated as anonymous). */
  static String viewer(ApiRequest req) {
    JsonObject p = req.principal();
    if (p == null || p.getBoolean("apiToken", false) || p.getString("sub") == null) {
      return null;
    }
    String tokenOrg = p.getString("org");
    return tokenOrg != null && !tokenOrg.equals(req.org()) ? null : p.getString("sub");
  }

  /** 403 {@code account_<status>} unless the account is active. */
  static void requireActive(Row row) {
    String status = row.getString("status");
    if (!"active".equals(status)) {
      throw new ApiError(403, "account_" + status, "this account is " + status);
    }
  }

  /**
   * The caller's own record. A token subject without one (a token of an external issuer, say)
   * gets an account made from the token's claims, as a sync would.
   */
  Future<Row> self(ApiRequest req) {
    String me = caller(req);
    String org = req.org();
    return store.own(org, me)
      .compose(row -> row != null ? Future.succeededFuture(row) : store.pool().withTransaction(conn -> store.provision(conn,
            org, me, Fields.claimName(req), Fields.email(req.claim("email")), Fields.url(req.claim("picture")),
            initialRoles(org, null, me))
          .compose(e -> !e.getValue() ? Future.succeededFuture(e)
            : events.append(conn, created(org, e.getKey())).map(e)))
        .map(e -> {
          if (e.getValue()) {
            publish("user.created", Views.event(org, e.getKey()));
          }
          return e.getKey();
        }))
      .map(row -> {
        if (row == null) {
          throw ApiError.unauthorized("the account could not be found");
        }
        if (!"person".equals(row.getString("type"))) {
          throw ApiError.forbidden("a community profile cannot act as a user");
        }
        requireActive(row);
        return row;
      });
  }

  /**
   * The caller, who must be an active platform admin of this organisation by the recorded account:
   * roles are never taken from the token (issue 10: a token the platform did not issue may carry
   * any claim), so a token saying "admin" for a plain or unknown account is refused with 403.
   */
  Future<String> requireAdmin(ApiRequest req) {
    String me = caller(req);
    return store.own(req.org(), me).map(row -> {
      if (!isAdmin(row)) {
        throw ApiError.forbidden("only platform admins may do this");
      }
      return me;
    });
  }

  /** Whether the recorded account is an active platform admin. */
  static boolean isAdmin(Row row) {
    return row != null && ProfilesStore.strings(row, "roles").contains("admin") && "active".equals(row.getString("status"));
  }

  /** Whether {@code userId} (null: anonymous) is an active platform admin of {@code org}. */
  Future<Boolean> isAdmin(String org, String userId) {
    return userId == null ? Future.succeededFuture(false) : store.own(org, userId).map(Env::isAdmin);
  }

  /** {@code profile.created} for a new person. */
  static Event created(String org, Row row) {
    String id = row.getString("id");
    return Event.of("profile.created", org).actor(id).subject("userId", id).data(Views.eventData(row));
  }

  /** Sets some columns of an account and appends {@code profile.updated}, in one transaction; the row after. */
  Future<Row> updateProfile(String org, String actor, String id, Map<String, Object> columns) {
    return store.pool().withTransaction(conn -> updateProfile(conn, org, actor, id, columns));
  }

  /** The same, inside the caller's transaction. */
  Future<Row> updateProfile(SqlClient conn, String org, String actor, String id, Map<String, Object> columns) {
    return store.update(conn, org, id, columns).compose(row -> row == null ? Future.succeededFuture(null)
      : events.append(conn, Event.of("profile.updated", org).actor(actor).subject("userId", id)
        .data(Views.eventData(row))).map(row));
  }

  /** The roles a new account starts with: the configured first admin is an admin. */
  String[] initialRoles(String org, String tag, String id) {
    String first = settings.firstAdmin;
    boolean admin = !first.isEmpty() && org.equals(settings.firstAdminOrg)
      && ((tag != null && first.equalsIgnoreCase(tag)) || first.equals(id));
    return admin ? new String[] {"user", "admin"} : new String[] {"user"};
  }

  /** A platform token for the account, with the claims other modules read; roles from the recorded account. */
  JsonObject session(String org, Row r) {
    JsonObject claims = new JsonObject().put("org", org).put("roles", ProfilesStore.strings(r, "roles"));
    if (r.getString("email") != null) {
      claims.put("email", r.getString("email"));
    }
    if (r.getString("name") != null) {
      claims.put("name", r.getString("name"));
    }
    if (r.getString("id_tag") != null) {
      claims.put("idTag", r.getString("id_tag"));
    }
    return new JsonObject()
      .put("tnId", r.getLong("tn_id"))
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("token", auth.issueToken(r.getString("id"), claims))
      .put("expiresIn", auth.tokenTtlSeconds());
  }

  /** A unique violation of the account table answered as the conflict it is. */
  static <T> Future<T> conflicts(Throwable err) {
    if (err instanceof PgException && "23505".equals(((PgException) err).getSqlState())) {
      String constraint = String.valueOf(((PgException) err).getConstraint());
      if (constraint.contains("id_tag")) {
        return Future.failedFuture(new ApiError(409, "id_tag_taken", "this identity tag is already taken"));
      }
      if (constraint.contains("email")) {
        return Future.failedFuture(new ApiError(409, "email_taken", "an account with this email address already exists"));
      }
    }
    return Future.failedFuture(ApiError.from(err));
  }
}
