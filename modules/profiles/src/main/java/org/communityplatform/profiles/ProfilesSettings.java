package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The module's section of the configuration ({@code modules.profiles}), read once. Defaults,
 * ranges and allowed values are in {@code profiles/config.yaml} in this jar, merged and checked by
 * core before start-up, so every key is present and valid here.
 */
final class ProfilesSettings {

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
  final int profileCacheSize;

  private ProfilesSettings(JsonObject c) {
    this.registrationMode = c.getString("registrationMode");
    this.registrationTokenTtlHours = c.getInteger("registrationTokenTtlHours");
    this.firstAdmin = c.getString("firstAdmin").trim();
    this.firstAdminOrg = c.getString("firstAdminOrg").trim();
    Set<String> r = new HashSet<>();
    c.getJsonArray("reservedIdTags").forEach(v -> r.add(String.valueOf(v).trim().toLowerCase(Locale.ROOT)));
    this.reserved = Set.copyOf(r);
    this.bcryptCost = c.getInteger("bcryptCost");
    this.loginSlowdownMs = c.getInteger("loginSlowdownMs");
    this.maxImageBytes = c.getInteger("maxImageBytes");
    this.maxExtraFields = c.getInteger("maxExtraFields");
    this.maxExtraBytes = c.getInteger("maxExtraBytes");
    this.emailVerificationTtlHours = c.getInteger("emailVerificationTtlHours");
    this.profileCacheSize = c.getInteger("profileCacheSize");
  }

  static ProfilesSettings from(JsonObject config) {
    return new ProfilesSettings(config);
  }

  boolean tokenMode() {
    return registrationMode.equals("token");
  }
}
