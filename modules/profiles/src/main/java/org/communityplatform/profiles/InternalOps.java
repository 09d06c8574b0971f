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

  private final ProfilesStore store;

  InternalOps(Env env) {
    this.store = env.store;
  }

  void register(Registry r) {
    r.address("profiles.lookup", this::lookup);
    r.address("profiles.byEmail", this::byEmail);
  }

  private static String org(JsonObject msg) {
    Object org = msg.getValue("org");
    if (!(org instanceof String) || ((String) org).isBlank()) {
      throw ApiError.badRequest("'org' is required");
    }
    return (String) org;
  }

  /** {org, ids} → {profiles: {id: PublicProfile}}; unknown ids are left out; 400 beyond 1000 ids. */
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
    return store.lookup(org, new ArrayList<>(ids)).map(rows -> {
      rows.forEach(r -> profiles.put(r.getString("id"), Views.publicProfile(r)));
      return new JsonObject().put("profiles", profiles);
    });
  }

  /** {org, email} → {profile: PublicProfile or null}. */
  private Future<JsonObject> byEmail(JsonObject msg) {
    String org = org(msg);
    Object given = msg.getValue("email");
    String email = given instanceof String ? Fields.email((String) given) : null;
    if (email == null) {
      return Future.succeededFuture(new JsonObject().putNull("profile"));
    }
    return store.personByEmail(org, email).map(row -> new JsonObject()
      .put("profile", row == null ? null : Views.publicProfile(row)));
  }
}
