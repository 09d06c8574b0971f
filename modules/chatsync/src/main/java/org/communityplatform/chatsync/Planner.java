package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns changes into steps for Stream, inside the caller's transaction (under the planning lock): it
 * compares each change with the planned state (channels and members in {@code chatsync}), records the
 * new state, and queues only the steps that move Stream there, so an event read twice or a backfill run
 * twice queues nothing more.
 *
 * <p>The mapping follows the community-cloud document: a community and each group has a channel
 * ({@code type}/{@code <prefix><id>}), created with its creator; community members are members of the
 * community channel (unless {@code modules.chatsync.communityMembers} is false), group members of the
 * group channel; a member leaving, removed or banned from a community also leaves its group channels;
 * a rename renames, a deletion deletes (a community's deletion deletes its groups' channels too).
 * Users are upserted in the same queue before they become members.
 */
final class Planner {

  /** The event types the sync reads (docs/EVENTS.md); others are skipped by the reader's query. */
  static final String[] TYPES = {
    "community.created", "community.updated", "community.deleted",
    "community.member.joined", "community.member.left", "community.member.removed", "community.member.banned",
    "group.created", "group.updated", "group.deleted", "group.member.added", "group.member.removed",
    "profile.updated",
  };

  private final SyncStore store;
  private final Settings settings;

