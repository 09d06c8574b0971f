package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import org.communityplatform.core.paging.KeysetCursor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The keyset cursors of the module's three lists (core {@link KeysetCursor}; each kind is refused by
 * the other lists). Times travel as microseconds since the epoch, the precision PostgreSQL keeps.
 */
final class Cursors {

  static final String PAGES = "pages";
  static final String MEMBERS = "page-members";
  static final String POSTS = "page-posts";

  private Cursors() {
  }

  static String pages(JsonObject page) {
    return KeysetCursor.encode(PAGES, micros(page.getString("createdAt")), page.getString("id"));
  }

  /** {created_at, id}, or null without a cursor. */
  static Object[] pages(String cursor) {
    List<String> p = KeysetCursor.decode(PAGES, cursor, 2);
    return p == null ? null : new Object[] {time(p.get(0)), uuid(p.get(1))};
  }

  static String members(JsonObject m) {
    return KeysetCursor.encode(MEMBERS, micros(m.getString("joinedAt")), m.getLong("id"));
  }

  /** {joined_at, id}, or null without a cursor. */
  static Object[] members(String cursor) {
    List<String> p = KeysetCursor.decode(MEMBERS, cursor, 2);
    return p == null ? null : new Object[] {time(p.get(0)), number(p.get(1))};
  }

  static String posts(JsonObject post) {
    return KeysetCursor.encode(POSTS, post.getBoolean("announcement") ? 1 : 0, micros(post.getString("createdAt")),
      post.getString("id"));
  }

  /** {announcement, created_at, id}, or null without a cursor. */
  static Object[] posts(String cursor) {
    List<String> p = KeysetCursor.decode(POSTS, cursor, 3);
    if (p == null) {
      return null;
    }
    long flag = number(p.get(0));
    if (flag != 0 && flag != 1) {
      throw KeysetCursor.invalid();
    }
    return new Object[] {flag == 1, time(p.get(1)), uuid(p.get(2))};
  }

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw KeysetCursor.invalid();
    }
  }

  private static OffsetDateTime time(String s) {
    long micros = number(s);
    // years 1 to 9999: well within what PostgreSQL timestamps hold
    if (micros < -62_135_596_800_000_000L || micros > 253_402_300_799_999_999L) {
      throw KeysetCursor.invalid();
    }
    return OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static UUID uuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw KeysetCursor.invalid();
    }
  }
}
