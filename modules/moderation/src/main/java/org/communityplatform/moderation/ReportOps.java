package org.communityplatform.moderation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.text.Text;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Filing and resolving reports (issue 14, "Reports and a queue"): any member of a place reports a post,
 * a page post or a member there; the place's moderators resolve it, and every open report on the same
 * target closes with the resolution.
 */
final class ReportOps {

  /**
   * How long a claim on reports holds without its resolver closing them: longer than any bus call of
   * the action (which time out well within it), so only a resolver that died loses its claim.
   */
  static final java.time.Duration CLAIM_TIMEOUT = java.time.Duration.ofMinutes(2);

  private final Env env;
  private final ReportLimits limits;

  ReportOps(Env env) {
    this.env = env;
    this.limits = new ReportLimits(env.throttle);
  }

  void register(Env.Registry r) {
    r.op("createReport", this::create);
    r.op("resolveReport", this::resolve);
  }

  // ---- filing ------------------------------------------------------------------------------------------

  /**
   * {@code POST /api/reports}: 201 with the report. 404 for a target or place the reporter cannot see,
   * 403 for a visible place they are not a member of, 400 for a member reporting themselves or a place
   * that does not fit the target, 409 {@code already_reported} while their earlier report on the same
   * target is open, 429 over a write limit. Every answer carries the rate-limit headers.
   */
  private Future<ApiReply> create(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    return limits.acquire(org, me, req.clientAddress())
      .compose(granted -> Future.succeededFuture().compose(x -> file(req, me, org)).map(granted::on)
        .recover(err -> Future.failedFuture(granted.on(ApiError.from(err)))));
  }

  private Future<ApiReply> file(ApiRequest req, String me, String org) {
    JsonObject b = req.body();
    String type = b.getString("targetType");
    String targetId = b.getString("targetId");
    return env.places.locate(org, type, targetId, b.getString("communityId"), b.getString("pageId"))
      .compose(target -> env.places.membership(org, target.placeType(), target.placeId(), me)
        .compose(place -> {
          String what = target.isContent() ? "post" : target.placeType();
          if (!place.exists() || place.hidden() && !place.member()) {
            throw ApiError.notFound(what + " not found");
          }
          Places.agrees(target, b.getString("communityId"), b.getString("pageId"));
          if (!place.member()) {
            throw ApiError.forbidden("only members of the " + target.placeType() + " can report there");
          }
          if (target.isContent()) {
            return Future.succeededFuture(target);
          }
          if (target.id().equals(me)) {
            throw Views.badField("targetId", "you cannot report yourself");
          }
          return env.places.membership(org, target.placeType(), target.placeId(), target.id()).map(t -> {
            if (!t.member()) {
              throw ApiError.notFound("member not found");
            }
            return target;
          });
        }))
      .compose(target -> insert(org, me, target, b));
  }

  private Future<ApiReply> insert(String org, String me, Target target, JsonObject b) {
    Report r = new Report();
    r.id = UUID.randomUUID();
    r.org = org;
    r.reporterId = me;
    r.target = target;
    r.reason = b.getString("reason");
    String details = b.getString("details") == null ? null : Text.nfc(b.getString("details")).strip();
    r.details = details == null || details.isEmpty() ? null : details;
    r.createdAt = env.now();
    return env.pool.withTransaction(conn -> env.store.findOpen(conn, org, me, target).compose(existing -> {
        if (existing != null) {
          throw new ApiError(409, "already_reported", "you already have an open report on this target",
            new JsonObject().put("reportId", existing.toString()));
        }
        // no target id and no details in the event: who or what was reported is for the moderators' queue
        Event created = Event.of("report.created", org).actor(me).subject("reportId", r.id)
          .subject(Place.idField(target.placeType()), target.placeId())
          .data(new JsonObject().put("targetType", target.type()).put("reason", r.reason));
        return env.store.insert(conn, r).compose(x -> env.events.append(conn, created));
      }))
      .map(x -> ApiReply.created(Views.report(r)));
  }

  // ---- resolving ---------------------------------------------------------------------------------------

