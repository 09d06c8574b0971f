package org.communityplatform.core.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope codec: no copy on one node, the same JSON across a cluster. */
class LocalJsonCodecTest {

  @Test
  void aConsumerOnTheSameNodeGetsTheSentObjectItselfAndItsReplyLikewise() {
    Vertx vertx = Vertx.vertx();
    try {
      LocalJsonCodec.register(vertx);
      LocalJsonCodec.register(vertx);
      JsonObject sent = new JsonObject().put("op", "probe");
      JsonObject answer = new JsonObject().put("status", 200);
      JsonObject[] received = new JsonObject[1];
      vertx.eventBus().<JsonObject>consumer("probe.codec", m -> {
        received[0] = m.body();
        m.reply(answer, LocalJsonCodec.options());
      });
      JsonObject reply = TestPlatform.await(vertx.eventBus().<JsonObject>request("probe.codec", sent, LocalJsonCodec.options()))
        .body();
      assertThat(received[0]).isSameAs(sent);
      assertThat(reply).isSameAs(answer);
    } finally {
      TestPlatform.await(vertx.close());
    }
  }

  @Test
  void theWireFormRoundTripsNestedJsonAndRawBytes() {
    JsonObject json = new JsonObject().put("path", new JsonObject().put("id", "x")).put("list", new JsonArray().add(1).add("two"))
      .put("body", Buffer.buffer(new byte[] {0, 1, 2, (byte) 255}));
    Buffer wire = Buffer.buffer().appendString("prefix");
    LocalJsonCodec codec = new LocalJsonCodec();
    codec.encodeToWire(wire, json);
    JsonObject back = codec.decodeFromWire("prefix".length(), wire);
    assertThat(back.getJsonObject("path")).isEqualTo(json.getJsonObject("path"));
    assertThat(back.getJsonArray("list")).isEqualTo(json.getJsonArray("list"));
    assertThat(back.getBuffer("body").getBytes()).isEqualTo(new byte[] {0, 1, 2, (byte) 255});
  }
}
