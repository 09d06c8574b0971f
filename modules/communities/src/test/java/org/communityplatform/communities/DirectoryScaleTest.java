package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory's cost at one million members (gated: {@code -Dcommunities.scale=true}): page 50,000
 * by number and a cursor deep in the walk are index ranges, answered about as fast as page 1.
 * Prints the figures (best of five, milliseconds, through HTTP) and the plans.
 */
class DirectoryScaleTest {

  @RegisterExtension
  static final PlatformExtension P = PlatformExtension.create();

  private static long best(TestPlatform p, String org, String path) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      Res r = p.get(path).org(org).bearer(p.token("owner", new JsonObject().put("org", org))).send();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().getJsonArray("data")).hasSize(20);
      best = Math.min(best, ms);
    }
    return best;
  }

  @Test
  void pageFiftyThousandOfAMillionMembersCostsWhatPageOneCosts() {
    Assumptions.assumeTrue(Boolean.getBoolean("communities.scale"), "set -Dcommunities.scale=true to run");
    TestPlatform p = P.get();
    String org = "scale";
    String c = p.post("/api/communities").org(org).bearer(p.token("owner", new JsonObject().put("org", org))).json(new JsonObject().put("name", "Million"))
      .send().json().getString("id");
    long t0 = System.nanoTime();
    // in slices, so that no statement outlasts the harness's 60-second wait on a busy machine
    for (int from = 1; from <= 1_000_000; from += 50_000) {
      p.sql("INSERT INTO communities.members (community_id, user_id, org, role, pos, role_pos, joined_at, seq) "
        + "SELECT $1::uuid, 'u' || g, $2, 'member', g + 1, g, now(), g + 1 FROM generate_series($3::int, $4::int) g",
        c, org, from, from + 49_999);
    }
    p.sql("UPDATE communities.communities SET member_count = 1000001, count_member = 1000000, next_seq = 1000002 "
      + "WHERE id = $1::uuid", c);
    p.sql("ANALYZE communities.members");
    System.out.println("seeded 1,000,000 members in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    String base = "/api/communities/" + c + "/members?limit=20";
    long first = best(p, org, base + "&page=1");
    long deep = best(p, org, base + "&page=50000");
    long deepRole = best(p, org, base + "&role=member&page=49999");
    String cursor = KeysetCursor.encode("m2*", 999_000);
    long deepCursor = best(p, org, base + "&cursor=" + cursor);
    System.out.printf("directory at 1M members, best of 5 (ms): page 1 %d, page 50000 %d, role page 49999 %d, cursor at 999000 %d%n",
      first, deep, deepRole, deepCursor);
    for (String sql : List.of(
      "EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, role, status, joined_at, pos FROM communities.members "
        + "WHERE community_id = $1::uuid AND pos > 999980 AND pos <= 1000000 ORDER BY pos LIMIT 20",
      "EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, role, status, joined_at, seq FROM communities.members "
        + "WHERE community_id = $1::uuid AND seq > 999000 ORDER BY seq LIMIT 21")) {
      for (Row r : p.sql(sql, c)) {
        System.out.println("  " + r.getString(0));
      }
    }
    assertThat(deep).isLessThan(Math.max(50, first * 5));
    assertThat(deepCursor).isLessThan(Math.max(50, first * 5));
  }
}
