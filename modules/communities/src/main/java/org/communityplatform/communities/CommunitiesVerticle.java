package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.UUID;

/** Serves the communities module's operations and its internal address over the bus. */
final class CommunitiesVerticle extends ApiVerticle {

  private Env env;

  CommunitiesVerticle(ModuleContext ctx) {
    super(ctx);
  }

  @Override
  protected Future<?> setUp() {
    // a setting out of range throws: ApiVerticle fails the deployment with it
    Settings settings = new Settings(ctx.config());
    env = new Env(vertx, new CommunityStore(ctx.pool(), ctx.clock()), new ContentStore(ctx.pool(), ctx.clock()), settings,
      ctx.outbox(), ctx.clock(), ctx.events(), ctx.audit(), ctx.throttle(), new Env.Bus() {
        @Override
        public void publish(String name, JsonObject event) {
          CommunitiesVerticle.this.publish(name, event);
        }

        @Override
        public Future<JsonObject> ask(String address, JsonObject message) {
          return CommunitiesVerticle.this.ask(address, message);
        }

        @Override
        public Future<JsonObject> ask(String address, JsonObject message, long timeoutMs) {
          return CommunitiesVerticle.this.ask(address, message, timeoutMs);
        }
      });
    return Future.succeededFuture();
  }

  @Override
  protected void register() {
    Env.Registry registry = this::operation;
    new CommunityOps(env).register(registry);
    new AdminOps(env).register(registry);
    new JoinOps(env).register(registry);
    new ContentOps(env).register(registry);
    ModerationOps moderation = new ModerationOps(env);
    moderation.register(registry);
    InviteOps invites = new InviteOps(env);
    invites.register(registry);

    // module to module: a post's place and author (moderation of reported posts)
    internal("communities.postInfo", moderation::postInfo);
    // module to module: remove_post | mute | ban by an owner, admin or moderator, with event and audit entry
    internal("communities.moderate", moderation::moderate);
    // module to module: communities, groups and members in pages (the chat sync backfill)
    new ExportOps(new ExportStore(ctx.pool())).register(this::internal);

    // module to module: is this user a member of that community, and with which role? (events, moderation)
    internal("communities.membership", this::membership);
  }

  /**
   * {@code communities.membership} {org, communityId, userId} → {exists, isPrivate, member, role}: exists
   * is false (and member false, role null) for an unknown community, one of another organisation, or an
   * id that is no UUID.
   */
  private Future<JsonObject> membership(JsonObject msg) {
    UUID id;
    try {
      id = UUID.fromString(String.valueOf(msg.getValue("communityId")));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new JsonObject().put("exists", false).put("member", false).putNull("role"));
    }
    return env.store.membership(msg.getString("org", "default"), id, msg.getString("userId")).map(r -> r == null
      ? new JsonObject().put("exists", false).put("member", false).putNull("role")
      : new JsonObject().put("exists", true).put("isPrivate", r.getBoolean(0))
        .put("member", r.getString(1) != null).put("role", r.getString(1)));
  }
}
