package org.communityplatform.profiles;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.awt.Color;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.data;

/**
 * Issue 14, found by the outside tester: image uploads are limited per user (every answer carries the
 * RateLimit headers; over the limit 429 with Retry-After), and a replaced image's file is deleted
 * unless another profile still shows it.
 */
class UploadsTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(
    Fixtures.withLimit(Fixtures.config(new JsonObject()), "profileUploadsPerUser", 3, 3600));

  private static Res put(String token, String what, byte[] png) {
    return platform.get().put("/api/me/" + what).bearer(token).body("image/png", Buffer.buffer(png)).send();
  }

  private static void assertLimitHeaders(Res r, int remaining) {
    assertThat(r.header("RateLimit-Policy")).as(r.toString()).isEqualTo("\"profileUploadsPerUser\";q=3;w=3600");
    assertThat(r.header("RateLimit")).as(r.toString()).startsWith("\"profileUploadsPerUser\";r=" + remaining + ";t=");
  }

  @Test
  void uploadsAreLimitedPerUserWithTheHeadersOnEveryAnswer() {
    TestPlatform p = platform.get();
    String t = Fixtures.token(p, "uploads-limit", "uploader");
    Res first = put(t, "image", Fixtures.png(10, 10, Color.RED));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertLimitHeaders(first, 2);
    Res refused = p.put("/api/me/cover").bearer(t).body("image/png", Buffer.buffer("not a picture")).send();
    assertThat(refused.status()).as(refused.toString()).isEqualTo(415);
    assertLimitHeaders(refused, 1);
    Res third = put(t, "cover", Fixtures.png(10, 10, Color.BLUE));
    assertThat(third.status()).as(third.toString()).isEqualTo(200);
    assertLimitHeaders(third, 0);
    Res over = put(t, "image", Fixtures.png(10, 10, Color.GREEN));
    assertThat(over.status()).as(over.toString()).isEqualTo(429);
    assertThat(Long.parseLong(over.header("Retry-After"))).isPositive();
    assertThat(over.header("RateLimit-Policy")).isNotNull();
    // the limit is the user's: someone else in the organisation still uploads
    String other = Fixtures.token(p, "uploads-limit", "neighbour");
    assertThat(put(other, "image", Fixtures.png(10, 10, Color.GREEN)).status()).isEqualTo(200);
  }

  @Test
  void aReplacedImageIsDeletedUnlessAnotherProfileShowsIt() {
    TestPlatform p = platform.get();
    String org = "uploads-files";
    String a = Fixtures.token(p, org, "alice");
    String red = data(put(a, "image", Fixtures.png(12, 12, Color.RED)), 200).getString("fileId");
    assertThat(p.get("/api/file/" + red).org(org).send().status()).isEqualTo(200);
    String blue = data(put(a, "image", Fixtures.png(12, 12, Color.BLUE)), 200).getString("fileId");
    assertThat(p.get("/api/file/" + red).org(org).send().status()).isEqualTo(404);
    assertThat(p.get("/api/file/" + blue).org(org).send().status()).isEqualTo(200);

    // the same bytes shown by two profiles: replacing it on one keeps the file for the other
    String b = Fixtures.token(p, org, "bob");
    String c = Fixtures.token(p, org, "carol");
    String green = data(put(b, "cover", Fixtures.png(12, 12, Color.GREEN)), 200).getString("fileId");
    assertThat(data(put(c, "image", Fixtures.png(12, 12, Color.GREEN)), 200).getString("fileId")).isEqualTo(green);
    data(put(c, "image", Fixtures.png(12, 12, Color.YELLOW)), 200);
    assertThat(p.get("/api/file/" + green).org(org).send().status()).isEqualTo(200);
    // and the profile's other image still showing it keeps it too
    data(put(b, "image", Fixtures.png(12, 12, Color.GREEN)), 200);
    data(put(b, "cover", Fixtures.png(12, 12, Color.MAGENTA)), 200);
    assertThat(p.get("/api/file/" + green).org(org).send().status()).isEqualTo(200);
    assertThat(p.sql("SELECT count(*) FROM profiles.files WHERE org = $1", org).get(0).getLong(0)).isEqualTo(4);
  }
}
