package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The chat token: a Stream user token signed with the configured secret, or 503 without chat. */
class StreamTokenTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  @Test
  void theTokenIsAStreamUserTokenSignedWithTheSecret() throws Exception {
    Res r = Fixture.post(Fixture.org(), "user_42", "/api/stream/token").send();
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getString("userId")).isEqualTo("user_42");
    assertThat(body.getString("apiKey")).isEqualTo(Fixture.STREAM_KEY);
    String[] parts = body.getString("token").split("\\.");
    assertThat(parts).hasSize(3);
    Base64.Decoder dec = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(new String(dec.decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject payload = new JsonObject(new String(dec.decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("HS256");
    assertThat(payload.getString("user_id")).isEqualTo("user_42");
    assertThat(payload.getLong("exp")).isGreaterThan(Fixture.platform().clock().instant().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Fixture.STREAM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(dec.decode(parts[2])).isEqualTo(expected);
    Fixture.assertError(Fixture.platform().post("/api/stream/token").send(), 401);
  }

  @Test
  void withoutChatConfiguredTheAnswerIsA503() {
    try (TestPlatform bare = TestPlatform.start()) {
      Res r = bare.post("/api/stream/token").bearer(bare.token("u1")).send();
      Fixture.assertError(r, 503);
      assertThat(r.errorCode()).isEqualTo("not_configured");
    }
  }
}
