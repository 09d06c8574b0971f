package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** JSON of the module's answers (shapes in pages/openapi.yaml), from rows of {@link PagesStore} and friends. */
final class Views {

  private Views() {
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** A page ({@code Page} schema) without the caller's role. */
  static JsonObject page(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("org", r.getString("org"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("category", r.getString("category"))
      .put("description", r.getString("description"))
      .put("image", r.getString("image"))
      .put("visibility", r.getString("visibility"))
      .put("owner", r.getString("owner_id"))
      .put("ownerEmail", r.getString("owner_email"))
      .put("memberCount", r.getInteger("member_count"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A page with the caller's role ({@code role}, null when not a member). */
  static JsonObject page(Access a) {
    return a.page().copy().put("role", a.role());
  }

  /** A membership row; the stored email stays inside (it is never part of a public answer). */
  static JsonObject member(Row r) {
    return new JsonObject()
      .put("id", r.getLong("id"))
      .put("pageId", r.getUUID("page_id").toString())
      .put("userId", r.getString("user_id"))
      .put("role", r.getString("role"))
      .put("source", r.getString("source"))
      .put("invitedBy", r.getString("invited_by"))
      .put("joinedAt", time(r.getOffsetDateTime("joined_at")))
      .put("invitedAt", time(r.getOffsetDateTime("invited_at")))
      .put("email", r.getString("email"));
  }

  /** The public form of a membership ({@code PageMember} without its profile). */
  static JsonObject publicMember(JsonObject m) {
    return new JsonObject().put("pageId", m.getString("pageId")).put("userId", m.getString("userId"))
      .put("role", m.getString("role")).put("source", m.getString("source")).put("invitedBy", m.getString("invitedBy"))
      .put("joinedAt", m.getString("joinedAt"));
  }

  /** A page post ({@code PagePost} without its author). */
  static JsonObject post(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("pageId", r.getUUID("page_id").toString())
      .put("authorId", r.getString("author_id"))
      .put("announcement", r.getBoolean("announcement"))
      .put("title", r.getString("title"))
      .put("body", r.getString("body"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A page without the caller's role, as published on the bus. */
  static JsonObject pageFact(JsonObject page) {
    JsonObject e = page.copy();
    e.remove("role");
    return e;
  }

  /** A membership as published on the bus ({@code events.pages.member.*}). */
  static JsonObject memberFact(String org, JsonObject m) {
    return new JsonObject().put("org", org).put("pageId", m.getString("pageId")).put("userId", m.getString("userId"))
      .put("role", m.getString("role")).put("source", m.getString("source")).put("invitedBy", m.getString("invitedBy"))
      .put("joinedAt", m.getString("joinedAt"));
  }
}
