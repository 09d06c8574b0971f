package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The module's configuration ({@code modules.communities}), with the defaults of config/platform.yaml. */
final class Settings {

  final String defaultLanguage;
  final Map<String, String> organisationLanguages = new HashMap<>();
  final long inviteTtlSeconds;
  final long profileLookupTimeoutMs;
  final int passwordIterations;
  final String streamApiKey;
  final String streamSecret;
  final long streamTokenTtlSeconds;

  Settings(JsonObject cfg) {
    JsonObject c = cfg == null ? new JsonObject() : cfg;
    String lang = Views.normalizeLanguage(c.getString("defaultLanguage", "en"));
    this.defaultLanguage = lang == null ? "en" : lang;
    JsonArray orgs = c.getJsonArray("organisationLanguages", new JsonArray());
    for (Object o : orgs) {
      String entry = String.valueOf(o);
      int eq = entry.indexOf('=');
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("key 'modules.communities.organisationLanguages' takes entries 'orgId=language', not '"
          + entry + "'");
      }
      String l = Views.normalizeLanguage(entry.substring(eq + 1));
      if (l == null) {
        throw new IllegalArgumentException("key 'modules.communities.organisationLanguages': '" + entry
          + "' does not name a language");
      }
      organisationLanguages.put(entry.substring(0, eq).trim(), l);
    }
    this.inviteTtlSeconds = positive(c, "inviteTtlSeconds", 7L * 24 * 3600);
    this.profileLookupTimeoutMs = positive(c, "profileLookupTimeoutMs", 2000);
    this.passwordIterations = (int) positive(c, "passwordHashIterations", 120_000);
    JsonObject stream = c.getJsonObject("stream", new JsonObject());
    this.streamApiKey = stream.getString("apiKey", "");
    this.streamSecret = stream.getString("secret", "");
    long ttl = stream.getLong("tokenTtlSeconds", 86_400L);
    if (ttl < 0) {
      throw new IllegalArgumentException("key 'modules.communities.stream.tokenTtlSeconds' must not be negative");
    }
    this.streamTokenTtlSeconds = ttl;
  }

  private static long positive(JsonObject c, String key, long def) {
    Object v = c.getValue(key);
    long value = v instanceof Number ? ((Number) v).longValue() : def;
    if (value <= 0) {
      throw new IllegalArgumentException("key 'modules.communities." + key + "' must be positive");
    }
    return value;
  }

  /** The language a community's base text is written in, for an organisation. */
  String languageOf(String org) {
    return organisationLanguages.getOrDefault(org, defaultLanguage);
  }

  boolean streamConfigured() {
    return !streamApiKey.isBlank() && !streamSecret.isBlank();
  }

  static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
