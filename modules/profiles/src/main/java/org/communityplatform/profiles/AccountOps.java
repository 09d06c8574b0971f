package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Identity tags, registration, email verification, sign-in and sessions, registration tokens. */
final class AccountOps {

  private final Env env;
  private final ProfilesStore store;
  private final AccountStore accounts;
  private final ProfilesSettings settings;

  AccountOps(Env env) {
    this.env = env;
    this.store = env.store;
    this.accounts = env.accounts;
    this.settings = env.settings;
  }

  void register(Env.Registry r) {
    r.op("verifyProfile", this::verifyProfile);
    r.op("registerProfile", this::register);
    r.op("login", this::login);
    r.op("logout", this::logout);
    r.op("refreshToken", this::refresh);
    r.op("changePassword", this::changePassword);
    r.op("verifyEmail", req -> verifyEmail(req, req.body().getString("token")));
    r.op("verifyEmailLink", req -> verifyEmail(req, req.queryString("token")));
    r.op("resendVerificationEmail", this::resendVerification);
    r.op("createRegistrationToken", this::createRegistrationToken);
    r.op("listRegistrationTokens", this::listRegistrationTokens);
  }

  // ---- identity tags and registration ---------------------------------------------------------------

  private Future<ApiReply> verifyProfile(ApiRequest req) {
    JsonObject b = req.body();
    String tag = IdTags.normalize(b.getString("idTag"));
    String type = b.getString("type");
    JsonObject data = new JsonObject().put("available", false).put("idTag", tag);
    if (!IdTags.wellFormed(tag, type)) {
      return Future.succeededFuture(env.wrap(req, 200, data.put("reason", "malformed")));
    }
    if (IdTags.reserved(tag, settings.reserved)) {
      return Future.succeededFuture(env.wrap(req, 200, data.put("reason", "reserved")));
    }
    return store.tagTaken(req.org(), tag).map(taken -> env.wrap(req, 200, taken ? data.put("reason", "taken")
      : data.put("available", true)));
  }

  /** Checks a tag for registration or a community: 400 when malformed or reserved. */
  static String acceptableTag(ProfilesSettings settings, String raw, String type) {
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
    String tag = acceptableTag(settings, b.getString("idTag"), type);
    String email = Fields.email(b.getString("email"));
    if (email == null) {
      throw ApiError.badRequest("'email' is not a valid email address");
    }
    String regToken = b.getString("token");
    if (settings.tokenMode() && (regToken == null || regToken.isBlank())) {
      throw new ApiError(403, "registration_token_required", "registration needs a registration token from an admin");
    }
    String name = Fields.clean(b.getString("name"), 100);
    String id = UUID.randomUUID().toString();
    String verifySecret = Fields.secret("");
    String password = b.getString("password");
    Future<String> hash = password == null ? Future.succeededFuture(null) : env.passwords.hash(password);
    return hash.compose(h -> store.pool().withTransaction(conn -> {
        Future<Void> token = !settings.tokenMode() ? Future.succeededFuture()
          : accounts.consumeRegistrationToken(conn, org, PlatformAuth.sha256(regToken), id).compose(ok -> ok
            ? Future.succeededFuture()
            : Future.failedFuture(new ApiError(403, "registration_token_invalid",
              "the registration token is unknown, already used or expired")));
        JsonObject fields = new JsonObject().put("idType", type).put("idTag", tag)
          .put("name", name != null ? name : IdTags.defaultName(tag)).put("email", email).put("passwordHash", h)
          .put("roles", new JsonArray(List.of(env.initialRoles(org, tag, id)))).put("appDomain", b.getString("appDomain"))
          .put("lang", b.getString("lang"));
        return token
          .compose(x -> store.insertPerson(conn, org, id, fields))
          .compose(row -> verificationMail(conn, org, row, verifySecret).map(row));
      }))
      .recover(Env::conflicts)
      .map(row -> {
        env.publish("user.created", Views.event(org, row));
        return env.wrap(req, 201, env.session(org, row));
      });
  }

