package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a live stream WebSocket with the session cookie (a defence against
 * cross-site WebSocket hijacking: browsers send cookies and an {@code Origin} header, RFC 6455
 * section 10.2, on a cross-site upgrade): the explicit origins of {@code http.cors.allowedOrigins}
 * ({@code "*"} does not count here, as it would let every site ride the cookie), the origin of
 * {@code http.publicUrl}, and, when no public URL is configured, the origin the request itself
 * names in {@code Host} (same-origin pages).
 */
final class Origins {

  private final Set<String> allowed;
  private final String publicOrigin;

  private Origins(Set<String> allowed, String publicOrigin) {
    this.allowed = allowed;
    this.publicOrigin = publicOrigin;
  }

  /** Reads {@code http.cors.allowedOrigins} and {@code http.publicUrl} of the platform configuration. */
  static Origins from(JsonObject platformConfig) {
    JsonObject http = platformConfig.getJsonObject("http", new JsonObject());
    JsonArray list = http.getJsonObject("cors", new JsonObject()).getJsonArray("allowedOrigins", new JsonArray());
    Set<String> allowed = list.stream().map(String::valueOf).filter(o -> !"*".equals(o.trim()))
      .map(Origins::normalise).filter(o -> o != null).collect(Collectors.toUnmodifiableSet());
    String publicUrl = http.getString("publicUrl", "");
    return new Origins(allowed, publicUrl == null || publicUrl.isBlank() ? null : normalise(publicUrl));
  }

  /** Whether a cookie-authenticated upgrade from {@code origin} (request {@code Host} header {@code host}) is allowed. */
  boolean allows(String origin, String host) {
    String o = normalise(origin);
    if (o == null) {
      return false; // "null" (sandboxed frames, file pages) or malformed
    }
    if (allowed.contains(o) || o.equals(publicOrigin)) {
      return true;
    }
    if (publicOrigin == null && host != null) {
      String authority = o.substring(o.indexOf("://") + 3);
      return authority.equals(host.toLowerCase(Locale.ROOT)) || authority.equals(stripDefaultPort(o, host));
    }
    return false;
  }

  private static String stripDefaultPort(String origin, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if ((origin.startsWith("http://") && h.endsWith(":80")) || (origin.startsWith("https://") && h.endsWith(":443"))) {
      return h.substring(0, h.lastIndexOf(':'));
    }
    return h;
  }

  /** {@code scheme://host[:port]} in lower case, without a default port; null when not an http(s) origin. */
  static String normalise(String url) {
    try {
      URI u = URI.create(url.trim());
      String scheme = u.getScheme();
      if (scheme == null || u.getHost() == null) {
        return null;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return null;
      }
      int port = u.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
