package org.communityplatform.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * Every JSON view of a profile row, in one place. Only {@link #account} reads the sensitive
 * columns (phone, addresses, payment references); no other view is given them by the SQL either.
 */
final class Views {

  /** The one time format of the module: ISO-8601, UTC, milliseconds. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

  private Views() {
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
  }

  private static JsonObject json(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonObject ? (JsonObject) v : new JsonObject();
  }

  private static JsonArray array(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonArray ? (JsonArray) v : new JsonArray();
  }

  private static boolean has(Row r, String column) {
    return r.getColumnIndex(column) >= 0;
  }

  /** The extra fields (x) with the bio folded in. */
  static JsonObject extra(Row r) {
    JsonObject x = json(r, "x").copy();
    if (r.getString("bio") != null) {
      x.put("bio", r.getString("bio"));
    }
    return x;
  }

  /**
   * PublicProfile, the one public projection other modules receive over the bus:
   * {@code userId, idTag, displayName}, the people fields, and {@code email} only when
   * {@code withEmail} (see {@code profiles.lookup} in docs/MODULES.md).
   */
  static JsonObject publicProfile(Row r, boolean withEmail) {
    JsonObject p = new JsonObject()
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("displayName", r.getString("name"));
    if (withEmail) {
      p.put("email", r.getString("email"));
    }
    return personFields(p, r);
  }

  /**
   * The public projection of the people API: exactly the documented fields; the email only when
   * {@code withEmail} (the viewer may see it), otherwise left out.
   */
  static JsonObject person(Row r, boolean withEmail) {
    JsonObject p = new JsonObject();
    if (withEmail) {
      p.put("email", r.getString("email"));
    }
    return personFields(p, r);
  }

  /** The people fields every person view shares (public, own record), added to {@code to}. */
  private static JsonObject personFields(JsonObject to, Row r) {
    return to
      .put("firstName", r.getString("first_name"))
      .put("lastName", r.getString("last_name"))
      .put("image", r.getString("image"))
      .put("company", r.getString("company"))
      .put("jobTitle", r.getString("job_title"))
      .put("bio", r.getString("bio"))
      .put("city", r.getString("city"))
      .put("country", r.getString("country"))
      .put("interests", ProfilesStore.strings(r, "interests"))
      .put("social", json(r, "social"));
  }

  /** A profile as the profiles API shows it to anyone; relationship fields when the row carries them. */
  static JsonObject profile(Row r) {
    JsonObject p = new JsonObject()
      .put("tnId", r.getLong("tn_id"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("profilePic", r.getString("image"))
      .put("coverPic", r.getString("cover_image"))
      .put("x", extra(r))
      .put("createdAt", time(r.getOffsetDateTime("created_at")));
    if ("community".equals(r.getString("type")) && has(r, "owner_tag")) {
      p.put("ownerIdTag", r.getString("owner_tag"));
    }
    if (has(r, "out_following")) {
      p.put("following", r.getBoolean("out_following"))
        .put("followedBy", r.getBoolean("in_following"))
        .put("connected", Relationship.connected(r.getString("out_connection"), r.getString("in_connection")))
        .put("blocked", r.getBoolean("out_blocking"));
    }
    return p;
  }

  /** Adds the caller's relationship to a profile view: following, followedBy, connected, blocked. */
  static JsonObject relation(JsonObject view, Relationship pair) {
    return view.put("following", pair.out.following).put("followedBy", pair.in.following)
      .put("connected", pair.connected()).put("blocked", pair.out.blocking);
  }

  /** The answer to creating a community profile. */
  static JsonObject community(Row r, String ownerTag) {
    return new JsonObject().put("tnId", r.getLong("tn_id")).put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name")).put("type", "community").put("profilePic", r.getString("image"))
      .put("ownerIdTag", ownerTag).put("createdAt", time(r.getOffsetDateTime("created_at")));
  }

  /**
   * One page of a list in the profiles API's shape: {data, total, totalExact?, page, limit,
   * nextCursor?, time, reqId}.
   */
  static ApiReply page(ApiRequest req, DirectoryStore.Page result, Function<Row, JsonObject> view, Paging paging,
                       String nextCursor, String time) {
    JsonArray data = new JsonArray();
    result.rows.forEach(r -> data.add(view.apply(r)));
    JsonObject body = paging.result(data, result.total, nextCursor);
    if (!result.exact) {
      body.put("totalExact", false);
    }
    if (body.getValue("page") == null) {
      body.remove("page");
    }
    return ApiReply.ok(body.put("time", time).put("reqId", req.reqId()));
  }

  /** The caller's own profile in the profiles API. */
  static JsonObject own(Row r) {
    return new JsonObject()
      .put("tnId", r.getLong("tn_id"))
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("email", r.getString("email"))
      .put("emailVerified", r.getBoolean("email_verified"))
      .put("roles", ProfilesStore.strings(r, "roles"))
      .put("profilePic", r.getString("image"))
      .put("coverPic", r.getString("cover_image"))
      .put("x", extra(r))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** A member profile of the community cloud API; the email only when {@code withEmail}. */
  static JsonObject member(Row r, boolean withEmail) {
    JsonObject m = new JsonObject()
      .put("id", r.getString("id"))
      .put("idTag", r.getString("id_tag"));
    if (withEmail) {
      m.put("email", r.getString("email"));
    }
    return m
      .put("displayName", r.getString("name"))
      .put("bio", r.getString("bio"))
      .put("avatarUrl", r.getString("image"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  /** The owner's whole customer record, sensitive fields included: only for the owner's account routes. */
  static JsonObject account(Row r) {
    return personFields(new JsonObject()
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("email", r.getString("email"))
      .put("emailVerified", r.getBoolean("email_verified"))
      .put("displayName", r.getString("name")), r)
      .put("phone", r.getString("phone"))
      .put("addresses", array(r, "addresses"))
      .put("paymentReferences", array(r, "payment_refs"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("updatedAt", time(r.getOffsetDateTime("updated_at")));
  }

  static JsonObject admin(Row r) {
    return new JsonObject()
      .put("tnId", r.getLong("tn_id"))
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("roles", ProfilesStore.strings(r, "roles"));
  }

  static JsonObject registrationToken(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("note", r.getString("note"))
      .put("createdBy", r.getString("created_by"))
      .put("createdAt", time(r.getOffsetDateTime("created_at")))
      .put("expiresAt", time(r.getOffsetDateTime("expires_at")))
      .put("usedAt", time(r.getOffsetDateTime("used_at")))
      .put("usedBy", r.getString("used_by"))
      .put("revokedAt", time(r.getOffsetDateTime("revoked_at")));
  }

  /**
   * The data of a profile event in the event log: only what the public projection shows to every
   * reader (BRIEF: no email, no private fields): userId, idTag, displayName, type, status, image.
   */
  static JsonObject eventData(Row r) {
    return new JsonObject()
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("displayName", r.getString("name"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("image", r.getString("image"));
  }

  /** The facts a bus publication about an account carries (in-process, for modules; the email included). */
  static JsonObject event(String org, Row r) {
    return new JsonObject()
      .put("org", org)
      .put("userId", r.getString("id"))
      .put("email", r.getString("email"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("status", r.getString("status"))
      .put("profile", publicProfile(r, true));
  }
}
