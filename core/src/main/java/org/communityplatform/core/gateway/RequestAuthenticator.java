package org.communityplatform.core.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;

import java.util.regex.Pattern;

/**
 * Decides, once per request and before any module sees it, who calls and in which organisation.
 *
 * <ul>
 *   <li>A token belongs to exactly one organisation: an {@code x-api-token} to the one it was made
 *       for; a JWT to the one its issuer's rule gives (the platform's {@code org} claim, else
 *       {@code default}; for external issuers see {@code auth.externalIssuers}).</li>
 *   <li>With a verified token the request runs in the token's organisation; an {@code orgid} header
 *       naming another is refused 403 {@code org_mismatch}, on every operation, reads and public
 *       operations included.</li>
 *   <li>Without one (anonymous calls to public operations, or a token a public operation could
 *       not verify) the request runs in {@code orgid}, else {@code default}.</li>
 * </ul>
 * Bearer tokens come from {@code Authorization: Bearer} or, when that header is absent, the
 * {@code __session} cookie.
 */
public final class RequestAuthenticator {

  private static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  /** The caller (principal {@code {sub, org, roles, iss, claims}}, or null when anonymous) and the organisation. */
  public record Caller(JsonObject principal, String org) {
  }

  private final PlatformAuth auth;

  public RequestAuthenticator(PlatformAuth auth) {
    this.auth = auth;
  }

  /** Authenticates {@code request} for operation {@code info}: 400 bad orgid, 401 bad/missing token, 403 org_mismatch. */
  public Future<Caller> authenticate(HttpServerRequest request, Contracts.OperationInfo info) {
    String orgHeader = request.getHeader("orgid");
    if (orgHeader != null && !ORG.matcher(orgHeader).matches()) {
      return Future.failedFuture(ApiError.badRequest("header 'orgid' must be 1-64 letters, digits, '.', '_' or '-'",
        new JsonArray().add(new JsonObject().put("in", "header").put("name", "orgid"))));
    }
    return principal(request, info).compose(principal -> {
      if (principal == null) {
        return Future.succeededFuture(new Caller(null, orgHeader != null ? orgHeader : "default"));
      }
      String org = principal.getString("org");
      if (orgHeader != null && !orgHeader.equals(org)) {
        return Future.failedFuture(new ApiError(403, "org_mismatch",
          "the token belongs to another organisation than the one named by the orgid header"));
      }
      return Future.succeededFuture(new Caller(principal, org));
    });
  }

  private Future<JsonObject> principal(HttpServerRequest request, Contracts.OperationInfo info) {
    if (info.accepts("apiToken")) {
      String apiToken = request.getHeader("x-api-token");
      if (apiToken != null || !info.accepts("bearerAuth")) {
        if (apiToken == null && info.optional) {
          return Future.succeededFuture(null);
        }
        return auth.verifyApiToken(apiToken).map(org -> new JsonObject().put("sub", "api-token:" + org)
          .put("org", org).put("roles", new JsonArray().add("api")).put("apiToken", true));
      }
    }
    String token = bearer(request);
    if (token == null) {
      if (info.optional || !info.secured) {
        return Future.succeededFuture(null);
      }
      return Future.failedFuture(ApiError.unauthorized(
        info.accepts("apiToken") ? "an x-api-token header or a bearer token is required" : "a bearer token is required"));
    }
    if (!info.secured) {
      // a public operation: a token that does not verify is ignored and the call stays anonymous
      return auth.verify(token).recover(err -> Future.succeededFuture(null));
    }
    return auth.verify(token);
  }

  private static String bearer(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String t = header.substring(7).trim();
        return t.isEmpty() ? null : t;
      }
      return null;
    }
    Cookie cookie = request.getCookie("__session");
    return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
  }
}