  /** Records a verification token for the account's email and queues the message with its link. */
  private Future<Void> verificationMail(SqlClient conn, String org, Row row, String secret) {
    String email = row.getString("email");
    String link = env.outbox.publicUrl() + "/api/auth/verify-email?token=" + secret;
    String name = row.getString("name") == null ? "" : " " + row.getString("name");
    return accounts.createEmailVerification(conn, org, row.getString("id"), email, PlatformAuth.sha256(secret),
        settings.emailVerificationTtlHours)
      .compose(x -> env.outbox.enqueue(conn, new JsonObject().put("org", org).put("kind", "verify-email").put("to", email)
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
    return accounts.consumeEmailVerification(PlatformAuth.sha256(token)).map(row -> {
      if (row == null) {
        throw new ApiError(400, "invalid_token", "the verification token is unknown, already used or expired");
      }
      env.publish("user.updated", Views.event(row.getString("org"), row));
      return env.wrap(req, 200, new JsonObject().put("email", row.getString("email")).put("emailVerified", true));
    });
  }

  private Future<ApiReply> resendVerification(ApiRequest req) {
    String org = req.org();
    return env.self(req).compose(row -> {
      if (row.getString("email") == null) {
        throw ApiError.unprocessable("the account has no email address");
      }
      if (row.getBoolean("email_verified")) {
        throw ApiError.conflict("the email address is already verified");
      }
      return store.pool().withTransaction(conn -> verificationMail(conn, org, row, Fields.secret("")))
        .map(x -> env.wrap(req, 202, new JsonObject().put("queued", true).put("email", row.getString("email"))));
    });
  }

  // ---- registration tokens ------------------------------------------------------------------------

  private Future<ApiReply> createRegistrationToken(ApiRequest req) {
    JsonObject b = req.body();
    int hours = b.getInteger("expiresInHours", settings.registrationTokenTtlHours);
    String note = Fields.text(b, "note", 200);
    return env.requireAdmin(req).compose(me -> {
      String token = Fields.secret("rt_");
      return accounts.createRegistrationToken(req.org(), PlatformAuth.sha256(token), me, note, hours)
        .map(json -> env.wrap(req, 201, json.put("token", token)));
    });
  }

  private Future<ApiReply> listRegistrationTokens(ApiRequest req) {
    Paging paging = Paging.of(req, 50, 100);
    return env.requireAdmin(req)
      .compose(me -> accounts.listRegistrationTokens(req.org(), paging.limit(), paging.offset()))
      .map(result -> Views.page(req, result, Views::registrationToken, paging, null, Views.time(store.now())));
  }

  // ---- sign-in ------------------------------------------------------------------------------------

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
        .compose(x -> env.passwords.verify(password, row == null ? null : row.getString("password_hash")))
        .compose(ok -> {
          if (!ok) {
            return accounts.recordFailure(org, key, settings.maxFailedLogins, settings.failedLoginWindowSeconds,
                settings.loginLockSeconds)
              .compose(x -> Future.failedFuture(new ApiError(401, "invalid_credentials",
                "the identity tag or email and password do not match")));
          }
          return accounts.clearFailures(org, key).map(x -> {
            Env.requireActive(row);
            return env.wrap(req, 200, env.session(org, row));
          });
        });
    });
  }

  /** Fails with 429 while the key is locked after too many failed attempts. */
  private Future<Void> throttled(String org, String key) {
    return accounts.lockedUntil(org, key).compose(until -> {
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
    Future<Void> revoked = jti == null ? Future.succeededFuture() : env.auth.revokeToken(jti, expiry(req));
    return revoked.map(x -> env.wrap(req, 200, new JsonObject().put("loggedOut", true)));
  }

  private long expiry(ApiRequest req) {
    try {
      return Long.parseLong(req.claim("exp"));
    } catch (RuntimeException e) {
      return store.now().toEpochSecond() + env.auth.tokenTtlSeconds();
    }
  }

  private Future<ApiReply> refresh(ApiRequest req) {
    String org = req.org();
    String jti = req.claim("jti");
    return env.self(req).compose(row -> {
      JsonObject fresh = env.session(org, row);
      Future<Void> revoked = jti == null ? Future.succeededFuture() : env.auth.revokeToken(jti, expiry(req));
      return revoked.map(x -> env.wrap(req, 200, fresh));
    });
  }

  private Future<ApiReply> changePassword(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String current = b.getString("currentPassword");
    String next = b.getString("newPassword");
    return env.self(req).compose(row -> {
      String id = row.getString("id");
      String key = "u:" + id;
      return accounts.passwordHash(org, id).compose(hash -> {
        if (hash == null) {
          return Future.succeededFuture();
        }
        if (current == null) {
          return Future.failedFuture(ApiError.badRequest("'currentPassword' is required to change the password"));
        }
        return throttled(org, key).compose(x -> env.passwords.verify(current, hash)).compose(ok -> ok
          ? accounts.clearFailures(org, key)
          : accounts.recordFailure(org, key, settings.maxFailedLogins, settings.failedLoginWindowSeconds,
              settings.loginLockSeconds)
            .compose(x -> Future.failedFuture(new ApiError(403, "wrong_password", "the current password is not right"))));
      })
        .compose(x -> env.passwords.hash(next))
        .compose(h -> store.update(org, id, Map.of("password_hash", h)))
        .compose(updated -> env.auth.revokeSubject(id).map(updated))
        .map(updated -> env.wrap(req, 200, env.session(org, updated)));
    });
  }
}
