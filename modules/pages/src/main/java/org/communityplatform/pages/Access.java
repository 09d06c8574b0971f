package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A page as one caller sees it: the page row (as {@link Views#page}) and the caller's role on it
 * (null when they are not a member).
 */
record Access(JsonObject page, String role) {

  UUID id() {
    return UUID.fromString(page.getString("id"));
  }

  /** A public page, or a private one the caller belongs to. */
  boolean visible() {
    return "public".equals(page.getString("visibility")) || role != null;
  }

  /** Owner or admin: may change the page, publish announcements, moderate. */
  boolean manager() {
    return Roles.manager(role);
  }

  boolean owner() {
    return Roles.OWNER.equals(role);
  }
}
