package org.communityplatform.profiles;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.profiles.Fixtures.assertError;
import static org.communityplatform.profiles.Fixtures.data;
import static org.communityplatform.profiles.Fixtures.register;

/** Own profile, images and files, community profiles, the profile list, relationships and the admin route. */
class ProfileApiTest {

  @RegisterExtension
  static final PlatformExtension platform = PlatformExtension.with(Fixtures.config(new JsonObject().put("maxImageBytes", 64 * 1024).put("maxExtraFields", 5)));
  static TestPlatform p;

  @BeforeAll
  static void start() {
    p = platform.get();
  }

  private static String token(String org, String tag) {
    return Fixtures.token(p, org, tag);
  }

  @Test
  void ownProfileReadsAndChangesNameAndExtraFields() {
    String t = token("me", "alice");
    JsonObject me = data(p.get("/api/me").bearer(t).send(), 200);
    assertThat(me.getString("name")).isEqualTo("Alice");
    assertThat(me.getJsonObject("x")).isEmpty();
    assertThat(me.getJsonArray("roles")).containsExactly("user");

    JsonObject changed = data(p.patch("/api/me").bearer(t).json(new JsonObject().put("name", "Alice Smith")
      .put("x", new JsonObject().put("bio", "Senior developer").put("website", "https://alice.example.com")
        .put("age", 33))).send(), 200);
    assertThat(changed.getString("name")).isEqualTo("Alice Smith");
    assertThat(changed.getJsonObject("x").getString("bio")).isEqualTo("Senior developer");
    assertThat(changed.getJsonObject("x").getString("website")).isEqualTo("https://alice.example.com");
    var row = p.sql("SELECT name, bio, x::text FROM profiles.users WHERE org = 'me'").get(0);
    assertThat(row.getString("name")).isEqualTo("Alice Smith");
    assertThat(row.getString("bio")).isEqualTo("Senior developer");
    assertThat(new JsonObject(row.getString("x")).getInteger("age")).isEqualTo(33);

    // merged: a null removes a key, others stay
    JsonObject merged = data(p.patch("/api/me").bearer(t).json(new JsonObject()
      .put("x", new JsonObject().putNull("age").put("location", "Berlin"))).send(), 200);
    assertThat(merged.getJsonObject("x").fieldNames()).containsExactlyInAnyOrder("bio", "website", "location");
    assertThat(merged.getString("name")).isEqualTo("Alice Smith");

    // bounded: field count (config 5), names, value types and sizes; nothing is written on refusal
    JsonObject many = new JsonObject();
    for (int i = 0; i < 4; i++) {
      many.put("k" + i, "v");
    }
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("x", many)).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("x", new JsonObject().put("bad key", 1))).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("x", new JsonObject().put("n", new JsonObject()))).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("x", new JsonObject().put("s", "x".repeat(1001)))).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("name", "  ")).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject()).send(), 400, null);
    assertError(p.patch("/api/me").bearer(t).json(new JsonObject().put("tnId", 5)).send(), 400, null);
    assertError(p.patch("/api/me").json(new JsonObject().put("name", "x")).send(), 401, null);
    assertThat(data(p.get("/api/me").bearer(t).send(), 200).getJsonObject("x").size()).isEqualTo(3);
  }

  @Test
  void imagesAreStoredByContentAndServedBackByteForByte() {
    String t = token("img", "bruno");
    byte[] png = Fixtures.png(40, 30, Color.RED);
    byte[] jpeg = Fixtures.jpeg(40, 30, Color.BLUE);

    JsonObject up = data(p.put("/api/me/image").bearer(t).body("image/png", Buffer.buffer(png)).send(), 200);
    String fileId = up.getString("fileId");
    assertThat(fileId).matches("b1~[A-Za-z0-9_-]{43}");
    assertThat(up.getString("profilePic")).isEqualTo("/api/file/" + fileId);
    assertThat(data(p.get("/api/me").bearer(t).send(), 200).getString("profilePic")).isEqualTo("/api/file/" + fileId);

    Res served = p.get("/api/file/" + fileId).org("img").send();
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body().getBytes()).isEqualTo(png);
    assertThat(served.header("Content-Type")).isEqualTo("image/png");
    assertThat(served.header("ETag")).isEqualTo("\"" + fileId + "\"");
    assertThat(served.header("Cache-Control")).contains("max-age=31536000");
    Res again = p.get("/api/file/" + fileId).org("img").header("If-None-Match", served.header("ETag")).send();
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body().length()).isZero();

    JsonObject cover = data(p.put("/api/me/cover").bearer(t).body("image/jpeg", Buffer.buffer(jpeg)).send(), 200);
    assertThat(cover.getString("coverPic")).isEqualTo("/api/file/" + cover.getString("fileId"));
    Res jpg = p.get("/api/file/" + cover.getString("fileId")).org("img").send();
    assertThat(jpg.body().getBytes()).isEqualTo(jpeg);
    assertThat(jpg.header("Content-Type")).isEqualTo("image/jpeg");

    // identical bytes from another user share the file id; one stored copy
    String t2 = token("img", "carla");
    JsonObject same = data(p.put("/api/me/image").bearer(t2).body("application/octet-stream", Buffer.buffer(png)).send(), 200);
    assertThat(same.getString("fileId")).isEqualTo(fileId);
    assertThat(p.sql("SELECT count(*) FROM profiles.files WHERE org = 'img'").get(0).getLong(0)).isEqualTo(2);
    // the type comes from the bytes, not the header
    assertThat(p.sql("SELECT content_type FROM profiles.files WHERE id = $1", cover.getString("fileId")).get(0).getString(0))
      .isEqualTo("image/jpeg");

    // refusals: text dressed as an image, an empty body, too large, another content type
    assertError(p.put("/api/me/image").bearer(t).body("image/png", Buffer.buffer("just some text, not a picture")).send(),
      415, null);
    assertError(p.put("/api/me/image").bearer(t).body("image/jpeg", Buffer.buffer()).send(), 400, null);
    byte[] big = new byte[70 * 1024];
    System.arraycopy(png, 0, big, 0, png.length);
    assertError(p.put("/api/me/cover").bearer(t).body("image/png", Buffer.buffer(big)).send(), 413, null);
    assertError(p.put("/api/me/image").bearer(t).body("image/png", Buffer.buffer(new byte[11 * 1024 * 1024])).send(), 413, null);
    assertError(p.put("/api/me/image").bearer(t).body("text/plain", Buffer.buffer(png)).send(), 415, null);
    assertError(p.put("/api/me/image").body("image/png", Buffer.buffer(png)).send(), 401, null);
    assertThat(p.sql("SELECT count(*) FROM profiles.files WHERE org = 'img'").get(0).getLong(0)).isEqualTo(2);
    assertThat(data(p.get("/api/me").bearer(t).send(), 200).getString("profilePic")).isEqualTo("/api/file/" + fileId);

    assertError(p.get("/api/file/b1~" + "A".repeat(43)).org("img").send(), 404, null);
    assertError(p.get("/api/file/not-a-file-id").org("img").send(), 400, null);
    // files belong to their organisation
    assertError(p.get("/api/file/" + fileId).org("img-other").send(), 404, null);
  }

  @Test
  void communityProfilesAreCreatedOnceAndOwnedByTheCaller() {
    String org = "comm";
    String t = token(org, "dave");
    String pic = data(p.put("/api/me/image").bearer(t).body("image/png", Buffer.buffer(Fixtures.png(8, 8, Color.GREEN)))
      .send(), 200).getString("fileId");
    Res r = p.put("/api/profiles/devs@example.com").bearer(t).json(new JsonObject().put("type", "idp")
      .put("name", "Developer Community").put("profilePic", pic)).send();
    JsonObject c = data(r, 201);
    assertThat(c.getString("idTag")).isEqualTo("devs@example.com");
    assertThat(c.getString("type")).isEqualTo("community");
    assertThat(c.getString("name")).isEqualTo("Developer Community");
    assertThat(c.getString("createdAt")).isNotBlank();
    var row = p.sql("SELECT u.type, u.name, o.id_tag AS owner FROM profiles.users u JOIN profiles.users o "
      + "ON o.org = u.org AND o.id = u.owner_id WHERE u.org = $1 AND u.id_tag = 'devs@example.com'", org).get(0);
    assertThat(row.getString("type")).isEqualTo("community");
    assertThat(row.getString("owner")).isEqualTo("dave");

    JsonObject got = data(p.get("/api/profiles/DEVS@example.com").org(org).send(), 200);
    assertThat(got.getString("type")).isEqualTo("community");
    assertThat(got.getString("profilePic")).isEqualTo("/api/file/" + pic);
    assertThat(got.getString("ownerIdTag")).isEqualTo("dave");

    assertError(p.put("/api/profiles/devs@example.com").bearer(t).json(new JsonObject().put("type", "idp")).send(),
      409, "id_tag_taken");
    assertError(p.put("/api/profiles/dave").bearer(token(org, "erin")).json(new JsonObject().put("type", "idp")).send(),
      409, null);
    assertError(p.put("/api/profiles/admin").bearer(t).json(new JsonObject().put("type", "idp")).send(), 400, "id_tag_reserved");
    assertError(p.put("/api/profiles/x@y").bearer(t).json(new JsonObject().put("type", "idp")).send(), 400, null);
    assertError(p.put("/api/profiles/newcomm").bearer(t).json(new JsonObject().put("type", "idp")
      .put("profilePic", "b1~" + "B".repeat(43))).send(), 400, null);
    assertError(p.put("/api/profiles/newcomm").json(new JsonObject().put("type", "idp")).send(), 401, null);
    assertError(p.get("/api/profiles/newcomm").org(org).send(), 404, null);
  }

  @Test
  void listFiltersAndPagesProfiles() {
    String org = "list";
    String t = token(org, "lena");
    List<String> tags = new ArrayList<>();
    for (String name : new String[] {"mark", "nora", "otto", "paula"}) {
      token(org, name);
      tags.add(name);
    }
    p.put("/api/profiles/club.example.com").bearer(t).json(new JsonObject().put("type", "domain").put("name", "Club")).send();

    JsonObject all = p.get("/api/profiles").bearer(t).send().json();
    assertThat(all.getLong("total")).isEqualTo(6);
    assertThat(all.getString("time")).isNotBlank();
    assertThat(idTags(all)).containsExactly("lena", "mark", "nora", "otto", "paula", "club.example.com");

    JsonObject page2 = p.get("/api/profiles?limit=2&page=2").bearer(t).send().json();
    assertThat(idTags(page2)).containsExactly("nora", "otto");
    assertThat(page2.getLong("total")).isEqualTo(6);
    JsonObject past = p.get("/api/profiles?limit=5&page=9").bearer(t).send().json();
    assertThat(idTags(past)).isEmpty();
    assertThat(past.getLong("total")).isEqualTo(6);

    assertThat(idTags(p.get("/api/profiles?type=community").bearer(t).send().json())).containsExactly("club.example.com");
    assertThat(idTags(p.get("/api/profiles?type=person&q=nor").bearer(t).send().json())).containsExactly("nora");
    assertThat(idTags(p.get("/api/profiles?idTag=OTTO").bearer(t).send().json())).containsExactly("otto");
    assertThat(idTags(p.get("/api/profiles?q=123").bearer(t).send().json())).isEmpty();
    assertThat(idTags(p.get("/api/profiles?idTag=true").bearer(t).send().json())).isEmpty();

    // relationship filters, from the caller's side
    follow(t, "mark", "follow");
    follow(t, "nora", "connect");
    String nora = login(org, "nora");
    follow(nora, "lena", "connect"); // accepts
    follow(t, "otto", "connect");    // pending
    assertThat(idTags(p.get("/api/profiles?following=true").bearer(t).send().json())).containsExactly("mark");
    assertThat(idTags(p.get("/api/profiles?following=false&type=person").bearer(t).send().json()))
      .containsExactly("lena", "nora", "otto", "paula");
    assertThat(idTags(p.get("/api/profiles?connected=connected").bearer(t).send().json())).containsExactly("nora");
    assertThat(idTags(p.get("/api/profiles?connected=pending").bearer(t).send().json())).containsExactly("otto");
    assertThat(idTags(p.get("/api/profiles?connected=disconnected&type=person").bearer(t).send().json()))
      .containsExactly("lena", "mark", "paula");
    JsonObject markRow = p.get("/api/profiles?idTag=mark").bearer(t).send().json().getJsonArray("data").getJsonObject(0);
    assertThat(markRow.getBoolean("following")).isTrue();
    assertThat(markRow.getString("connected")).isEqualTo("disconnected");

    // status: default active only; suspended listed when asked for
    String admin = Fixtures.token(p, "list", "listadmin");
    p.sql("UPDATE profiles.users SET roles = '{user,admin}' WHERE org = 'list' AND id_tag = 'listadmin'");
    admin = login(org, "listadmin");
    assertThat(p.patch("/api/admin/profiles/paula").bearer(admin).json(new JsonObject().put("status", "suspended"))
      .send().status()).isEqualTo(200);
    assertThat(idTags(p.get("/api/profiles?type=person").bearer(t).send().json())).doesNotContain("paula");
    assertThat(idTags(p.get("/api/profiles?status=suspended").bearer(t).send().json())).containsExactly("paula");
    assertThat(idTags(p.get("/api/profiles?status=active,suspended&q=paula").bearer(t).send().json())).containsExactly("paula");

    assertError(p.get("/api/profiles?status=gone").bearer(t).send(), 400, null);
    assertError(p.get("/api/profiles?type=robot").bearer(t).send(), 400, null);
    assertError(p.get("/api/profiles?connected=maybe").bearer(t).send(), 400, null);
    assertError(p.get("/api/profiles?limit=0").bearer(t).send(), 400, null);
    assertError(p.get("/api/profiles?limit=101").bearer(t).send(), 400, null);
    assertError(p.get("/api/profiles").send(), 401, null);
    // another organisation sees none of them
    assertThat(idTags(p.get("/api/profiles").bearer(token("list-other", "zed")).send().json())).containsExactly("zed");
  }

  @Test
  void relationshipsFollowConnectAndBlock() {
    String org = "rel";
    String a = token(org, "anna");
    String b = token(org, "ben");
    token(org, "cleo");

    JsonObject f = data(follow(a, "ben", "follow"), 200);
    assertThat(f.getString("idTag")).isEqualTo("ben");
    assertThat(f.getString("relationship")).isEqualTo("follow");
    assertThat(f.getBoolean("following")).isTrue();
    assertThat(f.getString("updatedAt")).isNotBlank();
    assertThat(p.sql("SELECT following FROM profiles.relationships r JOIN profiles.users u ON u.org = r.org AND u.id = r.src "
      + "WHERE r.org = $1 AND u.id_tag = 'anna'", org).get(0).getBoolean(0)).isTrue();
    JsonObject seen = data(p.get("/api/profiles/anna").bearer(b).send(), 200);
    assertThat(seen.getBoolean("followedBy")).isTrue();
    assertThat(data(follow(a, "ben", "unfollow"), 200).getBoolean("following")).isFalse();

    // connect is a request the other side accepts
    assertThat(data(follow(a, "ben", "connect"), 200).getString("connected")).isEqualTo("pending");
    assertThat(data(p.get("/api/profiles/anna").bearer(b).send(), 200).getString("connected")).isEqualTo("pending");
    assertThat(data(follow(b, "anna", "connect"), 200).getString("connected")).isEqualTo("connected");
    assertThat(data(p.get("/api/profiles/ben").bearer(a).send(), 200).getString("connected")).isEqualTo("connected");
    assertThat(data(follow(b, "anna", "disconnect"), 200).getString("connected")).isEqualTo("disconnected");
    assertThat(data(p.get("/api/profiles/ben").bearer(a).send(), 200).getString("connected")).isEqualTo("disconnected");

    // block: ends follows both ways, hides the blocker from the blocked user's lists, stops follow/connect
    follow(a, "ben", "follow");
    follow(b, "anna", "follow");
    JsonObject blocked = data(follow(a, "ben", "block"), 200);
    assertThat(blocked.getBoolean("blocked")).isTrue();
    assertThat(blocked.getBoolean("following")).isFalse();
    assertThat(p.sql("SELECT count(*) FROM profiles.relationships WHERE org = $1 AND following", org).get(0).getLong(0)).isZero();
    assertThat(idTags(p.get("/api/profiles").bearer(b).send().json())).doesNotContain("anna").contains("ben", "cleo");
    assertThat(idTags(p.get("/api/profiles").bearer(a).send().json())).contains("ben");
    assertError(follow(b, "anna", "follow"), 403, null);
    assertError(follow(b, "anna", "connect"), 403, null);
    assertError(follow(a, "ben", "follow"), 409, null);
    assertThat(data(follow(a, "ben", "unblock"), 200).getBoolean("blocked")).isFalse();
    assertThat(data(follow(b, "anna", "follow"), 200).getBoolean("following")).isTrue();
    assertThat(idTags(p.get("/api/profiles").bearer(b).send().json())).contains("anna");

    // refusals
    assertError(follow(a, "anna", "follow"), 422, null);
    assertError(follow(a, "nobody", "follow"), 404, null);
    assertError(p.patch("/api/profiles/ben").bearer(a).json(new JsonObject().put("relationship", "befriend")).send(), 400, null);
    assertError(p.patch("/api/profiles/ben").bearer(a).json(new JsonObject()).send(), 400, null);
    assertError(p.patch("/api/profiles/ben").json(new JsonObject().put("relationship", "follow")).send(), 401, null);
    p.put("/api/profiles/fans.example.com").bearer(a).json(new JsonObject().put("type", "domain")).send();
    assertError(follow(b, "fans.example.com", "connect"), 422, null);
    assertThat(data(follow(b, "fans.example.com", "follow"), 200).getBoolean("following")).isTrue();
  }

  @Test
  void adminChangesProfilesAndSuspensionStopsTokens() {
    String org = "default";
    JsonObject boss = register(p, org, "boss", "boss@corp.example", "boss password 1");
    String admin = boss.getString("token");
    JsonObject victim = register(p, org, "victor", "victor@corp.example", "victor password");
    String vt = victim.getString("token");
    String plain = Fixtures.token(p, org, "plainuser");

    // a plain user may not
    assertError(p.patch("/api/admin/profiles/victor").bearer(plain).json(new JsonObject().put("status", "suspended")).send(),
      403, null);
    // a token that claims the role is not enough when the account does not hold it
    assertError(p.patch("/api/admin/profiles/victor").bearer(p.token(victim.getString("userId"), new JsonObject()
      .put("org", org).put("roles", new JsonArray().add("admin")))).json(new JsonObject().put("name", "Xavier")).send(), 403,
      null);

    JsonObject r = data(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("name", "Victor V")
      .put("roles", new JsonArray().add("user").add("moderator"))).send(), 200);
    assertThat(r.getString("name")).isEqualTo("Victor V");
    assertThat(r.getJsonArray("roles")).containsExactly("user", "moderator");
    assertThat(r.getLong("tnId")).isEqualTo(victim.getLong("tnId"));
    assertThat(p.get("/api/me").bearer(vt).send().status()).isEqualTo(200);

    JsonObject s = data(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("status", "suspended"))
      .send(), 200);
    assertThat(s.getString("status")).isEqualTo("suspended");
    assertThat(p.sql("SELECT status FROM profiles.users WHERE org = $1 AND id_tag = 'victor'", org).get(0).getString(0))
      .isEqualTo("suspended");
    // the suspended user's token stops on the next request, and signing in again is refused
    assertError(p.get("/api/me").bearer(vt).send(), 401, null);
    assertError(p.patch("/api/me").bearer(vt).json(new JsonObject().put("name", "me")).send(), 401, null);
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "victor").put("password", "victor password"))
      .send(), 403, "account_suspended");
    // a token issued later (say by an external issuer) is refused too
    assertError(p.get("/api/me").bearer(p.token(victim.getString("userId"), new JsonObject().put("org", org))).send(), 403, null);

    data(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("status", "active")).send(), 200);
    assertThat(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "victor").put("password", "victor password"))
      .send().status()).isEqualTo(200);
    data(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("status", "banned")).send(), 200);
    assertError(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", "victor").put("password", "victor password"))
      .send(), 403, "account_banned");

    assertError(p.patch("/api/admin/profiles/boss").bearer(admin).json(new JsonObject().put("status", "suspended")).send(), 422, null);
    assertError(p.patch("/api/admin/profiles/nobody").bearer(admin).json(new JsonObject().put("status", "active")).send(), 404, null);
    assertError(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("status", "frozen")).send(), 400, null);
    assertError(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject().put("roles", new JsonArray().add("god")))
      .send(), 400, null);
    assertError(p.patch("/api/admin/profiles/victor").bearer(admin).json(new JsonObject()).send(), 400, null);
    assertError(p.patch("/api/admin/profiles/victor").json(new JsonObject().put("status", "active")).send(), 401, null);
    // an admin of one organisation is nobody in another
    assertError(p.patch("/api/admin/profiles/victor").bearer(admin).org("elsewhere").json(new JsonObject().put("status", "active"))
      .send(), 403, null);
  }

  private static Res follow(String token, String tag, String relationship) {
    return p.patch("/api/profiles/" + tag).bearer(token).json(new JsonObject().put("relationship", relationship)).send();
  }

  private static String login(String org, String tag) {
    return data(p.post("/api/auth/login").org(org).json(new JsonObject().put("idTag", tag).put("password", "correct horse battery"))
      .send(), 200).getString("token");
  }

  private static List<String> idTags(JsonObject list) {
    List<String> tags = new ArrayList<>();
    list.getJsonArray("data").forEach(o -> tags.add(((JsonObject) o).getString("idTag")));
    return tags;
  }
}
