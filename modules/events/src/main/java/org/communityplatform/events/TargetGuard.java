package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.communityplatform.core.bus.ApiError;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Guards webhook targets against server-side request forgery: a URL must be http or https, without
 * credentials, and every address its host resolves to must be a public unicast address: not
 * loopback, private (RFC 1918, RFC 4193 unique local), link-local, carrier-grade NAT (RFC 6598),
 * multicast, unspecified or broadcast, in IPv4 or IPv6 (an IPv6 address that carries an IPv4
 * address, as IPv4-mapped, NAT64, 6to4 and Teredo ones do, is judged by that IPv4 address: see
 * {@link #embeddedIpv4}). Checked when a webhook is saved and again before each
 * send, whose connection then goes to the address checked (no second lookup: DNS rebinding).
 */
final class TargetGuard {

  /** A checked target: where to connect, and the original host for the Host header and TLS name. */
  record Target(URI uri, String host, int port, boolean ssl, String address, String pathAndQuery) {
  }

  private final Vertx vertx;
  private final boolean allowPrivate;

  TargetGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** Checks the URL's form only (400 {@code invalid_url}). */
  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw invalid("the url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid("the url must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw invalid("the url must name a host");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      // TCP ports are 1..65535 (RFC 793); port 0 cannot be connected to
      throw invalid("the url's port must be between 1 and 65535");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid("the url must not carry credentials");
    }
    if (uri.getRawFragment() != null) {
      throw invalid("the url must not carry a fragment");
    }
    return uri;
  }

  /**
   * Resolves the URL's host (on a worker thread) and checks every address; 400
   * {@code target_not_allowed} for a non-public one, 400 {@code invalid_url} for a host that does not resolve.
   */
  Future<Target> check(String url) {
    URI uri;
    try {
      uri = parse(url);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    boolean ssl = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
      + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return vertx.executeBlocking(() -> {
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw invalid("the url's host does not resolve");
      }
      if (!allowPrivate) {
        for (InetAddress a : all) {
          if (!isPublic(a)) {
            throw new ApiError(400, "target_not_allowed",
              "the url resolves to a loopback, private, link-local or otherwise non-public address");
          }
        }
      }
      return new Target(uri, host, port, ssl, all[0].getHostAddress(), path);
    }, false);
  }

  /** Whether an address is public unicast (see the class comment for what is refused). */
  static boolean isPublic(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      byte[] v4 = embeddedIpv4(b);
      if (v4 != null) {
        try {
          return isPublic(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8) {
        return false; // 2001:db8::/32 documentation
      }
      if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && b[4] == 0 && b[5] == 1) {
        return false; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): translates into the operator's own network
      }
    }
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
      || a.isMulticastAddress()) {
      return false;
    }
    if (a instanceof Inet4Address) {
      int b0 = a.getAddress()[0] & 0xff;
      int b1 = a.getAddress()[1] & 0xff;
      if (b0 == 0 || b0 >= 240 // 0.0.0.0/8 "this network", 240.0.0.0/4 reserved and the broadcast address
        || (b0 == 100 && b1 >= 64 && b1 < 128) // 100.64.0.0/10 carrier-grade NAT
        || (b0 == 192 && b1 == 0 && (a.getAddress()[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
        || (b0 == 198 && (b1 == 18 || b1 == 19))) { // 198.18.0.0/15 benchmarking
        return false;
      }
    }
    return true;
  }

  /**
   * The IPv4 address an IPv6 address carries where a translator or tunnel would deliver to it, or
   * null: IPv4-compatible {@code ::a.b.c.d} and IPv4-mapped {@code ::ffff:a.b.c.d} (RFC 4291 2.5.5),
   * IPv4-translated {@code ::ffff:0:a.b.c.d} (RFC 2765), the NAT64 well-known prefix
   * {@code 64:ff9b::/96} (RFC 6052), 6to4 {@code 2002:aabb:ccdd::/48} (RFC 3056) and Teredo
   * {@code 2001::/32}, whose client address is the last 32 bits inverted (RFC 4380 4). Such an
   * address is judged by the IPv4 address it reaches, so {@code 64:ff9b::7f00:1} is loopback.
   */
  static byte[] embeddedIpv4(byte[] b) {
    if (zero(b, 0, 8)) {
      boolean compatible = zero(b, 8, 12);
      boolean mapped = zero(b, 8, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      boolean translated = b[8] == (byte) 0xff && b[9] == (byte) 0xff && zero(b, 10, 12);
      if (compatible || mapped || translated) {
        return new byte[]{b[12], b[13], b[14], b[15]};
      }
      return null;
    }
    if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zero(b, 4, 12)) {
      return new byte[]{b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return new byte[]{b[2], b[3], b[4], b[5]};
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
      return new byte[]{(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]};
    }
    return null;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static ApiError invalid(String message) {
    return new ApiError(400, "invalid_url", message);
  }
}
