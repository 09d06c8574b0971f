package org.communityplatform.core.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The bus codec of the platform's request envelopes and replies. Vert.x's built-in JSON codec copies
 * every {@link JsonObject} delivered on the same node (deeply, so that sender and receiver never
 * share a mutable tree); the gateway and the modules never touch a message after sending it, so on one
 * node this codec hands the object itself to the consumer. Across a cluster it writes the JSON text,
 * length-prefixed, exactly as the built-in codec does. So a message is read-only for both sides once
 * sent: never change a request, a reply or an object held in a cache after it went on the bus. Every node registers it at start-up
 * ({@link #register}); send with {@link #OPTIONS} or {@link #options()}.
 */
public final class LocalJsonCodec implements MessageCodec<JsonObject, JsonObject> {

  /** The codec's name on the bus. */
  public static final String NAME = "platform.json";

  LocalJsonCodec() {
  }

  /** Registers the codec on this Vert.x instance (once; later calls do nothing). */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new LocalJsonCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second platform in the same Vert.x (tests) finds it there already
    }
  }

  /** Fresh delivery options that use this codec (callers may add a timeout). */
  public static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
