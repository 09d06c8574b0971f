package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The internal address {@code communities.membership} {org, communityId, userId} → {exists, isPrivate,
 * member, role} (docs/MODULES.md), as the events module's visibility rule and moderation ask it: the
 * answer follows joins, role changes and leaves, and knows nothing across organisations.
 */
class MembershipAddressTest {

  @RegisterExtension
  static final Fixture.PerClass P = Fixture.perClass();

  private static JsonObject ask(String org, Object communityId, String userId) {
    JsonObject msg = new JsonObject().put("org", org).put("communityId", communityId).put("userId", userId);
    return TestPlatform.await(Fixture.platform().platform().vertx().eventBus()
      .<JsonObject>request("communities.membership", msg)).body();
  }

  @Test
  void answersTheRoleOfAMemberAndFollowsChanges() {
    String org = Fixture.org();
    String open = Fixture.community(org, "owner", false);
    String closed = Fixture.community(org, "owner", true);

    JsonObject stranger = ask(org, open, "walker");
    assertThat(stranger.getBoolean("exists")).isTrue();
    assertThat(stranger.getBoolean("isPrivate")).isFalse();
    assertThat(stranger.getBoolean("member")).isFalse();
    assertThat(stranger.getString("role")).isNull();

    JsonObject owner = ask(org, closed, "owner");
    assertThat(owner.getBoolean("exists")).isTrue();
    assertThat(owner.getBoolean("isPrivate")).isTrue();
    assertThat(owner.getBoolean("member")).isTrue();
    assertThat(owner.getString("role")).isEqualTo("owner");

    Fixture.joined(org, open, "owner", "walker", "moderator");
    JsonObject moderator = ask(org, open, "walker");
    assertThat(moderator.getBoolean("member")).isTrue();
    assertThat(moderator.getString("role")).isEqualTo("moderator");

    assertThat(Fixture.delete(org, "walker", "/api/communities/" + open + "/members")
      .json(new JsonObject().put("targetUserId", "walker")).send().status()).isEqualTo(200);
    JsonObject left = ask(org, open, "walker");
    assertThat(left.getBoolean("member")).isFalse();
    assertThat(left.getString("role")).isNull();
  }

  @Test
  void anUnknownCommunityAnotherOrganisationOrABadIdDoesNotExist() {
    String org = Fixture.org();
    String c = Fixture.community(org, "owner", true);
    for (JsonObject answer : new JsonObject[] {ask(Fixture.org(), c, "owner"), ask(org, UUID.randomUUID().toString(), "owner"),
      ask(org, "not-a-uuid", "owner"), ask(org, null, "owner")}) {
      assertThat(answer.getBoolean("exists")).as(answer.encode()).isFalse();
      assertThat(answer.getBoolean("member")).isFalse();
      assertThat(answer.containsKey("isPrivate")).isFalse();
      assertThat(answer.getString("role")).isNull();
    }
  }
}
