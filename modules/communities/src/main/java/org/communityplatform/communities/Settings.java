package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The module's configuration ({@code modules.communities}): defaults, ranges and comments are in
 * {@code communities/config.yaml} in this jar, merged and checked by core before start-up, so
 * every key is present here; only the entry format of organisationLanguages is checked below.
 */
final class Settings {

  final String defaultLanguage;
  final Map<String, String> organisationLanguages = new HashMap<>();
  final long inviteTtlSeconds;
  final long profileLookupTimeoutMs;
  final int passwordIterations;
  final long joinSecretSlowdownMs;
  final String streamApiKey;
  final String streamSecret;
  final long streamTokenTtlSeconds;

  Settings(JsonObject cfg) {
    JsonObject c = cfg;
    String lang = Views.normalizeLanguage(c.getString("defaultLanguage"));
    this.defaultLanguage = lang == null ? "en" : lang;
    JsonArray orgs = c.getJsonArray("organisationLanguages");
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
    this.inviteTtlSeconds = c.getLong("inviteTtlSeconds");
    this.profileLookupTimeoutMs = c.getLong("profileLookupTimeoutMs");
    this.passwordIterations = c.getInteger("passwordHashIterations");
    this.joinSecretSlowdownMs = c.getLong("joinSecretSlowdownMs");
    JsonObject stream = c.getJsonObject("stream");
    this.streamApiKey = stream.getString("apiKey");
    this.streamSecret = stream.getString("secret");
    this.streamTokenTtlSeconds = stream.getLong("tokenTtlSeconds");
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
