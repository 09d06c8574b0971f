package org.communityplatform.chatsync;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** Rows of the sync as the operators' JSON (chatsync/openapi.yaml: ChatSyncStep, ChatSyncBackfill). */
final class Views {

  private Views() {
  }

  /** A step: id, org, channel (type and id; null for a user refresh), what it does, its state and last error. */
  static JsonObject step(Row r) {
    String type = r.getString("channel_type");
    return new JsonObject()
      .put("id", String.valueOf(r.getLong("id")))
      .put("channelType", type)
      .put("channelId", type == null ? null : r.getString("queue"))
      .put("queue", r.getString("queue"))
      .put("kind", r.getString("kind"))
      .put("payload", r.getJsonObject("payload"))
      .put("status", r.getString("status"))
      .put("attempts", r.getInteger("attempts"))
      .put("nextAttemptAt", "pending".equals(r.getString("status")) ? time(r.getOffsetDateTime("next_attempt_at")) : null)
      .put("lastStatus", r.getInteger("last_status"))
      .put("lastError", r.getString("last_error"))
      .put("eventId", r.getLong("event_id") == null ? null : String.valueOf(r.getLong("event_id")))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A backfill's progress, or null when none ever ran. */
  static JsonObject backfill(Row r) {
    if (r == null) {
      return null;
    }
    return new JsonObject().put("status", r.getString("status")).put("communities", r.getInteger("communities"))
      .put("groups", r.getInteger("groups")).put("error", r.getString("error"))
      .put("startedAt", time(r.getOffsetDateTime("started_at")))
      .put("finishedAt", time(r.getOffsetDateTime("finished_at")));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
