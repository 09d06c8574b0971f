package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.core.paging.Paging;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The cursor walk of a post feed (issue 12), pinned posts first, stable under pinning and unpinning.
 *
 * <p>The walk's first request takes the feed's pinned posts at that moment (newest first, at most
 * {@value #HEAD}) as its head, and the cursor carries those ids. The walk lists the head first, then
 * every other post of the feed by the immutable key (created_at, id), newest first, leaving out the
 * head's ids. A post pinned during the walk is not in the head, so it is met at its place in time; a
 * head post unpinned during the walk is still left out of the rest: no post is repeated or dropped.
 * Pinned posts beyond the first {@value #HEAD} are met at their place in time.
 */
final class PostFeed {

  /** Pinned posts carried in the head of a walk (and so in its cursor). */
  static final int HEAD = 20;

  private final ContentStore content;
  private final UUID communityId;
  private final UUID groupId;

  PostFeed(ContentStore content, UUID communityId, UUID groupId) {
    this.content = content;
    this.communityId = communityId;
    this.groupId = groupId;
  }

  private String kind() {
    return "posts" + (groupId == null ? communityId : groupId);
  }

  /** One page of the walk: {@code {data, total, page: null, limit, nextCursor?}}. */
  Future<ApiReply> walk(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    int limit = paging.limit();
    List<String> key = KeysetCursor.decode(kind(), paging.cursor(), 4);
    Future<UUID[]> headF;
    String phase;
    long fromOrd;
    OffsetDateTime afterAt;
    UUID afterId;
    try {
      if (key == null) {
        headF = content.pinnedHead(communityId, groupId, HEAD).map(l -> l.toArray(new UUID[0]));
        phase = "h";
        fromOrd = 1;
        afterAt = null;
        afterId = null;
      } else {
        UUID[] head = parseIds(key.get(1));
        headF = Future.succeededFuture(head);
        phase = key.get(0);
        if (phase.equals("h")) {
          fromOrd = Long.parseLong(key.get(2)) + 1;
          afterAt = null;
          afterId = null;
        } else if (phase.equals("t")) {
          fromOrd = Long.MAX_VALUE;
          afterAt = OffsetDateTime.parse(key.get(2));
          afterId = UUID.fromString(key.get(3));
        } else {
          throw KeysetCursor.invalid();
        }
      }
    } catch (RuntimeException e) {
      throw KeysetCursor.invalid();
    }
    return headF.compose(head -> {
      Future<List<Row>> headRows = phase.equals("h")
        ? content.headPosts(communityId, groupId, head, fromOrd, limit + 1).map(PostFeed::list)
        : Future.succeededFuture(new ArrayList<>());
      return headRows.compose(hs -> {
        int rest = limit + 1 - hs.size();
        Future<List<Row>> tail = rest <= 0 ? Future.succeededFuture(new ArrayList<>())
          : content.postsAfter(communityId, groupId, head, afterAt, afterId, rest).map(PostFeed::list);
        return tail.compose(ts -> content.countPosts(communityId, groupId).map(total -> {
          JsonArray data = new JsonArray();
          String next = null;
          List<Row> all = new ArrayList<>(hs);
          all.addAll(ts);
          int shown = Math.min(limit, all.size());
          for (int i = 0; i < shown; i++) {
            data.add(Views.post(all.get(i)));
          }
          if (all.size() > limit) {
            Row last = all.get(shown - 1);
            String ids = joinIds(head);
            next = shown <= hs.size()
              ? KeysetCursor.encode(kind(), "h", ids, last.getLong("ord"), "-")
              : KeysetCursor.encode(kind(), "t", ids, last.getOffsetDateTime("created_at").toString(), last.getUUID("id"));
          }
          return ApiReply.ok(paging.result(data, total, next).put("nextCursor", next));
        }));
      });
    });
  }

  private static List<Row> list(Iterable<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  private static String joinIds(UUID[] ids) {
    StringBuilder sb = new StringBuilder();
    for (UUID id : ids) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(id);
    }
    return sb.toString();
  }

  private static UUID[] parseIds(String s) {
    if (s.isEmpty()) {
      return new UUID[0];
    }
    String[] parts = s.split(",");
    if (parts.length > HEAD) {
      throw KeysetCursor.invalid();
    }
    UUID[] ids = new UUID[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ids[i] = UUID.fromString(parts[i]);
    }
    return ids;
  }
}
