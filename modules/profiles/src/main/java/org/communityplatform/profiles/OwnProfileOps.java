package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The caller's own profile (profiles API), its images, the image files, and the own customer record (people API). */
final class OwnProfileOps {

  private static final Pattern EXTRA_KEY = Pattern.compile("^[A-Za-z][A-Za-z0-9_-]{0,39}$");
  static final String FILE_PATH = "/api/file/";
  /** The limit of image uploads per organisation and user ({@code throttle.profileUploadsPerUser}). */
  static final String UPLOADS = "profileUploadsPerUser";
  private static final String[][] ACCOUNT_TEXT = {
    {"firstName", "first_name", "80"}, {"lastName", "last_name", "80"}, {"company", "company", "120"},
    {"jobTitle", "job_title", "120"}, {"city", "city", "100"}, {"country", "country", "60"}};

  private final Env env;
  private final ProfilesStore store;

  OwnProfileOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("getOwnProfile", req -> env.self(req).map(row -> env.wrap(req, 200, Views.own(row))));
    r.op("updateOwnProfile", this::updateOwnProfile);
    r.op("uploadProfileImage", req -> upload(req, "image", "profilePic"));
    r.op("uploadCoverImage", req -> upload(req, "cover_image", "coverPic"));
    r.op("getFile", this::getFile);
    r.op("getAccountProfile", req -> env.self(req).map(row -> ApiReply.ok(Views.account(row))));
    r.op("updateAccountProfile", this::updateAccount);
  }

  private Future<ApiReply> updateOwnProfile(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    return env.self(req).compose(me -> store.pool().withTransaction(conn -> store.lockExtra(conn, org, me.getString("id"))
        .compose(stored -> {
          Map<String, Object> cols = ProfilesStore.columns();
          if (b.containsKey("name")) {
            cols.put("name", Fields.displayName(b.getValue("name"), "name"));
          }
          JsonObject patch = b.getJsonObject("x");
          if (patch != null) {
            cols.putAll(mergeExtra(stored, patch));
          }
          return env.updateProfile(conn, org, me.getString("id"), me.getString("id"), cols);
        })))
      .map(row -> {
        env.publish("user.updated", Views.event(org, row));
        return env.wrap(req, 200, Views.own(row));
      });
  }

  /** The columns an {@code x} patch changes: {@code x} itself, and {@code bio} when {@code x.bio} is sent. */
  private Map<String, Object> mergeExtra(JsonObject stored, JsonObject patch) {
    Map<String, Object> cols = ProfilesStore.columns();
    JsonObject x = stored.copy();
    for (Map.Entry<String, Object> e : patch) {
      String key = e.getKey();
      Object v = e.getValue();
      if (!EXTRA_KEY.matcher(key).matches()) {
        throw ApiError.badRequest("extra field name '" + key + "' is not allowed");
      }
      if (key.equals("bio")) {
        cols.put("bio", Fields.bio(v, "x.bio"));
      } else if (v == null) {
        x.remove(key);
      } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        x.put(key, v);
      } else {
        throw ApiError.badRequest("extra field '" + key + "' must be text, a number or true/false");
      }
    }
    if (x.size() > env.settings.maxExtraFields) {
      throw ApiError.badRequest("a profile holds at most " + env.settings.maxExtraFields + " extra fields");
    }
    if (x.encode().length() > env.settings.maxExtraBytes) {
      throw ApiError.badRequest("the extra fields may take at most " + env.settings.maxExtraBytes + " bytes");
    }
    cols.put("x", x);
    return cols;
  }

  /**
   * {@code PUT /api/me/image|cover}: stores the image (content addressed) and points the profile at it.
   * Each upload counts against {@code throttle.profileUploadsPerUser} (per organisation and user): every
   * answer carries its {@code RateLimit-Policy} and {@code RateLimit} headers, and over it the answer is
   * 429 with {@code Retry-After}. The file the column pointed at before is deleted in the same
   * transaction when no profile of the organisation refers to it any more, so replaced uploads do not
   * pile up.
   */
  private Future<ApiReply> upload(ApiRequest req, String column, String field) {
    String org = req.org();
    return env.self(req).compose(me -> env.throttle.acquire(UPLOADS, org + ":" + me.getString("id"),
        "too many image uploads; try again later")
      .compose(limit -> {
        Future<ApiReply> stored;
        try {
          stored = store(req, me, column, field);
        } catch (RuntimeException e) {
          // a refused body (400, 413, 415) is an answer of the limited operation too: it carries the headers
          stored = Future.failedFuture(e);
        }
        return stored
          .map(reply -> reply.header("RateLimit-Policy", limit.policyHeader()).header("RateLimit", limit.rateLimitHeader()))
          .recover(err -> Future.failedFuture(ApiError.from(err).withHeader("RateLimit-Policy", limit.policyHeader())
            .withHeader("RateLimit", limit.rateLimitHeader())));
      }));
  }

  private Future<ApiReply> store(ApiRequest req, io.vertx.sqlclient.Row me, String column, String field) {
    String org = req.org();
    String userId = me.getString("id");
    Buffer body = req.bodyBuffer();
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("the request body must be the image's bytes");
    }
    if (body.length() > env.settings.maxImageBytes) {
      throw new ApiError(413, "too_large", "images may be at most " + env.settings.maxImageBytes + " bytes");
    }
    String type = Images.sniff(body);
    if (type == null) {
      throw new ApiError(415, "unsupported_media_type", "the bytes are not a JPEG, PNG, WebP or GIF image");
    }
    byte[] bytes = body.getBytes();
    return env.vertx.executeBlocking(() -> Images.fileId(bytes), false)
      .compose(fileId -> store.pool().withTransaction(conn -> env.accounts.imageOf(conn, org, userId, column)
          .compose(previous -> env.accounts.putFile(conn, org, fileId, type, bytes, userId)
            .compose(x -> env.updateProfile(conn, org, userId, userId, Map.of(column, FILE_PATH + fileId)))
            .compose(row -> previous == null || !previous.startsWith(FILE_PATH) || previous.equals(FILE_PATH + fileId)
              ? Future.succeededFuture(row)
              : env.accounts.deleteFileIfUnused(conn, org, previous.substring(FILE_PATH.length()), previous).map(row))))
        .map(row -> {
          env.publish("user.updated", Views.event(org, row));
          return env.wrap(req, 200, new JsonObject().put(field, FILE_PATH + fileId).put("fileId", fileId));
        }));
  }

  private Future<ApiReply> getFile(ApiRequest req) {
    String id = req.pathParam("fileId");
    String etag = "\"" + id + "\"";
    boolean current = matches(req.header("if-none-match"), etag);
    return env.accounts.file(req.org(), id, !current).map(row -> {
      if (row == null) {
        throw ApiError.notFound("file not found");
      }
      ApiReply reply = current ? ApiReply.status(304, null) : ApiReply.ok(row.getBuffer("data"))
        .header("Content-Type", row.getString("content_type"));
      return reply.header("ETag", etag)
        .header("Cache-Control", "public, max-age=31536000, immutable")
        .header("X-Content-Type-Options", "nosniff");
    });
  }

  /** If-None-Match (RFC 9110, section 13.1.2): weak comparison, '*' matches any. */
  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String part : ifNoneMatch.split(",")) {
      String p = part.trim();
      if (p.startsWith("W/")) {
        p = p.substring(2);
      }
      if (p.equals("*") || p.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private Future<ApiReply> updateAccount(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    Map<String, Object> cols = ProfilesStore.columns();
    Fields.set(b, "displayName", cols, "name", Fields::displayName);
    Fields.set(b, "bio", cols, "bio", Fields::bio);
    Fields.set(b, "image", cols, "image", Fields::imageUrl);
    Fields.set(b, "phone", cols, "phone", Fields::phone);
    for (String[] f : ACCOUNT_TEXT) {
      if (b.containsKey(f[0])) {
        cols.put(f[1], Fields.text(b, f[0], Integer.parseInt(f[2])));
      }
    }
    if (b.containsKey("interests")) {
      Set<String> interests = new LinkedHashSet<>();
      b.getJsonArray("interests", new JsonArray()).forEach(v -> {
        String t = Fields.clean(String.valueOf(v), 50);
        if (t != null) {
          interests.add(t);
        }
      });
      cols.put("interests", interests.toArray(new String[0]));
    }
    if (b.containsKey("social")) {
      JsonObject social = new JsonObject();
      JsonObject given = b.getJsonObject("social", new JsonObject());
      for (String k : given.fieldNames()) {
        String v = Fields.clean(given.getString(k), 300);
        if (v != null) {
          social.put(k, v);
        }
      }
      cols.put("social", social);
    }
    if (b.containsKey("addresses")) {
      cols.put("addresses", b.getJsonArray("addresses", new JsonArray()));
    }
    if (b.containsKey("paymentReferences")) {
      cols.put("payment_refs", b.getJsonArray("paymentReferences", new JsonArray()));
    }
    return env.self(req).compose(me -> env.updateProfile(org, me.getString("id"), me.getString("id"), cols)).map(row -> {
      env.publish("user.updated", Views.event(org, row));
      return ApiReply.ok(Views.account(row));
    });
  }
}
