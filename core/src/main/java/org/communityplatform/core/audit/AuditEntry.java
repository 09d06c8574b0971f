package org.communityplatform.core.audit;

import io.vertx.core.json.JsonObject;

/**
 * One administrative act for the audit log: who ({@code actor}, a user id or {@code api-token:<id>}),
 * what ({@code action}, dotted: {@code community.member.role_changed}, {@code api_token.created}, ...),
 * on what ({@code targetType}, {@code targetId}), within which place ({@code scopeId}: the community or
 * page id, so owners can read their own entries), and the changed fields before and after. Never put a
 * secret (a token, a password, a hash of one) in {@code before} or {@code after}.
 */
public final class AuditEntry {

  final String org;
  final String action;
  String actor;
  String actorType = "user";
  String targetType;
  String targetId;
  String scopeId;
  JsonObject before;
  JsonObject after;
  String reqId;

  private AuditEntry(String org, String action) {
    if (org == null || action == null) {
      throw new IllegalArgumentException("an audit entry needs an organisation and an action");
    }
    this.org = org;
    this.action = action;
  }

  public static AuditEntry of(String org, String action) {
    return new AuditEntry(org, action);
  }

  /** The acting user id; {@code api-token:<id>} principals are recorded with actor type {@code api_token}. */
  public AuditEntry actor(String actor) {
    this.actor = actor;
    this.actorType = actor != null && actor.startsWith("api-token:") ? "api_token" : actor == null ? "system" : "user";
    return this;
  }

  public AuditEntry target(String type, Object id) {
    this.targetType = type;
    this.targetId = id == null ? null : id.toString();
    return this;
  }

  /** The community or page the act belongs to (its owners and admins may read the entry). */
  public AuditEntry scope(Object scopeId) {
    this.scopeId = scopeId == null ? null : scopeId.toString();
    return this;
  }

  public AuditEntry before(JsonObject before) {
    this.before = before;
    return this;
  }

  public AuditEntry after(JsonObject after) {
    this.after = after;
    return this;
  }

  public AuditEntry reqId(String reqId) {
    this.reqId = reqId;
    return this;
  }
}
