package org.communityplatform.moderation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reading and verifying an organisation's audit log (issue 14, "Audit log, tamper-evident") through the
 * core {@link org.communityplatform.core.audit.AuditLog}: organisation admins (platform role
 * {@code admin}) and the organisation's API tokens. The request runs in the token's own organisation
 * (the gateway refuses an {@code orgid} naming another: 403 {@code org_mismatch}), so an admin reads only
 * their own organisation's log.
 */
final class AuditOps {

  private static final String CURSOR = "audit";

  private final Env env;

  AuditOps(Env env) {
    this.env = env;
  }

  void register(Env.Registry r) {
    r.op("listAuditEntries", this::list);
    r.op("verifyAuditLog", this::verify);
  }

  /** {@code GET /api/admin/audit}: newest first, {@code {data, limit, nextCursor}}; filters as the contract says. */
  private Future<ApiReply> list(ApiRequest req) {
    requireAuditor(req);
    int limit = Math.min(env.settings.auditMaxLimit, Math.max(1, req.queryInt("limit", 50)));
    JsonObject filter = new JsonObject();
    for (String f : new String[]{"actor", "action", "targetType", "targetId"}) {
      if (req.queryString(f) != null) {
        filter.put(f, req.queryString(f));
      }
    }
    filter.put("from", instant(req, "from")).put("to", instant(req, "to"));
    List<String> cursor = KeysetCursor.decode(CURSOR, req.queryString("cursor"), 1);
    if (cursor != null) {
      filter.put("beforeSeq", seq(cursor.get(0)));
    }
    return env.audit.list(env.pool, req.org(), filter, limit).map(page -> {
      Long next = page.getLong("nextBeforeSeq");
      return ApiReply.ok(new JsonObject().put("data", page.getJsonArray("data")).put("limit", limit)
        .put("nextCursor", next == null ? null : KeysetCursor.encode(CURSOR, next)));
    });
  }

  /**
   * {@code GET /api/admin/audit/verify}: recomputes the chain; {@code {ok: true, count, headHash}} or
   * {@code {ok: false, count, brokenAt, reason, entry}} with the first entry that does not match.
   */
  private Future<ApiReply> verify(ApiRequest req) {
    requireAuditor(req);
    String org = req.org();
    return env.audit.verify(env.pool, org).compose(result -> {
      if (result.getBoolean("ok")) {
        return Future.succeededFuture(ApiReply.ok(result));
      }
      long broken = result.getLong("brokenAt");
      return env.audit.list(env.pool, org, new JsonObject().put("beforeSeq", broken + 1), 1).map(page -> {
        JsonArray data = page.getJsonArray("data");
        JsonObject entry = data.isEmpty() ? null : data.getJsonObject(0);
        return ApiReply.ok(result.put("entry", entry != null && entry.getLong("seq") == broken ? entry : null));
      });
    });
  }

  private static void requireAuditor(ApiRequest req) {
    JsonObject principal = req.principal();
    if (principal != null && principal.getBoolean("apiToken", false)) {
      return;
    }
    req.requireUser();
    if (!req.hasRole("admin")) {
      throw ApiError.forbidden("only an organisation admin or an organisation API token may read the audit log");
    }
  }

  private static String instant(ApiRequest req, String name) {
    String v = req.queryString(name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant().toString();
    } catch (DateTimeParseException e) {
      throw Views.badField(name, name + " must be a date-time such as 2030-01-31T12:00:00Z");
    }
  }

  private static long seq(String part) {
    try {
      long seq = Long.parseLong(part);
      if (seq < 1) {
        throw KeysetCursor.invalid();
      }
      return seq;
    } catch (NumberFormatException e) {
      throw KeysetCursor.invalid();
    }
  }
}
