package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.SseClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A live stream opened with a JWT ends as soon as that JWT is logged out (profiles' logout revokes its jti). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventsStreamRevocationTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject());

  @Test
  void loggingOutEndsTheStreamOpenedWithThatTokenOnly() {
    String gone = p.get().token("leaver", new JsonObject().put("org", "rv"));
    String kept = p.get().token("leaver", new JsonObject().put("org", "rv"));
    try (SseClient a = SseClient.open(p.get().port(), "/api/events/stream", Map.of("Authorization", "Bearer " + gone, "orgid", "rv"));
         SseClient b = SseClient.open(p.get().port(), "/api/events/stream", Map.of("Authorization", "Bearer " + kept, "orgid", "rv"))) {
      assertThat(a.status()).isEqualTo(200);
      assertThat(b.status()).isEqualTo(200);
      assertThat(a.ended(1)).isFalse();
      assertThat(p.get().post("/api/auth/logout").org("rv").bearer(gone).send().status()).isEqualTo(200);
      assertThat(a.ended(5)).as("the logged-out token's stream ends at once").isTrue();
      assertThat(b.ended(2)).as("another session of the same user goes on").isFalse();
    }
  }
}
