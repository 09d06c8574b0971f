package org.communityplatform.pages;

import org.communityplatform.core.text.Text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code q} search of the pages listing. */
final class Search {

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final int MAX_SEARCH_WORDS = 8;

  private Search() {
  }

  /**
   * The {@code q} search as a tsquery: each word of letters and digits, lower-cased, as a prefix,
   * all required. Only such words reach the query, so no input can make it invalid. Null when
   * {@code q} has no word.
   */
  static String tsquery(String q) {
    if (q == null) {
      return null;
    }
    Matcher m = WORD.matcher(Text.nfc(q).toLowerCase(Locale.ROOT));
    List<String> terms = new ArrayList<>();
    while (m.find() && terms.size() < MAX_SEARCH_WORDS) {
      String w = m.group();
      terms.add((w.length() > 100 ? w.substring(0, 100) : w) + ":*");
    }
    return terms.isEmpty() ? null : String.join(" & ", terms);
  }
}
