package org.communityplatform.pages;

import org.communityplatform.core.bus.ApiError;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque keyset cursors: the sort key of the last row a client saw, base64url encoded with a kind
 * letter so that a cursor of one list is refused by another.
 */
final class Cursor {

  /** A decoded cursor: a small integer key (role rank, announcement flag), a time and a row id. */
  record Key(long rank, OffsetDateTime at, String id) {
    UUID uuid() {
      return UUID.fromString(id);
    }

    long longId() {
      return Long.parseLong(id);
    }
  }

  static final char PAGES = 'p';
  static final char MEMBERS = 'm';
  static final char POSTS = 't';

  private Cursor() {
  }

  static String encode(char kind, long rank, OffsetDateTime at, Object id) {
    String raw = kind + "|" + rank + "|" + ChronoUnit.MICROS.between(Instant.EPOCH, at.toInstant()) + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor of the given kind; null when none was sent; 400 when it is not one of ours. */
  static Key decode(char kind, String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split("\\|", -1);
      if (parts.length != 4 || parts[0].length() != 1 || parts[0].charAt(0) != kind) {
        throw invalid();
      }
      long rank = Long.parseLong(parts[1]);
      long micros = Long.parseLong(parts[2]);
      // years 1 to 9999: well within what PostgreSQL timestamps hold
      if (micros < -62_135_596_800_000_000L || micros > 253_402_300_799_999_999L || rank < 0 || rank > 9) {
        throw invalid();
      }
      Instant at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      Key key = new Key(rank, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), parts[3]);
      if (kind == MEMBERS) {
        key.longId();
      } else {
        key.uuid();
      }
      return key;
    } catch (ApiError e) {
      throw e;
    } catch (RuntimeException e) {
      throw invalid();
    }
  }

  private static ApiError invalid() {
    return new ApiError(400, "invalid_cursor", "the cursor is not valid here; pass a nextCursor of this same list");
  }
}
