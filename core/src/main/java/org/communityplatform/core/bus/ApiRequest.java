package org.communityplatform.core.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The request envelope the gateway sends over the bus:
 * {@code {op, path, query, headers, body, principal, org, lang, reqId}}.
 * Path and query values arrive already validated and typed by the OpenAPI contract.
 */
public final class ApiRequest {

  private final JsonObject json;

  public ApiRequest(JsonObject json) {
    this.json = json;
  }

  public JsonObject toJson() {
    return json;
  }

  public String op() {
    return json.getString("op");
  }

  public String reqId() {
    return json.getString("reqId");
  }

  /** The organisation (tenant) the request acts in; never null. */
  public String org() {
    return json.getString("org", "default");
  }

  /**
   * The client's network address as the gateway decided it (the peer address, or the first untrusted
   * hop of {@code X-Forwarded-For} behind configured proxies); used to throttle per client. Never null.
   */
  public String clientAddress() {
    return json.getString("client", "unknown");
  }

  /** The language asked for (x-language or Accept-Language), or null. */
  public String lang() {
    return json.getString("lang");
  }

  public JsonObject pathParams() {
    JsonObject p = json.getJsonObject("path");
    return p == null ? new JsonObject() : p;
  }

  public String pathParam(String name) {
    Object v = pathParams().getValue(name);
    return v == null ? null : v.toString();
  }

  public JsonObject query() {
    JsonObject q = json.getJsonObject("query");
    return q == null ? new JsonObject() : q;
  }

  public String queryString(String name) {
    Object v = query().getValue(name);
    return v == null ? null : v.toString();
  }

  public Integer queryInt(String name, Integer def) {
    Object v = query().getValue(name);
    if (v instanceof Number) {
      return ((Number) v).intValue();
    }
    if (v instanceof String) {
      try {
        return Integer.parseInt((String) v);
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("query parameter '" + name + "' must be a whole number");
      }
    }
    return def;
  }

  public Boolean queryBool(String name) {
    Object v = query().getValue(name);
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof String) {
      return Boolean.parseBoolean((String) v);
    }
    return null;
  }

  /** A request header, by lower-case name. */
  public String header(String name) {
    JsonObject h = json.getJsonObject("headers");
    return h == null ? null : h.getString(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** The JSON object body; an empty object when there is none. */
  public JsonObject body() {
    Object b = json.getValue("body");
    return b instanceof JsonObject ? (JsonObject) b : new JsonObject();
  }

  public boolean hasBody() {
    return json.getValue("body") != null;
  }

  public JsonArray bodyArray() {
    Object b = json.getValue("body");
    return b instanceof JsonArray ? (JsonArray) b : null;
  }

  /** The raw body of a non-JSON operation (an image upload, say). */
  public Buffer bodyBuffer() {
    // a Buffer locally; base64 text once it has crossed a clustered bus (getBuffer decodes both)
    Object b = json.getValue("body");
    return b instanceof Buffer || b instanceof String || b instanceof byte[] ? json.getBuffer("body") : null;
  }

  /** The verified caller: {@code {sub, org, roles, iss, claims}}, or null for an anonymous call. */
  public JsonObject principal() {
    return json.getJsonObject("principal");
  }

  /** The caller's user id (the token's sub), or null when anonymous. */
  public String userId() {
    JsonObject p = principal();
    return p == null ? null : p.getString("sub");
  }

  /** The caller's user id; 401 when the call is anonymous. */
  public String requireUser() {
    String id = userId();
    if (id == null) {
      throw ApiError.unauthorized("authentication required");
    }
    return id;
  }

  /** A claim of the caller's token, or null. */
  public String claim(String name) {
    JsonObject p = principal();
    JsonObject claims = p == null ? null : p.getJsonObject("claims");
    Object v = claims == null ? null : claims.getValue(name);
    return v == null ? null : v.toString();
  }

  public boolean hasRole(String role) {
    JsonObject p = principal();
    JsonArray roles = p == null ? null : p.getJsonArray("roles");
    return roles != null && roles.contains(role);
  }

  /** Parses a path or body id as a UUID; malformed ids are answered 404, as no such row can exist. */
  public static UUID uuidOr404(String value, String what) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound(what + " not found");
    }
  }
}
