package org.communityplatform.moderation;

import java.util.UUID;

/**
 * A place reports belong to (a community or a page) as seen by one user: whether it exists, whether
 * outsiders may know it exists, and the user's role in it (null when not a member).
 *
 * @param type     {@code community} or {@code page}
 * @param hidden   a private community or page: outsiders get 404, never 403
 */
record Place(String type, UUID id, boolean exists, boolean hidden, String role) {

  static final String COMMUNITY = "community";
  static final String PAGE = "page";

  boolean member() {
    return role != null;
  }

  /**
   * Whether the role may work the place's moderation queue: community owners, admins and moderators
   * (issue 14, "Bans and mutes per community"); page owners and admins (pages have no moderator role).
   */
  boolean canModerate() {
    if (role == null) {
      return false;
    }
    return role.equals("owner") || role.equals("admin") || (type.equals(COMMUNITY) && role.equals("moderator"));
  }

  /** The subject name of the place's id in events and bus messages: {@code communityId} or {@code pageId}. */
  String idField() {
    return idField(type);
  }

  static String idField(String type) {
    return COMMUNITY.equals(type) ? "communityId" : "pageId";
  }
}
