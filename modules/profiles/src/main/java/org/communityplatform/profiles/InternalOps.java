package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiVerticle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/** The module's internal bus addresses (docs/MODULES.md): what other modules may ask about profiles. */
final class InternalOps {

  /** Registers one internal address. */
  interface Registry {
    void address(String address, ApiVerticle.Internal handler);
  }

  private static final int MAX_LOOKUP = 1000;

  private final Env env;
  private final ProfilesStore store;

  InternalOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Registry r) {
    r.address("profiles.lookup", this::lookup);
    r.address("profiles.byEmail", this::byEmail);
    r.address("profiles.account", this::account);
  }

  private static String org(JsonObject msg) {
    Object org = msg.getValue("org");
    if (!(org instanceof String) || ((String) org).isBlank()) {
      throw ApiError.badRequest("'org' is required");
    }
    return (String) org;
  }

  /**
   * {org, ids, withEmail?, viewerId?, viewerManages?} → {profiles: {id: PublicProfile}}; unknown ids
   * are left out; 400 beyond 1000 ids. A profile carries {@code email} only when the caller asks
   * ({@code withEmail: true}) for a viewer who may see it (issue 10, item 9): the profile's own
   * user ({@code viewerId}), an active org admin ({@code viewerId}), or, as the calling module
   * decided, an owner or admin of the place whose directory it builds ({@code viewerManages: true}).
   */
  private Future<JsonObject> lookup(JsonObject msg) {
    String org = org(msg);
    Object list = msg.getValue("ids");
    JsonArray given = list instanceof JsonArray ? (JsonArray) list : new JsonArray();
    Set<String> ids = new LinkedHashSet<>();
    given.forEach(v -> {
      if (v instanceof String) {
        ids.add((String) v);
      }
    });
    if (ids.size() > MAX_LOOKUP) {
      throw ApiError.badRequest("at most " + MAX_LOOKUP + " ids per lookup");
    }
    JsonObject profiles = new JsonObject();
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("profiles", profiles));
    }
    boolean withEmail = Boolean.TRUE.equals(msg.getValue("withEmail"));
    String viewer = msg.getValue("viewerId") instanceof String ? msg.getString("viewerId") : null;
    boolean manages = Boolean.TRUE.equals(msg.getValue("viewerManages"));
    // whether the viewer is an org admin comes from the viewer's own row, read with the others
    boolean askAdmin = withEmail && !manages && viewer != null;
    Set<String> wanted = ids;
    if (askAdmin && !ids.contains(viewer)) {
      wanted = new LinkedHashSet<>(ids);
      wanted.add(viewer);
    }
    return env.cache.get(org, wanted, missing -> store.lookupForCache(org, missing)).map(found -> {
      ProfileCache.Entry me = askAdmin ? found.get(viewer) : null;
      boolean all = withEmail && (manages || (me != null && me.admin()));
      found.forEach((id, e) -> {
        if (ids.contains(id)) {
          profiles.put(id, e.profile(withEmail && (all || id.equals(viewer))));
        }
      });
      return new JsonObject().put("profiles", profiles);
    });
  }

  /**
   * {org, email} → {profile: PublicProfile (with the email the caller named) or null, emailVerified}.
   * The address is compared folded. An unverified address proves nothing: check
   * {@code emailVerified} before treating the account as the address's owner.
   */
  private Future<JsonObject> byEmail(JsonObject msg) {
    String org = org(msg);
    Object given = msg.getValue("email");
    String email = given instanceof String ? Fields.email((String) given) : null;
    if (email == null) {
      return Future.succeededFuture(new JsonObject().putNull("profile").put("emailVerified", false));
    }
    return store.personByEmail(org, email).map(row -> new JsonObject()
      .put("profile", row == null ? null : Views.publicProfile(row, true))
      .put("emailVerified", row != null && Boolean.TRUE.equals(row.getBoolean("email_verified"))));
  }

  /**
   * {org, userId} → {exists, email, emailVerified, roles, status}: the recorded account, for
   * modules that must rely on a verified address or on the account's roles (never a token's).
   */
  private Future<JsonObject> account(JsonObject msg) {
    String org = org(msg);
    Object user = msg.getValue("userId");
    if (!(user instanceof String) || ((String) user).isBlank()) {
      throw ApiError.badRequest("'userId' is required");
    }
    return store.own(org, (String) user).map(row -> row == null || !"person".equals(row.getString("type"))
      ? new JsonObject().put("exists", false).putNull("email").put("emailVerified", false)
        .put("roles", new JsonArray()).putNull("status")
      : new JsonObject().put("exists", true).put("email", row.getString("email"))
        .put("emailVerified", row.getBoolean("email_verified")).put("roles", ProfilesStore.strings(row, "roles"))
        .put("status", row.getString("status")));
  }
}
