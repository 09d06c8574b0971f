package org.communityplatform.core;

import io.vertx.core.json.JsonArray;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Query strings and path segments are decoded once, as RFC 3986 and HTML forms define (issue 12, kind 2). */
class RequestDecodingTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.create();

  private static Res get(String rawPath) {
    return platform.get().get(rawPath).send();
  }

  @Test
  void anEncodedPercentSignArrivesAsAPercentSignAndIsNotDecodedTwice() {
    assertThat(get("/probe/search?q=100%25").json().getString("q")).isEqualTo("100%");
    assertThat(get("/probe/search?q=%2541").json().getString("q")).isEqualTo("%41");
    assertThat(get("/probe/search?q=caf%C3%A9+au+lait").json().getString("q")).isEqualTo("café au lait");
  }

  @Test
  void aPlusInAPathIsAPlusAndEncodedCharactersInAPathAreDecodedOnce() {
    assertThat(get("/probe/echo/plus+news@example.org").json().getString("value")).isEqualTo("plus+news@example.org");
    assertThat(get("/probe/echo/a%2Bb%20c").json().getString("value")).isEqualTo("a+b c");
    assertThat(get("/probe/echo/50%2525").json().getString("value")).isEqualTo("50%25");
  }

  @Test
  void repeatedQueryValuesKeepTheirOwnText() {
    JsonArray tags = get("/probe/echo/x?tag=a%26b&tag=c%3Dd").json().getJsonArray("tag");
    assertThat(tags).containsExactly("a&b", "c=d");
  }

  @Test
  void aBrokenEscapeIsA400InTheErrorShape() {
    Res q = get("/probe/search?q=%ZZ");
    assertThat(q.status()).isEqualTo(400);
    assertThat(q.errorCode()).isEqualTo("validation_failed");
    Res path = get("/probe/echo/bad%E2%28");
    assertThat(path.status()).as(path.toString()).isEqualTo(400);
    // paths the router itself cannot decode, whether or not a route would match them
    for (String raw : new String[] {"/probe/%zz", "/probe/echo/%zz", "/%", "/probe/echo/50%"}) {
      Res r = get(raw);
      assertThat(r.status()).as(raw + " " + r).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
    }
  }
}
