package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.throttle.Throttle;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.PlatformExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event log, the audit chain and the throttle, against the real database. */
class SharedMechanismsTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(new JsonObject().put("throttle",
    new JsonObject().put("default", new JsonObject().put("max", 3).put("windowSeconds", 60))));

  TestPlatform p;

  @BeforeEach
  void platform() {
    p = platform.get();
  }

  @Test
  void anEventExistsOnlyIfItsTransactionCommitted() {
    var log = p.platform().events();
    TestPlatform.await(p.pool().withTransaction(c -> log.append(c, Event.of("probe.kept", "o1")
      .actor("u1").subject("communityId", "c1").data(new JsonObject().put("x", 1)))));
    assertThatThrownBy(() -> TestPlatform.await(p.pool().withTransaction(c -> log.append(c, Event.of("probe.dropped", "o1"))
      .compose(id -> Future.failedFuture(new IllegalStateException("roll back"))))));
    assertThat(p.sql("SELECT type, community_id, actor FROM platform.events WHERE org = 'o1'"))
      .extracting(r -> r.getString("type") + "/" + r.getString("community_id") + "/" + r.getString("actor"))
      .containsExactly("probe.kept/c1/u1");
  }

  @Test
  void theAuditChainVerifiesAndNamesTheFirstEntryChangedBehindItsBack() {
    AuditLog audit = p.platform().audit();
    for (int i = 0; i < 5; i++) {
      int n = i;
      TestPlatform.await(p.pool().withTransaction(c -> audit.append(c, AuditEntry.of("o2", "probe.changed").actor("admin-1")
        .target("thing", "t" + n).before(new JsonObject().put("v", n)).after(new JsonObject().put("v", n + 1)))));
    }
    JsonObject page = TestPlatform.await(audit.list(p.pool(), "o2", new JsonObject().put("action", "probe.*"), 2));
    assertThat(page.getJsonArray("data")).extracting(e -> ((JsonObject) e).getLong("seq")).containsExactly(5L, 4L);
    JsonObject next = TestPlatform.await(audit.list(p.pool(), "o2",
      new JsonObject().put("beforeSeq", page.getLong("nextBeforeSeq")).put("targetId", "t0"), 2));
    assertThat(next.getJsonArray("data")).extracting(e -> ((JsonObject) e).getLong("seq")).containsExactly(1L);
    JsonObject ok = TestPlatform.await(audit.verify(p.pool(), "o2"));
    assertThat(ok.getBoolean("ok")).isTrue();
    assertThat(ok.getLong("count")).isEqualTo(5);
    p.sql("UPDATE platform.audit_log SET after = '{\"v\": 99}'::jsonb WHERE org = 'o2' AND seq = 3");
    JsonObject broken = TestPlatform.await(audit.verify(p.pool(), "o2"));
    assertThat(broken.getBoolean("ok")).isFalse();
    assertThat(broken.getLong("brokenAt")).isEqualTo(3);
  }

  @Test
  void theFourthHitInAWindowIsRefusedWithRetryAfterAndTheNextWindowIsFree() {
    Throttle t = p.platform().throttle();
    for (int i = 1; i <= 3; i++) {
      Throttle.State s = TestPlatform.await(t.acquire("probe", "k", "slow down"));
      assertThat(s.remaining()).isEqualTo(3 - i);
    }
    assertThatThrownBy(() -> TestPlatform.await(t.acquire("probe", "k", "slow down")))
      .isInstanceOfSatisfying(ApiError.class, e -> {
        assertThat(e.status()).isEqualTo(429);
        assertThat(Long.parseLong(e.headers().getString("Retry-After"))).isBetween(1L, 60L);
        assertThat(e.headers().getString("RateLimit")).startsWith("\"probe\";r=0;t=");
      });
    p.clock().advance(Duration.ofSeconds(61));
    assertThat(TestPlatform.await(t.acquire("probe", "k", "slow down")).hits()).isEqualTo(1);
  }

  @Test
  void severalKeysCountedInOneStatementKeepExactCountsUnderConcurrencyInEitherOrder() {
    Throttle t = p.platform().throttle();
    // 40 concurrent calls, half naming the keys in each order: exact counts, no deadlock, states in call order
    List<Future<List<Throttle.State>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Throttle.Hit> hits = List.of(new Throttle.Hit("multiA", "user-" + (i % 2)), new Throttle.Hit("multiB", "shared"));
      List<Throttle.Hit> ordered = i % 2 == 0 ? hits : List.of(hits.get(1), hits.get(0));
      calls.add(t.hit(ordered));
    }
    TestPlatform.await(Future.all(calls));
    List<Integer> shared = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Throttle.State> states = calls.get(i).result();
      Throttle.State b = i % 2 == 0 ? states.get(1) : states.get(0);
      assertThat(b.limit().name()).isEqualTo("multiB");
      shared.add(b.hits());
    }
    // every call saw its own count of the shared key: 1..40, each once
    assertThat(shared).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
    assertThat(TestPlatform.await(t.peek("multiA", "user-0")).hits()).isEqualTo(20);
    assertThat(TestPlatform.await(t.peek("multiB", "shared")).hits()).isEqualTo(40);
    assertThat(TestPlatform.await(t.peek("multiB", "shared")).exceeded()).isTrue();
  }
}
