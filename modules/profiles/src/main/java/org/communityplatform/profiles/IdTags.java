package org.communityplatform.profiles;

import org.communityplatform.core.text.Text;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identity tags. For type {@code idp}: a handle of 3-40 characters (letters, digits, '.', '_', '-',
 * starting and ending with a letter or digit), optionally {@code @domain}. For type {@code domain}:
 * a domain name of two or more labels with an alphabetic last label. 128 characters at most;
 * compared and stored in lower case.
 */
final class IdTags {

  static final int MAX_LENGTH = 128;
  private static final String HANDLE = "[a-z0-9](?:[a-z0-9._-]{1,38})[a-z0-9]";
  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  private static final String DOMAIN = "(?:" + LABEL + "\\.)+[a-z]{2,63}";
  private static final Pattern IDP = Pattern.compile("^" + HANDLE + "(?:@" + DOMAIN + ")?$");
  private static final Pattern DOMAIN_TAG = Pattern.compile("^" + DOMAIN + "$");

  private IdTags() {
  }

  /** The folded form (core {@code Text.fold}: NFC, case folded, surrounding blanks removed); null stays null. */
  static String normalize(String raw) {
    return Text.fold(raw);
  }

  static boolean wellFormed(String tag, String type) {
    if (tag == null || tag.isEmpty() || tag.length() > MAX_LENGTH) {
      return false;
    }
    return "domain".equals(type) ? DOMAIN_TAG.matcher(tag).matches() : IDP.matcher(tag).matches();
  }

  /** Whether the tag has the shape of any identity tag (either type). */
  static boolean plausible(String tag) {
    return wellFormed(tag, "idp") || wellFormed(tag, "domain");
  }

  /** The part that the reserved list applies to: the handle before '@', or the first label of a domain. */
  static String head(String tag) {
    int at = tag.indexOf('@');
    if (at >= 0) {
      return tag.substring(0, at);
    }
    int dot = tag.indexOf('.');
    return dot > 0 ? tag.substring(0, dot) : tag;
  }

  static boolean reserved(String tag, Set<String> reserved) {
    return reserved.contains(tag) || reserved.contains(head(tag));
  }

  /**
   * A default display name from a tag: its head, first letter upper case (alice@example.com:
   * Alice); the whole tag when the head is shorter than the display name's 2 characters, cut to 80.
   */
  static String defaultName(String tag) {
    String h = head(tag);
    String name = h.length() < 2 ? tag : Character.toUpperCase(h.charAt(0)) + h.substring(1);
    return name.length() > 80 ? name.substring(0, 80) : name;
  }
}
