package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;
import org.communityplatform.core.throttle.Throttle;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Identity tags, registration, email verification, sign-in and sessions, registration tokens.
 * Guessable secrets and mail-sending routes are throttled with the platform's {@link Throttle}
 * (limits {@code throttle.login*}, {@code register*}, {@code verifyMail*}, {@code verifyEmailClient}
 * in config/platform.yaml): 429 with Retry-After over a limit.
 */
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
    r.op("revokeRegistrationToken", this::revokeRegistrationToken);
  }

  private static final String TOO_MANY = "too many attempts; try again later";

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
    String name = b.containsKey("name") ? Fields.displayName(b.getValue("name"), "name") : IdTags.defaultName(tag);
    String id = UUID.randomUUID().toString();
    String verifySecret = Fields.secret("");
    String password = b.getString("password");
    // every attempt counts per client address, before the work (a registration costs a hash); per email
    // address only registrations that succeeded count (each sends a mail there), so an outsider's
    // attempts naming someone's address cannot keep its owner from registering (as the sign-in limits)
    // counted across organisations: an anonymous caller names the organisation, so a per-organisation
    // count would let one client (or one mailbox's attacker) start afresh in every organisation it invents
    return env.throttle.acquire("registerClient", req.clientAddress(), TOO_MANY)
      .compose(x -> env.throttle.check("registerEmail", email, TOO_MANY))
      .compose(x -> password == null ? Future.<String>succeededFuture(null) : env.passwords.hash(password))
      .compose(h -> store.pool().withTransaction(conn -> {
        Future<Void> token = !settings.tokenMode() ? Future.succeededFuture()
          : accounts.consumeRegistrationToken(conn, org, PlatformAuth.sha256(regToken), id).compose(ok -> ok
            ? Future.succeededFuture()
            : Future.failedFuture(new ApiError(403, "registration_token_invalid",
              "the registration token is unknown, already used or expired")));
        JsonObject fields = new JsonObject().put("idType", type).put("idTag", tag)
          .put("name", name).put("email", email).put("passwordHash", h)
          .put("roles", new JsonArray(List.of(env.initialRoles(org, tag, id)))).put("appDomain", b.getString("appDomain"))
          .put("lang", b.getString("lang"));
        return token
          .compose(x -> store.insertPerson(conn, org, id, fields))
          .compose(row -> env.events.append(conn, Event.of("profile.created", org).actor(id).subject("userId", id)
            .data(Views.eventData(row))).map(row))
          .compose(row -> verificationMail(conn, org, row, verifySecret).map(row));
      }))
      .recover(Env::conflicts)
      .compose(row -> env.throttle.hit("registerEmail", email).map(row))
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

  /**
   * Uses a verification token: marks the address verified and appends {@code profile.email_verified}
   * in one transaction, then publishes {@code events.profiles.user.email_verified} {org, userId, email}
   * (pages and communities attach invitations to verified addresses only). Wrong tokens count
   * against {@code verifyEmailClient} per client address.
   */
  private Future<ApiReply> verifyEmail(ApiRequest req, String token) {
    // the contract requires the token (ProfilesSecret) on both routes
    String client = req.org() + ":" + req.clientAddress();
    // the token alone names the account and its organisation, so that the emailed link works as it is
    return env.throttle.check("verifyEmailClient", client, TOO_MANY)
      .compose(x -> store.pool().withTransaction(conn -> accounts.consumeEmailVerification(conn, PlatformAuth.sha256(token))
        .compose(row -> row == null ? Future.<Row>succeededFuture(null)
          : env.events.append(conn, Event.of("profile.email_verified", row.getString("org")).actor(row.getString("id"))
              .subject("userId", row.getString("id")).data(Views.eventData(row))).map(row))))
      .compose(row -> {
        if (row == null) {
          return env.throttle.hit("verifyEmailClient", client).compose(x -> Future.failedFuture(
            new ApiError(400, "invalid_token", "the verification token is unknown, already used or expired")));
        }
        String org = row.getString("org");
        env.publish("user.email_verified", new JsonObject().put("org", org).put("userId", row.getString("id"))
          .put("email", row.getString("email")));
        env.publish("user.updated", Views.event(org, row));
        return Future.succeededFuture(env.wrap(req, 200, new JsonObject().put("email", row.getString("email"))
          .put("emailVerified", true)));
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
      // across organisations, like registration: one mailbox gets at most verifyMailAddress mails
      return env.throttle.acquire("verifyMailClient", req.clientAddress(), TOO_MANY)
        .compose(x -> env.throttle.acquire("verifyMailAddress", row.getString("email"), TOO_MANY))
        .compose(x -> store.pool().withTransaction(conn -> verificationMail(conn, org, row, Fields.secret(""))))
        .map(x -> env.wrap(req, 202, new JsonObject().put("queued", true).put("email", row.getString("email"))));
    });
  }

  // ---- registration tokens ------------------------------------------------------------------------

  private Future<ApiReply> createRegistrationToken(ApiRequest req) {
    JsonObject b = req.body();
    int hours = b.getInteger("expiresInHours", settings.registrationTokenTtlHours);
    String note = Fields.text(b, "note", 200);
    String org = req.org();
    return env.requireAdmin(req).compose(me -> {
      String token = Fields.secret("rt_");
      return store.pool().withTransaction(conn -> accounts.createRegistrationToken(conn, org, PlatformAuth.sha256(token),
          me, note, hours)
        .compose(json -> env.audit.append(conn, AuditEntry.of(org, "registration_token.created").actor(me)
          .target("registration_token", json.getString("id")).after(json.copy()).reqId(req.reqId())).map(json)))
        .map(json -> env.wrap(req, 201, json.put("token", token)));
    });
  }

  /** Revokes an unused token (404 when unknown, 409 when already used or revoked), with an audit entry. */
  private Future<ApiReply> revokeRegistrationToken(ApiRequest req) {
    String org = req.org();
    UUID id = ApiRequest.uuidOr404(req.pathParam("id"), "registration token");
    return env.requireAdmin(req).compose(me -> store.pool().withTransaction(conn -> accounts.revokeRegistrationToken(conn,
        org, id, me)
      .compose(json -> {
        if (json == null) {
          return Future.failedFuture(ApiError.notFound("registration token not found"));
        }
        if (!json.getBoolean("revokedNow")) {
          return Future.failedFuture(ApiError.conflict("the registration token is already used or revoked"));
        }
        json.remove("revokedNow");
        return env.audit.append(conn, AuditEntry.of(org, "registration_token.revoked").actor(me)
          .target("registration_token", id).before(new JsonObject().put("revokedAt", (String) null))
          .after(new JsonObject().put("revokedAt", json.getString("revokedAt"))).reqId(req.reqId())).map(json);
      })))
      .map(json -> env.wrap(req, 200, json));
  }

  private Future<ApiReply> listRegistrationTokens(ApiRequest req) {
    Paging paging = Paging.of(req, 50, 100);
    return env.requireAdmin(req)
      .compose(me -> accounts.listRegistrationTokens(req.org(), paging.limit(), paging.offset()))
      .map(result -> Views.page(req, result, Views::registrationToken, paging, null, Views.time(store.now())));
  }

  // ---- sign-in ------------------------------------------------------------------------------------

  /**
   * Signs in with an identity tag or email and a password. Failed attempts count three ways: per
   * account and client address ({@code loginAccount}: the 6th failure within the window is 429
   * for that address only, so someone failing on an account elsewhere never locks its owner out),
   * per client address ({@code loginClient}, whatever the account), and per account from
   * everywhere ({@code loginAccountAll}): past that limit each attempt on the account first waits
   * {@code loginSlowdownMs}, and the right password still signs in.
   */
  private Future<ApiReply> login(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String tag = IdTags.normalize(b.getString("idTag"));
    String email = b.getString("email") == null ? null : Text.fold(b.getString("email"));
    if ((tag == null) == (email == null)) {
      throw ApiError.badRequest("send exactly one of 'idTag' and 'email'");
    }
    String password = b.getString("password");
    String client = org + ":" + req.clientAddress();
    return env.throttle.check("loginClient", client, TOO_MANY)
      .compose(x -> store.forLogin(org, tag, email))
      .compose(row -> {
        String account = org + ":" + (row != null ? "u:" + row.getString("id") : tag != null ? "t:" + tag : "e:" + email);
        String here = account + "@" + req.clientAddress();
        return env.throttle.check("loginAccount", here, TOO_MANY)
          .compose(x -> env.throttle.peek("loginAccountAll", account))
          .compose(all -> all.hits() >= all.limit().max() ? slowdown() : Future.<Void>succeededFuture())
          .compose(x -> env.passwords.verify(password, row == null ? null : row.getString("password_hash")))
          .compose(ok -> {
            if (!ok) {
              return Future.all(env.throttle.hit("loginAccount", here), env.throttle.hit("loginClient", client),
                  env.throttle.hit("loginAccountAll", account))
                .compose(x -> Future.failedFuture(new ApiError(401, "invalid_credentials",
                  "the identity tag or email and password do not match")));
            }
            return env.throttle.reset("loginAccount", here).map(x -> {
              Env.requireActive(row);
              return env.wrap(req, 200, env.session(org, row));
            });
          });
      });
  }

  /** The wait of an attempt on an account that failed too often from everywhere; a timer, not a blocked thread. */
  private Future<Void> slowdown() {
    long ms = settings.loginSlowdownMs;
    if (ms <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    env.vertx.setTimer(ms, t -> p.complete());
    return p.future();
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
      String here = org + ":u:" + id + "@" + req.clientAddress();
      return accounts.passwordHash(org, id).compose(hash -> {
        if (hash == null) {
          return Future.succeededFuture();
        }
        if (current == null) {
          return Future.failedFuture(ApiError.badRequest("'currentPassword' is required to change the password"));
        }
        // a stolen session must not become a way around the sign-in throttle
        return env.throttle.check("loginAccount", here, TOO_MANY).compose(x -> env.passwords.verify(current, hash))
          .compose(ok -> ok ? env.throttle.reset("loginAccount", here)
            : env.throttle.hit("loginAccount", here).compose(x -> Future.failedFuture(
              new ApiError(403, "wrong_password", "the current password is not right"))));
      })
        .compose(x -> env.passwords.hash(next))
        .compose(h -> store.update(org, id, Map.of("password_hash", h)))
        .compose(updated -> env.auth.revokeSubject(id).map(updated))
        .map(updated -> env.wrap(req, 200, env.session(org, updated)));
    });
  }
}
