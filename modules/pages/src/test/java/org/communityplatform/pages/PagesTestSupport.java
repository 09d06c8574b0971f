package org.communityplatform.pages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small helpers shared by the pages tests: tokens with an email claim, page creation, field lists. */
final class PagesTestSupport {

  static final String PAGES = "/client/community/pages";

  private PagesTestSupport() {
  }

  private static final java.util.Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A token of {@code user} in organisation {@code org} (a token belongs to one organisation; email
   * claim {@code <user>@example.org}), issued once per platform, organisation and user: tokens carry the platform clock's iat, which the JWT library checks against the real clock,
   * so a test that moves the platform clock uses tokens issued before it moved.
   */
  static String token(TestPlatform p, String org, String user) {
    return TOKENS.computeIfAbsent(System.identityHashCode(p) + "|" + org + "|" + user,
      k -> p.token(user, new JsonObject().put("email", user + "@example.org").put("org", org)));
  }

  /** Puts the platform clock back to real time (after a test moved it), so fresh tokens are valid again. */
  static void resetClock(TestPlatform p) {
    p.clock().advance(java.time.Duration.between(java.time.Instant.now(), p.clock().instant()).negated());
  }

  static JsonObject page(String name) {
    return new JsonObject().put("name", name).put("type", "community").put("category", "design");
  }

  static JsonObject create(TestPlatform p, String org, String owner, JsonObject body) {
    Res r = p.post(PAGES).org(org).bearer(token(p, org, owner)).json(body).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static List<String> field(JsonArray rows, String name) {
    List<String> list = new ArrayList<>();
    rows.forEach(o -> list.add(String.valueOf(((JsonObject) o).getValue(name))));
    return list;
  }

  static void assertError(Res r, int status) {
    r.assertError(status);
  }

  /** Waits (briefly) for an asynchronous effect, such as an event consumer's write. */
  static void eventually(Runnable check) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
