package org.communityplatform.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text and Markdown tables. */
final class Report {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Report(String... header) {
    this.header = List.of(header);
  }

  void row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  String text() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], i < r.size() ? r.get(i).length() : 0);
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    StringBuilder sep = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      sep.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
    }
    sb.append(sep).append('\n');
    for (List<String> r : rows) {
      line(sb, r, w);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    for (int i = 0; i < w.length; i++) {
      String c = i < cells.size() ? cells.get(i) : "";
      sb.append(i == 0 ? "" : " | ");
      sb.append(i == 0 ? pad(c, w[i]) : lpad(c, w[i]));
    }
    sb.append('\n');
  }

  String markdown() {
    StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) {
      sb.append(i == 0 ? "---|" : "---:|");
    }
    sb.append('\n');
    for (List<String> r : rows) {
      sb.append("| ").append(String.join(" | ", r).replace("\n", " ")).append(" |\n");
    }
    return sb.toString();
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }

  private static String lpad(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }

  static String ms(long micros) {
    return micros < 0 ? "-" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String ratio(double a, double b) {
    return b <= 0 || a < 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }
}
