package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiVerticle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The internal address {@code communities.export}: the current state of an organisation's communities
 * for integrations that must catch up with it (the Stream Chat backfill of the chatsync module).
 *
 * <p>Request {@code {org, afterCommunityId?, limit? (1-100, 20), communityId?, afterUserId?,
 * memberLimit? (1-5000, 1000)}}. Reply {@code {communities: [{id, name, createdBy, memberIds,
 * membersNext, groups: [{id, name, createdBy, memberIds}]}], next}}: communities in id order after
 * {@code afterCommunityId}; {@code next} is the id to continue after, null at the end. With
 * {@code communityId}, only that community (an empty list when it does not exist in the organisation).
 * Member ids come in user id order, at most {@code memberLimit}; {@code membersNext} (else null) is the
 * {@code afterUserId} of the next slice, asked with {@code communityId} (that answer has no groups).
 * Bad ids or numbers are answered 400.
 */
final class ExportOps {

  static final String ADDRESS = "communities.export";

  private final ExportStore store;

  ExportOps(ExportStore store) {
    this.store = store;
  }

  /** Registers one internal address (the verticle's {@code internal}). */
  interface Registrar {
    void internal(String address, ApiVerticle.Internal handler);
  }

  /** Registers {@value #ADDRESS}. */
  void register(Registrar r) {
    r.internal(ADDRESS, this::export);
  }

  Future<JsonObject> export(JsonObject msg) {
    String org = msg.getString("org");
    if (org == null || org.isBlank()) {
      throw ApiError.badRequest("org is required");
    }
    int limit = bounded(msg, "limit", 20, 100);
    int memberLimit = bounded(msg, "memberLimit", 1000, 5000);
    UUID single = uuid(msg, "communityId");
    String afterUser = msg.getValue("afterUserId") instanceof String ? msg.getString("afterUserId") : null;
    Future<List<Row>> page = single != null ? store.community(org, single)
      : store.communities(org, uuid(msg, "afterCommunityId"), limit);
    return page.compose(rows -> {
      Map<UUID, JsonObject> byId = new LinkedHashMap<>();
      List<Future<?>> members = new ArrayList<>();
      for (Row r : rows) {
        UUID id = r.getUUID("id");
        JsonObject c = new JsonObject().put("id", id.toString()).put("name", r.getString("name"))
          .put("createdBy", r.getString("created_by")).put("groups", new JsonArray());
        byId.put(id, c);
        members.add(store.memberIds(id, afterUser, memberLimit + 1).map(ids -> {
          boolean more = ids.size() > memberLimit;
          List<String> slice = more ? ids.subList(0, memberLimit) : ids;
          return c.put("memberIds", new JsonArray(new ArrayList<>(slice)))
            .put("membersNext", more ? slice.get(slice.size() - 1) : null);
        }));
      }
      Future<?> groups = afterUser != null || byId.isEmpty() ? Future.succeededFuture()
        : store.groups(new ArrayList<>(byId.keySet()), memberLimit).map(gs -> {
          for (Row g : gs) {
            String[] ids = g.getArrayOfStrings("member_ids");
            byId.get(g.getUUID("community_id")).getJsonArray("groups").add(new JsonObject()
              .put("id", g.getUUID("id").toString()).put("name", g.getString("name"))
              .put("createdBy", g.getString("created_by"))
              .put("memberIds", new JsonArray(ids == null ? List.of() : List.of(ids))));
          }
          return null;
        });
      members.add(groups);
      return Future.all(members).map(x -> {
        JsonArray list = new JsonArray(new ArrayList<>(byId.values()));
        boolean full = single == null && rows.size() == limit;
        return new JsonObject().put("communities", list)
          .put("next", full ? rows.get(rows.size() - 1).getUUID("id").toString() : null);
      });
    });
  }

  private static int bounded(JsonObject msg, String key, int def, int max) {
    Object v = msg.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number) || ((Number) v).intValue() < 1 || ((Number) v).intValue() > max) {
      throw ApiError.badRequest(key + " must be a number from 1 to " + max);
    }
    return ((Number) v).intValue();
  }

  private static UUID uuid(JsonObject msg, String key) {
    Object v = msg.getValue(key);
    if (v == null) {
      return null;
    }
    try {
      return UUID.fromString(String.valueOf(v));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(key + " must be a UUID");
    }
  }
}
