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
   * {@code communities.membership} {org, communityId, userId, groupId?} → {exists, isPrivate, member,
   * role}: exists is false (and member false, role null) for an unknown community, one of another
   * organisation, or an id that is no UUID. With {@code groupId} the answer adds {groupExists,
   * groupPrivate, groupMember, seesGroup, seesGroupPosts}: whether that group is in the community,
   * private, has the user as a member, and whether the user may see the group itself and its posts,
   * by the same rules as the group and post routes ({@link ContentOps#seesGroup},
   * {@link ContentOps#seesGroupPosts}); a group not in the community is seen by no one.
   */
  private Future<JsonObject> membership(JsonObject msg) {
    UUID id;
    UUID group = null;
    try {
      id = UUID.fromString(String.valueOf(msg.getValue("communityId")));
      if (msg.getValue("groupId") != null) {
        group = UUID.fromString(String.valueOf(msg.getValue("groupId")));
      }
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new JsonObject().put("exists", false).put("member", false).putNull("role"));
    }
    boolean askedGroup = group != null;
    return env.store.membership(msg.getString("org", "default"), id, msg.getString("userId"), group).map(r -> {
      if (r == null) {
        return new JsonObject().put("exists", false).put("member", false).putNull("role");
      }
      JsonObject a = new JsonObject().put("exists", true).put("isPrivate", r.getBoolean(0))
        .put("member", r.getString(1) != null).put("role", r.getString(1));
      if (askedGroup) {
        boolean exists = r.getUUID(2) != null;
        boolean groupPrivate = exists && r.getBoolean(3);
        a.put("groupExists", exists).put("groupPrivate", groupPrivate).put("groupMember", r.getString(4) != null)
          .put("seesGroup", exists && ContentOps.seesGroup(r.getBoolean(0), r.getString(1), groupPrivate, r.getString(4)))
          .put("seesGroupPosts", exists && ContentOps.seesGroupPosts(r.getBoolean(0), r.getString(1), groupPrivate, r.getString(4)));
      }
      return a;
    });
  }
}
