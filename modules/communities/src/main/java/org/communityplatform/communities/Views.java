package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.regex.Pattern;

/** The JSON shapes the module answers with. */
final class Views {

  private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,20}(-[a-z0-9]{1,8}){0,3}$");

  private Views() {
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** A language code or name in a canonical form ({@code fr}, {@code pt-br}, {@code english}), or null. */
  static String normalizeLanguage(String lang) {
    if (lang == null) {
      return null;
    }
    String l = lang.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return l.length() <= 40 && LANGUAGE.matcher(l).matches() ? l : null;
  }

  /** The text of a community in one language: a translation over the base text, field by field. */
  static final class Text {
    final String language;
    private final JsonObject translation;

    Text(String language, JsonObject translation) {
      this.language = language;
      this.translation = translation;
    }

    String get(String field, String base) {
      if (translation != null && translation.getValue(field) instanceof String) {
        return translation.getString(field);
      }
      return base;
    }

    JsonObject rules(JsonObject base) {
      JsonObject t = translation == null ? null : translation.getJsonObject("rules");
      if (t == null || base == null) {
        return base == null && t != null ? t.copy() : base;
      }
      JsonObject r = base.copy();
      if (t.getValue("text") != null) {
        r.put("text", t.getValue("text"));
      }
      if (t.getValue("agreements") != null) {
        r.put("agreements", t.getValue("agreements"));
      }
      return r;
    }
  }

  /**
   * Picks the translation asked for (x-language), trying the bare language of a regional code too;
   * without one, the base text, which is in the organisation's default language.
   */
  static Text text(Community c, String requested, String orgLanguage) {
    String want = normalizeLanguage(requested);
    if (want != null && !want.equals(orgLanguage)) {
      JsonObject t = translation(c.translations, want);
      if (t != null) {
        return new Text(want, t);
      }
      int dash = want.indexOf('-');
      if (dash > 0) {
        String bare = want.substring(0, dash);
        if (!bare.equals(orgLanguage)) {
          t = translation(c.translations, bare);
          if (t != null) {
            return new Text(bare, t);
          }
        }
      }
    }
    return new Text(orgLanguage, null);
  }

  private static JsonObject translation(JsonObject translations, String lang) {
    Object t = translations.getValue(lang);
    return t instanceof JsonObject ? (JsonObject) t : null;
  }

  /** Status as the clock sees it: draft, archived and a manual expiry stay; otherwise the dates decide. */
  static String status(Community c, Instant now) {
    switch (c.status) {
      case "draft":
      case "archived":
      case "expired":
        return c.status;
      default:
        if (c.startsAt != null && now.isBefore(c.startsAt.toInstant())) {
          return "scheduled";
        }
        if (c.expiresAt != null && !now.isBefore(c.expiresAt.toInstant())) {
          return "expired";
        }
        if (c.status.equals("scheduled") && c.startsAt == null) {
          return "scheduled";
        }
        return "live";
    }
  }

  /** The same rule in SQL, for filters; {@code nowParam} is the placeholder of the current time. */
  static String statusSql(String nowParam) {
    return "(CASE WHEN c.status IN ('draft', 'archived', 'expired') THEN c.status "
      + "WHEN c.starts_at IS NOT NULL AND " + nowParam + " < c.starts_at THEN 'scheduled' "
      + "WHEN c.expires_at IS NOT NULL AND " + nowParam + " >= c.expires_at THEN 'expired' "
      + "WHEN c.status = 'scheduled' AND c.starts_at IS NULL THEN 'scheduled' ELSE 'live' END)";
  }

  /** The community as the plain API (001) shows it. */
  static JsonObject community(Community c, Text text, Instant now) {
    return new JsonObject()
      .put("id", c.id.toString())
      .put("organisationId", c.org)
      .put("name", text.get("name", c.name))
      .put("slug", c.slug)
      .put("description", text.get("description", c.description))
      .put("logoUrl", c.logoUrl)
      .put("coverImageUrl", c.coverImageUrl)
      .put("isPrivate", c.isPrivate)
      .put("communityType", c.communityType)
      .put("access", c.access)
      .put("status", status(c, now))
      .put("featured", c.featured)
      .put("verified", c.verified)
      .put("hasPassword", c.hasPassword)
      .put("memberCount", c.memberCount)
      .put("role", c.callerRole)
      .put("language", text.language)
      .put("createdBy", c.createdBy)
      .put("createdAt", time(c.createdAt))
      .put("updatedAt", time(c.updatedAt));
  }

  /** The full administrative model (003). The password never appears: {@code hasPassword} says whether one is set. */
  static JsonObject admin(Community c, Text text, Instant now) {
    JsonObject d = c.details;
    JsonObject descriptionConfig = null;
    String content = text.get("description", c.description);
    if (d.getJsonObject("descriptionConfig") != null || content != null) {
      descriptionConfig = d.getJsonObject("descriptionConfig", new JsonObject()).copy().put("content", content);
    }
    JsonObject json = new JsonObject()
      .put("id", c.id.toString())
      .put("organisationId", c.org)
      .put("name", text.get("name", c.name))
      .put("slug", c.slug)
      .put("communityType", c.communityType)
      .put("access", c.access)
      .put("status", status(c, now))
      .put("tags", d.getJsonArray("tags", new JsonArray()))
      .put("campaigns", d.getJsonArray("campaigns", new JsonArray()))
      .put("customTabs", d.getJsonArray("customTabs", new JsonArray()))
      .put("descriptionConfig", descriptionConfig)
      .put("links", d.getValue("links"))
      .put("style", d.getValue("style"))
      .put("usersWaiting", c.usersWaiting == null ? new JsonArray() : c.usersWaiting)
      .put("verified", c.verified)
      .put("termsAndConditionsUrl", d.getValue("termsAndConditionsUrl"))
      .put("privacyPolicyUrl", d.getValue("privacyPolicyUrl"))
      .put("additionalInformation", d.getValue("additionalInformation"))
      .put("bannerTitle", text.get("bannerTitle", d.getString("bannerTitle")))
      .put("bannerDescription", text.get("bannerDescription", d.getString("bannerDescription")))
      .put("bannerButtonText", text.get("bannerButtonText", d.getString("bannerButtonText")))
      .put("bannerHref", d.getValue("bannerHref"))
      .put("rules", text.rules(d.getJsonObject("rules")))
      .put("requireMemberRole", d.getValue("requireMemberRole"))
      .put("featured", c.featured)
      .put("memberRequirements", d.getValue("memberRequirements"))
      .put("availableAsTemplateForOrganisations", d.getValue("availableAsTemplateForOrganisations"))
      .put("isGlobalTemplate", d.getValue("isGlobalTemplate"))
      .put("referralUrlOverride", d.getValue("referralUrlOverride"))
      .put("startsAt", time(c.startsAt))
      .put("expiresAt", time(c.expiresAt))
      .put("createdAt", time(c.createdAt))
      .put("updatedAt", time(c.updatedAt))
      .put("communityBackgroundImage", d.getValue("communityBackgroundImage"))
      .put("hasPassword", c.hasPassword)
      .put("isPrivate", c.isPrivate)
      .put("memberCount", c.memberCount)
      .put("language", text.language)
      .put("translations", c.translations);
    return json;
  }

  static JsonObject member(String userId, String role, String status, OffsetDateTime joinedAt) {
    return new JsonObject().put("userId", userId).put("role", role).put("status", status).put("joinedAt", time(joinedAt));
  }

  static JsonObject group(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("communityId", r.getUUID("community_id").toString())
      .put("name", r.getString("name"))
      .put("description", r.getString("description"))
      .put("isPrivate", r.getBoolean("is_private"))
      .put("createdBy", r.getString("created_by"))
      .put("memberCount", r.getColumnIndex("member_count") >= 0 ? r.getLong("member_count") : null)
      .put("role", r.getColumnIndex("caller_group_role") >= 0 ? r.getString("caller_group_role") : null)
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  static JsonObject post(Row r) {
    Object attachments = r.getValue("attachments");
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("communityId", r.getUUID("community_id").toString())
      .put("groupId", r.getUUID("group_id") == null ? null : r.getUUID("group_id").toString())
      .put("authorId", r.getString("author_id"))
      .put("title", r.getString("title"))
      .put("content", r.getString("content"))
      .put("attachments", attachments instanceof JsonArray ? attachments : new JsonArray())
      .put("isPinned", r.getBoolean("is_pinned"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A join request in the join API's (004) shape. */
  static JsonObject joinRequest(Row r) {
    String id = r.getUUID("id").toString();
    String user = r.getString("user_id");
    String responder = r.getString("responder_id");
    return new JsonObject()
      .put("_id", id)
      .put("joinRequestId", id)
      .put("networkId", r.getString("org"))
      .put("targetId", r.getUUID("community_id").toString())
      .put("targetType", "community")
      .put("type", "join")
      .put("userId", user)
      .put("requestorId", user)
      .put("requestorPublicId", user)
      .put("requestorInternalId", user)
      .put("status", r.getString("status"))
      .put("responderId", responder)
      .put("responderPublicId", responder)
      .put("responderInternalId", responder)
      .put("respondedAt", time(r.getOffsetDateTime("responded_at")))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A community user in the join API's (004) shape; {@code role} null for someone not (yet) a member. */
  static JsonObject joinUser(String communityId, String userId, String role, OffsetDateTime since, JsonObject claims) {
    JsonObject c = claims == null ? new JsonObject() : claims;
    return new JsonObject()
      .put("_id", userId)
      .put("userId", userId)
      .put("userPublicId", userId)
      .put("userInternalId", userId)
      .put("path", "communities/" + communityId + "/users/" + userId)
      .put("roles", role == null ? new JsonArray() : new JsonArray().add(role))
      .put("permissions", role == null ? new JsonArray() : Roles.permissions(role))
      .put("displayName", c.getValue("name") instanceof String ? c.getString("name") : null)
      .put("profileHandle", c.getValue("preferred_username") instanceof String ? c.getString("preferred_username") : null)
      .put("description", null)
      .put("avatarFileId", null)
      .put("avatarCustomUrl", c.getValue("picture") instanceof String ? c.getString("picture") : null)
      .put("flagCount", 0)
      .put("metadata", new JsonObject())
      .put("isGlobalBan", false)
      .put("isBrand", false)
      .put("isDeleted", false)
      .put("createdAt", time(since))
      .put("updatedAt", time(since));
  }

  /** A community role in the join API's (004) shape. */
  static JsonObject role(String role, OffsetDateTime since) {
    return new JsonObject()
      .put("roleId", role)
      .put("displayName", Roles.displayName(role))
      .put("permissions", Roles.permissions(role))
      .put("isDeleted", false)
      .put("createdAt", time(since))
      .put("updatedAt", time(since));
  }

  /** The join API's (004) answer. */
  static JsonObject joinAnswer(JsonArray joinRequests, JsonArray users, JsonArray roles) {
    return new JsonObject().put("joinRequests", joinRequests).put("users", users).put("files", new JsonArray())
      .put("roles", roles);
  }
}
