package org.communityplatform.profiles;

import org.communityplatform.core.bus.ApiError;

/**
 * The relationship between two profiles, one {@link Direction} each way. An action of the
 * profiles API (follow, unfollow, block, unblock, connect, disconnect) changes one or both.
 */
final class Relationship {

  /** One direction of a relationship; absent rows read as all defaults. */
  static final class Direction {
    boolean following;
    boolean blocking;
    String connection = "none";
    boolean changed;

    private void set(boolean following, boolean blocking, String connection) {
      if (this.following != following || this.blocking != blocking || !this.connection.equals(connection)) {
        this.following = following;
        this.blocking = blocking;
        this.connection = connection;
        this.changed = true;
      }
    }
  }

  /** From the caller to the other profile. */
  final Direction out;
  /** From the other profile to the caller. */
  final Direction in;

  Relationship(Direction out, Direction in) {
    this.out = out;
    this.in = in;
  }

  /** The connection as the caller sees it: connected, pending (either side asked) or disconnected. */
  static String connected(String out, String in) {
    if ("connected".equals(out)) {
      return "connected";
    }
    return "requested".equals(out) || "requested".equals(in) ? "pending" : "disconnected";
  }

  String connected() {
    return connected(out.connection, in.connection);
  }

  /** Applies one action; 409 when the caller blocks the other, 403 when the other blocks the caller. */
  void apply(String action) {
    switch (action) {
      case "follow":
      case "connect":
        if (out.blocking) {
          throw ApiError.conflict("you block this profile; unblock it first");
        }
        if (in.blocking) {
          throw ApiError.forbidden("this profile does not accept that from you");
        }
        if (action.equals("follow")) {
          out.set(true, out.blocking, out.connection);
        } else if (!"connected".equals(out.connection)) {
          if ("requested".equals(in.connection)) {
            out.set(out.following, out.blocking, "connected");
            in.set(in.following, in.blocking, "connected");
          } else {
            out.set(out.following, out.blocking, "requested");
          }
        }
        break;
      case "unfollow":
        out.set(false, out.blocking, out.connection);
        break;
      case "block":
        out.set(false, true, "none");
        in.set(false, in.blocking, "none");
        break;
      case "unblock":
        out.set(out.following, false, out.connection);
        break;
      case "disconnect":
        out.set(out.following, out.blocking, "none");
        in.set(in.following, in.blocking, "none");
        break;
      default:
        throw ApiError.badRequest("unknown relationship '" + action + "'");
    }
  }

  boolean changed() {
    return out.changed || in.changed;
  }
}
