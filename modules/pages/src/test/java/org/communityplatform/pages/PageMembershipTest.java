package org.communityplatform.pages;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.communityplatform.pages.PagesTestSupport.PAGES;
import static org.communityplatform.pages.PagesTestSupport.assertError;
import static org.communityplatform.pages.PagesTestSupport.create;
import static org.communityplatform.pages.PagesTestSupport.eventually;
import static org.communityplatform.pages.PagesTestSupport.field;
import static org.communityplatform.pages.PagesTestSupport.page;
import static org.communityplatform.pages.PagesTestSupport.token;

/** Joining, leaving, invitations, roles, ownership hand-over, the members list and pages.memberIds. */
class PageMembershipTest {

  @RegisterExtension
  static final PlatformExtension PLATFORM = PlatformExtension.create().bind(t -> p = t);
  static TestPlatform p;

  private static <T> MessageConsumer<JsonObject> collect(String address, List<JsonObject> into) {
    return p.platform().vertx().eventBus().consumer(address, m -> into.add(m.body()));
  }

  private static JsonObject members(String org, String pageId, String query) {
    Res r = p.get(PAGES + "/" + pageId + "/members" + query).org(org).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static long memberCount(String org, String pageId) {
    String owner = p.sql("SELECT owner_id FROM pages.pages WHERE id = $1::uuid", pageId).get(0).getString(0);
    return p.get(PAGES + "/" + pageId).org(org).bearer(token(p, org, owner)).send().json().getLong("memberCount");
  }

  @Test
  void joiningIsARequestAndJoiningTwiceChangesNothing() {
    String org = "join";
    String id = create(p, org, "owner", page("Joinable")).getString("id");
    List<JsonObject> joined = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c = collect("events.pages.member.joined", joined);
    try {
      Res first = p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "jo")).send();
      assertThat(first.status()).as(first.toString()).isEqualTo(201);
      assertThat(first.json().getString("userId")).isEqualTo("jo");
      assertThat(first.json().getString("role")).isEqualTo("member");
      assertThat(first.json().getString("source")).isEqualTo("request");
      assertThat(first.json().getValue("invitedBy")).isNull();
      Res again = p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "jo")).send();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().getString("joinedAt")).isEqualTo(first.json().getString("joinedAt"));
      assertThat(memberCount(org, id)).isEqualTo(2);
      eventually(() -> assertThat(joined).hasSize(1));
      assertThat(joined.get(0).getString("userId")).isEqualTo("jo");
      assertThat(joined.get(0).getString("pageId")).isEqualTo(id);
      assertThat(joined.get(0).getString("org")).isEqualTo(org);
    } finally {
      c.unregister();
    }
    assertError(p.post(PAGES + "/" + id + "/join").org(org).send(), 401);
    assertError(p.post(PAGES + "/" + java.util.UUID.randomUUID() + "/join").org(org).bearer(token(p, org, "jo")).send(), 404);
  }

  @Test
  void concurrentJoinsMakeOneMembershipEachAndAnExactCount() throws Exception {
    String org = "race";
    String id = create(p, org, "owner", page("Popular")).getString("id");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String user = "racer" + (i % 6);
        results.add(pool.submit(() -> p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, user)).send().status()));
      }
      int created = 0;
      for (Future<Integer> f : results) {
        int status = f.get();
        assertThat(status).isIn(200, 201);
        created += status == 201 ? 1 : 0;
      }
      assertThat(created).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
    assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(7);
    assertThat(memberCount(org, id)).isEqualTo(7);
    assertThat(members(org, id, "").getLong("total")).isEqualTo(7);
  }

  @Test
  void leavingEndsTheMembershipButTheOwnerMustHandOverFirst() {
    String org = "leave";
    String id = create(p, org, "olive", page("Leavable")).getString("id");
    String path = PAGES + "/" + id;
    p.post(path + "/join").org(org).bearer(token(p, org, "leo")).send();
    List<JsonObject> left = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c = collect("events.pages.member.left", left);
    try {
      Res r = p.post(path + "/leave").org(org).bearer(token(p, org, "leo")).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().getBoolean("left")).isTrue();
      assertThat(p.post(path + "/leave").org(org).bearer(token(p, org, "leo")).send().json().getBoolean("left")).isFalse();
      eventually(() -> assertThat(left).hasSize(1));
      assertThat(left.get(0).getString("userId")).isEqualTo("leo");
    } finally {
      c.unregister();
    }
    assertThat(memberCount(org, id)).isEqualTo(1);

    Res owner = p.post(path + "/leave").org(org).bearer(token(p, org, "olive")).send();
    assertError(owner, 409);
    assertThat(owner.errorCode()).isEqualTo("owner_must_transfer");

    // hand over, then leave
    p.post(path + "/join").org(org).bearer(token(p, org, "nina")).send();
    assertError(p.post(path + "/transfer").org(org).bearer(token(p, org, "nina")).json(new JsonObject().put("userId", "nina")).send(), 403);
    assertError(p.post(path + "/transfer").org(org).bearer(token(p, org, "olive")).json(new JsonObject().put("userId", "ghost")).send(), 404);
    assertError(p.post(path + "/transfer").org(org).bearer(token(p, org, "olive")).json(new JsonObject().put("userId", "olive")).send(), 409);
    assertError(p.post(path + "/transfer").org(org).bearer(token(p, org, "olive")).json(new JsonObject()).send(), 400);
    Res t = p.post(path + "/transfer").org(org).bearer(token(p, org, "olive")).json(new JsonObject().put("userId", "nina")).send();
    assertThat(t.status()).as(t.toString()).isEqualTo(200);
    assertThat(t.json().getString("owner")).isEqualTo("nina");
    assertThat(t.json().getString("ownerEmail")).isEqualTo("nina@example.org");
    assertThat(t.json().getString("role")).isEqualTo("admin");
    JsonArray rows = members(org, id, "").getJsonArray("data");
    // joining order: the list's key never changes while a member stays (issue 12)
    assertThat(field(rows, "userId")).containsExactly("olive", "nina");
    assertThat(field(rows, "role")).containsExactly("admin", "owner");
    assertThat(p.post(path + "/leave").org(org).bearer(token(p, org, "olive")).send().json().getBoolean("left")).isTrue();
    assertThat(field(members(org, id, "").getJsonArray("data"), "userId")).containsExactly("nina");
  }

  @Test
  void aPrivatePageRefusesJoinersWhoWereNotInvited() {
    String org = "closed";
    String id = create(p, org, "keeper", page("Closed Circle").put("visibility", "private")).getString("id");
    Res r = p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "crasher")).send();
    assertError(r, 403);
    assertThat(r.errorCode()).isEqualTo("invitation_required");
    assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(1);

    // invited by email: joining stays refused; the owner of the VERIFIED address accepts the invitation
    Res inv = p.post(PAGES + "/" + id + "/invite").org(org).bearer(token(p, org, "keeper"))
      .json(new JsonObject().put("email", "Guest@Example.org")).send();
    assertThat(inv.status()).as(inv.toString()).isEqualTo(201);
    String guest = p.token("guest", new JsonObject().put("email", "guest@example.org").put("org", org));
    assertThat(p.post(PAGES + "/" + id + "/join").org(org).bearer(guest).send().errorCode()).isEqualTo("invitation_required");
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "guest", "guest@example.org");
      Res join = p.post(PAGES + "/" + id + "/invitations/" + inv.json().getString("id") + "/accept").org(org).bearer(guest).send();
      assertThat(join.status()).as(join.toString()).isEqualTo(201);
      assertThat(join.json().getString("source")).isEqualTo("invitation");
      assertThat(join.json().getString("invitedBy")).isEqualTo("keeper");
    }
    assertThat(p.get(PAGES + "/" + id).org(org).bearer(token(p, org, "guest")).send().status()).isEqualTo(200);
    assertThat(memberCount(org, id)).isEqualTo(2);
  }

  @Test
  void anInvitationWaitsForAVerifiedAddressAndTheInviteeAcceptsIt() {
    String org = "invite";
    String id = create(p, org, "ivy", page("Inviting")).getString("id");
    String path = PAGES + "/" + id;
    List<JsonObject> invited = new CopyOnWriteArrayList<>();
    List<JsonObject> joined = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> c1 = collect("events.pages.member.invited", invited);
    MessageConsumer<JsonObject> c2 = collect("events.pages.member.joined", joined);
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      Res r = p.post(path + "/invite").org(org).bearer(token(p, org, "ivy")).json(new JsonObject().put("email", "NewPerson@Example.org")).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      JsonObject inv = r.json();
      assertThat(inv.getString("email")).isEqualTo("newperson@example.org");
      assertThat(inv.getString("status")).isEqualTo("pending");
      assertThat(inv.getString("source")).isEqualTo("invitation");
      assertThat(inv.getString("invitedBy")).isEqualTo("ivy");
      assertThat(inv.getValue("userId")).isNull();
      // inviting again is harmless
      Res again = p.post(path + "/invite").org(org).bearer(token(p, org, "ivy")).json(new JsonObject().put("email", "newperson@example.org")).send();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().getString("id")).isEqualTo(inv.getString("id"));
      assertThat(p.sql("SELECT count(*) FROM pages.invitations WHERE page_id = $1::uuid AND status = 'open'", id).get(0).getLong(0))
        .isEqualTo(1);
      // an invitation mail is queued
      var mail = p.sql("SELECT recipient, link FROM platform.outbox WHERE org = $1 AND kind = 'page-invitation'", org);
      assertThat(mail).hasSize(1);
      assertThat(mail.get(0).getString("recipient")).isEqualTo("newperson@example.org");
      assertThat(mail.get(0).getString("link")).endsWith("/client/community/pages/" + id);
      // a waiting invitation is not (yet) a member
      assertThat(members(org, id, "").getLong("total")).isEqualTo(1);
      eventually(() -> assertThat(invited).hasSize(1));
      assertThat(invited.get(0).getString("email")).isEqualTo("newperson@example.org");
      assertThat(invited.get(0).getString("invitedBy")).isEqualTo("ivy");

      // signing up is not enough: nothing attaches to an unverified address
      p.platform().vertx().eventBus().publish("events.profiles.user.created", new JsonObject().put("org", org)
        .put("userId", "newbie").put("email", "NEWPERSON@example.org").put("idTag", "newbie").put("name", "New Person"));
      accounts.registered(org, "newbie", "NEWPERSON@example.org");
      assertThat(p.get(PAGES + "/invitations/mine").org(org).bearer(token(p, org, "newbie")).send().json().getLong("total")).isZero();
      Res early = p.post(path + "/invitations/" + inv.getString("id") + "/accept").org(org).bearer(token(p, org, "newbie")).send();
      assertError(early, 403);
      assertThat(early.errorCode()).isEqualTo("email_not_verified");

      // the address is verified: the invitation is theirs to accept
      accounts.verify(org, "newbie", "NEWPERSON@example.org");
      eventually(() -> assertThat(p.sql("SELECT invitee_id FROM pages.invitations WHERE page_id = $1::uuid", id).get(0)
        .getString(0)).isEqualTo("newbie"));
      JsonObject mine = p.get(PAGES + "/invitations/mine").org(org).bearer(token(p, org, "newbie")).send().json();
      assertThat(field(mine.getJsonArray("data"), "id")).containsExactly(inv.getString("id"));
      assertThat(mine.getJsonArray("data").getJsonObject(0).getString("pageName")).isEqualTo("Inviting");
      Res accepted = p.post(path + "/invitations/" + inv.getString("id") + "/accept").org(org).bearer(token(p, org, "newbie")).send();
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
      assertThat(members(org, id, "").getLong("total")).isEqualTo(2);
      JsonObject m = members(org, id, "?role=member").getJsonArray("data").getJsonObject(0);
      assertThat(m.getString("userId")).isEqualTo("newbie");
      assertThat(m.getString("source")).isEqualTo("invitation");
      assertThat(m.getString("invitedBy")).isEqualTo("ivy");
      assertThat(m.getString("joinedAt")).isNotBlank();
      assertThat(m.containsKey("email")).isFalse();
      eventually(() -> assertThat(joined).extracting(j -> j.getString("userId")).containsExactly("newbie"));
      assertThat(field(p.get(PAGES + "/mine").org(org).bearer(token(p, org, "newbie")).send().json().getJsonArray("data"), "id"))
        .containsExactly(id);
      // used up: a second accept is refused
      assertThat(p.post(path + "/invitations/" + inv.getString("id") + "/accept").org(org).bearer(token(p, org, "newbie")).send()
        .errorCode()).isEqualTo("invitation_closed");

      // a verification in another organisation does not take invitations of this one
      p.post(path + "/invite").org(org).bearer(token(p, org, "ivy")).json(new JsonObject().put("email", "elsewhere@example.org")).send();
      accounts.verify("other-org", "stranger", "elsewhere@example.org");
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertThat(p.sql("SELECT count(*) FROM pages.invitations WHERE page_id = $1::uuid AND invitee_id IS NULL "
        + "AND status = 'open'", id).get(0).getLong(0)).isEqualTo(1);
    } finally {
      c1.unregister();
      c2.unregister();
    }
  }

  @Test
  void onlyMembersInviteAndTheEmailMustBeValid() {
    String org = "invite-rules";
    String id = create(p, org, "ursula", page("Rules")).getString("id");
    String path = PAGES + "/" + id + "/invite";
    assertError(p.post(path).org(org).bearer(token(p, org, "outsider")).json(new JsonObject().put("email", "a@example.org")).send(), 403);
    assertError(p.post(path).org(org).json(new JsonObject().put("email", "a@example.org")).send(), 401);
    assertError(p.post(path).org(org).bearer(token(p, org, "ursula")).json(new JsonObject().put("email", "not-an-email")).send(), 400);
    assertError(p.post(path).org(org).bearer(token(p, org, "ursula")).json(new JsonObject().put("email", "a@b")).send(), 400);
    assertError(p.post(path).org(org).bearer(token(p, org, "ursula")).json(new JsonObject()).send(), 400);
    assertError(p.post(path).org(org).bearer(token(p, org, "ursula"))
      .json(new JsonObject().put("email", "a@example.org").put("role", "owner")).send(), 400);
    assertThat(p.sql("SELECT count(*) FROM pages.members WHERE page_id = $1::uuid", id).get(0).getLong(0)).isEqualTo(1);
    // a plain member may invite; inviting oneself answers the existing membership
    p.post(PAGES + "/" + id + "/join").org(org).bearer(token(p, org, "member1")).send();
    assertThat(p.post(path).org(org).bearer(token(p, org, "member1")).json(new JsonObject().put("email", "friend@example.org"))
      .send().status()).isEqualTo(201);
    Res self = p.post(path).org(org).bearer(token(p, org, "member1")).json(new JsonObject().put("email", "member1@example.org")).send();
    assertThat(self.status()).isEqualTo(200);
    assertThat(self.json().getString("status")).isEqualTo("member");
    assertThat(self.json().getString("source")).isEqualTo("request");
  }

  @Test
  void anInviteeWithAnAccountGetsAPendingInvitationAndNoMembershipUntilTheyAccept() {
    String org = "known";
    String id = create(p, org, "host", page("Known people")).getString("id");
    try (FakeAccounts accounts = new FakeAccounts(p)) {
      accounts.verify(org, "known-user", "known@example.org");
      Res r = p.post(PAGES + "/" + id + "/invite").org(org).bearer(token(p, org, "host"))
        .json(new JsonObject().put("email", "known@example.org")).send();
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().getString("status")).isEqualTo("pending");
      assertThat(members(org, id, "").getLong("total")).isEqualTo(1);
      Res accepted = p.post(PAGES + "/" + id + "/invitations/" + r.json().getString("id") + "/accept").org(org)
        .bearer(token(p, org, "known-user")).send();
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
      JsonObject m = members(org, id, "?role=member").getJsonArray("data").getJsonObject(0);
      assertThat(m.getString("userId")).isEqualTo("known-user");
      assertThat(m.getString("source")).isEqualTo("invitation");
      assertThat(m.getString("invitedBy")).isEqualTo("host");
      // someone else cannot take or decline it
      Res other = p.post(PAGES + "/" + id + "/invite").org(org).bearer(token(p, org, "host"))
        .json(new JsonObject().put("email", "other@example.org")).send();
      assertError(p.post(PAGES + "/" + id + "/invitations/" + other.json().getString("id") + "/decline").org(org)
        .bearer(token(p, org, "known-user")).send(), 404);
    }
  }

  @Test
  void membersListFiltersPagesAndCarriesProfilesFromOneLookupPerPage() {
    String org = "members";
    String id = create(p, org, "boss", page("Crowded")).getString("id");
    String path = PAGES + "/" + id;
    for (int i = 1; i <= 5; i++) {
      p.post(path + "/join").org(org).bearer(token(p, org, "m" + i)).send();
    }
    p.patch(path + "/members/m4").org(org).bearer(token(p, org, "boss")).json(new JsonObject().put("role", "admin")).send();

    // without a profiles module: profile is null, nothing fails
    JsonObject all = members(org, id, "");
    assertThat(all.getLong("total")).isEqualTo(6);
    // joining order (issue 12: a key that a role change does not move)
    assertThat(field(all.getJsonArray("data"), "userId")).containsExactly("boss", "m1", "m2", "m3", "m4", "m5");
    assertThat(field(all.getJsonArray("data"), "role")).containsExactly("owner", "member", "member", "member", "admin", "member");
    all.getJsonArray("data").forEach(o -> {
      JsonObject row = (JsonObject) o;
      assertThat(row.containsKey("profile")).isTrue();
      assertThat(row.getValue("profile")).isNull();
    });
    JsonObject onlyMembers = members(org, id, "?role=member&limit=2&page=2");
    assertThat(onlyMembers.getLong("total")).isEqualTo(4);
    assertThat(field(onlyMembers.getJsonArray("data"), "userId")).containsExactly("m3", "m5");
    JsonObject firstTwo = members(org, id, "?limit=2");
    JsonObject nextTwo = members(org, id, "?limit=2&cursor=" + firstTwo.getString("nextCursor"));
    assertThat(field(nextTwo.getJsonArray("data"), "userId")).containsExactly("m2", "m3");
    assertError(p.get(path + "/members?role=boss").org(org).send(), 400);
    assertError(p.get(path + "/members?cursor=" + p.get(PAGES + "?limit=1").org(org).send().json().getString("nextCursor"))
      .org(org).send(), 400);

    // with one: every row gets its profile, with a single lookup for the page of rows
    List<JsonObject> lookups = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> profiles = p.platform().vertx().eventBus().consumer("profiles.lookup", m -> {
      lookups.add(m.body());
      JsonObject found = new JsonObject();
      m.body().getJsonArray("ids").forEach(uid -> {
        if (!"m5".equals(uid)) {
          found.put((String) uid, new JsonObject().put("userId", uid).put("displayName", "User " + uid));
        }
      });
      m.reply(new JsonObject().put("profiles", found));
    });
    try {
      eventually(() -> assertThat(profiles.isRegistered()).isTrue());
      JsonArray rows = members(org, id, "").getJsonArray("data");
      assertThat(lookups).hasSize(1);
      assertThat(lookups.get(0).getString("org")).isEqualTo(org);
      assertThat(lookups.get(0).getJsonArray("ids")).hasSize(6);
      assertThat(rows.getJsonObject(0).getJsonObject("profile").getString("displayName")).isEqualTo("User boss");
      assertThat(rows.getJsonObject(5).getString("userId")).isEqualTo("m5");
      assertThat(rows.getJsonObject(5).getValue("profile")).isNull();
    } finally {
      profiles.unregister();
    }
  }

  @Test
  void rolesChangeOnlyByTheOwnerAndRemovalFollowsRank() {
    String org = "roles";
    String id = create(p, org, "queen", page("Court")).getString("id");
    String path = PAGES + "/" + id;
    for (String u : new String[] {"knight", "pawn", "rook"}) {
      p.post(path + "/join").org(org).bearer(token(p, org, u)).send();
    }
    assertError(p.patch(path + "/members/pawn").org(org).bearer(token(p, org, "knight")).json(new JsonObject().put("role", "admin")).send(), 403);
    Res promote = p.patch(path + "/members/knight").org(org).bearer(token(p, org, "queen")).json(new JsonObject().put("role", "admin")).send();
    assertThat(promote.status()).as(promote.toString()).isEqualTo(200);
    assertThat(promote.json().getString("role")).isEqualTo("admin");
    assertError(p.patch(path + "/members/queen").org(org).bearer(token(p, org, "queen")).json(new JsonObject().put("role", "member")).send(), 409);
    assertError(p.patch(path + "/members/ghost").org(org).bearer(token(p, org, "queen")).json(new JsonObject().put("role", "admin")).send(), 404);
    assertError(p.patch(path + "/members/pawn").org(org).bearer(token(p, org, "queen")).json(new JsonObject().put("role", "owner")).send(), 400);

    // an admin removes a member, not the owner; a member removes nobody else
    assertError(p.delete(path + "/members/rook").org(org).bearer(token(p, org, "pawn")).send(), 403);
    assertThat(p.delete(path + "/members/pawn").org(org).bearer(token(p, org, "knight")).send().status()).isEqualTo(200);
    assertError(p.delete(path + "/members/queen").org(org).bearer(token(p, org, "knight")).send(), 409);
    assertError(p.delete(path + "/members/pawn").org(org).bearer(token(p, org, "knight")).send(), 404);
    assertThat(p.delete(path + "/members/knight").org(org).bearer(token(p, org, "queen")).send().status()).isEqualTo(200);
    assertThat(field(members(org, id, "").getJsonArray("data"), "userId")).containsExactly("queen", "rook");
    assertThat(memberCount(org, id)).isEqualTo(2);
  }

  @Test
  void memberIdsAnswersThePeopleSearchOfTheProfilesModule() {
    String org = "ids";
    String open = create(p, org, "lead", page("Open")).getString("id");
    String closed = create(p, org, "lead", page("Closed").put("visibility", "private")).getString("id");
    p.post(PAGES + "/" + open + "/join").org(org).bearer(token(p, org, "fan")).send();

    JsonObject r = ask(new JsonObject().put("org", org).put("pageId", open).put("limit", 10));
    assertThat(r.getBoolean("exists")).isTrue();
    assertThat(r.getJsonArray("userIds")).containsExactly("lead", "fan");
    assertThat(ask(new JsonObject().put("org", org).put("pageId", open).put("limit", 1)).getJsonArray("userIds"))
      .containsExactly("lead");
    // other organisation, unknown page, nonsense: no such page
    assertThat(ask(new JsonObject().put("org", "else").put("pageId", open)).getBoolean("exists")).isFalse();
    assertThat(ask(new JsonObject().put("org", org).put("pageId", java.util.UUID.randomUUID().toString())).getBoolean("exists")).isFalse();
    assertThat(ask(new JsonObject().put("org", org).put("pageId", "nope")).getBoolean("exists")).isFalse();
    assertThat(ask(new JsonObject()).getBoolean("exists")).isFalse();
    // a private page's members only for one of its members
    assertThat(ask(new JsonObject().put("org", org).put("pageId", closed)).getBoolean("exists")).isFalse();
    assertThat(ask(new JsonObject().put("org", org).put("pageId", closed).put("viewerId", "lead")).getJsonArray("userIds"))
      .containsExactly("lead");
  }

  private static JsonObject ask(JsonObject request) {
    return TestPlatform.await(p.platform().vertx().eventBus().<JsonObject>request("pages.memberIds", request)).body();
  }
}
