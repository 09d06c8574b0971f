package org.communityplatform.pages;

import org.communityplatform.core.bus.ApiError;

/** Page roles and their ranks: owner (0) above admin (1) above member (2); a non-member ranks 3. */
final class Roles {

  static final String OWNER = "owner";
  static final String ADMIN = "admin";
  static final String MEMBER = "member";

  private Roles() {
  }

  static boolean manager(String role) {
    return OWNER.equals(role) || ADMIN.equals(role);
  }

  /** The rank of a role; 3 for no role. Lower ranks stand above higher ones. */
  static int rank(String role) {
    if (role == null) {
      return 3;
    }
    switch (role) {
      case OWNER:
        return 0;
      case ADMIN:
        return 1;
      case MEMBER:
        return 2;
      default:
        throw ApiError.badRequest("role must be owner, admin or member");
    }
  }

  /** Whether {@code actor} stands above {@code target} (acts on them as a manager). */
  static boolean outranks(String actor, String target) {
    return manager(actor) && rank(actor) < rank(target);
  }
}
