package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.text.Text;

import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One community as stored: read from a row, changed by the plain (001) or administrative (003) API,
 * checked, then written back whole.
 */
final class Community {

  /** Fields of the administrative model kept as JSON in {@code details}, by their API names. */
  static final List<String> DETAIL_KEYS = List.of("tags", "campaigns", "customTabs", "descriptionConfig", "links",
    "style", "termsAndConditionsUrl", "privacyPolicyUrl", "additionalInformation", "bannerTitle", "bannerDescription",
    "bannerButtonText", "bannerHref", "rules", "requireMemberRole", "memberRequirements",
    "availableAsTemplateForOrganisations", "isGlobalTemplate", "referralUrlOverride", "communityBackgroundImage");

  /** Columns every read selects (alias c); never the password hash itself. */
  static final String COLUMNS = "c.id, c.org, c.name, c.slug, c.description, c.logo_url, c.cover_image_url, c.is_private, "
    + "c.community_type, c.access, c.status, c.featured, c.verified, c.starts_at, c.expires_at, "
    + "(c.password_hash IS NOT NULL) AS has_password, c.details, c.translations, c.member_count, c.created_by, "
    + "c.created_at, c.updated_at";
  /** The same without the administrative details, for reads that show the plain view only. */
  static final String PLAIN_COLUMNS = COLUMNS.replace(" c.details,", "");

  UUID id;
  String org;
  String name;
  String slug;
  boolean slugDerived;
  String description;
  String logoUrl;
  String coverImageUrl;
  boolean isPrivate;
  String communityType = "Community";
  String access = "open";
  String status = "live";
  boolean featured;
  boolean verified;
  OffsetDateTime startsAt;
  OffsetDateTime expiresAt;
  /** The stored hash; only loaded by writes. */
  String passwordHash;
  boolean hasPassword;
  JsonObject details = new JsonObject();
  JsonObject translations = new JsonObject();
  int memberCount;
  String createdBy;
  OffsetDateTime createdAt;
  OffsetDateTime updatedAt;
  /** The caller's role in the community, when the read asked for it. */
  String callerRole;
  /** Users with a pending join request, when the read asked for them. */
  JsonArray usersWaiting;

  static Community from(Row r) {
    Community c = new Community();
    c.id = r.getUUID("id");
    c.org = r.getString("org");
    c.name = r.getString("name");
    c.slug = r.getString("slug");
    c.description = r.getString("description");
    c.logoUrl = r.getString("logo_url");
    c.coverImageUrl = r.getString("cover_image_url");
    c.isPrivate = r.getBoolean("is_private");
    c.communityType = r.getString("community_type");
    c.access = r.getString("access");
    c.status = r.getString("status");
    c.featured = r.getBoolean("featured");
    c.verified = r.getBoolean("verified");
    c.startsAt = r.getOffsetDateTime("starts_at");
    c.expiresAt = r.getOffsetDateTime("expires_at");
    c.hasPassword = r.getBoolean("has_password");
    if (r.getColumnIndex("details") >= 0) {
      c.details = json(r.getValue("details"));
    }
    c.translations = json(r.getValue("translations"));
    c.memberCount = r.getInteger("member_count");
    c.createdBy = r.getString("created_by");
    c.createdAt = r.getOffsetDateTime("created_at");
    c.updatedAt = r.getOffsetDateTime("updated_at");
    if (r.getColumnIndex("caller_role") >= 0) {
      c.callerRole = r.getString("caller_role");
    }
    if (r.getColumnIndex("password_hash") >= 0) {
      c.passwordHash = r.getString("password_hash");
    }
    if (r.getColumnIndex("users_waiting") >= 0) {
      String[] waiting = r.getArrayOfStrings("users_waiting");
      c.usersWaiting = new JsonArray();
      if (waiting != null) {
        for (String w : waiting) {
          c.usersWaiting.add(w);
        }
      }
    }
    return c;
  }

  private static JsonObject json(Object v) {
    if (v instanceof JsonObject) {
      return (JsonObject) v;
    }
    if (v instanceof String) {
      return new JsonObject((String) v);
    }
    return new JsonObject();
  }

