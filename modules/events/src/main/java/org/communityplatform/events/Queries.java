package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The query parameters shared by history and streams: {@code types}, {@code communityId}, {@code pageId}, {@code after}. */
final class Queries {

  /** A type name ({@code community.member.joined}) or a family ({@code community.*}); {@code *} is every type. */
  static final Pattern TYPE = Pattern.compile("^(\\*|[a-z][a-z_]{0,40}(\\.[a-z][a-z_]{0,40}){0,4}(\\.\\*)?)$");
  private static final Pattern ID = Pattern.compile("^[0-9]{1,18}$");

  private Queries() {
  }

  /** The filter of {@code types}, {@code communityId}, {@code pageId}; 400 on a malformed type. */
  static EventStore.Filter filter(JsonObject query) {
    List<String> types = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String raw = query.getString("types");
    if (raw != null && !raw.isBlank()) {
      for (String t : raw.split(",")) {
        String s = t.trim();
        if (s.isEmpty()) {
          continue;
        }
        if (!TYPE.matcher(s).matches()) {
          throw bad("types", "'" + s + "' is not an event type or a family such as community.*");
        }
        if (s.equals("*")) {
          return new EventStore.Filter(List.of(), List.of(), str(query, "communityId"), str(query, "pageId"));
        }
        if (s.endsWith(".*")) {
          prefixes.add(s.substring(0, s.length() - 1));
        } else {
          types.add(s);
        }
      }
    }
    return new EventStore.Filter(types, prefixes, str(query, "communityId"), str(query, "pageId"));
  }

  /** An event id given by a client ({@code after}, {@code Last-Event-ID}); null when absent; 400 when malformed. */
  static Long eventId(String value, String name) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!ID.matcher(value.trim()).matches()) {
      throw bad(name, "must be the id of an event (digits)");
    }
    return Long.parseLong(value.trim());
  }

  private static String str(JsonObject q, String name) {
    Object v = q.getValue(name);
    return v == null ? null : v.toString();
  }

  static ApiError bad(String name, String message) {
    return new ApiError(400, "validation_failed", name + ": " + message,
      new JsonArray().add(new JsonObject().put("in", "query").put("name", name)));
  }
}
