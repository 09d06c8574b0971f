package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/**
 * Rate limits of page writes (issue 14): per user and per client address, counted by the core
 * throttle; every answer of a limited operation carries RateLimit-Policy and RateLimit (both limits),
 * counting down; over a limit 429 with Retry-After, and the write does not happen.
 */
class PageRateLimitTest {

  private static JsonObject limit(int max, int window) {
    return new JsonObject().put("max", max).put("windowSeconds", window);
  }

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject().put("throttle", new JsonObject()
    .put("pagePosts", limit(3, 60)).put("pagePostsByAddress", limit(5, 60))
    .put("pageJoins", limit(2, 60)).put("pageJoinsByAddress", limit(50, 60))
    .put("pageInvites", limit(2, 3600)).put("pageInvitesByAddress", limit(50, 3600)))).bind(t -> p = t);
  static TestPlatform p;

  @AfterEach
  void realTime() {
    PagesTestSupport.resetClock(p);
  }

  private static Res post(String org, String id, String user) {
    return p.post(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, user)).json(new JsonObject().put("body", "hi")).send();
  }

  @Test
  void postsCountDownPerUserThenPerAddressAndAnswer429WithRetryAfter() {
    String org = "rl-posts";
    String id = create(p, org, "owner", page("Busy")).getString("id");
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "second")).send();
    token(p, org, "stranger");
    // wait for a fresh window so that the count cannot straddle two windows
    long now = p.clock().instant().getEpochSecond();
    p.clock().advance(Duration.ofSeconds(60 - Math.floorMod(now, 60)));
    for (int i = 1; i <= 3; i++) {
      Res r = post(org, id, "owner");
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(r.header("RateLimit-Policy")).isEqualTo("\"pagePosts\";q=3;w=60, \"pagePostsByAddress\";q=5;w=60");
      assertThat(r.header("RateLimit")).matches("\"pagePosts\";r=" + (3 - i) + ";t=\\d+, \"pagePostsByAddress\";r=" + (5 - i)
        + ";t=\\d+");
    }
    long before = p.sql("SELECT count(*) FROM pages.posts WHERE page_id = $1::uuid", id).get(0).getLong(0);
    Res over = post(org, id, "owner");
    assertError(over, 429);
    assertThat(Integer.parseInt(over.header("Retry-After"))).isBetween(1, 60);
    assertThat(over.header("RateLimit")).startsWith("\"pagePosts\";r=0;t=");
    assertThat(p.sql("SELECT count(*) FROM pages.posts WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(before);

    // another user at the same address: their own count is fresh, the address's runs out
    assertThat(post(org, id, "second").status()).isEqualTo(201);
    Res address = post(org, id, "second");
    assertError(address, 429);
    assertThat(address.header("RateLimit")).contains("\"pagePostsByAddress\";r=0");

    // a refused request still carries the headers
    Res outsider = post(org, id, "stranger");
    assertThat(outsider.status()).isIn(403, 429);
    assertThat(outsider.header("RateLimit-Policy")).isNotBlank();

    // the next window admits again
    p.clock().advance(Duration.ofSeconds(60));
    assertThat(post(org, id, "owner").status()).isEqualTo(201);
  }

  @Test
  void joinsAndInvitesAreLimitedToo() {
    String org = "rl-joins";
    token(p, org, "owner");
    token(p, org, "hopper");
    long now = p.clock().instant().getEpochSecond();
    p.clock().advance(Duration.ofSeconds(60 - Math.floorMod(now, 60)));
    String a = create(p, org, "owner", page("A")).getString("id");
    String b = create(p, org, "owner", page("B")).getString("id");
    String c = create(p, org, "owner", page("C")).getString("id");
    Res first = p.post(PAGES + "/" + a + "/join").org(org).bearer(token(p, org, "hopper")).send();
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("RateLimit")).startsWith("\"pageJoins\";r=1;");
    assertThat(p.post(PAGES + "/" + b + "/join").org(org).bearer(token(p, org, "hopper")).send().status()).isEqualTo(201);
    Res third = p.post(PAGES + "/" + c + "/join").org(org).bearer(token(p, org, "hopper")).send();
    assertError(third, 429);
    assertThat(third.header("Retry-After")).isNotBlank();
    assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid", c).get(0).getLong(0)).isEqualTo(1);

    assertThat(p.post(PAGES + "/" + a + "/invite").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("email", "x1@example.org"))
      .send().header("RateLimit")).startsWith("\"pageInvites\";r=1;");
    p.post(PAGES + "/" + a + "/invite").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("email", "x2@example.org")).send();
    Res inv = p.post(PAGES + "/" + a + "/invite").org(org).bearer(token(p, org, "owner")).json(new JsonObject().put("email", "x3@example.org")).send();
    assertError(inv, 429);
    assertThat(p.sql("SELECT count(*) FROM pages.invitations WHERE page_id = $1::uuid", a).get(0).getLong(0)).isEqualTo(2);
  }
}
