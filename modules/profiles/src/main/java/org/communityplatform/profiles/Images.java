package org.communityplatform.profiles;

import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Recognises images from their first bytes and names them by content. */
final class Images {

  private Images() {
  }

  /** The image type the bytes start with (image/jpeg, image/png, image/gif, image/webp), or null. */
  static String sniff(Buffer b) {
    int n = b.length();
    if (n >= 3 && u(b, 0) == 0xFF && u(b, 1) == 0xD8 && u(b, 2) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 8 && u(b, 0) == 0x89 && u(b, 1) == 'P' && u(b, 2) == 'N' && u(b, 3) == 'G'
      && u(b, 4) == 0x0D && u(b, 5) == 0x0A && u(b, 6) == 0x1A && u(b, 7) == 0x0A) {
      return "image/png";
    }
    if (n >= 6 && u(b, 0) == 'G' && u(b, 1) == 'I' && u(b, 2) == 'F' && u(b, 3) == '8'
      && (u(b, 4) == '7' || u(b, 4) == '9') && u(b, 5) == 'a') {
      return "image/gif";
    }
    if (n >= 12 && u(b, 0) == 'R' && u(b, 1) == 'I' && u(b, 2) == 'F' && u(b, 3) == 'F'
      && u(b, 8) == 'W' && u(b, 9) == 'E' && u(b, 10) == 'B' && u(b, 11) == 'P') {
      return "image/webp";
    }
    return null;
  }

  private static int u(Buffer b, int i) {
    return b.getByte(i) & 0xFF;
  }

  /** The content-addressed id: {@code b1~} and the URL-safe base64 of the SHA-256 of the bytes. */
  static String fileId(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "b1~" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
