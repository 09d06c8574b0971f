package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.field;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/** Page posts and announcements. */
class PagePostsTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  private static Res post(String org, String pageId, String user, JsonObject body) {
    return p.post(PAGES + "/" + pageId + "/posts").org(org).bearer(token(p, org, user)).json(body).send();
  }

  @Test
  void membersPostOwnersAndAdminsAnnounceAndAnnouncementsListFirst() {
    String org = "posts";
    String id = create(p, org, "editor", page("News room")).getString("id");
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "reader")).send();

    Res first = post(org, id, "reader", new JsonObject().put("body", "First!"));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.json().getString("authorId")).isEqualTo("reader");
    assertThat(first.json().getBoolean("announcement")).isFalse();
    assertThat(first.json().getValue("title")).isNull();
    Res announce = post(org, id, "editor", new JsonObject().put("title", "Welcome").put("body", "House rules").put("announcement", true));
    assertThat(announce.status()).as(announce.toString()).isEqualTo(201);
    assertThat(announce.json().getBoolean("announcement")).isTrue();
    assertThat(post(org, id, "reader", new JsonObject().put("body", "Later")).status()).isEqualTo(201);

    // a plain member may not announce; outsiders and anonymous callers may not post
    assertError(post(org, id, "reader", new JsonObject().put("body", "Me too").put("announcement", true)), 403);
    assertError(post(org, id, "passer-by", new JsonObject().put("body", "spam")), 403);
    assertError(p.post(PAGES + "/" + id + "/posts").org(org).json(new JsonObject().put("body", "anon")).send(), 401);

    // anyone reads a public page's posts: announcements first, then newest first
    Res list = p.get(PAGES + "/" + id + "/posts").org(org).send();
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.json().getLong("total")).isEqualTo(3);
    assertThat(field(list.json().getJsonArray("data"), "body")).containsExactly("House rules", "Later", "First!");
    list.json().getJsonArray("data").forEach(o -> assertThat(((JsonObject) o).getValue("author")).isNull());
    assertThat(field(p.get(PAGES + "/" + id + "/posts?announcement=true").org(org).send().json().getJsonArray("data"), "body"))
      .containsExactly("House rules");
    JsonObject pageOne = p.get(PAGES + "/" + id + "/posts?limit=2").org(org).send().json();
    JsonObject rest = p.get(PAGES + "/" + id + "/posts?limit=2").query("cursor", pageOne.getString("nextCursor")).org(org).send().json();
    assertThat(field(rest.getJsonArray("data"), "body")).containsExactly("First!");
    assertThat(rest.getValue("nextCursor")).isNull();
    assertThat(field(p.get(PAGES + "/" + id + "/posts?limit=2&page=2").org(org).send().json().getJsonArray("data"), "body"))
      .containsExactly("First!");
  }

  @Test
  void postsAreDeletedByTheirAuthorOrAManager() {
    String org = "post-delete";
    String id = create(p, org, "mod", page("Moderated")).getString("id");
    for (String u : new String[] {"writer", "other"}) {
      p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, u)).send();
    }
    String a = post(org, id, "writer", new JsonObject().put("body", "one")).json().getString("id");
    String b = post(org, id, "writer", new JsonObject().put("body", "two")).json().getString("id");
    assertError(p.delete(PAGES + "/" + id + "/posts/" + a).org(org).bearer(token(p, org, "other")).send(), 403);
    assertThat(p.delete(PAGES + "/" + id + "/posts/" + a).org(org).bearer(token(p, org, "writer")).send().status()).isEqualTo(200);
    assertThat(p.delete(PAGES + "/" + id + "/posts/" + b).org(org).bearer(token(p, org, "mod")).send().status()).isEqualTo(200);
    assertError(p.delete(PAGES + "/" + id + "/posts/" + b).org(org).bearer(token(p, org, "mod")).send(), 404);
    assertThat(p.get(PAGES + "/" + id + "/posts").org(org).send().json().getLong("total")).isZero();
  }

  @Test
  void privatePagePostsAreForMembersAndBadPostsAreRefused() {
    String org = "post-private";
    String id = create(p, org, "insider", page("Inner circle").put("visibility", "private")).getString("id");
    assertThat(post(org, id, "insider", new JsonObject().put("body", "secret plans")).status()).isEqualTo(201);
    assertError(p.get(PAGES + "/" + id + "/posts").org(org).send(), 404);
    assertError(p.get(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, "spy")).send(), 404);
    assertError(post(org, id, "spy", new JsonObject().put("body", "let me in")), 404);
    assertThat(p.get(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, "insider")).send().json().getLong("total")).isEqualTo(1);

    assertError(post(org, id, "insider", new JsonObject()), 400);
    assertError(post(org, id, "insider", new JsonObject().put("body", "")), 400);
    assertError(post(org, id, "insider", new JsonObject().put("body", "   \n ")), 400);
    assertError(post(org, id, "insider", new JsonObject().put("body", "x".repeat(20001))), 400);
    assertError(post(org, id, "insider", new JsonObject().put("body", "ok").put("announcement", "yes")), 400);
    assertError(post(org, id, "insider", new JsonObject().put("body", "ok").put("pinned", true)), 400);
    assertError(p.get(PAGES + "/" + id + "/posts?announcement=maybe").org(org).bearer(token(p, org, "insider")).send(), 400);
    assertThat(p.sql("SELECT count(*) FROM pages.posts WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(1);
  }
}
