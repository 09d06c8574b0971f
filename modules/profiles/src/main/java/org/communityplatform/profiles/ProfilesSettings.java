package org.communityplatform.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The module's section of the configuration ({@code modules.profiles}), read once. */
final class ProfilesSettings {

  static final Set<String> DEFAULT_RESERVED = Set.of("admin", "administrator", "root", "system", "support",
    "help", "api", "www", "mail", "postmaster", "abuse", "security", "noreply", "no-reply", "moderator",
    "staff", "official", "verify", "register", "me", "profiles", "anonymous", "null", "undefined");

  final String registrationMode;
  final int registrationTokenTtlHours;
  final String firstAdmin;
  final String firstAdminOrg;
  final Set<String> reserved;
  final int bcryptCost;
  final int loginSlowdownMs;
  final int maxImageBytes;
  final int maxExtraFields;
  final int maxExtraBytes;
  final int emailVerificationTtlHours;

  private ProfilesSettings(JsonObject c) {
    String mode = c.getString("registrationMode", "open").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("open") && !mode.equals("token")) {
      throw new IllegalArgumentException("key 'modules.profiles.registrationMode' must be open or token but was '"
        + mode + "'");
    }
    this.registrationMode = mode;
    this.registrationTokenTtlHours = range(c, "registrationTokenTtlHours", 168, 1, 8760);
    this.firstAdmin = c.getString("firstAdmin", "").trim();
    this.firstAdminOrg = c.getString("firstAdminOrg", "default").trim();
    JsonArray list = c.getJsonArray("reservedIdTags");
    Set<String> r = new HashSet<>();
    if (list == null) {
      r.addAll(DEFAULT_RESERVED);
    } else {
      list.forEach(v -> r.add(String.valueOf(v).trim().toLowerCase(Locale.ROOT)));
    }
    this.reserved = Set.copyOf(r);
    this.bcryptCost = range(c, "bcryptCost", 12, 4, 16);
    this.loginSlowdownMs = range(c, "loginSlowdownMs", 1000, 0, 10000);
    this.maxImageBytes = range(c, "maxImageBytes", 5 * 1024 * 1024, 1024, 10 * 1024 * 1024);
    this.maxExtraFields = range(c, "maxExtraFields", 20, 0, 50);
    this.maxExtraBytes = range(c, "maxExtraBytes", 4096, 64, 65536);
    this.emailVerificationTtlHours = range(c, "emailVerificationTtlHours", 48, 1, 8760);
  }

  static ProfilesSettings from(JsonObject config) {
    return new ProfilesSettings(config == null ? new JsonObject() : config);
  }

  boolean tokenMode() {
    return registrationMode.equals("token");
  }

  private static int range(JsonObject c, String key, int def, int min, int max) {
    Object v = c.getValue(key);
    int n = v instanceof Number ? ((Number) v).intValue() : def;
    if (n < min || n > max) {
      throw new IllegalArgumentException("key 'modules.profiles." + key + "' must be between " + min + " and " + max
        + " but was " + n);
    }
    return n;
  }
}
