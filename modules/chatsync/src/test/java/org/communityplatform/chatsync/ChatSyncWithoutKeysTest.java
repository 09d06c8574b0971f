package org.communityplatform.chatsync;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.ContractFuzzer;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.chatsync.SyncFixture.append;
import static org.communityplatform.chatsync.SyncFixture.event;
import static org.communityplatform.chatsync.SyncFixture.subject;

/** Without Stream keys the sync reads nothing, queues nothing and sends nothing; its routes say so. */
class ChatSyncWithoutKeysTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject()
    .put("auth", new JsonObject().put("apiToken", SyncFixture.API_TOKEN)));

  @Test
  void changesQueueNothingAndTheOperatorSeesTheSyncIsOff() throws Exception {
    TestPlatform tp = p.get();
    String c = UUID.randomUUID().toString();
    append(tp, List.of(event("community.created", "ann", subject("communityId", c), new JsonObject().put("name", "Quiet"))));
    Res state = tp.get("/api/admin/integrations/stream").header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(state.status()).isEqualTo(200);
    assertThat(state.json().getBoolean("configured")).isFalse();
    assertThat(state.json().getString("baseUrl")).isEqualTo("https://chat.stream-io-api.com");
    assertThat(state.json().getString("channelType")).isEqualTo("team");
    assertThat(state.json().getJsonArray("data")).isEmpty();
    Res backfill = tp.post("/api/admin/integrations/stream/backfill").header("x-api-token", SyncFixture.API_TOKEN).send();
    assertThat(backfill.status()).isEqualTo(503);
    assertThat(backfill.errorCode()).isEqualTo("not_configured");
    // give a running sync every chance to act, then check that none did
    Thread.sleep(300);
    assertThat(tp.sql("SELECT 1 FROM chatsync.cursor")).isEmpty();
    assertThat(SyncFixture.allSteps(tp)).isZero();
    assertThat(tp.sql("SELECT 1 FROM chatsync.channels")).isEmpty();
  }

  @Test
  void badInputToTheOperatorRoutesIsAClearClientError() {
    TestPlatform tp = p.get();
    String admin = tp.token("ops", new JsonObject().put("roles", new JsonArray().add("admin")));
    ContractFuzzer.Result result = new ContractFuzzer(tp).bearer(admin).apiToken(SyncFixture.API_TOKEN)
      .paths(path -> path.startsWith("/api/admin/integrations")).run();
    assertThat(result.sent()).isPositive();
    assertThat(result.failures()).isEmpty();
    Res badCursor = tp.get("/api/admin/integrations/stream").bearer(admin).query("cursor", "not-a-cursor").send();
    assertThat(badCursor.status()).isEqualTo(400);
    assertThat(badCursor.errorCode()).isEqualTo("invalid_cursor");
  }
}
