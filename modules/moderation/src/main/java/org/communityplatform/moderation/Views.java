package org.communityplatform.moderation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;

import java.time.OffsetDateTime;
import java.util.TreeMap;

/** The JSON shapes the module answers with (moderation/openapi.yaml: ModerationReport, ModerationQueueItem). */
final class Views {

  private Views() {
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** A report as its reporter and the place's moderators see it. */
  static JsonObject report(Report r) {
    Target t = r.target;
    JsonObject json = new JsonObject()
      .put("id", r.id.toString())
      .put("targetType", t.type())
      .put("targetId", t.id())
      .put("communityId", Place.COMMUNITY.equals(t.placeType()) ? t.placeId().toString() : null)
      .put("pageId", Place.PAGE.equals(t.placeType()) ? t.placeId().toString() : null)
      .put("reporterId", r.reporterId)
      .put("reason", r.reason)
      .put("details", r.details)
      .put("status", r.status)
      .put("createdAt", time(r.createdAt));
    JsonObject resolution = null;
    if (!r.open()) {
      resolution = new JsonObject().put("action", r.resolution).put("reason", r.resolutionReason)
        .put("resolvedBy", r.resolvedBy).put("resolvedAt", time(r.resolvedAt));
    }
    return json.put("resolution", resolution);
  }

  /**
   * One target of a moderation queue: how many open reports it has, by reason, when it was first and last
   * reported, and its newest twenty open reports.
   */
  static JsonObject queueItem(Row r) {
    TreeMap<String, Integer> byReason = new TreeMap<>();
    Object reasons = r.getValue("reasons");
    if (reasons instanceof JsonArray) {
      for (Object reason : (JsonArray) reasons) {
        byReason.merge(String.valueOf(reason), 1, Integer::sum);
      }
    }
    JsonObject counts = new JsonObject();
    byReason.forEach(counts::put);
    Object reports = r.getValue("reports");
    return new JsonObject()
      .put("targetType", r.getString("target_type"))
      .put("targetId", r.getString("target_id"))
      .put("targetUserId", r.getString("target_user_id"))
      .put("openReports", r.getLong("open_reports"))
      .put("reasons", counts)
      .put("firstReportedAt", time(r.getOffsetDateTime("first_at")))
      .put("lastReportedAt", time(r.getOffsetDateTime("last_at")))
      .put("reports", reports instanceof JsonArray ? reports : new JsonArray());
  }

  /** 400 naming one body field, in the error shape's {@code details}. */
  static ApiError badField(String field, String message) {
    return new ApiError(400, "bad_request", message,
      new JsonArray().add(new JsonObject().put("path", "/" + field).put("message", message)));
  }
}
