package org.communityplatform.core.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one text form of the platform. Stored and searched text is Unicode NFC (Unicode Standard
 * Annex #15), so a name typed with a combining accent and one typed precomposed are the same text.
 * Identifiers (email addresses, idTags, slugs) are compared in one folded form: NFC, then full case
 * folding approximated by upper-casing then lower-casing in the root locale (so {@code ß} and
 * {@code SS} fold alike), then NFC again.
 */
public final class Text {

  private Text() {
  }

  /** NFC of {@code s}; null stays null. */
  public static String nfc(String s) {
    return s == null || Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  /** The folded form of an identifier (email address, idTag, slug): NFC and case-folded; null stays null. */
  public static String fold(String s) {
    if (s == null) {
      return null;
    }
    String n = nfc(s.strip());
    return nfc(n.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT));
  }

  /**
   * Whether a search text has at least one word character (a letter or a digit of any script). A
   * search with no words (only symbols, punctuation or emoji) finds nothing, on every search route.
   */
  public static boolean hasWords(String q) {
    if (q == null) {
      return false;
    }
    return q.codePoints().anyMatch(Character::isLetterOrDigit);
  }
}
