package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import org.communityplatform.core.text.Text;

import java.time.OffsetDateTime;

/** JSON of the module's answers (shapes in pages/openapi.yaml), from rows of {@link PagesStore} and friends. */
final class Views {

  private Views() {
  }

  private static final String[] TEXT_FIELDS = {"name", "type", "category", "description", "title", "body"};

  /** The stored text form (issue 12): text fields of a request body in Unicode NFC. */
  static JsonObject nfc(JsonObject body) {
    for (String f : TEXT_FIELDS) {
      if (body.getValue(f) instanceof String) {
        body.put(f, Text.nfc(body.getString(f)));
      }
    }
    return body;
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

  /**
   * A page invitation ({@code PageInvitation}). {@code status}: {@code pending} while open, else how
   * it closed (accepted, declined, revoked, retired).
   */
  static JsonObject invitation(Row r) {
    String status = r.getString("status");
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("pageId", r.getUUID("page_id").toString())
      .put("email", r.getString("email"))
      .put("userId", r.getString("invitee_id"))
      .put("role", r.getString("role"))
      .put("source", "invitation")
      .put("invitedBy", r.getString("invited_by"))
      .put("invitedAt", time(r.getOffsetDateTime("invited_at")))
      .put("status", "open".equals(status) ? "pending" : status)
      .put("closedAt", time(r.getOffsetDateTime("closed_at")));
  }

  /** A ban or mute ({@code PageSanction}). */
  static JsonObject sanction(Row r) {
    return new JsonObject()
      .put("pageId", r.getUUID("page_id").toString())
      .put("userId", r.getString("user_id"))
      .put("reason", r.getString("reason"))
      .put("expiresAt", time(r.getOffsetDateTime("expires_at")))
      .put("createdBy", r.getString("created_by"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")));
  }

  /**
   * Email privacy (issue 10, item 9): a member's address is shown only to that member, to the page's
   * owner and admins, and to organisation admins. {@code page}: the owner's address goes unless the
   * viewer may see it.
   */
  static JsonObject pageFor(JsonObject page, String viewerRole, boolean orgAdmin) {
    if (!orgAdmin && !Roles.manager(viewerRole)) {
      page.putNull("ownerEmail");
    }
    return page;
  }

  /** Removes {@code email} from a profile unless the viewer is that user, a manager of the page or an org admin. */
  static Object profileFor(Object profile, String userId, String viewer, String viewerRole, boolean orgAdmin) {
    if (!(profile instanceof JsonObject)) {
      return null;
    }
    JsonObject p = (JsonObject) profile;
    if (orgAdmin || Roles.manager(viewerRole) || (viewer != null && viewer.equals(userId))) {
      return p;
    }
    JsonObject copy = p.copy();
    if (copy.containsKey("email")) {
      copy.putNull("email");
    }
    return copy;
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