  /**
   * {@code POST /api/reports/{reportId}/resolve}: carries out the action through the place's module
   * ({@code communities.moderate} / {@code pages.moderate}), then closes the report and every other open
   * report on the same target, with a {@code report.resolved} event per report and one audit entry, in
   * one transaction. A ban or mute decided on a reported post also removes the post. 404 for a report the
   * caller cannot see, 403 for members and reporters who are not moderators, 409 when already resolved,
   * 400 for an action that does not fit the target; a refusal of the other module is answered as it came
   * and leaves the report open.
   */
  private Future<ApiReply> resolve(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = ApiRequest.uuidOr404(req.pathParam("reportId"), "report");
    JsonObject b = req.body();
    String action = b.getString("action");
    String reason = b.getString("reason") == null ? null : Text.nfc(b.getString("reason")).strip();
    Instant expiresAt = expiry(b.getString("expiresAt"), action);
    return env.store.find(env.pool, org, id, false).compose(r -> {
      if (r == null) {
        throw ApiError.notFound("report not found");
      }
      return env.places.membership(org, r.target.placeType(), r.target.placeId(), me).compose(place -> {
        if (!place.canModerate()) {
          if (me.equals(r.reporterId) || place.member()) {
            throw ApiError.forbidden("only the moderators of the " + place.type() + " resolve its reports");
          }
          throw ApiError.notFound("report not found");
        }
        if (!r.open()) {
          throw new ApiError(409, "already_resolved", "the report is already resolved");
        }
        if (action.equals("remove_content") && !r.target.isContent()) {
          throw Views.badField("action", "a reported member has no content to remove; dismiss, mute or ban");
        }
        String why = reason == null || reason.isEmpty() ? "reported for " + r.reason : reason;
        // claim first, act second, close third: of two resolvers at once only the one holding the claim acts
        OffsetDateTime now = env.now();
        return env.store.claimTarget(org, r.id, now, now.minus(CLAIM_TIMEOUT)).compose(claimed -> {
          if (!claimed.contains(r.id)) {
            if (!claimed.isEmpty()) {
              env.store.release(org, claimed);
            }
            throw new ApiError(409, "already_resolved", "the report is already resolved or being resolved");
          }
          return carryOut(req, org, me, place, r, action, why, expiresAt)
            .compose(done -> close(req, org, me, r, claimed, action, reason == null || reason.isEmpty() ? null : reason,
              expiresAt))
            // the action failed (or the close did): the reports go back to the queue, to be retried
            .recover(err -> env.store.release(org, claimed).transform(x -> Future.<ApiReply>failedFuture(err)));
        });
      });
    });
  }

  /** A mute's or ban's end: an ISO-8601 instant after now; absent means until lifted. Only mutes and bans have one. */
  private Instant expiry(String value, String action) {
    if (value == null) {
      return null;
    }
    if (!action.equals("mute") && !action.equals("ban")) {
      throw Views.badField("expiresAt", "only a mute or a ban has an end");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw Views.badField("expiresAt", "expiresAt must be a date-time such as 2030-01-31T12:00:00Z");
    }
    if (!at.isAfter(env.clock.instant())) {
      throw Views.badField("expiresAt", "expiresAt must be in the future");
    }
    // RFC 3339 has four-digit years: the places refuse an end at or after year 10000 in UTC, and so do we
    if (!at.isBefore(Instant.parse("+10000-01-01T00:00:00Z"))) {
      throw Views.badField("expiresAt", "expiresAt must be before the year 10000 in UTC");
    }
    return at;
  }

  private Future<?> carryOut(ApiRequest req, String org, String me, Place place, Report r, String action, String why,
                             Instant expiresAt) {
    Target t = r.target;
    switch (action) {
      case "dismiss":
        return Future.succeededFuture();
      case "remove_content":
        return removePost(req, org, me, place, t, why);
      default:
        if (t.userId() == null) {
          throw new ApiError(409, "no_author", "the reported post has no known author to " + action);
        }
        Future<?> acted = env.places.moderate(org, place, me, req.reqId(), action, null, t.userId(), why, expiresAt);
        return t.isContent() ? acted.compose(x -> removePost(req, org, me, place, t, why)) : acted;
    }
  }

  /** Removes the reported post; a post that is already gone (404) needs no removal. */
  private Future<?> removePost(ApiRequest req, String org, String me, Place place, Target t, String why) {
    return env.places.moderate(org, place, me, req.reqId(), "remove_post", t.id(), null, why, null)
      .recover(err -> ApiError.from(err).status() == 404 ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private Future<ApiReply> close(ApiRequest req, String org, String me, Report r, List<UUID> claimed, String action,
                                 String reason, Instant expiresAt) {
    OffsetDateTime now = env.now();
    Target t = r.target;
    String placeField = Place.idField(t.placeType());
    return env.pool.withTransaction(conn -> env.store.find(conn, org, r.id, true).compose(locked -> {
        if (locked == null || !locked.claimed) {
          throw new ApiError(409, "already_resolved", "the report was resolved meanwhile");
        }
        return env.store.closeTarget(conn, org, t, claimed, action, reason, me, now).compose(ids -> {
          JsonArray closed = new JsonArray();
          ids.forEach(x -> closed.add(x.toString()));
          List<Event> events = new java.util.ArrayList<>();
          for (UUID x : ids) {
            events.add(Event.of("report.resolved", org).actor(me).subject("reportId", x).subject(placeField, t.placeId())
              .data(new JsonObject().put("targetType", t.type()).put("action", action)));
          }
          AuditEntry entry = AuditEntry.of(org, "report.resolved").actor(me).target(t.type(), t.id()).scope(t.placeId())
            .before(new JsonObject().put("status", Report.OPEN).put("openReports", ids.size()))
            .after(new JsonObject().put("status", Report.RESOLVED).put("action", action).put("reason", reason)
              .put("expiresAt", expiresAt == null ? null : expiresAt.toString()).put("reportIds", closed))
            .reqId(req.reqId());
          return env.events.appendAll(conn, events).compose(x -> env.audit.append(conn, entry)).map(x -> closed);
        });
      }))
      .map(closed -> {
        r.status = Report.RESOLVED;
        r.resolution = action;
        r.resolutionReason = reason;
        r.resolvedBy = me;
        r.resolvedAt = now;
        return ApiReply.ok(Views.report(r).put("closedReportIds", closed));
      });
  }
}
