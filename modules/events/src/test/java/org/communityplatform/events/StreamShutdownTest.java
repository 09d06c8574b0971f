package org.communityplatform.events;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.SseClient;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that stops ends its live streams at once (clients resume elsewhere with their last id), so an
 * open stream does not hold the HTTP drain ({@code shutdown.drainSeconds}) for its whole length.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamShutdownTest {

  @Test
  void anOpenStreamDoesNotHoldTheDrain() throws Exception {
    JsonObject cfg = Cfg.events().put("shutdown", new JsonObject().put("drainSeconds", 20));
    TestPlatform t = TestPlatform.start(cfg);
    String token = t.token("boss", Cfg.admin().put("org", "acme"));
    try (SseClient stream = SseClient.open(t.port(), "/api/events/stream", Map.of("Authorization", "Bearer " + token))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.ended(1)).as("open before the stop").isFalse();
      long t0 = System.nanoTime();
      TestPlatform.await(t.platform().stop());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(stream.ended(5)).as("the stream ended with the node").isTrue();
      // the drain allowed 20 s; a stream held open would make the stop last that long
      assertThat(ms).as("stop duration in ms").isLessThan(15_000);
    } finally {
      t.close(); // a second stop is a no-op
    }
  }
}
