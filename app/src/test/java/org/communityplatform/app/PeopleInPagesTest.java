package org.communityplatform.app;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profiles and pages together: the people search scoped to a page asks the pages module for the
 * page's members over the bus (pages.memberIds), and only those are searched.
 */
class PeopleInPagesTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.with(new JsonObject().put("modules", new JsonObject()
    .put("profiles", new JsonObject().put("bcryptCost", 4)))).bind(t -> p = t);
  static TestPlatform p;

  private static String register(String org, String tag, String company) {
    Res r = p.post("/api/profiles/register").org(org).json(new JsonObject().put("type", "idp").put("idTag", tag)
      .put("email", tag + "@example.org").put("password", "password-" + tag)).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String token = r.json().getJsonObject("data").getString("token");
    assertThat(p.put("/client-account/profile").bearer(token).json(new JsonObject().put("company", company)
      .put("firstName", tag)).send().status()).isEqualTo(200);
    return token;
  }

  @Test
  void peopleSearchScopedToAPageSeesOnlyItsMembers() {
    String org = "people-pages";
    String owner = register(org, "olive", "Acme");
    String member = register(org, "milo", "Acme");
    register(org, "norm", "Acme");

    Res page = p.post("/client/community/pages").bearer(owner).json(new JsonObject().put("name", "Type Designers")
      .put("type", "community").put("category", "design")).send();
    assertThat(page.status()).as(page.toString()).isEqualTo(201);
    String pageId = page.json().getString("id");
    assertThat(p.post("/client/community/pages/" + pageId + "/join").bearer(member).send().status()).isBetween(200, 201);

    // everyone at Acme, globally
    assertThat(names(p.get("/client/community/people?q=acme").org(org).send()))
      .containsExactlyInAnyOrder("olive", "milo", "norm");
    // only the page's members, with and without a query
    assertThat(names(p.get("/client/community/people?q=acme&page=" + pageId).org(org).send()))
      .containsExactlyInAnyOrder("olive", "milo");
    assertThat(names(p.get("/client/community/people?page=" + pageId).org(org).send()))
      .containsExactlyInAnyOrder("olive", "milo");
    assertThat(names(p.get("/client/community/people?q=milo&page=" + pageId).org(org).send()))
      .containsExactly("milo");
    // a page that does not exist, or exists in another organisation only
    assertThat(p.get("/client/community/people?q=acme&page=" + UUID.randomUUID()).org(org).send().status()).isEqualTo(404);
    assertThat(p.get("/client/community/people?q=acme&page=" + pageId).org("someone-else").send().status()).isEqualTo(404);
  }

  /** The first names found (each person's first name is their tag); anonymous searches never show addresses. */
  private static List<String> names(Res r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body().toString()).doesNotContain("@");
    List<String> out = new ArrayList<>();
    r.json().getJsonArray("data").forEach(o -> out.add(((JsonObject) o).getString("firstName")));
    assertThat(r.json().getLong("total")).isEqualTo(out.size());
    return out;
  }
}
