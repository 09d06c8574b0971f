package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;

import java.util.List;

/** Community roles, their order and what each may do. */
final class Roles {

  static final String OWNER = "owner";
  static final String ADMIN = "admin";
  static final String MODERATOR = "moderator";
  static final String MEMBER = "member";
  static final List<String> ALL = List.of(OWNER, ADMIN, MODERATOR, MEMBER);

  private Roles() {
  }

  /** 4 owner, 3 admin, 2 moderator, 1 member, 0 none. */
  static int rank(String role) {
    if (role == null) {
      return 0;
    }
    switch (role) {
      case OWNER:
        return 4;
      case ADMIN:
        return 3;
      case MODERATOR:
        return 2;
      case MEMBER:
        return 1;
      default:
        return 0;
    }
  }

  static boolean atLeast(String role, String min) {
    return rank(role) >= rank(min);
  }

  static String displayName(String role) {
    return Character.toUpperCase(role.charAt(0)) + role.substring(1);
  }

  /** The permissions a role grants, as reported by the join API. */
  static JsonArray permissions(String role) {
    JsonArray p = new JsonArray();
    int r = rank(role);
    if (r >= 1) {
      p.add("VIEW_COMMUNITY").add("CREATE_POST").add("INVITE_MEMBER");
    }
    if (r >= 2) {
      p.add("PIN_POST").add("DELETE_POST").add("REVIEW_JOIN_REQUEST");
    }
    if (r >= 3) {
      p.add("EDIT_COMMUNITY").add("CHANGE_MEMBER_ROLE").add("REMOVE_MEMBER").add("CREATE_GROUP");
    }
    if (r >= 4) {
      p.add("MANAGE_ADMINS").add("DELETE_COMMUNITY");
    }
    return p;
  }
}
