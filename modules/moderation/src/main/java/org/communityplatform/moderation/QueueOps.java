package org.communityplatform.moderation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.core.paging.Paging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The moderation queue of a community or page: its targets with open reports, the target first reported
 * longest ago first, with counts per target and per reason. Community owners, admins and moderators;
 * page owners and admins (403 for other members, 404 for outsiders of a private place).
 */
final class QueueOps {

  private static final String CURSOR = "reports";
  private static final Set<String> TYPES = Set.of(Target.POST, Target.PAGE_POST, Target.MEMBER);

  private final Env env;

  QueueOps(Env env) {
    this.env = env;
  }

  void register(Env.Registry r) {
    r.op("listCommunityReports", req -> queue(req, Place.COMMUNITY, req.pathParam("communityId")));
    r.op("listPageReports", req -> queue(req, Place.PAGE, req.pathParam("pageId")));
  }

  private Future<ApiReply> queue(ApiRequest req, String type, String placeId) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = ApiRequest.uuidOr404(placeId, type);
    Paging paging = Paging.of(req, 20, env.settings.queueMaxLimit);
    Object[] after = after(paging.cursor());
    return env.places.membership(org, type, id, me).compose(place -> {
      if (!place.exists() || place.hidden() && !place.member()) {
        throw ApiError.notFound(type + " not found");
      }
      if (!place.canModerate()) {
        throw ApiError.forbidden("only the " + type + "'s moderators see its reports");
      }
      return Future.all(env.store.queue(org, type, id, after, paging.fetch(), paging.offset()),
        env.store.queueTotal(org, type, id));
    }).map(all -> {
      JsonArray data = new JsonArray();
      String next = null;
      int n = 0;
      for (Row r : all.<io.vertx.sqlclient.RowSet<Row>>resultAt(0)) {
        if (n++ == paging.limit()) {
          break;
        }
        data.add(Views.queueItem(r));
        if (n == paging.limit()) {
          next = KeysetCursor.encode(CURSOR, r.getOffsetDateTime("first_at").toInstant(), r.getString("target_type"),
            r.getString("target_id"));
        }
      }
      if (n <= paging.limit()) {
        next = null;
      }
      return ApiReply.ok(paging.result(data, all.<Long>resultAt(1), next));
    });
  }

  /** The keyset of a cursor: {first report time, target type, target id}; 400 {@code invalid_cursor} otherwise. */
  private static Object[] after(String cursor) {
    List<String> parts = KeysetCursor.decode(CURSOR, cursor, 3);
    if (parts == null) {
      return null;
    }
    if (!TYPES.contains(parts.get(1)) || parts.get(2).isEmpty()) {
      throw KeysetCursor.invalid();
    }
    try {
      return new Object[]{OffsetDateTime.ofInstant(Instant.parse(parts.get(0)), ZoneOffset.UTC), parts.get(1), parts.get(2)};
    } catch (DateTimeParseException e) {
      throw KeysetCursor.invalid();
    }
  }
}
