package org.communityplatform.core.paging;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiRequest;

/**
 * Page/limit/cursor of a list request, read once: {@code page} (1-based), {@code limit} (clamped to
 * 1..max), and an opaque keyset {@code cursor} (see {@link KeysetCursor}). Lists answer
 * {@code {data, total, page, limit, nextCursor?}} (seeds README: the standard {@code {data, total}} shape).
 * Bind {@link #limit()} and {@link #offset()} as statement parameters, never paste them into SQL:
 * each distinct SQL text is another prepared statement in the connection's cache.
 */
public record Paging(int page, int limit, String cursor) {

  /** Reads {@code page}, {@code limit} and {@code cursor} from the query; a page below 1 is page 1. */
  public static Paging of(ApiRequest req, int defaultLimit, int maxLimit) {
    int page = Math.max(1, req.queryInt("page", 1));
    int limit = Math.min(maxLimit, Math.max(1, req.queryInt("limit", defaultLimit)));
    String cursor = req.queryString("cursor");
    return new Paging(page, limit, cursor == null || cursor.isEmpty() ? null : cursor);
  }

  /** Rows to skip for a page-number request (0 when a cursor is used). */
  public long offset() {
    return cursor != null ? 0 : (long) (page - 1) * limit;
  }

  /** Rows to fetch to know whether there is a next page: one more than the limit. */
  public int fetch() {
    return limit + 1;
  }

  /** The list answer: {@code {data, total, page, limit}} plus {@code nextCursor} when there is more. */
  public JsonObject result(JsonArray data, long total, String nextCursor) {
    JsonObject json = new JsonObject().put("data", data).put("total", total)
      .put("page", cursor != null ? null : page).put("limit", limit);
    if (nextCursor != null) {
      json.put("nextCursor", nextCursor);
    }
    return json;
  }

  /** The list answer without a cursor. */
  public JsonObject result(JsonArray data, long total) {
    return result(data, total, null);
  }
}
