package org.communityplatform.communities;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The member directory, role changes, removal and leaving, and the kept member count. */
class MembersTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static JsonObject page(String org, String user, String c, String query) {
    Res r = Fixture.get(org, user, "/api/communities/" + c + "/members" + query).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("data").forEach(m -> ids.add(((JsonObject) m).getString("userId")));
    return ids;
  }

  /** Adds members the way joins do, straight through the membership function (fast set-up for big lists). */
  private static void seed(String org, String c, int n) {
    Fixture.platform().sql("SELECT count(*) FROM (SELECT communities.add_member($1::uuid, $2, 'seed-' || g, 'member', "
      + "now() + g * interval '1 millisecond') FROM generate_series(1, $3) g) x", c, org, n);
  }

  @Test
  void theDirectoryPagesByNumberAndByCursorAtAnyDepth() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    seed(org, c, 3000);
    JsonObject first = page(org, "seed-7", c, "?limit=100");
    assertThat(first.getLong("total")).isEqualTo(3001);
    assertThat(ids(first)).hasSize(100).startsWith("owner", "seed-1", "seed-2");
    JsonObject member = first.getJsonArray("data").getJsonObject(1);
    assertThat(member.getString("role")).isEqualTo("member");
    assertThat(member.getString("status")).isEqualTo("active");
    assertThat(member.getString("joinedAt")).isNotNull();
    // profiles is not running in this test: the directory still answers
    assertThat(member.containsKey("profile")).isTrue();
    assertThat(member.getValue("profile")).isNull();

    assertThat(ids(page(org, "seed-7", c, "?limit=100&page=30"))).hasSize(100).startsWith("seed-2900").endsWith("seed-2999");
    assertThat(ids(page(org, "seed-7", c, "?limit=100&page=31"))).containsExactly("seed-3000");
    JsonObject past = page(org, "seed-7", c, "?limit=100&page=99");
    assertThat(past.getJsonArray("data")).isEmpty();
    assertThat(past.getLong("total")).isEqualTo(3001);
    assertThat(past.getValue("nextCursor")).isNull();

    // following the cursor visits every member once
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject p = page(org, "seed-7", c, "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(ids(p));
      cursor = p.getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(31);
    assertThat(seen).hasSize(3001);

    // role filter, with its own count and cursor
    Fixture.patch(org, "owner", "/api/communities/" + c + "/members").json(new JsonObject().put("targetUserId", "seed-5")
      .put("role", "moderator")).send();
    Fixture.patch(org, "owner", "/api/communities/" + c + "/members").json(new JsonObject().put("targetUserId", "seed-9")
      .put("role", "moderator")).send();
    JsonObject mods = page(org, "owner", c, "?role=moderator&limit=1");
    assertThat(mods.getLong("total")).isEqualTo(2);
    assertThat(ids(mods)).containsExactly("seed-5");
    JsonObject next = page(org, "owner", c, "?role=moderator&limit=1&cursor=" + mods.getString("nextCursor"));
    assertThat(ids(next)).containsExactly("seed-9");
    assertThat(next.getValue("nextCursor")).isNull();
    assertThat(page(org, "owner", c, "?role=member").getLong("total")).isEqualTo(2998);
    assertThat(ids(page(org, "owner", c, "?role=owner"))).containsExactly("owner");
    // a cursor only works for the list it came from
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c + "/members?cursor=" + mods.getString("nextCursor"))
      .send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c + "/members?cursor=bm9wZQ").send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c + "/members?limit=101").send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c + "/members?role=boss").send(), 400);
    Fixture.assertError(Fixture.get(org, "owner", "/api/communities/" + c + "/members?page=0").send(), 400);
  }

  private static Res role(String org, String by, String c, String target, String role) {
    return Fixture.patch(org, by, "/api/communities/" + c + "/members")
      .json(new JsonObject().put("targetUserId", target).put("role", role)).send();
  }

  private static Res remove(String org, String by, String c, String target) {
    return Fixture.delete(org, by, "/api/communities/" + c + "/members").json(new JsonObject().put("targetUserId", target)).send();
  }

  @Test
  void rolesChangeByTheRules() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "admin", "admin");
    Fixture.joined(org, c, "owner", "mod", "moderator");
    Fixture.joined(org, c, "owner", "m1", "member");
    Fixture.joined(org, c, "owner", "m2", "member");

    Res up = role(org, "admin", c, "m1", "moderator");
    assertThat(up.status()).isEqualTo(200);
    assertThat(up.json().getString("role")).isEqualTo("moderator");
    assertThat(up.json().getString("previousRole")).isEqualTo("member");
    assertThat(role(org, "admin", c, "m1", "member").status()).isEqualTo(200);
    // only an owner makes admins and owners, and changes an admin's role
    Fixture.assertError(role(org, "admin", c, "m1", "admin"), 403);
    Fixture.assertError(role(org, "admin", c, "m1", "owner"), 403);
    Fixture.assertError(role(org, "admin", c, "owner", "member"), 403);
    Fixture.assertError(role(org, "mod", c, "m1", "moderator"), 403);
    Fixture.assertError(role(org, "owner", c, "stranger", "member"), 404);
    // the last owner cannot be demoted
    Res last = role(org, "owner", c, "owner", "admin");
    Fixture.assertError(last, 409);
    assertThat(last.errorCode()).isEqualTo("last_owner");
    assertThat(role(org, "owner", c, "m2", "owner").status()).isEqualTo(200);
    assertThat(role(org, "owner", c, "owner", "admin").status()).isEqualTo(200);
    Fixture.assertError(role(org, "m2", c, "m2", "member"), 409);

    JsonObject owners = page(org, "m2", c, "?role=owner");
    assertThat(ids(owners)).containsExactly("m2");
    assertThat(page(org, "m2", c, "?role=admin").getLong("total")).isEqualTo(2);
    assertThat(Fixture.get(org, "owner", "/api/communities/" + c).send().json().getString("role")).isEqualTo("admin");
    assertKeptCountsMatch(c);
  }

  @Test
  void membersAreRemovedOrLeaveAndTheCountIsKept() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", false);
    Fixture.joined(org, c, "owner", "admin", "admin");
    Fixture.joined(org, c, "owner", "admin2", "admin");
    for (int i = 1; i <= 6; i++) {
      Fixture.joined(org, c, "owner", "m" + i, "member");
    }
    assertThat(remove(org, "admin", c, "m2").status()).isEqualTo(200);
    Fixture.assertError(remove(org, "admin", c, "admin2"), 403);
    Fixture.assertError(remove(org, "admin", c, "owner"), 403);
    Fixture.assertError(remove(org, "m1", c, "m3"), 403);
    Fixture.assertError(remove(org, "admin", c, "m2"), 404);
    assertThat(remove(org, "owner", c, "admin2").status()).isEqualTo(200);
    Res leave = remove(org, "m4", c, "m4");
    assertThat(leave.status()).isEqualTo(200);
    assertThat(leave.json().getBoolean("left")).isTrue();
    // leaving with the query parameter (for clients that send no body with DELETE)
    assertThat(Fixture.delete(org, "m5", "/api/communities/" + c + "/members?targetUserId=m5").send().status()).isEqualTo(200);
    Fixture.assertError(Fixture.delete(org, "m6", "/api/communities/" + c + "/members").send(), 400);
    Res lastOwner = remove(org, "owner", c, "owner");
    Fixture.assertError(lastOwner, 409);
    assertThat(lastOwner.errorCode()).isEqualTo("last_owner");

    JsonObject community = Fixture.get(org, "owner", "/api/communities/" + c).send().json();
    assertThat(community.getInteger("memberCount")).isEqualTo(5);
    JsonObject all = page(org, "owner", c, "?limit=2");
    Set<String> everyone = new HashSet<>();
    String cursor = null;
    do {
      JsonObject p = page(org, "owner", c, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      everyone.addAll(ids(p));
      cursor = p.getString("nextCursor");
    } while (cursor != null);
    assertThat(everyone).containsExactlyInAnyOrder("owner", "admin", "m1", "m3", "m6");
    assertThat(all.getLong("total")).isEqualTo(5);
    assertThat(ids(page(org, "owner", c, "?role=member"))).containsExactlyInAnyOrder("m1", "m3", "m6");
    // a removed member no longer belongs: the community is gone from their list
    assertThat(Fixture.get(org, "m4", "/api/communities").send().json().getJsonArray("data")).isEmpty();
    assertKeptCountsMatch(c);
  }

  @Test
  void myCommunitiesListsWhereICountAsMember() {
    String org = Fixture.org();
    String a = Fixture.community(org, "owner", false);
    String b = Fixture.community(org, "other", true);
    Fixture.joined(org, a, "owner", "me", "member");
    Fixture.member(org, b, "other", "me", "moderator");
    Fixture.community(org, "other", false);
    JsonObject mine = Fixture.get(org, "me", "/api/communities").send().json();
    assertThat(mine.getLong("total")).isEqualTo(2);
    JsonArray data = mine.getJsonArray("data");
    assertThat(data.getJsonObject(0).getString("id")).isEqualTo(b);
    assertThat(data.getJsonObject(0).getString("role")).isEqualTo("moderator");
    assertThat(data.getJsonObject(1).getString("role")).isEqualTo("member");
    assertThat(Fixture.get(org, "me", "/api/communities?limit=1&page=2").send().json().getJsonArray("data")).hasSize(1);
    Fixture.assertError(Fixture.platform().get("/api/communities").org(org).send(), 401);
  }

  /** The kept counts equal what a recount gives, and positions are 1..n. */
  private static void assertKeptCountsMatch(String c) {
    var row = Fixture.platform().sql("SELECT member_count, count_owner, count_admin, count_moderator, count_member, "
      + "(SELECT count(*) FROM communities.members m WHERE m.community_id = c.id) AS n, "
      + "(SELECT count(*) FROM communities.members m WHERE m.community_id = c.id AND m.role = 'owner') AS o, "
      + "(SELECT count(*) FROM communities.members m WHERE m.community_id = c.id AND m.role = 'admin') AS a, "
      + "(SELECT max(pos) FROM communities.members m WHERE m.community_id = c.id) AS maxpos "
      + "FROM communities.communities c WHERE c.id = $1::uuid", c).get(0);
    assertThat(row.getInteger("member_count").longValue()).isEqualTo(row.getLong("n"));
    assertThat(row.getInteger("count_owner").longValue()).isEqualTo(row.getLong("o"));
    assertThat(row.getInteger("count_admin").longValue()).isEqualTo(row.getLong("a"));
    assertThat(row.getInteger("maxpos").longValue()).isEqualTo(row.getLong("n"));
  }
}
