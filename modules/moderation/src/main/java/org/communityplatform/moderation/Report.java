package org.communityplatform.moderation;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One report as stored ({@code moderation.reports}). */
final class Report {

  static final String OPEN = "open";
  static final String RESOLVED = "resolved";
  /** Stored while a resolver carries out its action; shown as open (the contract knows open and resolved). */
  static final String RESOLVING = "resolving";

  UUID id;
  String org;
  String reporterId;
  Target target;
  String reason;
  String details;
  String status = OPEN;
  /** True while a resolver holds the report (stored status {@code resolving}). */
  boolean claimed;
  OffsetDateTime createdAt;
  String resolution;
  String resolutionReason;
  String resolvedBy;
  OffsetDateTime resolvedAt;

  boolean open() {
    return OPEN.equals(status);
  }

  static Report from(Row r) {
    Report x = new Report();
    x.id = r.getUUID("id");
    x.org = r.getString("org");
    x.reporterId = r.getString("reporter_id");
    x.target = new Target(r.getString("target_type"), r.getString("target_id"), r.getString("place_type"),
      r.getUUID("place_id"), r.getString("target_user_id"));
    x.reason = r.getString("reason");
    x.details = r.getString("details");
    x.claimed = RESOLVING.equals(r.getString("status"));
    x.status = x.claimed ? OPEN : r.getString("status");
    x.createdAt = r.getOffsetDateTime("created_at");
    x.resolution = r.getString("resolution");
    x.resolutionReason = r.getString("resolution_reason");
    x.resolvedBy = r.getString("resolved_by");
    x.resolvedAt = r.getOffsetDateTime("resolved_at");
    return x;
  }
}