  /** Applies the fields of a plain (001) create or update body. */
  void applyPlain(JsonObject body) {
    if (body.containsKey("name")) {
      name = body.getString("name").strip();
    }
    if (body.containsKey("description")) {
      description = body.getString("description");
    }
    if (body.containsKey("logoUrl")) {
      logoUrl = body.getString("logoUrl");
    }
    if (body.containsKey("coverImageUrl")) {
      coverImageUrl = body.getString("coverImageUrl");
    }
    if (body.containsKey("isPrivate")) {
      isPrivate = body.getBoolean("isPrivate");
    }
  }

  /**
   * Applies the fields of an administrative (003) create or update body: each field sent replaces the
   * stored value, null clears it. {@code newPasswordHash} is the hash of a password sent (computed off
   * the event loop beforehand).
   */
  void applyAdmin(JsonObject body, String newPasswordHash) {
    if (body.containsKey("name")) {
      name = body.getString("name").strip();
    }
    if (body.containsKey("slug")) {
      // one form for identifiers (issue 12): NFC and case-folded, so two spellings are one slug
      slug = Text.fold(body.getString("slug"));
      slugDerived = false;
    }
    if (body.containsKey("communityType")) {
      communityType = body.getString("communityType");
    }
    if (body.containsKey("access")) {
      access = body.getString("access");
    }
    if (body.containsKey("status")) {
      status = body.getString("status");
    }
    if (body.containsKey("featured")) {
      featured = Boolean.TRUE.equals(body.getBoolean("featured"));
    }
    if (body.containsKey("verified")) {
      verified = Boolean.TRUE.equals(body.getBoolean("verified"));
    }
    if (body.containsKey("isPrivate")) {
      isPrivate = body.getBoolean("isPrivate");
    }
    if (body.containsKey("startsAt")) {
      startsAt = time(body.getString("startsAt"), "startsAt");
    }
    if (body.containsKey("expiresAt")) {
      expiresAt = time(body.getString("expiresAt"), "expiresAt");
    }
    if (body.containsKey("password")) {
      passwordHash = body.getString("password") == null ? null : newPasswordHash;
      hasPassword = passwordHash != null;
    }
    for (String key : DETAIL_KEYS) {
      if (!body.containsKey(key)) {
        continue;
      }
      Object v = body.getValue(key);
      if (key.equals("descriptionConfig")) {
        if (v == null) {
          description = null;
          details.remove(key);
          continue;
        }
        JsonObject cfg = ((JsonObject) v).copy();
        if (cfg.containsKey("content")) {
          description = cfg.getString("content");
          cfg.remove("content");
        }
        details.put(key, cfg);
      } else if (v == null) {
        details.remove(key);
      } else {
        details.put(key, v);
      }
    }
    JsonObject tr = body.getJsonObject("translations");
    if (tr != null) {
      for (String lang : tr.fieldNames()) {
        String l = Views.normalizeLanguage(lang);
        if (l == null) {
          throw ApiError.badRequest("translations: '" + lang + "' is not a language code");
        }
        Object t = tr.getValue(lang);
        if (t == null) {
          translations.remove(l);
        } else {
          translations.put(l, t);
        }
      }
    }
  }

  /** Checks the rules that span several fields. */
  void check() {
    if (name == null || name.length() < 2) {
      throw ApiError.badRequest("name must have 2 to 100 characters");
    }
    if (startsAt != null && expiresAt != null && !expiresAt.isAfter(startsAt)) {
      throw new ApiError(400, "bad_request", "expiresAt must be later than startsAt",
        new JsonArray().add(new JsonObject().put("path", "/expiresAt").put("message", "not after startsAt")));
    }
    if (translations.size() > 50) {
      throw ApiError.badRequest("a community has at most 50 translations");
    }
    if (slug == null) {
      slug = slugOf(name);
      slugDerived = true;
    }
  }

  private static OffsetDateTime time(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new ApiError(400, "bad_request", field + " must be a date-time with an offset, e.g. 2030-01-31T12:00:00Z",
        new JsonArray().add(new JsonObject().put("path", "/" + field).put("message", "not a date-time")));
    }
  }

  /** A slug made of the name's letters: lower case, words joined by single hyphens. */
  static String slugOf(String name) {
    String ascii = Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    String s = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > 60) {
      s = s.substring(0, 60).replaceAll("-+$", "");
    }
    return s.isEmpty() ? "community" : s;
  }
}
