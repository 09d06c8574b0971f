package org.communityplatform.core.paging;

import org.communityplatform.core.bus.ApiError;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Opaque keyset cursors: the sort key of the last row a client saw, as text parts behind a kind tag,
 * base64url encoded (RFC 4648, section 5) so that clients pass it back untouched. The kind tag makes a
 * cursor of one list invalid for another. A keyset must be an immutable, unique key of the row (for
 * example join time plus id): a key that changes while a client walks the list (a position, a role)
 * makes the walk skip or repeat rows.
 */
public final class KeysetCursor {

  private static final char SEP = '\u001f';

  private KeysetCursor() {
  }

  /** Encodes the key parts of the last row under {@code kind}. */
  public static String encode(String kind, Object... parts) {
    StringBuilder sb = new StringBuilder(kind);
    for (Object p : parts) {
      String s = String.valueOf(p);
      if (s.indexOf(SEP) >= 0) {
        throw new IllegalArgumentException("a cursor part may not contain U+001F");
      }
      sb.append(SEP).append(s);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a cursor of {@code kind} with exactly {@code parts} parts; null for a null cursor; 400
   * {@code invalid_cursor} for anything else. Parse and range-check each part yourself and answer
   * {@link #invalid()} when one does not fit.
   */
  public static List<String> decode(String kind, String cursor, int parts) {
    if (cursor == null) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      List<String> all = Arrays.asList(raw.split(String.valueOf(SEP), -1));
      if (all.size() != parts + 1 || !all.get(0).equals(kind)) {
        throw invalid();
      }
      return all.subList(1, all.size());
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  /** The 400 for a cursor that is not one of this list's. */
  public static ApiError invalid() {
    return new ApiError(400, "invalid_cursor", "the cursor is not valid here; pass back a nextCursor of this same list");
  }
}
