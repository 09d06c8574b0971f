package org.communityplatform.pages;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.eventually;
import static org.communityplatform.pages.PagesTestSupport.field;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/** Pages themselves: create, read, list and search, update, delete, "mine", privacy and organisations. */
class PagesApiTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  @Test
  void theContractServesEveryPageRouteAndIsValidOpenApi() {
    Res r = p.get("/openapi.json").send();
    var result = new io.swagger.v3.parser.OpenAPIV3Parser().readContents(r.body().toString(), List.of(), null);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getPaths()).containsKeys(PAGES, PAGES + "/mine", PAGES + "/{pageId}",
      PAGES + "/{pageId}/join", PAGES + "/{pageId}/leave", PAGES + "/{pageId}/invite", PAGES + "/{pageId}/members",
      PAGES + "/{pageId}/posts");
    var item = result.getOpenAPI().getPaths().get(PAGES + "/{pageId}");
    assertThat(item.getGet()).isNotNull();
    assertThat(item.getPatch()).isNotNull();
    assertThat(item.getPut()).isNotNull();
    assertThat(item.getDelete()).isNotNull();
  }

  @Test
  void createRecordsTheCallerAsOwnerWhateverTheBodySays() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c = p.platform().vertx().eventBus().consumer("events.pages.page.created",
      m -> events.add(m.body()));
    try {
      Res r = p.post(PAGES).org("create").bearer(p.token("alice", new JsonObject().put("org", "create").put("email", "Alice@Example.org")))
        .json(page("Type Designers").put("description", "A space for people who love letters.")
          .put("image", "https://cdn.example.org/header.png").put("visibility", "public")
          .put("owner", "mallory").put("ownerEmail", "mallory@evil.example"))
        .send();
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      JsonObject page = r.json();
      assertThat(page.getString("owner")).isEqualTo("alice");
      assertThat(page.getString("ownerEmail")).isEqualTo("Alice@Example.org");
      assertThat(page.getString("name")).isEqualTo("Type Designers");
      assertThat(page.getString("type")).isEqualTo("community");
      assertThat(page.getString("category")).isEqualTo("design");
      assertThat(page.getString("image")).isEqualTo("https://cdn.example.org/header.png");
      assertThat(page.getString("visibility")).isEqualTo("public");
      assertThat(page.getInteger("memberCount")).isEqualTo(1);
      assertThat(page.getString("role")).isEqualTo("owner");
      assertThat(page.getString("createdAt")).isNotBlank();

      var rows = p.sql("SELECT org, owner_id, owner_email FROM pages.pages WHERE id = $1::uuid", page.getString("id"));
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).getString("org")).isEqualTo("create");
      assertThat(rows.get(0).getString("owner_id")).isEqualTo("alice");
      assertThat(rows.get(0).getString("owner_email")).isEqualTo("Alice@Example.org");

      // the owner is the first member, with source auto
      JsonObject members = p.get(PAGES + "/" + page.getString("id") + "/members").org("create").send().json();
      assertThat(members.getLong("total")).isEqualTo(1);
      JsonObject owner = members.getJsonArray("data").getJsonObject(0);
      assertThat(owner.getString("userId")).isEqualTo("alice");
      assertThat(owner.getString("role")).isEqualTo("owner");
      assertThat(owner.getString("source")).isEqualTo("auto");
      assertThat(owner.getValue("invitedBy")).isNull();

      eventually(() -> assertThat(events).hasSize(1));
      assertThat(events.get(0).getString("id")).isEqualTo(page.getString("id"));
      assertThat(events.get(0).getString("org")).isEqualTo("create");
    } finally {
      c.unregister();
    }
  }

  @Test
  void visibilityDefaultsToPublicAndCreateNeedsAToken() {
    JsonObject page = create(p, "defaults", "bob", page("Plain"));
    assertThat(page.getString("visibility")).isEqualTo("public");
    assertThat(page.getValue("description")).isNull();
    assertThat(page.getValue("image")).isNull();
    assertError(p.post(PAGES).org("defaults").json(page("Anonymous")).send(), 401);
    assertError(p.post(PAGES).org("defaults").bearer("not-a-token").json(page("Forged")).send(), 401);
    assertThat(p.sql("SELECT count(*) FROM pages.pages WHERE org = 'defaults'").get(0).getLong(0)).isEqualTo(1);
  }

  @Test
  void getOnePage() {
    JsonObject page = create(p, "get", "carol", page("Readable"));
    Res anon = p.get(PAGES + "/" + page.getString("id")).org("get").send();
    assertThat(anon.status()).isEqualTo(200);
    assertThat(anon.json().getString("name")).isEqualTo("Readable");
    assertThat(anon.json().getValue("role")).isNull();
    Res mine = p.get(PAGES + "/" + page.getString("id")).org("get").bearer(token(p, "get", "carol")).send();
    assertThat(mine.json().getString("role")).isEqualTo("owner");
    assertError(p.get(PAGES + "/" + UUID.randomUUID()).org("get").send(), 404);
    assertError(p.get(PAGES + "/not-a-uuid").org("get").send(), 400);
  }

  @Test
  void listFiltersByTypeAndCategoryAndSearchesNameAndDescription() {
    String org = "filters";
    create(p, org, "u1", page("Type Designers").put("description", "Typography and lettering enthusiasts"));
    create(p, org, "u1", page("Brush Lettering").put("category", "Art").put("description", "Ink, brushes and paper"));
    create(p, org, "u2", page("Nike Runners").put("type", "brand").put("category", "sport")
      .put("description", "A fan club for people who run"));
    create(p, org, "u2", page("Secret Lettering Club").put("visibility", "private"));

    JsonObject all = p.get(PAGES).org(org).send().json();
    assertThat(all.getLong("total")).isEqualTo(3);
    assertThat(field(all.getJsonArray("data"), "name")).containsExactly("Nike Runners", "Brush Lettering", "Type Designers");

    assertThat(field(p.get(PAGES + "?category=design").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Type Designers");
    // category and type match whatever the case
    assertThat(field(p.get(PAGES + "?category=art").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Brush Lettering");
    assertThat(field(p.get(PAGES + "?type=Brand").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Nike Runners");
    assertThat(p.get(PAGES + "?type=community&category=sport").org(org).send().json().getLong("total")).isZero();

    // search: words of the name or the description, word beginnings too, every word required
    assertThat(field(p.get(PAGES + "?q=lettering").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Brush Lettering", "Type Designers");
    assertThat(field(p.get(PAGES + "?q=typo").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Type Designers");
    assertThat(field(p.get(PAGES + "?q=NIKE%20run").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Nike Runners");
    assertThat(field(p.get(PAGES + "?q=ink&category=art").org(org).send().json().getJsonArray("data"), "name"))
      .containsExactly("Brush Lettering");
    assertThat(p.get(PAGES + "?q=ink&category=design").org(org).send().json().getLong("total")).isZero();
    assertThat(p.get(PAGES + "?q=zebra").org(org).send().json().getLong("total")).isZero();
    // search syntax in q is just text
    Res odd = p.get(PAGES).query("q", "lettering & !(|:* ' <->").org(org).send();
    assertThat(odd.status()).as(odd.toString()).isEqualTo(200);
    assertThat(odd.json().getLong("total")).isEqualTo(2);
    // a search without words finds nothing (issue 12)
    assertThat(p.get(PAGES).query("q", "!!!").org(org).send().json().getLong("total")).isZero();
  }

  @Test
  void pagesAndCursorsWalkTheWholeListWithTheRightTotal() {
    String org = "paging";
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(0, create(p, org, "pager", page("Page " + i)).getString("id"));
    }
    JsonObject first = p.get(PAGES + "?limit=3&page=1").org(org).send().json();
    assertThat(first.getLong("total")).isEqualTo(7);
    assertThat(first.getInteger("page")).isEqualTo(1);
    assertThat(first.getInteger("limit")).isEqualTo(3);
    assertThat(field(first.getJsonArray("data"), "id")).isEqualTo(created.subList(0, 3));
    JsonObject third = p.get(PAGES + "?limit=3&page=3").org(org).send().json();
    assertThat(field(third.getJsonArray("data"), "id")).isEqualTo(created.subList(6, 7));
    assertThat(third.getLong("total")).isEqualTo(7);
    assertThat(third.getValue("nextCursor")).isNull();
    JsonObject past = p.get(PAGES + "?limit=3&page=9").org(org).send().json();
    assertThat(past.getJsonArray("data")).isEmpty();
    assertThat(past.getLong("total")).isEqualTo(7);

    // keyset: follow nextCursor to the end
    List<String> walked = new ArrayList<>();
    String cursor = null;
    int rounds = 0;
    do {
      TestPlatform.Req req = p.get(PAGES).query("limit", "2").org(org);
      if (cursor != null) {
        req.query("cursor", cursor);
      }
      JsonObject body = req.send().json();
      assertThat(body.getLong("total")).isEqualTo(7);
      walked.addAll(field(body.getJsonArray("data"), "id"));
      cursor = body.getString("nextCursor");
      rounds++;
    } while (cursor != null && rounds < 10);
    assertThat(walked).isEqualTo(created);
    assertThat(rounds).isEqualTo(4);

    assertError(p.get(PAGES).query("cursor", "garbage").org(org).send(), 400);
    assertError(p.get(PAGES).query("cursor", "has spaces and ?").org(org).send(), 400);
    assertError(p.get(PAGES + "?limit=0").org(org).send(), 400);
    assertError(p.get(PAGES + "?limit=101").org(org).send(), 400);
    assertError(p.get(PAGES + "?page=0").org(org).send(), 400);
    assertError(p.get(PAGES + "?limit=ten").org(org).send(), 400);
  }

  @Test
  void privatePagesAreInvisibleToOutsidersOnEveryReadRoute() {
    String org = "private";
    JsonObject secret = create(p, org, "owner1", page("Hidden Club").put("visibility", "private")
      .put("description", "members only"));
    String id = secret.getString("id");
    p.post(PAGES + "/" + id + "/posts").org(org).bearer(token(p, org, "owner1")).json(new JsonObject().put("body", "hello")).send();

    for (String viewer : new String[] {null, "stranger"}) {
      TestPlatform.Req list = p.get(PAGES + "?q=hidden").org(org);
      TestPlatform.Req get = p.get(PAGES + "/" + id).org(org);
      TestPlatform.Req members = p.get(PAGES + "/" + id + "/members").org(org);
      TestPlatform.Req posts = p.get(PAGES + "/" + id + "/posts").org(org);
      if (viewer != null) {
        list.bearer(token(p, org, viewer));
        get.bearer(token(p, org, viewer));
        members.bearer(token(p, org, viewer));
        posts.bearer(token(p, org, viewer));
      }
      assertThat(list.send().json().getLong("total")).isZero();
      assertError(get.send(), 404);
      assertError(members.send(), 404);
      assertError(posts.send(), 404);
    }
    assertThat(p.get(PAGES + "/mine").org(org).bearer(token(p, org, "stranger")).send().json().getLong("total")).isZero();

    // the owner (a member) sees it everywhere
    String owner = token(p, org, "owner1");
    assertThat(field(p.get(PAGES + "?q=hidden").org(org).bearer(owner).send().json().getJsonArray("data"), "id"))
      .containsExactly(id);
    assertThat(p.get(PAGES + "/" + id).org(org).bearer(owner).send().status()).isEqualTo(200);
    assertThat(p.get(PAGES + "/" + id + "/members").org(org).bearer(owner).send().json().getLong("total")).isEqualTo(1);
    assertThat(p.get(PAGES + "/" + id + "/posts").org(org).bearer(owner).send().json().getLong("total")).isEqualTo(1);
  }

  @Test
  void minePagesCarryTheCallersRoleAndAreNotTakenForAPageId() {
    String org = "mine";
    JsonObject owned = create(p, org, "dora", page("Dora's Page"));
    JsonObject other = create(p, org, "erin", page("Erin's Page"));
    create(p, org, "erin", page("Not Dora's"));
    assertThat(p.post(PAGES + "/" + other.getString("id") + "/join").org(org).bearer(token(p, org, "dora")).send().status())
      .isEqualTo(201);

    Res r = p.get(PAGES + "/mine").org(org).bearer(token(p, org, "dora")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getLong("total")).isEqualTo(2);
    JsonArray data = body.getJsonArray("data");
    assertThat(field(data, "name")).containsExactly("Erin's Page", "Dora's Page");
    assertThat(field(data, "role")).containsExactly("member", "owner");
    JsonObject owns = p.get(PAGES + "/mine?role=owner").org(org).bearer(token(p, org, "dora")).send().json();
    assertThat(field(owns.getJsonArray("data"), "id")).containsExactly(owned.getString("id"));
    assertError(p.get(PAGES + "/mine").org(org).send(), 401);
    assertError(p.get(PAGES + "/mine?role=king").org(org).bearer(token(p, org, "dora")).send(), 400);
  }

  @Test
  void updateIsPartialAndForOwnersAndAdminsOnly() {
    String org = "update";
    JsonObject page = create(p, org, "olga", page("Before").put("description", "old text").put("image", "https://x.example/a.png"));
    String id = page.getString("id");
    String path = PAGES + "/" + id;

    List<JsonObject> updated = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c = p.platform().vertx().eventBus().consumer("events.pages.page.updated",
      m -> updated.add(m.body()));
    Res r = p.patch(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("name", "After")
      .put("owner", "mallory")).send();
    eventually(() -> assertThat(updated).extracting(e -> e.getString("name")).containsExactly("After"));
    assertThat(updated.get(0).getString("updatedBy")).isEqualTo("olga");
    c.unregister();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("name")).isEqualTo("After");
    assertThat(r.json().getString("description")).isEqualTo("old text");
    assertThat(r.json().getString("category")).isEqualTo("design");
    assertThat(r.json().getString("owner")).isEqualTo("olga");

    // clearing a field with null
    assertThat(p.patch(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().putNull("image")).send().json()
      .getValue("image")).isNull();

    // a plain member and an outsider may not change it
    p.post(path + "/join").org(org).bearer(token(p, org, "mike")).send();
    assertError(p.patch(path).org(org).bearer(token(p, org, "mike")).json(new JsonObject().put("name", "Mine now")).send(), 403);
    assertError(p.patch(path).org(org).bearer(token(p, org, "nobody")).json(new JsonObject().put("name", "Mine now")).send(), 403);
    assertError(p.patch(path).org(org).json(new JsonObject().put("name", "Anon")).send(), 401);
    // an admin may
    assertThat(p.patch(path + "/members/mike").org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("role", "admin"))
      .send().status()).isEqualTo(200);
    assertThat(p.patch(path).org(org).bearer(token(p, org, "mike")).json(new JsonObject().put("category", "fonts")).send()
      .json().getString("category")).isEqualTo("fonts");

    // PUT replaces: description and image left out are cleared, visibility left out stays
    p.patch(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("visibility", "private")).send();
    Res put = p.put(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("name", "Replaced")
      .put("type", "topic").put("category", "type")).send();
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().getString("name")).isEqualTo("Replaced");
    assertThat(put.json().getValue("description")).isNull();
    assertThat(put.json().getString("visibility")).isEqualTo("private");
    assertError(p.put(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("name", "no type")).send(), 400);

    var row = p.sql("SELECT name, type, category, description, visibility FROM pages.pages WHERE id = $1::uuid", id).get(0);
    assertThat(row.getString("name")).isEqualTo("Replaced");
    assertThat(row.getString("type")).isEqualTo("topic");
    assertThat(row.getString("visibility")).isEqualTo("private");

    assertError(p.patch(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject()).send(), 400);
    assertError(p.patch(path).org(org).bearer(token(p, org, "olga")).json(new JsonObject().put("visibility", "secret")).send(), 400);
    assertError(p.patch(PAGES + "/" + UUID.randomUUID()).org(org).bearer(token(p, org, "olga"))
      .json(new JsonObject().put("name", "x")).send(), 404);
  }

  @Test
  void deleteIsForTheOwnerOnlyAndRemovesEverything() {
    String org = "delete";
    JsonObject page = create(p, org, "pat", page("Short lived"));
    String path = PAGES + "/" + page.getString("id");
    p.post(path + "/join").org(org).bearer(token(p, org, "quinn")).send();
    p.post(path + "/posts").org(org).bearer(token(p, org, "quinn")).json(new JsonObject().put("body", "hi")).send();

    assertError(p.delete(path).org(org).bearer(token(p, org, "quinn")).send(), 403);
    assertError(p.delete(path).org(org).send(), 401);
    List<JsonObject> deleted = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c = p.platform().vertx().eventBus().consumer("events.pages.page.deleted",
      m -> deleted.add(m.body()));
    Res r = p.delete(path).org(org).bearer(token(p, org, "pat")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    eventually(() -> assertThat(deleted).extracting(e -> e.getString("id")).containsExactly(page.getString("id")));
    assertThat(deleted.get(0).getString("org")).isEqualTo(org);
    c.unregister();
    assertThat(r.json().getBoolean("deleted")).isTrue();
    assertError(p.get(path).org(org).send(), 404);
    assertError(p.delete(path).org(org).bearer(token(p, org, "pat")).send(), 404);
    assertThat(p.sql("SELECT count(*) FROM pages.members WHERE org = $1", org).get(0).getLong(0)).isZero();
    assertThat(p.sql("SELECT count(*) FROM pages.posts WHERE org = $1", org).get(0).getLong(0)).isZero();
  }

  @Test
  void pagesOfOneOrganisationAreInvisibleUnderAnother() {
    JsonObject page = create(p, "org-a", "rita", page("Org A page"));
    String path = PAGES + "/" + page.getString("id");
    assertThat(p.get(PAGES).org("org-b").send().json().getLong("total")).isZero();
    assertError(p.get(path).org("org-b").send(), 404);
    assertError(p.get(path + "/members").org("org-b").send(), 404);
    assertError(p.get(path + "/posts").org("org-b").send(), 404);
    assertError(p.post(path + "/join").org("org-b").bearer(token(p, "org-b", "sam")).send(), 404);
    assertError(p.patch(path).org("org-b").bearer(token(p, "org-b", "rita")).json(new JsonObject().put("name", "x")).send(), 404);
    assertError(p.delete(path).org("org-b").bearer(token(p, "org-b", "rita")).send(), 404);
    assertThat(p.get(PAGES + "/mine").org("org-b").bearer(token(p, "org-b", "rita")).send().json().getLong("total")).isZero();
    assertThat(p.get(path).org("org-a").send().status()).isEqualTo(200);
    // without orgid the token's org, else "default", is used
    assertThat(p.get(PAGES).send().json().getLong("total")).isZero();
  }

  @Test
  void badInputIsAClearClientErrorAndNothingIsStored() {
    String org = "bad";
    String t = token(p, org, "vera");
    assertError(p.post(PAGES).org(org).bearer(t).json(new JsonObject().put("name", "x").put("type", "community")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("   ")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page(" padded")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x".repeat(201))).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("nul \u0000 byte")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("name", 42)).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("visibility", "hidden")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("image", "javascript:alert(1)")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("image", "not a url")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("description", "d\u0000")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("unknown", true)).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).body("application/json", Buffer.buffer("{\"name\": ")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).body("application/json", Buffer.buffer("[1,2]")).send(), 400);
    assertError(p.post(PAGES).org(org).bearer(t).body("text/plain", Buffer.buffer("hello")).send(), 415);
    assertError(p.post(PAGES).org(org).bearer(t).json(page("x").put("description", "y".repeat(2 * 1024 * 1024))).send(), 413);
    assertError(p.post(PAGES).org("bad org!").bearer(t).json(page("x")).send(), 400);
    assertError(p.get(PAGES).query("q", "q".repeat(201)).org(org).send(), 400);
    assertError(p.get(PAGES).query("category", "").org(org).send(), 400);
    assertThat(p.sql("SELECT count(*) FROM pages.pages WHERE org = $1", org).get(0).getLong(0)).isZero();
  }

  @Test
  void listingStaysCorrectWithManyPages() {
    String org = "many";
    String owner = "bulk";
    // 300 pages straight into the table (the API path is covered elsewhere), 1 in 3 in "music"
    p.sql("INSERT INTO pages.pages (id, org, name, type, category, visibility, owner_id, member_count, created_at, updated_at) "
      + "SELECT gen_random_uuid(), $1, 'Page ' || g, 'community', CASE WHEN g % 3 = 0 THEN 'music' ELSE 'art' END, "
      + "CASE WHEN g % 10 = 0 THEN 'private' ELSE 'public' END, $2, 0, now() - g * interval '1 minute', now() "
      + "FROM generate_series(1, 300) g", org, owner);
    JsonObject music = p.get(PAGES + "?category=music&limit=100").org(org).send().json();
    // 100 music pages, 10 of them private
    assertThat(music.getLong("total")).isEqualTo(90);
    Set<String> seen = new HashSet<>(field(music.getJsonArray("data"), "id"));
    String cursor = p.get(PAGES + "?category=music&limit=50").org(org).send().json().getString("nextCursor");
    JsonObject rest = p.get(PAGES + "?category=music&limit=50").query("cursor", cursor).org(org).send().json();
    assertThat(rest.getJsonArray("data")).hasSize(40);
    assertThat(seen).containsAll(field(rest.getJsonArray("data"), "id"));
  }
}
