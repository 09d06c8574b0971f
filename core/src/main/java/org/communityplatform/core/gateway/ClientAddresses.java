package org.communityplatform.core.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides a request's client address. The peer address of the connection, unless that peer is one
 * of {@code http.trustedProxies} (addresses or CIDR blocks, IPv4 or IPv6): then
 * {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first address
 * not trusted is the client (the de-facto rule of the header; RFC 7239 section 5.2 describes the
 * same chain for {@code Forwarded}). Entries that are not IP literals end the walk: nothing here
 * ever resolves a name.
 */
final class ClientAddresses {

  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

  private record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Block> trusted = new ArrayList<>();

  /** @throws IllegalArgumentException naming an entry of {@code http.trustedProxies} that is not an address or CIDR */
  ClientAddresses(JsonArray trustedProxies) {
    for (Object o : trustedProxies == null ? new JsonArray() : trustedProxies) {
      String entry = String.valueOf(o).trim();
      String[] parts = entry.split("/", 2);
      byte[] net = literal(parts[0]);
      if (net == null) {
        throw new IllegalArgumentException("key 'http.trustedProxies' has '" + entry + "', which is not an IP address or CIDR block");
      }
      int bits = net.length * 8;
      if (parts.length == 2) {
        try {
          bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > net.length * 8) {
          throw new IllegalArgumentException("key 'http.trustedProxies' has '" + entry + "', whose prefix length is not valid");
        }
      }
      trusted.add(new Block(net, bits));
    }
  }

  /** The client address of {@code request}; "unknown" when the connection has none. */
  String of(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    if (peer == null) {
      return "unknown";
    }
    if (trusted.isEmpty() || !isTrusted(literal(peer))) {
      return peer;
    }
    List<String> hops = request.headers().getAll("x-forwarded-for");
    List<String> chain = new ArrayList<>();
    for (String h : hops) {
      for (String part : h.split(",")) {
        chain.add(part.trim());
      }
    }
    String client = peer;
    for (int i = chain.size() - 1; i >= 0; i--) {
      byte[] hop = literal(chain.get(i));
      if (hop == null) {
        break;
      }
      client = text(hop, chain.get(i));
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client;
  }

  private boolean isTrusted(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Block b : trusted) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for anything else (no name lookups). */
  private static byte[] literal(String s) {
    if (s == null) {
      return null;
    }
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    if (!IP_LITERAL.matcher(t).matches() || (!t.contains(":") && !t.matches("^\\d{1,3}(\\.\\d{1,3}){3}$"))) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address written as the peer address would be. */
  private static String text(byte[] address, String fallback) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      return fallback;
    }
  }
}