  Planner(SyncStore store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** Plans one event row of {@code platform.events} (id, org, type, actor, subject, data). */
  Future<Void> plan(SqlClient tx, Row event, OffsetDateTime now) {
    long id = event.getLong("id");
    String org = event.getString("org");
    String type = event.getString("type");
    String actor = event.getString("actor");
    JsonObject subject = json(event.getValue("subject"));
    JsonObject data = json(event.getValue("data"));
    Batch b = new Batch(tx, org, id, now);
    String communityId = subject.getString("communityId");
    String groupId = subject.getString("groupId");
    String userId = subject.getString("userId");
    switch (type) {
      case "community.created": {
        String creator = creator(data, actor);
        List<String> members = creator != null && settings.communityMembers ? List.of(creator) : List.of();
        return communityId == null ? done() : ensure(b, "community", communityId, null, data.getString("name"),
          creator, members).mapEmpty();
      }
      case "community.updated":
        return communityId == null || !renamed(data) ? done()
          : rename(b, "community", communityId, null, data.getString("name"));
      case "community.deleted":
        return communityId == null ? done() : store.groupChannels(tx, communityId)
          .compose(groups -> each(groups, ch -> delete(b, ch, "group", communityId, null)))
          .compose(x -> delete(b, settings.communityChannel(communityId), "community", communityId, null));
      case "community.member.joined":
        if (communityId == null || userId == null) {
          return done();
        }
        return ensure(b, "community", communityId, null, null, null, List.of())
          .compose(live -> live && settings.communityMembers
            ? addMembers(b, settings.communityChannel(communityId), List.of(userId)) : done());
      case "community.member.left":
      case "community.member.removed":
      case "community.member.banned":
        if (communityId == null || userId == null) {
          return done();
        }
        return removeMembers(b, settings.communityChannel(communityId), List.of(userId))
          .compose(x -> store.groupChannelsOf(tx, communityId, userId))
          .compose(groups -> each(groups, ch -> removeMembers(b, ch, List.of(userId))));
      case "group.created": {
        if (communityId == null || groupId == null) {
          return done();
        }
        String creator = creator(data, actor);
        return ensure(b, "group", communityId, groupId, data.getString("name"), creator,
          creator == null ? List.of() : List.of(creator)).mapEmpty();
      }
      case "group.updated":
        return communityId == null || groupId == null || !renamed(data) ? done()
          : rename(b, "group", communityId, groupId, data.getString("name"));
      case "group.deleted":
        return groupId == null ? done() : delete(b, settings.groupChannel(groupId), "group", communityId, groupId);
      case "group.member.added":
        if (communityId == null || groupId == null || userId == null) {
          return done();
        }
        return ensure(b, "group", communityId, groupId, null, null, List.of())
          .compose(live -> live ? addMembers(b, settings.groupChannel(groupId), List.of(userId)) : done());
      case "group.member.removed":
        return groupId == null || userId == null ? done()
          : removeMembers(b, settings.groupChannel(groupId), List.of(userId));
      case "profile.updated":
        // a member's new display name reaches Stream; users never synced are left alone
        return userId == null ? done() : store.knownUser(tx, userId).compose(known -> known
          ? b.step("user:" + userId, null, "upsert_users", new JsonObject().put("userIds", new JsonArray().add(userId)))
          : done());
      default:
        return done();
    }
  }

  /**
   * Plans a community as it is now (from {@code communities.export}): its channel, its groups' channels,
   * and members missing from the planned state. Used by the backfill; {@code counts} gains groups.
   */
  Future<Void> planExisting(SqlClient tx, String org, JsonObject community, OffsetDateTime now) {
    Batch b = new Batch(tx, org, null, now);
    String cid = community.getString("id");
    List<String> members = strings(community.getJsonArray("memberIds"));
    Future<Void> f = ensure(b, "community", cid, null, community.getString("name"), community.getString("createdBy"),
      List.of()).compose(live -> live && settings.communityMembers
        ? addMembers(b, settings.communityChannel(cid), members) : done());
    for (Object o : community.getJsonArray("groups", new JsonArray())) {
      JsonObject g = (JsonObject) o;
      String gid = g.getString("id");
      f = f.compose(x -> ensure(b, "group", cid, gid, g.getString("name"), g.getString("createdBy"), List.of()))
        .compose(live -> live ? addMembers(b, settings.groupChannel(gid), strings(g.getJsonArray("memberIds"))) : done());
    }
    return f;
  }

  /** Plans more members of a community channel (a later slice of a large community's members). */
  Future<Void> planMoreMembers(SqlClient tx, String org, String communityId, List<String> members, OffsetDateTime now) {
    if (!settings.communityMembers) {
      return done();
    }
    return addMembers(new Batch(tx, org, null, now), settings.communityChannel(communityId), members);
  }

  // ---- building blocks ----------------------------------------------------------------------------

  /**
   * Makes sure a channel is planned: a new one is recorded with its members and queued as upsert +
   * create (name and creator unknown here are looked up when the step runs). Gives false when the
   * channel was deleted: nothing more may be planned for it.
   */
  private Future<Boolean> ensure(Batch b, String kind, String communityId, String groupId, String name, String creator,
                                 List<String> members) {
    String channel = kind.equals("group") ? settings.groupChannel(groupId) : settings.communityChannel(communityId);
    return store.channel(b.tx, channel).compose(row -> {
      if (row != null) {
        return Future.succeededFuture(!row.getBoolean("deleted"));
      }
      JsonObject payload = new JsonObject().put("kind", kind).put("communityId", communityId).put("groupId", groupId)
        .put("name", name).put("createdBy", creator).put("members", new JsonArray(new ArrayList<>(members)));
      Set<String> users = new LinkedHashSet<>();
      if (creator != null) {
        users.add(creator);
      }
      users.addAll(members);
      return store.insertChannel(b.tx, channel, b.org, kind, communityId, groupId, name, false, b.now)
        .compose(x -> members.isEmpty() ? done() : store.addMembers(b.tx, channel, members).mapEmpty())
        .compose(x -> users.isEmpty() ? done()
          : b.step(channel, settings.channelType, "upsert_users", new JsonObject().put("userIds", new JsonArray(new ArrayList<>(users)))))
        .compose(x -> b.step(channel, settings.channelType, "create_channel", payload))
        .map(true);
    });
  }

  private Future<Void> addMembers(Batch b, String channel, List<String> users) {
    if (users.isEmpty()) {
      return done();
    }
    return store.addMembers(b.tx, channel, users).compose(added -> added.isEmpty() ? done()
      : b.step(channel, settings.channelType, "upsert_users", new JsonObject().put("userIds", new JsonArray(new ArrayList<>(added))))
        .compose(x -> b.step(channel, settings.channelType, "add_members",
          new JsonObject().put("userIds", new JsonArray(new ArrayList<>(added))))));
  }

  private Future<Void> removeMembers(Batch b, String channel, List<String> users) {
    return store.channel(b.tx, channel).compose(row -> row == null || row.getBoolean("deleted") ? done()
      : store.removeMembers(b.tx, channel, users).compose(removed -> removed.isEmpty() ? done()
        : b.step(channel, settings.channelType, "remove_members",
          new JsonObject().put("userIds", new JsonArray(new ArrayList<>(removed))))));
  }

  /** A rename: queued when the new name differs from the planned one, or is unknown (looked up when run). */
  private Future<Void> rename(Batch b, String kind, String communityId, String groupId, String name) {
    String channel = kind.equals("group") ? settings.groupChannel(groupId) : settings.communityChannel(communityId);
    return store.channel(b.tx, channel).compose(row -> {
      if (row == null) {
        // a channel the sync never planned (made before it was switched on): create it, named as it is now
        return ensure(b, kind, communityId, groupId, name, null, List.of()).mapEmpty();
      }
      if (row.getBoolean("deleted") || (name != null && name.equals(row.getString("name")))) {
        return done();
      }
      return (name == null ? done() : store.renameChannel(b.tx, channel, name))
        .compose(x -> b.step(channel, settings.channelType, "rename_channel", new JsonObject().put("kind", kind)
          .put("communityId", communityId).put("groupId", groupId).put("name", name)));
    });
  }

  private Future<Void> delete(Batch b, String channel, String kind, String communityId, String groupId) {
    return store.channel(b.tx, channel).compose(row -> {
      if (row != null && row.getBoolean("deleted")) {
        return done();
      }
      // a channel never planned may still exist at Stream (made before the sync ran): delete it anyway,
      // and remember it as deleted so that a late event cannot bring it back
      Future<Void> mark = row == null
        ? store.insertChannel(b.tx, channel, b.org, kind, communityId == null ? "" : communityId, groupId, null, true, b.now)
        : store.markDeleted(b.tx, channel);
      return mark.compose(x -> b.step(channel, settings.channelType, "delete_channel", new JsonObject()));
    });
  }

  /** Whether an update event may have changed the name: its data names it, or does not say what changed. */
  private static boolean renamed(JsonObject data) {
    if (data.getValue("name") instanceof String) {
      return true;
    }
    JsonArray fields = data.getValue("fields") instanceof JsonArray ? data.getJsonArray("fields") : null;
    return fields == null || fields.contains("name");
  }

  /** The creator named by the event: the owner in its data, else the acting user (never an API token). */
  private static String creator(JsonObject data, String actor) {
    for (String key : new String[] {"ownerId", "createdBy"}) {
      if (data.getValue(key) instanceof String && !data.getString(key).isBlank()) {
        return data.getString(key);
      }
    }
    return actor == null || actor.startsWith("api-token:") ? null : actor;
  }

  private static JsonObject json(Object v) {
    return v instanceof JsonObject ? (JsonObject) v : v instanceof String ? new JsonObject((String) v) : new JsonObject();
  }

  private static List<String> strings(JsonArray a) {
    List<String> list = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> {
        if (o instanceof String) {
          list.add((String) o);
        }
      });
    }
    return list;
  }

  private static Future<Void> each(List<String> items, java.util.function.Function<String, Future<Void>> f) {
    Future<Void> chain = done();
    for (String item : items) {
      chain = chain.compose(x -> f.apply(item));
    }
    return chain;
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }

  /** What the steps of one change share: the transaction, organisation, source event and time. */
  private final class Batch {
    final SqlClient tx;
    final String org;
    final Long eventId;
    final OffsetDateTime now;

    Batch(SqlClient tx, String org, Long eventId, OffsetDateTime now) {
      this.tx = tx;
      this.org = org;
      this.eventId = eventId;
      this.now = now;
    }

    Future<Void> step(String queue, String channelType, String kind, JsonObject payload) {
      return store.insertStep(tx, org, queue, channelType, kind, payload, eventId, now);
    }
  }
}
