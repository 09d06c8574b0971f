package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleContext;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Serves the profiles operations of the contract and the module's internal addresses over the bus. */
final class ProfilesVerticle extends ApiVerticle {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@/\\\\]{1,64}@[a-z0-9.-]{1,189}\\.[a-z]{2,63}$");
  private static final Pattern URL = Pattern.compile("^https?://\\S+$");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1F\\x7F]");
  private static final Pattern EXTRA_KEY = Pattern.compile("^[A-Za-z][A-Za-z0-9_-]{0,39}$");
  private static final String FILE_PATH = "/api/file/";
  private static final int MAX_LOOKUP = 1000;
  private static final int PAGE_MEMBER_LIMIT = 10000;

  private final ModuleContext ctx;
  private final ProfilesSettings settings;
  private final ProfilesStore store;
  private final PlatformAuth auth;
  private final Outbox outbox;
  private Passwords passwords;

  ProfilesVerticle(ModuleContext ctx, ProfilesSettings settings, ProfilesStore store) {
    this.ctx = ctx;
    this.settings = settings;
    this.store = store;
    this.auth = ctx.auth();
    this.outbox = ctx.outbox();
  }

  @Override
  protected String moduleName() {
    return "profiles";
  }

  @Override
  protected Future<?> setUp() {
    passwords = new Passwords(vertx, settings.bcryptCost);
    if (settings.firstAdmin.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.promoteFirstAdmin(settings.firstAdminOrg, settings.firstAdmin);
  }

  @Override
  protected void register() {
    // identity tags, registration and sign-in
    operation("verifyProfile", this::verifyProfile);
    operation("registerProfile", this::register);
    operation("login", this::login);
    operation("logout", this::logout);
    operation("refreshToken", this::refresh);
    operation("changePassword", this::changePassword);
    operation("verifyEmail", req -> verifyEmail(req, req.body().getString("token")));
    operation("verifyEmailLink", req -> verifyEmail(req, req.queryString("token")));
    operation("resendVerificationEmail", this::resendVerification);
    operation("createRegistrationToken", this::createRegistrationToken);
    operation("listRegistrationTokens", this::listRegistrationTokens);
    // the caller's own profile and images
    operation("getOwnProfile", req -> self(req).map(row -> wrap(req, 200, Views.own(row))));
    operation("updateOwnProfile", this::updateOwnProfile);
    operation("uploadProfileImage", req -> upload(req, "image", "profilePic"));
    operation("uploadCoverImage", req -> upload(req, "cover_image", "coverPic"));
    operation("getFile", this::getFile);
    // profiles, communities, relationships, admin
    operation("listProfiles", this::listProfiles);
    operation("getProfile", this::getProfile);
    operation("createCommunityProfile", this::createCommunity);
    operation("updateRelationship", this::updateRelationship);
    operation("adminUpdateProfile", this::adminUpdate);
    // people directory and the customer record
    operation("searchPeople", this::searchPeople);
    operation("getPersonByEmail", this::getPersonByEmail);
    operation("getAccountProfile", req -> self(req).map(row -> ApiReply.ok(Views.account(row))));
    operation("updateAccountProfile", this::updateAccount);
    // community cloud members
    operation("syncUser", this::syncUser);
    operation("getMemberProfile", this::getMemberProfile);
    operation("updateMemberProfile", this::updateMemberProfile);
    // for other modules
    internal("profiles.lookup", this::lookup);
    internal("profiles.byEmail", this::byEmail);
  }

  // ================================================================= helpers

  /** The {data, time, reqId} envelope of the profiles API. */
  private ApiReply wrap(ApiRequest req, int status, Object data) {
    return ApiReply.status(status, new JsonObject().put("data", data).put("time", Views.time(store.now()))
      .put("reqId", req.reqId()));
  }

  /** The caller's user id; 401 when anonymous, 403 when the token was issued for another organisation. */
  private static String caller(ApiRequest req) {
    String me = req.requireUser();
    JsonObject p = req.principal();
    if (p.getBoolean("apiToken", false)) {
      throw ApiError.forbidden("an API token does not act as a user");
    }
    String tokenOrg = p.getString("org");
    if (tokenOrg != null && !tokenOrg.equals(req.org())) {
      throw ApiError.forbidden("this token belongs to another organisation");
    }
    return me;
  }

  /** The caller when there is one that belongs to this organisation; otherwise null (treated as anonymous). */
  private static String viewer(ApiRequest req) {
    JsonObject p = req.principal();
    if (p == null || p.getBoolean("apiToken", false) || p.getString("sub") == null) {
      return null;
    }
    String tokenOrg = p.getString("org");
    return tokenOrg != null && !tokenOrg.equals(req.org()) ? null : p.getString("sub");
  }

  private static void requireActive(Row row) {
    String status = row.getString("status");
    if (!"active".equals(status)) {
      throw new ApiError(403, "account_" + status, "this account is " + status);
    }
  }

  /**
   * The caller's own record. A token subject without one (a token of an external issuer, say)
   * gets an account made from the token's claims, as a sync would.
   */
  private Future<Row> self(ApiRequest req) {
    String me = caller(req);
    String org = req.org();
    return store.own(org, me)
      .compose(row -> row != null ? Future.succeededFuture(row) : store.provision(org, me, claimName(req),
          cleanEmail(req.claim("email")), cleanUrl(req.claim("picture")), initialRoles(org, null, me))
        .map(e -> {
          if (e.getValue()) {
            publish("user.created", Views.event(org, e.getKey()));
          }
          return e.getKey();
        }))
      .map(row -> {
        if (row == null) {
          throw ApiError.unauthorized("the account could not be found");
        }
        if (!"person".equals(row.getString("type"))) {
          throw ApiError.forbidden("a community profile cannot act as a user");
        }
        requireActive(row);
        return row;
      });
  }

  /** The caller, who must hold the platform admin role (in the token and, when recorded, in the account). */
  private Future<String> requireAdmin(ApiRequest req) {
    String me = caller(req);
    if (!req.hasRole("admin")) {
      return Future.failedFuture(ApiError.forbidden("only platform admins may do this"));
    }
    return store.own(req.org(), me).map(row -> {
      if (row != null && (!ProfilesStore.strings(row, "roles").contains("admin")
        || !"active".equals(row.getString("status")))) {
        throw ApiError.forbidden("only platform admins may do this");
      }
      return me;
    });
  }

  private String[] initialRoles(String org, String tag, String id) {
    String first = settings.firstAdmin;
    boolean admin = !first.isEmpty() && org.equals(settings.firstAdminOrg)
      && ((tag != null && first.equalsIgnoreCase(tag)) || first.equals(id));
    return admin ? new String[] {"user", "admin"} : new String[] {"user"};
  }

  /** A platform token for the account, with the claims other modules read. */
  private JsonObject session(String org, Row r) {
    JsonObject claims = new JsonObject().put("org", org).put("roles", ProfilesStore.strings(r, "roles"));
    if (r.getString("email") != null) {
      claims.put("email", r.getString("email"));
    }
    if (r.getString("name") != null) {
      claims.put("name", r.getString("name"));
    }
    if (r.getString("id_tag") != null) {
      claims.put("idTag", r.getString("id_tag"));
    }
    return new JsonObject()
      .put("tnId", r.getLong("tn_id"))
      .put("userId", r.getString("id"))
      .put("idTag", r.getString("id_tag"))
      .put("name", r.getString("name"))
      .put("token", auth.issueToken(r.getString("id"), claims))
      .put("expiresIn", auth.tokenTtlSeconds());
  }

  private static String secret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Trimmed text without control characters, at most {@code max} characters; null when nothing is left. */
  private static String clean(String s, int max) {
    if (s == null) {
      return null;
    }
    String t = CONTROL.matcher(s).replaceAll(" ").trim();
    if (t.isEmpty()) {
      return null;
    }
    return t.length() > max ? t.substring(0, max).trim() : t;
  }

  private static String claimName(ApiRequest req) {
    String name = clean(req.claim("name"), 100);
    if (name == null) {
      String given = clean(req.claim("given_name"), 50);
      String family = clean(req.claim("family_name"), 50);
      name = clean((given == null ? "" : given) + " " + (family == null ? "" : family), 100);
    }
    return name;
  }

  static String cleanEmail(String s) {
    if (s == null) {
      return null;
    }
    String e = s.trim().toLowerCase(Locale.ROOT);
    return e.length() <= 254 && EMAIL.matcher(e).matches() ? e : null;
  }

  private static String cleanUrl(String s) {
    if (s == null) {
      return null;
    }
    String u = s.trim();
    return u.length() <= 2048 && URL.matcher(u).matches() ? u : null;
  }

  /** A unique violation of the account table answered as the conflict it is. */
  private static <T> Future<T> conflicts(Throwable err) {
    if (err instanceof PgException && "23505".equals(((PgException) err).getSqlState())) {
      String constraint = String.valueOf(((PgException) err).getConstraint());
      if (constraint.contains("id_tag")) {
        return Future.failedFuture(new ApiError(409, "id_tag_taken", "this identity tag is already taken"));
      }
      if (constraint.contains("email")) {
        return Future.failedFuture(new ApiError(409, "email_taken", "an account with this email address already exists"));
      }
    }
    return Future.failedFuture(err);
  }

  private static ApiReply page(ApiRequest req, ProfilesStore.Page result, java.util.function.Function<Row, JsonObject> view,
                               int page, int limit, String time) {
    JsonArray data = new JsonArray();
    result.rows.forEach(r -> data.add(view.apply(r)));
    JsonObject body = new JsonObject().put("data", data).put("total", result.total);
    if (!result.exact) {
      body.put("totalExact", false);
    }
    return ApiReply.ok(body.put("page", page).put("limit", limit).put("time", time).put("reqId", req.reqId()));
  }

  private static String text(JsonObject body, String key, int max) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String)) {
      throw ApiError.badRequest("'" + key + "' must be text");
    }
    String t = ((String) v).trim();
    if (t.length() > max) {
      throw ApiError.badRequest("'" + key + "' is longer than " + max + " characters");
    }
    return t.isEmpty() ? null : t;
  }

  // ================================================================= identity tags and registration

  private Future<ApiReply> verifyProfile(ApiRequest req) {
    JsonObject b = req.body();
    String tag = IdTags.normalize(b.getString("idTag"));
    String type = b.getString("type");
    JsonObject data = new JsonObject().put("available", false).put("idTag", tag);
    if (!IdTags.wellFormed(tag, type)) {
      return Future.succeededFuture(wrap(req, 200, data.put("reason", "malformed")));
    }
    if (IdTags.reserved(tag, settings.reserved)) {
      return Future.succeededFuture(wrap(req, 200, data.put("reason", "reserved")));
    }
    return store.tagTaken(req.org(), tag).map(taken -> wrap(req, 200, taken ? data.put("reason", "taken")
      : data.put("available", true)));
  }

  /** Checks a tag for registration or a community: 400 when malformed or reserved. */
  private String acceptableTag(String raw, String type) {
    String tag = IdTags.normalize(raw);
    if (!IdTags.wellFormed(tag, type)) {
      throw new ApiError(400, "id_tag_malformed", "'" + raw + "' is not a valid identity tag of type " + type
        + " (idp: a handle of 3-40 letters, digits, '.', '_' or '-', optionally followed by @domain; "
        + "domain: a domain name such as alice.example.com)");
    }
    if (IdTags.reserved(tag, settings.reserved)) {
      throw new ApiError(400, "id_tag_reserved", "the identity tag '" + tag + "' is reserved");
    }
    return tag;
  }

  private Future<ApiReply> register(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String type = b.getString("type");
    String tag = acceptableTag(b.getString("idTag"), type);
    String email = cleanEmail(b.getString("email"));
    if (email == null) {
      throw ApiError.badRequest("'email' is not a valid email address");
    }
    String regToken = b.getString("token");
    if (settings.tokenMode() && (regToken == null || regToken.isBlank())) {
      throw new ApiError(403, "registration_token_required", "registration needs a registration token from an admin");
    }
    String name = clean(b.getString("name"), 100);
    String id = UUID.randomUUID().toString();
    String verifySecret = secret("");
    String password = b.getString("password");
    Future<String> hash = password == null ? Future.succeededFuture(null) : passwords.hash(password);
    return hash.compose(h -> store.pool().withTransaction(conn -> {
        Future<Void> token = !settings.tokenMode() ? Future.succeededFuture()
          : store.consumeRegistrationToken(conn, org, PlatformAuth.sha256(regToken), id).compose(ok -> ok
            ? Future.succeededFuture()
            : Future.failedFuture(new ApiError(403, "registration_token_invalid",
              "the registration token is unknown, already used or expired")));
        JsonObject fields = new JsonObject().put("idType", type).put("idTag", tag)
          .put("name", name != null ? name : IdTags.defaultName(tag)).put("email", email).put("passwordHash", h)
          .put("roles", new JsonArray(List.of(initialRoles(org, tag, id)))).put("appDomain", b.getString("appDomain"))
          .put("lang", b.getString("lang"));
        return token
          .compose(x -> store.insertPerson(conn, org, id, fields))
          .compose(row -> verificationMail(conn, org, row, verifySecret).map(row));
      }))
      .recover(ProfilesVerticle::conflicts)
      .map(row -> {
        publish("user.created", Views.event(org, row));
        return wrap(req, 201, session(org, row));
      });
  }

  /** Records a verification token for the account's email and queues the message with its link. */
  private Future<Void> verificationMail(io.vertx.sqlclient.SqlClient conn, String org, Row row, String secret) {
    String email = row.getString("email");
    String link = outbox.publicUrl() + "/api/auth/verify-email?token=" + secret;
    String name = row.getString("name") == null ? "" : " " + row.getString("name");
    return store.createEmailVerification(conn, org, row.getString("id"), email, PlatformAuth.sha256(secret),
        settings.emailVerificationTtlHours)
      .compose(x -> outbox.enqueue(conn, new JsonObject().put("org", org).put("kind", "verify-email").put("to", email)
        .put("subject", "Please confirm your email address")
        .put("text", "Hello" + name + ",\n\nto confirm that " + email + " is your address, open this link within "
          + settings.emailVerificationTtlHours + " hours:\n\n" + link
          + "\n\nIf you did not create an account, you can ignore this message.\n")
        .put("link", link)))
      .mapEmpty();
  }

  private Future<ApiReply> verifyEmail(ApiRequest req, String token) {
    if (token == null || token.isBlank()) {
      throw ApiError.badRequest("a verification token is required");
    }
    // the token alone names the account and its organisation, so that the emailed link works as it is
    return store.consumeEmailVerification(PlatformAuth.sha256(token)).map(row -> {
      if (row == null) {
        throw new ApiError(400, "invalid_token", "the verification token is unknown, already used or expired");
      }
      publish("user.updated", Views.event(row.getString("org"), row));
      return wrap(req, 200, new JsonObject().put("email", row.getString("email")).put("emailVerified", true));
    });
  }

  private Future<ApiReply> resendVerification(ApiRequest req) {
    String org = req.org();
    return self(req).compose(row -> {
      if (row.getString("email") == null) {
        throw ApiError.unprocessable("the account has no email address");
      }
      if (row.getBoolean("email_verified")) {
        throw ApiError.conflict("the email address is already verified");
      }
      return store.pool().withTransaction(conn -> verificationMail(conn, org, row, secret("")))
        .map(x -> wrap(req, 202, new JsonObject().put("queued", true).put("email", row.getString("email"))));
    });
  }

  private Future<ApiReply> createRegistrationToken(ApiRequest req) {
    JsonObject b = req.body();
    int hours = b.getInteger("expiresInHours", settings.registrationTokenTtlHours);
    String note = text(b, "note", 200);
    return requireAdmin(req).compose(me -> {
      String token = secret("rt_");
      return store.createRegistrationToken(req.org(), PlatformAuth.sha256(token), me, note, hours)
        .map(json -> wrap(req, 201, json.put("token", token)));
    });
  }

  private Future<ApiReply> listRegistrationTokens(ApiRequest req) {
    int page = req.queryInt("page", 1);
    int limit = req.queryInt("limit", 50);
    return requireAdmin(req)
      .compose(me -> store.listRegistrationTokens(req.org(), limit, (long) (page - 1) * limit))
      .map(result -> page(req, result, Views::registrationToken, page, limit, Views.time(store.now())));
  }

  // ================================================================= sign-in

  private Future<ApiReply> login(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String tag = IdTags.normalize(b.getString("idTag"));
    String email = b.getString("email") == null ? null : b.getString("email").trim().toLowerCase(Locale.ROOT);
    if ((tag == null) == (email == null)) {
      throw ApiError.badRequest("send exactly one of 'idTag' and 'email'");
    }
    String password = b.getString("password");
    return store.forLogin(org, tag, email).compose(row -> {
      String key = row != null ? "u:" + row.getString("id") : tag != null ? "t:" + tag : "e:" + email;
      return throttled(org, key)
        .compose(x -> passwords.verify(password, row == null ? null : row.getString("password_hash")))
        .compose(ok -> {
          if (!ok) {
            return store.recordFailure(org, key, settings.maxFailedLogins, settings.failedLoginWindowSeconds,
                settings.loginLockSeconds)
              .compose(x -> Future.failedFuture(new ApiError(401, "invalid_credentials",
                "the identity tag or email and password do not match")));
          }
          return store.clearFailures(org, key).map(x -> {
            requireActive(row);
            return wrap(req, 200, session(org, row));
          });
        });
    });
  }

  /** Fails with 429 while the key is locked after too many failed attempts. */
  private Future<Void> throttled(String org, String key) {
    return store.lockedUntil(org, key).compose(until -> {
      if (until == null) {
        return Future.succeededFuture();
      }
      long seconds = Math.max(1, Duration.between(store.now(), until).toSeconds() + 1);
      return Future.failedFuture(new ApiError(429, "too_many_attempts",
        "too many failed attempts; try again in " + seconds + " seconds",
        new JsonObject().put("retryAfterSeconds", seconds)));
    });
  }

  private Future<ApiReply> logout(ApiRequest req) {
    req.requireUser();
    String jti = req.claim("jti");
    Future<Void> revoked = jti == null ? Future.succeededFuture() : auth.revokeToken(jti, expiry(req));
    return revoked.map(x -> wrap(req, 200, new JsonObject().put("loggedOut", true)));
  }

  private long expiry(ApiRequest req) {
    try {
      return Long.parseLong(req.claim("exp"));
    } catch (RuntimeException e) {
      return store.now().toEpochSecond() + auth.tokenTtlSeconds();
    }
  }

  private Future<ApiReply> refresh(ApiRequest req) {
    String org = req.org();
    String jti = req.claim("jti");
    return self(req).compose(row -> {
      JsonObject fresh = session(org, row);
      Future<Void> revoked = jti == null ? Future.succeededFuture() : auth.revokeToken(jti, expiry(req));
      return revoked.map(x -> wrap(req, 200, fresh));
    });
  }

  private Future<ApiReply> changePassword(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String current = b.getString("currentPassword");
    String next = b.getString("newPassword");
    return self(req).compose(row -> {
      String id = row.getString("id");
      String key = "u:" + id;
      return store.passwordHash(org, id).compose(hash -> {
        if (hash == null) {
          return Future.succeededFuture();
        }
        if (current == null) {
          return Future.failedFuture(ApiError.badRequest("'currentPassword' is required to change the password"));
        }
        return throttled(org, key).compose(x -> passwords.verify(current, hash)).compose(ok -> ok
          ? store.clearFailures(org, key)
          : store.recordFailure(org, key, settings.maxFailedLogins, settings.failedLoginWindowSeconds,
              settings.loginLockSeconds)
            .compose(x -> Future.failedFuture(new ApiError(403, "wrong_password", "the current password is not right"))));
      })
        .compose(x -> passwords.hash(next))
        .compose(h -> store.update(org, id, Map.of("password_hash", h)))
        .compose(updated -> auth.revokeSubject(id).map(updated))
        .map(updated -> wrap(req, 200, session(org, updated)));
    });
  }

  // ================================================================= own profile and images

  private Future<ApiReply> updateOwnProfile(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    return self(req).compose(me -> store.pool().withTransaction(conn -> conn
        .preparedQuery("SELECT x FROM profiles.users WHERE org = $1 AND id = $2 FOR UPDATE")
        .execute(io.vertx.sqlclient.Tuple.of(org, me.getString("id")))
        .compose(rows -> {
          Map<String, Object> cols = ProfilesStore.columns();
          if (b.containsKey("name")) {
            String name = clean(b.getString("name"), 100);
            if (name == null) {
              throw ApiError.badRequest("'name' must not be blank");
            }
            cols.put("name", name);
          }
          JsonObject patch = b.getJsonObject("x");
          if (patch != null) {
            Object stored = rows.iterator().next().getValue("x");
            JsonObject x = stored instanceof JsonObject ? ((JsonObject) stored).copy() : new JsonObject();
            for (Map.Entry<String, Object> e : patch) {
              String key = e.getKey();
              Object v = e.getValue();
              if (!EXTRA_KEY.matcher(key).matches()) {
                throw ApiError.badRequest("extra field name '" + key + "' is not allowed");
              }
              if (key.equals("bio")) {
                if (v != null && !(v instanceof String)) {
                  throw ApiError.badRequest("'x.bio' must be text or null");
                }
                String bio = v == null ? null : ((String) v).trim();
                if (bio != null && bio.length() > 500) {
                  throw ApiError.badRequest("'x.bio' is longer than 500 characters");
                }
                cols.put("bio", bio == null || bio.isEmpty() ? null : bio);
              } else if (v == null) {
                x.remove(key);
              } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                x.put(key, v);
              } else {
                throw ApiError.badRequest("extra field '" + key + "' must be text, a number or true/false");
              }
            }
            if (x.size() > settings.maxExtraFields) {
              throw ApiError.badRequest("a profile holds at most " + settings.maxExtraFields + " extra fields");
            }
            if (x.encode().length() > settings.maxExtraBytes) {
              throw ApiError.badRequest("the extra fields may take at most " + settings.maxExtraBytes + " bytes");
            }
            cols.put("x", x);
          }
          return store.update(conn, org, me.getString("id"), cols);
        })))
      .map(row -> {
        publish("user.updated", Views.event(org, row));
        return wrap(req, 200, Views.own(row));
      });
  }

  private Future<ApiReply> upload(ApiRequest req, String column, String field) {
    String org = req.org();
    return self(req).compose(me -> {
      Buffer body = req.bodyBuffer();
      if (body == null || body.length() == 0) {
        throw ApiError.badRequest("the request body must be the image's bytes");
      }
      if (body.length() > settings.maxImageBytes) {
        throw new ApiError(413, "too_large", "images may be at most " + settings.maxImageBytes + " bytes");
      }
      String type = Images.sniff(body);
      if (type == null) {
        throw new ApiError(415, "unsupported_media_type", "the bytes are not a JPEG, PNG, WebP or GIF image");
      }
      byte[] bytes = body.getBytes();
      return vertx.executeBlocking(() -> Images.fileId(bytes), false)
        .compose(fileId -> store.pool().withTransaction(conn -> conn
            .preparedQuery("INSERT INTO profiles.files (org, id, content_type, size, data, created_by, created_at) "
              + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org, id) DO NOTHING")
            .execute(io.vertx.sqlclient.Tuple.of(org, fileId, type, bytes.length, Buffer.buffer(bytes), me.getString("id"))
              .addOffsetDateTime(store.now()))
            .compose(x -> store.update(conn, org, me.getString("id"), Map.of(column, FILE_PATH + fileId))))
          .map(row -> {
            publish("user.updated", Views.event(org, row));
            return wrap(req, 200, new JsonObject().put(field, FILE_PATH + fileId).put("fileId", fileId));
          }));
    });
  }

  private Future<ApiReply> getFile(ApiRequest req) {
    String id = req.pathParam("fileId");
    String etag = "\"" + id + "\"";
    boolean current = matches(req.header("if-none-match"), etag);
    return store.file(req.org(), id, !current).map(row -> {
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

  // ================================================================= profiles

  private Future<ApiReply> listProfiles(ApiRequest req) {
    int page = req.queryInt("page", 1);
    int limit = req.queryInt("limit", 20);
    JsonArray status = new JsonArray();
    String statusParam = req.queryString("status");
    if (statusParam == null) {
      status.add("active");
    } else {
      new LinkedHashSet<>(List.of(statusParam.split(","))).forEach(status::add);
    }
    JsonObject filters = new JsonObject()
      .put("status", status)
      .put("type", req.queryString("type"))
      .put("following", req.queryBool("following"))
      .put("connected", req.queryString("connected"))
      .put("q", req.queryString("q"))
      .put("idTag", IdTags.normalize(req.queryString("idTag")));
    return self(req)
      .compose(me -> store.listProfiles(req.org(), me.getString("id"), filters, limit, (long) (page - 1) * limit))
      .map(result -> page(req, result, Views::profile, page, limit, Views.time(store.now())));
  }

  private Future<ApiReply> getProfile(ApiRequest req) {
    String tag = IdTags.normalize(req.pathParam("idTag"));
    if (!IdTags.plausible(tag)) {
      throw ApiError.notFound("profile not found");
    }
    String org = req.org();
    String viewer = viewer(req);
    return store.byTag(org, tag).compose(row -> {
      if (row == null) {
        throw ApiError.notFound("profile not found");
      }
      JsonObject view = Views.profile(row);
      if (viewer == null || viewer.equals(row.getString("id"))) {
        return Future.succeededFuture(wrap(req, 200, view));
      }
      return store.pool().withConnection(c -> store.readPair(c, org, viewer, row.getString("id"))).map(pair -> {
        relation(view, pair);
        return wrap(req, 200, view);
      });
    });
  }

  private static JsonObject relation(JsonObject view, ProfilesStore.Direction[] pair) {
    return view.put("following", pair[0].following).put("followedBy", pair[1].following)
      .put("connected", Views.connected(pair[0].connection, pair[1].connection)).put("blocked", pair[0].blocking);
  }

  private Future<ApiReply> createCommunity(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String type = b.getString("type");
    String tag = acceptableTag(req.pathParam("idTag"), type);
    String pic = b.getString("profilePic");
    String name = clean(b.getString("name"), 100);
    return self(req).compose(owner -> (pic == null ? Future.<Row>succeededFuture(null) : store.file(org, pic, false))
      .compose(file -> {
        if (pic != null && file == null) {
          throw ApiError.badRequest("'profilePic' names no image uploaded to this organisation");
        }
        String id = UUID.randomUUID().toString();
        JsonObject fields = new JsonObject().put("idType", type).put("idTag", tag)
          .put("name", name != null ? name : IdTags.defaultName(tag))
          .put("image", pic == null ? null : FILE_PATH + pic).put("appDomain", b.getString("appDomain"));
        return store.insertCommunity(org, id, owner.getString("id"), fields)
          .recover(ProfilesVerticle::conflicts)
          .map(row -> {
            publish("community.created", new JsonObject().put("org", org).put("idTag", tag)
              .put("name", row.getString("name")).put("ownerId", owner.getString("id"))
              .put("communityId", id).put("tnId", row.getLong("tn_id")).put("profilePic", row.getString("image")));
            return wrap(req, 201, new JsonObject().put("tnId", row.getLong("tn_id")).put("idTag", tag)
              .put("name", row.getString("name")).put("type", "community").put("profilePic", row.getString("image"))
              .put("ownerIdTag", owner.getString("id_tag"))
              .put("createdAt", Views.time(row.getOffsetDateTime("created_at"))));
          });
      }));
  }

  private Future<ApiReply> updateRelationship(ApiRequest req) {
    String tag = IdTags.normalize(req.pathParam("idTag"));
    String action = req.body().getString("relationship");
    String org = req.org();
    return self(req).compose(me -> {
      if (!IdTags.plausible(tag)) {
        throw ApiError.notFound("profile not found");
      }
      return store.byTag(org, tag).compose(target -> {
        if (target == null) {
          throw ApiError.notFound("profile not found");
        }
        String a = me.getString("id");
        String b = target.getString("id");
        if (a.equals(b)) {
          throw ApiError.unprocessable("a relationship needs another profile than your own");
        }
        if (action.equals("connect") && !"person".equals(target.getString("type"))) {
          throw ApiError.unprocessable("connections are between people; follow a community instead");
        }
        OffsetDateTime now = store.now();
        return store.pool().withTransaction(conn -> store.lockPair(conn, org, a, b).compose(pair -> {
          apply(action, pair[0], pair[1]);
          return store.saveDirection(conn, org, a, b, pair[0], now)
            .compose(x -> store.saveDirection(conn, org, b, a, pair[1], now))
            .map(pair);
        })).map(pair -> {
          JsonObject data = relation(new JsonObject().put("idTag", tag).put("relationship", action), pair);
          data.remove("followedBy");
          data.put("updatedAt", Views.time(now));
          publish("relationship.updated", new JsonObject().put("org", org).put("userId", a).put("targetId", b)
            .put("targetIdTag", tag).put("relationship", action).put("following", pair[0].following)
            .put("connected", data.getString("connected")).put("blocked", pair[0].blocking));
          return wrap(req, 200, data);
        });
      });
    });
  }

  /** Applies one relationship action to both directions (out: from the caller, in: towards the caller). */
  static void apply(String action, ProfilesStore.Direction out, ProfilesStore.Direction in) {
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
          set(out, true, out.blocking, out.connection);
        } else if (!"connected".equals(out.connection)) {
          if ("requested".equals(in.connection)) {
            set(out, out.following, out.blocking, "connected");
            set(in, in.following, in.blocking, "connected");
          } else {
            set(out, out.following, out.blocking, "requested");
          }
        }
        break;
      case "unfollow":
        set(out, false, out.blocking, out.connection);
        break;
      case "block":
        set(out, false, true, "none");
        set(in, false, in.blocking, "none");
        break;
      case "unblock":
        set(out, out.following, false, out.connection);
        break;
      case "disconnect":
        set(out, out.following, out.blocking, "none");
        set(in, in.following, in.blocking, "none");
        break;
      default:
        throw ApiError.badRequest("unknown relationship '" + action + "'");
    }
  }

  private static void set(ProfilesStore.Direction d, boolean following, boolean blocking, String connection) {
    if (d.following != following || d.blocking != blocking || !d.connection.equals(connection)) {
      d.following = following;
      d.blocking = blocking;
      d.connection = connection;
      d.changed = true;
    }
  }

  private Future<ApiReply> adminUpdate(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String tag = IdTags.normalize(req.pathParam("idTag"));
    return requireAdmin(req).compose(me -> {
      if (!IdTags.plausible(tag)) {
        throw ApiError.notFound("profile not found");
      }
      return store.byTag(org, tag).compose(found -> found == null ? Future.succeededFuture(null)
          : store.own(org, found.getString("id")))
        .compose(target -> {
          if (target == null) {
            throw ApiError.notFound("profile not found");
          }
          String id = target.getString("id");
          String status = b.getString("status");
          JsonArray roles = b.getJsonArray("roles");
          if (id.equals(me) && ((status != null && !status.equals("active")) || (roles != null && !roles.contains("admin")))) {
            throw ApiError.unprocessable("admins cannot suspend, ban or demote themselves");
          }
          if (roles != null && !"person".equals(target.getString("type"))) {
            throw ApiError.unprocessable("platform roles belong to people, not communities");
          }
          Map<String, Object> cols = ProfilesStore.columns();
          if (b.containsKey("name")) {
            String name = clean(b.getString("name"), 100);
            if (name == null) {
              throw ApiError.badRequest("'name' must not be blank");
            }
            cols.put("name", name);
          }
          if (status != null) {
            cols.put("status", status);
          }
          boolean lost = false;
          if (roles != null) {
            List<String> ordered = new ArrayList<>();
            for (String r : new String[] {"user", "moderator", "admin"}) {
              if (roles.contains(r)) {
                ordered.add(r);
              }
            }
            lost = !ordered.containsAll(ProfilesStore.strings(target, "roles").getList());
            cols.put("roles", ordered.toArray(new String[0]));
          }
          boolean revoke = (status != null && !status.equals("active")) || lost;
          // tokens are revoked first: should the update fail, signing in again is all it costs
          return (revoke ? auth.revokeSubject(id) : Future.<Void>succeededFuture())
            .compose(x -> store.update(org, id, cols))
            .map(row -> {
              publish("user.updated", Views.event(org, row));
              return wrap(req, 200, Views.admin(row));
            });
        });
    });
  }

  // ================================================================= people and the customer record

  private Future<ApiReply> searchPeople(ApiRequest req) {
    String org = req.org();
    String q = req.queryString("q");
    String pageId = req.queryString("page");
    int limit = req.queryInt("limit", 20);
    int offset = req.queryInt("offset", 0);
    if (q == null && pageId == null) {
      return Future.succeededFuture(ApiReply.ok(new JsonObject().put("data", new JsonArray()).put("total", 0)));
    }
    String viewer = viewer(req);
    JsonObject ask = new JsonObject().put("org", org).put("pageId", pageId).put("limit", PAGE_MEMBER_LIMIT);
    if (viewer != null) {
      // a private page shows its members only to its own members
      ask.put("viewerId", viewer);
    }
    Future<List<String>> scope = pageId == null ? Future.succeededFuture(null) : vertx.eventBus()
      .<JsonObject>request("pages.memberIds", ask, new DeliveryOptions().setSendTimeout(5000))
      .recover(err -> Future.failedFuture(ApiVerticle.toApiError(err)))
      .map(msg -> {
        JsonObject body = msg.body() == null ? new JsonObject() : msg.body();
        if (!body.getBoolean("exists", true)) {
          throw ApiError.notFound("page not found");
        }
        List<String> ids = new ArrayList<>();
        body.getJsonArray("userIds", new JsonArray()).forEach(v -> {
          if (v instanceof String) {
            ids.add((String) v);
          }
        });
        return ids;
      });
    return scope.compose(ids -> store.searchPeople(org, q, ids, viewer, limit, offset))
      .map(result -> {
        JsonArray data = new JsonArray();
        result.rows.forEach(r -> data.add(Views.person(r)));
        JsonObject body = new JsonObject().put("data", data).put("total", result.total);
        if (!result.exact) {
          body.put("totalExact", false);
        }
        return ApiReply.ok(body);
      });
  }

  private Future<ApiReply> getPersonByEmail(ApiRequest req) {
    String email = cleanEmail(req.pathParam("email"));
    if (email == null) {
      throw ApiError.notFound("person not found");
    }
    return store.activePersonByEmail(req.org(), email).map(row -> {
      if (row == null) {
        throw ApiError.notFound("person not found");
      }
      return ApiReply.ok(Views.person(row));
    });
  }

  private static final String[][] ACCOUNT_TEXT = {
    {"firstName", "first_name", "80"}, {"lastName", "last_name", "80"}, {"company", "company", "120"},
    {"jobTitle", "job_title", "120"}, {"bio", "bio", "500"}, {"city", "city", "100"}, {"country", "country", "60"},
    {"phone", "phone", "32"}};

  private Future<ApiReply> updateAccount(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    Map<String, Object> cols = ProfilesStore.columns();
    if (b.containsKey("displayName")) {
      cols.put("name", clean(b.getString("displayName"), 100));
    }
    for (String[] f : ACCOUNT_TEXT) {
      if (b.containsKey(f[0])) {
        cols.put(f[1], text(b, f[0], Integer.parseInt(f[2])));
      }
    }
    if (b.containsKey("image")) {
      String image = b.getString("image");
      if (image != null && cleanUrl(image) == null) {
        throw ApiError.badRequest("'image' must be an http(s) URL");
      }
      cols.put("image", image == null ? null : image.trim());
    }
    if (b.containsKey("interests")) {
      Set<String> interests = new LinkedHashSet<>();
      b.getJsonArray("interests", new JsonArray()).forEach(v -> {
        String t = clean(String.valueOf(v), 50);
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
        String v = clean(given.getString(k), 300);
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
    return self(req).compose(me -> store.update(org, me.getString("id"), cols)).map(row -> {
      publish("user.updated", Views.event(org, row));
      return ApiReply.ok(Views.account(row));
    });
  }

  // ================================================================= community cloud members

  private Future<ApiReply> syncUser(ApiRequest req) {
    String me = caller(req);
    String org = req.org();
    String name = claimName(req);
    String email = cleanEmail(req.claim("email"));
    String picture = cleanUrl(req.claim("picture"));
    return store.own(org, me).compose(before -> {
      if (before != null) {
        if (!"person".equals(before.getString("type"))) {
          throw ApiError.forbidden("a community profile cannot act as a user");
        }
        requireActive(before);
      }
      return store.sync(org, me, name, email, picture, initialRoles(org, null, me)).map(e -> {
        Row row = e.getKey();
        if (e.getValue()) {
          publish("user.created", Views.event(org, row));
          return ApiReply.created(Views.member(row));
        }
        if (before == null || !row.getOffsetDateTime("updated_at").isEqual(before.getOffsetDateTime("updated_at"))) {
          publish("user.updated", Views.event(org, row));
        }
        return ApiReply.ok(Views.member(row));
      });
    });
  }

  private Future<ApiReply> getMemberProfile(ApiRequest req) {
    caller(req);
    return store.publicById(req.org(), req.pathParam("id")).map(row -> {
      if (row == null) {
        throw ApiError.notFound("member not found");
      }
      return ApiReply.ok(Views.member(row));
    });
  }

  private Future<ApiReply> updateMemberProfile(ApiRequest req) {
    String me = caller(req);
    if (!me.equals(req.pathParam("id"))) {
      throw ApiError.forbidden("you can only change your own profile");
    }
    JsonObject b = req.body();
    String org = req.org();
    Map<String, Object> cols = ProfilesStore.columns();
    if (b.containsKey("displayName")) {
      String name = clean(b.getString("displayName"), 80);
      if (name == null || name.length() < 2) {
        throw ApiError.badRequest("'displayName' must be 2-80 characters");
      }
      cols.put("name", name);
    }
    if (b.containsKey("bio")) {
      cols.put("bio", text(b, "bio", 500));
    }
    if (b.containsKey("phoneNumber")) {
      cols.put("phone", text(b, "phoneNumber", 20));
    }
    if (b.containsKey("avatarUrl")) {
      String url = b.getString("avatarUrl");
      if (url != null && cleanUrl(url) == null) {
        throw ApiError.badRequest("'avatarUrl' must be an http(s) URL");
      }
      cols.put("image", url == null ? null : url.trim());
    }
    return self(req).compose(row -> store.update(org, me, cols)).map(row -> {
      publish("user.updated", Views.event(org, row));
      return ApiReply.ok(Views.member(row));
    });
  }

  // ================================================================= internal addresses

  private static String org(JsonObject msg) {
    Object org = msg.getValue("org");
    if (!(org instanceof String) || ((String) org).isBlank()) {
      throw ApiError.badRequest("'org' is required");
    }
    return (String) org;
  }

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

  private Future<JsonObject> byEmail(JsonObject msg) {
    String org = org(msg);
    Object given = msg.getValue("email");
    String email = given instanceof String ? cleanEmail((String) given) : null;
    if (email == null) {
      return Future.succeededFuture(new JsonObject().putNull("profile"));
    }
    return store.personByEmail(org, email).map(row -> new JsonObject()
      .put("profile", row == null ? null : Views.publicProfile(row)));
  }
}
