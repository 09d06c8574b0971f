package org.communityplatform.events;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention (issue 13, "old events removed in batches"): events older than {@code retentionDays}
 * leave the log, several purge statements in a row when there are more than {@code purgeBatch};
 * younger events stay and the history goes on from them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetentionTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(config());

  private static JsonObject config() {
    JsonObject c = Cfg.events();
    c.getJsonObject("modules").getJsonObject("events").put("retentionDays", 30).put("purgeBatch", 2).put("purgeIntervalSeconds", 1);
    return c;
  }

  @Test
  void eventsPastTheRetentionAreRemovedInBatchesAndYoungerOnesStay() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(p.get().post("/api/backlog").org("keep").json(Cfg.item("old" + i)).send().status()).isEqualTo(201);
    }
    // as if written 40 days ago: occurred_at is the writing transaction's database clock
    p.get().sql("UPDATE platform.events SET occurred_at = now() - interval '40 days' WHERE org = 'keep'");
    for (int i = 0; i < 2; i++) {
      assertThat(p.get().post("/api/backlog").org("keep").json(Cfg.item("young" + i)).send().status()).isEqualTo(201);
    }
    p.get().sql("UPDATE platform.events SET occurred_at = now() - interval '29 days' WHERE org = 'keep'"
      + " AND occurred_at > now() - interval '1 day'");

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long left;
    do {
      Thread.sleep(200);
      left = count("occurred_at < now() - interval '30 days'");
    } while (left > 0 && System.nanoTime() < end);
    assertThat(left).as("events past the retention").isZero();
    assertThat(count("true")).as("events within the retention").isEqualTo(2);

    String token = p.get().token("u", Cfg.in("keep"));
    var data = p.get().get("/api/events?after=0").org("keep").bearer(token).send().json().getJsonArray("data");
    assertThat(data.stream().map(e -> ((JsonObject) e).getJsonObject("data").getString("title"))).containsExactly("young0", "young1");
  }

  private static long count(String where) {
    return Long.parseLong(String.valueOf(p.get().sql("SELECT count(*) FROM platform.events WHERE org = 'keep' AND " + where)
      .get(0).getValue(0)));
  }
}
