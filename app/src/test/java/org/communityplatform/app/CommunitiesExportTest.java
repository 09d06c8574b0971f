package org.communityplatform.app;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The internal address {@code communities.export} over the real bus: communities of one organisation
 * in id order, page after page; member ids in slices; groups with their members; bad input refused.
 */
class CommunitiesExportTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.create();

  private static JsonObject export(JsonObject ask) {
    return TestPlatform.await(p.get().platform().vertx().eventBus().<JsonObject>request("communities.export", ask)).body();
  }

  private static String create(String path, String token, JsonObject body) {
    Res r = p.get().post(path).bearer(token).json(body).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void exportsCommunitiesMembersAndGroupsPageByPage() {
    TestPlatform tp = p.get();
    String owner = tp.token("exp-owner");
    List<String> ids = new ArrayList<>();
    for (String name : List.of("Alpha", "Beta", "Gamma")) {
      ids.add(create("/api/communities", owner, new JsonObject().put("name", name)));
    }
    ids.sort(String::compareTo);
    String first = ids.get(0);
    for (String m : List.of("exp-b", "exp-a")) {
      assertThat(tp.post("/api/v4/communities/" + first + "/join").bearer(tp.token(m)).send().status()).isEqualTo(200);
    }
    String g = create("/api/groups", owner, new JsonObject().put("communityId", first).put("name", "Inner"));

    JsonObject page1 = export(new JsonObject().put("org", "default").put("limit", 2).put("memberLimit", 2));
    JsonArray list = page1.getJsonArray("communities");
    assertThat(list).hasSize(2);
    assertThat(list.getJsonObject(0).getString("id")).isEqualTo(first);
    assertThat(list.getJsonObject(1).getString("id")).isEqualTo(ids.get(1));
    assertThat(page1.getString("next")).isEqualTo(ids.get(1));
    JsonObject c = list.getJsonObject(0);
    assertThat(c.getString("createdBy")).isEqualTo("exp-owner");
    assertThat(c.getJsonArray("memberIds")).containsExactly("exp-a", "exp-b");
    assertThat(c.getString("membersNext")).isEqualTo("exp-b");
    JsonObject group = c.getJsonArray("groups").getJsonObject(0);
    assertThat(group.getString("id")).isEqualTo(g);
    assertThat(group.getString("name")).isEqualTo("Inner");
    assertThat(group.getJsonArray("memberIds")).containsExactly("exp-owner");

    JsonObject rest = export(new JsonObject().put("org", "default").put("communityId", first).put("afterUserId", "exp-b")
      .put("memberLimit", 2));
    assertThat(rest.getJsonArray("communities").getJsonObject(0).getJsonArray("memberIds")).containsExactly("exp-owner");
    assertThat(rest.getJsonArray("communities").getJsonObject(0).getString("membersNext")).isNull();

    JsonObject page2 = export(new JsonObject().put("org", "default").put("limit", 2).put("afterCommunityId", ids.get(1)));
    assertThat(page2.getJsonArray("communities")).hasSize(1);
    assertThat(page2.getString("next")).isNull();
    // another organisation's export holds none of them
    assertThat(export(new JsonObject().put("org", "elsewhere")).getJsonArray("communities")).isEmpty();
    assertThat(export(new JsonObject().put("org", "elsewhere").put("communityId", first)).getJsonArray("communities")).isEmpty();
  }

  @Test
  void badInputIsRefusedWith400() {
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("org", "default").put("limit", 0),
      new JsonObject().put("org", "default").put("memberLimit", "many"),
      new JsonObject().put("org", "default").put("afterCommunityId", "not-a-uuid"))) {
      assertThatThrownBy(() -> export(bad)).isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(400));
    }
  }
}
